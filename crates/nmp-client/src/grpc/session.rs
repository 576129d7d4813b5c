//! Sealed sessions with a gRPC node: one key exchange (`OpenSession`) whose secret the later
//! requests derive their keys from, opened when first needed, again before it expires or runs
//! out, and again when the node no longer knows it.

use std::sync::Arc;

use nmp_crypto::session::{self, Session};
use nmp_wire::pb::{self, session_reply::Reply};
use tonic::Code;

use super::{GrpcNode, within};
use crate::{
    Error, Provider,
    client::{REFRESH_MARGIN_MS, now_ms},
    exchange,
};

/// The node's session as this client knows it.
#[derive(Debug, Default)]
pub(super) enum Slot {
    /// None open yet (or the last one was given up).
    #[default]
    Closed,
    /// Open: requests are sealed in it while it stays usable.
    Open(Arc<Session>),
    /// The node does not serve `OpenSession` (an older node): every request carries its own
    /// envelope.
    Unsupported,
    /// Turned off by [`GrpcNode::without_sessions`].
    Off,
}

impl GrpcNode {
    /// This handle with sealed sessions turned off: every request carries its own key exchange
    /// and signature (the per-request envelope), as the TypeScript SDK's requests do. Costs
    /// about 0.3 ms more CPU per request, split between agent and node. Clones made after
    /// this share the setting; earlier clones keep their sessions.
    pub fn without_sessions(mut self) -> Self {
        self.session = Arc::new(tokio::sync::Mutex::new(Slot::Off));
        self
    }

    /// The session to seal the next request in: the open one while it stays usable for
    /// [`REFRESH_MARGIN_MS`], else a new one; `None` when sessions are off or the node does not
    /// serve them.
    ///
    /// Opening costs one round trip within the request timeout, one ML-KEM-768 encapsulation
    /// and one signature; the node's refusal is [`Error::Node`] with its code.
    pub(super) async fn session(&self, provider: &Provider) -> Result<Option<Arc<Session>>, Error> {
        let mut slot = self.session.lock().await;
        match &*slot {
            Slot::Off | Slot::Unsupported => return Ok(None),
            Slot::Open(open) if open.is_usable(now_ms().saturating_add(REFRESH_MARGIN_MS)) => {
                return Ok(Some(Arc::clone(open)));
            }
            Slot::Open(_) | Slot::Closed => {}
        }
        *slot = Slot::Closed;
        match self.open_session(provider).await? {
            Some(open) => {
                let open = Arc::new(open);
                *slot = Slot::Open(Arc::clone(&open));
                Ok(Some(open))
            }
            None => {
                *slot = Slot::Unsupported;
                Ok(None)
            }
        }
    }

    /// Gives up `stale` (the node answered `ERROR_CODE_SESSION_UNKNOWN` to it), unless another
    /// call already replaced it.
    pub(super) async fn forget(&self, stale: &Session) {
        let mut slot = self.session.lock().await;
        if matches!(&*slot, Slot::Open(open) if open.id() == stale.id()) {
            *slot = Slot::Closed;
        }
    }

    /// Offers a session to the node and checks its acceptance; `None` when the node does not
    /// implement `OpenSession`.
    async fn open_session(&self, provider: &Provider) -> Result<Option<Session>, Error> {
        let peer = provider.peer;
        let shared = self.client.shared();
        let now = now_ms();
        let node_key =
            exchange::usable_key(&provider.document, now).ok_or(Error::NoKemKey { peer })?;
        let (offer, pending) = session::offer(&shared.identity, &peer, node_key, now)?;
        let after = shared.request_timeout;
        let mut channel = self.channel.clone();
        let reply = match within(after, channel.open_session(offer)).await {
            None => return Err(Error::Timeout { peer, after }),
            Some(Err(status)) if status.code() == Code::Unimplemented => return Ok(None),
            Some(Err(status)) => return Err(Error::Grpc(status.into())),
            Some(Ok(reply)) => reply.into_inner(),
        };
        match reply.reply {
            Some(Reply::Accepted(accepted)) => {
                pending
                    .accept(&accepted)
                    .map(Some)
                    .map_err(|source| Error::Response {
                        peer,
                        source: Box::new(source),
                    })
            }
            Some(Reply::Error(error)) => Err(Error::Node {
                peer,
                code: pb::ErrorCode::try_from(error.code).unwrap_or(pb::ErrorCode::Unspecified),
                message: error.message,
            }),
            None => Err(Error::Protocol {
                peer,
                reason: "a session reply without an answer",
            }),
        }
    }
}
