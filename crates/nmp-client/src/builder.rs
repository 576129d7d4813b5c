//! [`Builder`]: how an [`NmpClient`] joins the mesh.

use std::{collections::HashSet, sync::Arc, time::Duration};

use nmp_crypto::Identity;
use nmp_guardian::{Guardian, Policy};
use nmp_net::{Multiaddr, PeerId};

use crate::{Error, NmpClient, client::Shared};

/// Default deadline of one whole execution, from the call to the verified answer, retries
/// included: 120 s. The node's own run deadline is shorter; the rest covers queueing and
/// transit.
pub const DEFAULT_EXECUTE_TIMEOUT: Duration = Duration::from_secs(120);

/// Configures and starts an [`NmpClient`]. Start from [`NmpClient::builder`].
#[derive(Debug)]
pub struct Builder {
    identity: Option<Identity>,
    net: nmp_net::Config,
    execute_timeout: Duration,
    guardian: Policy,
    trusted: Option<HashSet<PeerId>>,
    tee: Option<nmp_attest::Policy>,
}

impl Builder {
    pub(crate) fn new() -> Self {
        Self {
            identity: None,
            net: nmp_net::Config::default(),
            execute_timeout: DEFAULT_EXECUTE_TIMEOUT,
            guardian: Policy::default(),
            trusted: None,
            tee: None,
        }
    }

    /// The agent's identity, which signs every request and is the PeerId nodes see
    /// [default: a fresh one for this client].
    #[must_use]
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// Adds a bootstrap peer: a multiaddr ending in `/p2p/<peer id>`.
    #[must_use]
    pub fn bootstrap(mut self, addr: Multiaddr) -> Self {
        self.net.bootstrap.push(addr);
        self
    }

    /// Adds a listen address [default: none; an agent only dials out].
    #[must_use]
    pub fn listen(mut self, addr: Multiaddr) -> Self {
        self.net.listen.push(addr);
        self
    }

    /// Replaces the mesh configuration (limits, timeouts, listen and bootstrap addresses)
    /// [default: `nmp_net::Config::default()`]. Its `max_logic_streams_per_peer` also caps the
    /// logic streams this agent opens to any one node (further requests wait in the agent), so
    /// it should not exceed the nodes' own value.
    #[must_use]
    pub fn mesh_config(mut self, config: nmp_net::Config) -> Self {
        self.net = config;
        self
    }

    /// Deadline of one DHT query (each lookup) [default: 30 s].
    #[must_use]
    pub fn query_timeout(mut self, timeout: Duration) -> Self {
        self.net.query_timeout = timeout;
        self
    }

    /// Deadline of one describe request and of opening a logic stream; over gRPC, of the
    /// connection with its TLS handshake, of the capability document and of an execution's
    /// response headers [default: 10 s].
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.net.request_timeout = timeout;
        self
    }

    /// Deadline of one whole execution (mesh or gRPC), from the call to the verified answer:
    /// fetching the node's document, waiting for a stream slot, opening the stream, every
    /// resend and `OVERLOADED` retry and the node's run all live inside it (the request timeout
    /// still bounds each open within it). Past it the stream is dropped, which cancels the
    /// job, and the call fails with [`Error::Timeout`] [default: [`DEFAULT_EXECUTE_TIMEOUT`]].
    #[must_use]
    pub fn execute_timeout(mut self, timeout: Duration) -> Self {
        self.execute_timeout = timeout;
        self
    }

    /// The Guardian policy of the pre-flight check [default: the Guardian's default policy,
    /// which is also a Data Node's default].
    #[must_use]
    pub fn guardian_policy(mut self, policy: Policy) -> Self {
        self.guardian = policy;
        self
    }

    /// Pins the nodes this client sends logic and input to: any other node (found through the
    /// DHT or named by the caller) is refused with [`Error::Untrusted`] before anything is sent
    /// to it. Repeated calls add to the set [default: no pin; every verified provider of a
    /// capability is sent the module and its input].
    #[must_use]
    pub fn trusted_nodes(mut self, nodes: impl IntoIterator<Item = PeerId>) -> Self {
        self.trusted.get_or_insert_with(HashSet::new).extend(nodes);
        self
    }

    /// Requires every node to run inside a TEE whose measured code is in `measurements`: a
    /// node's capability document must carry an attestation that verifies offline to the real
    /// vendor root now, is at most a day old, and binds the node's identity and the KEM key the
    /// request is sealed to ([`nmp_attest::Policy::check`]). A node without one is refused with
    /// [`Error::Attestation`] before anything is sealed to it [default: not required].
    #[must_use]
    pub fn require_tee(self, measurements: nmp_attest::AllowList) -> Self {
        self.tee_policy(nmp_attest::Policy::allow(measurements))
    }

    /// As [`require_tee`](Self::require_tee) with a whole policy (other roots, a live
    /// challenge, other TCB statuses).
    #[must_use]
    pub fn tee_policy(mut self, policy: nmp_attest::Policy) -> Self {
        self.tee = Some(policy);
        self
    }

    /// Starts the mesh, dials the bootstrap peers and returns the client.
    ///
    /// Fails with [`Error::Mesh`] when the mesh cannot start (a bad listen or bootstrap
    /// address, an unreachable bootstrap peer is not an error: lookups then find nothing).
    pub async fn connect(self) -> Result<NmpClient, Error> {
        let identity = self.identity.unwrap_or_else(Identity::generate);
        let request_timeout = self.net.request_timeout;
        let max_streams = self.net.max_logic_streams_per_peer;
        let (mesh, _inbound) = nmp_net::Mesh::bind(identity.to_libp2p_keypair(), self.net).await?;
        Ok(NmpClient::from_shared(Arc::new(Shared::new(
            identity,
            mesh,
            Guardian::new(self.guardian),
            (self.execute_timeout, request_timeout),
            max_streams,
            (self.trusted, self.tee),
        ))))
    }
}
