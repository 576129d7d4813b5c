//! [`Error`]: what can go wrong on the mesh.

use libp2p::{Multiaddr, PeerId};

use crate::codec::FrameError;

/// A boxed source error from the libp2p stack, kept for its chain.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a mesh operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A [`Config`](crate::Config) field holds a value the mesh cannot run with (its name is
    /// given); no mesh exists.
    #[error("invalid configuration: `{0}` must be at least 1")]
    InvalidConfig(&'static str),
    /// Building the transports (TCP, QUIC, WebSocket, Noise, Yamux) failed; no mesh exists.
    #[error("could not set up the transports")]
    Transport(#[source] BoxError),
    /// A configured listen address could not be bound; no mesh exists.
    #[error("could not listen on {addr}")]
    Listen {
        /// The address that failed.
        addr: Multiaddr,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// A listener reported no address before the request timeout; no mesh exists.
    #[error("listener did not report an address in time")]
    ListenTimeout,
    /// A bootstrap address lacks its `/p2p/<peer id>` suffix.
    #[error("bootstrap address {0} does not end in /p2p/<peer id>")]
    BootstrapAddress(Multiaddr),
    /// A capability name is longer than `nmp_wire::limits::MAX_CAPABILITY_BYTES` (its length).
    #[error("capability name of {0} bytes is too long")]
    CapabilityTooLong(usize),
    /// Dialling failed; the mesh keeps running.
    #[error("dial failed")]
    Dial(#[source] BoxError),
    /// The swarm task has stopped; this handle can do nothing more.
    #[error("the mesh has shut down")]
    Shutdown,
    /// Announcing a capability failed (no peer stored the record, or the query timed out). The
    /// local record remains and is republished later.
    #[error("providing the capability failed")]
    Provide(#[source] BoxError),
    /// A `/nmp/info/1` request to `peer` failed (unreachable, unsupported, timed out, refused
    /// or malformed).
    #[error("describe request to {peer} failed")]
    Describe {
        /// The peer asked.
        peer: PeerId,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// A `/nmp/logic/1` stream to the peer could not be opened.
    #[error("could not open a logic stream")]
    OpenStream(#[source] BoxError),
    /// Opening a stream and sending the request took longer than the request timeout; the
    /// stream, if any, was dropped.
    #[error("timed out")]
    Timeout,
    /// A frame on a stream was oversized, truncated or malformed, or the stream failed.
    #[error("framing error")]
    Frame(#[from] FrameError),
}
