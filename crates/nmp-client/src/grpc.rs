//! Execution through a node's gRPC endpoint (`LogicMesh`), for agents outside the mesh: the same
//! envelope, the same answer checks. Every network wait has a deadline.

mod session;
mod tls;

use std::{
    future::Future,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use nmp_net::PeerId;
use nmp_wire::{
    limits::MAX_FRAME_BYTES,
    pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient},
};
use tonic::{
    codegen::http::Uri,
    transport::{Channel, Endpoint},
};

use crate::{
    Answer, Error, Logic, NmpClient, Provider, budget,
    client::{REFRESH_MARGIN_MS, is_fresh, now_ms},
    exchange,
};

/// How often the client pings an open gRPC connection (HTTP/2 PING), idle or not: every 30 s.
/// A ping not answered within the request timeout closes the connection, which fails the calls
/// on it.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);

/// A Data Node reached through its gRPC endpoint: one HTTP/2 connection (over TLS for
/// `https://`) and the node's verified capability document, reused by every call and fetched
/// again once it (or its newest KEM key) is within 30 s of expiring. Cheap to clone; clones
/// share the connection and the document.
#[derive(Debug, Clone)]
pub struct GrpcNode {
    client: NmpClient,
    endpoint: Arc<str>,
    channel: LogicMeshClient<Channel>,
    provider: Arc<Mutex<Provider>>,
    /// The sealed session with the node, shared by clones; its lock serializes opening one.
    session: Arc<tokio::sync::Mutex<session::Slot>>,
}

impl NmpClient {
    /// Connects to a node's gRPC endpoint, fetches its capability document and verifies it.
    ///
    /// `http://host:port` is plain HTTP/2. `https://host:port` is TLS 1.3 to a node serving
    /// `grpc_tls`: its certificate must carry the libp2p TLS extension (the certificate key
    /// signed by the node's identity key), which names the node's PeerId; a certificate
    /// without it, or naming another PeerId than `expected_node`, is refused in the
    /// handshake, and every later connection must name the same PeerId. Pass the PeerId you
    /// expect as `expected_node`; without it, the document is trusted for the node it names
    /// (over TLS: the node the certificate names), and every answer is then checked against
    /// that node.
    ///
    /// The connection, the TLS handshake and the document each have the client's request
    /// timeout ([`crate::Builder::request_timeout`]). Fails with [`Error::GrpcTimeout`] past
    /// it, [`Error::Grpc`] when the endpoint is malformed, unreachable or its certificate is
    /// refused, and [`Error::Document`] when the document is refused.
    pub async fn connect_grpc(
        &self,
        endpoint: &str,
        expected_node: Option<PeerId>,
    ) -> Result<GrpcNode, Error> {
        let shared = self.shared();
        let after = shared.request_timeout;
        let timed_out = || Error::GrpcTimeout {
            endpoint: endpoint.to_owned(),
            after,
        };
        let uri: Uri = endpoint.parse().map_err(|e| Error::Grpc(Box::new(e)))?;
        // No connect timeout of tonic's own: `within` bounds the first connection, and every
        // call bounds its own wait (a reconnect included).
        let settings = Endpoint::from(uri.clone())
            .tcp_nodelay(true)
            .http2_keep_alive_interval(KEEPALIVE_INTERVAL)
            .keep_alive_timeout(after)
            .keep_alive_while_idle(true);
        let pin = tls::Pin::new(expected_node);
        let channel = match uri.scheme_str() {
            Some("http") => within(after, settings.connect()).await,
            Some("https") => {
                let connector = tls::Connector::new(&shared.identity, pin.clone())?;
                within(after, settings.connect_with_connector(connector)).await
            }
            _ => {
                return Err(Error::Grpc(
                    "the endpoint must be http:// or https://".into(),
                ));
            }
        }
        .ok_or_else(timed_out)?
        .map_err(|e| Error::Grpc(e.into()))?;
        let channel = LogicMeshClient::new(channel)
            .max_decoding_message_size(MAX_FRAME_BYTES)
            .max_encoding_message_size(MAX_FRAME_BYTES);
        let signed = fetch_document(channel.clone(), endpoint, after).await?;
        let provider = self.verify_document(&signed, expected_node.or_else(|| pin.node()))?;
        Ok(GrpcNode {
            client: self.clone(),
            endpoint: endpoint.into(),
            channel,
            provider: Arc::new(Mutex::new(provider)),
            session: Arc::default(),
        })
    }
}

/// Asks the node for its signed capability document within `after`.
async fn fetch_document(
    mut channel: LogicMeshClient<Channel>,
    endpoint: &str,
    after: Duration,
) -> Result<pb::SignedCapabilityDocument, Error> {
    Ok(within(after, channel.describe(pb::DescribeRequest {}))
        .await
        .ok_or_else(|| Error::GrpcTimeout {
            endpoint: endpoint.to_owned(),
            after,
        })?
        .map_err(|status| Error::Grpc(status.into()))?
        .into_inner())
}

impl GrpcNode {
    /// The node and its verified capability document: the one fetched at connect time or
    /// at the latest refresh.
    pub fn provider(&self) -> Provider {
        self.provider
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The document to seal to: the current one while it and a KEM key stay valid for 30 s
    /// more, else a fresh one from the node, verified against the same node (a document
    /// naming another node is refused with [`Error::Document`] and the old one kept).
    async fn fresh_provider(&self) -> Result<Provider, Error> {
        let current = self.provider();
        if is_fresh(&current, now_ms().saturating_add(REFRESH_MARGIN_MS)) {
            return Ok(current);
        }
        let after = self.client.shared().request_timeout;
        let signed = fetch_document(self.channel.clone(), &self.endpoint, after).await?;
        let fresh = self.client.verify_document(&signed, Some(current.peer))?;
        *self.provider.lock().unwrap_or_else(PoisonError::into_inner) = fresh.clone();
        Ok(fresh)
    }

    /// Runs `logic` on the node, with the same pre-flight, envelope and receipt checks as
    /// [`NmpClient::execute`]; a node outside the client's trusted-nodes pin is refused with
    /// [`Error::Untrusted`] before anything is sent.
    ///
    /// The request is sealed in the handle's session with the node (opened on first use, and
    /// again within 30 s of its expiry or at its last counter), so it costs no key exchange and
    /// no signature; a node that does not serve sessions, an attested node (a TEE receipt is
    /// bound to the KEM key a request names), or a handle
    /// [without them](GrpcNode::without_sessions), gets the per-request envelope. When the node
    /// no longer knows the session (`ERROR_CODE_SESSION_UNKNOWN`: it restarted, or evicted or
    /// expired the session), nothing ran: a new session is opened and the request sent once
    /// more under a new request id.
    ///
    /// A document (or its newest KEM key) within 30 s of expiring is fetched again first, with
    /// the request timeout, and verified against the same node.
    ///
    /// The node's response headers must arrive within the client's request timeout and the
    /// whole execution after the pre-flight (the document refetch included) within its
    /// execute timeout; past either, the call is dropped (which cancels the job) and the
    /// result is [`Error::Timeout`].
    pub async fn execute(&self, logic: &Logic) -> Result<Answer, Error> {
        self.client.preflight(&logic.wasm)?;
        self.deliver(logic).await
    }

    /// The agent's own standing on each dataset of `capability` that has privacy controls,
    /// without running anything (see [`NmpClient::budget`]).
    pub async fn budget(&self, capability: &str) -> Result<Vec<pb::PrivacyApplied>, Error> {
        let peer = self.provider().peer;
        budget::standings(peer, self.deliver(&budget::query(capability)).await?)
    }

    /// Seals `logic` to the node, sends it and verifies the answer, within the client's
    /// execute timeout; a node outside the trusted-nodes pin is refused first.
    async fn deliver(&self, logic: &Logic) -> Result<Answer, Error> {
        let peer = self.provider().peer;
        if !self.client.trusts(&peer) {
            return Err(Error::Untrusted { peer });
        }
        let after = self.client.shared().execute_timeout;
        within(after, self.run(logic))
            .await
            .ok_or(Error::Timeout { peer, after })?
    }

    /// [`GrpcNode::deliver`] without the overall deadline.
    async fn run(&self, logic: &Logic) -> Result<Answer, Error> {
        let provider = self.fresh_provider().await?;
        // A TEE receipt is bound to the attested KEM key a request names; session requests
        // name none, so an attested node gets the per-request envelope.
        if provider.attested.is_some() {
            return self.send(&provider, logic, None).await;
        }
        let session = self.session(&provider).await?;
        let Some(stale) = session else {
            return self.send(&provider, logic, None).await;
        };
        match self.send(&provider, logic, Some(&stale)).await {
            Err(Error::Node {
                code: pb::ErrorCode::SessionUnknown,
                ..
            }) => {
                self.forget(&stale).await;
                let session = self.session(&provider).await?;
                self.send(&provider, logic, session.as_deref()).await
            }
            answer => answer,
        }
    }

    /// Seals `logic` (in `session`, or in its own envelope), sends it and checks the answer.
    async fn send(
        &self,
        provider: &Provider,
        logic: &Logic,
        session: Option<&nmp_crypto::session::Session>,
    ) -> Result<Answer, Error> {
        let peer = provider.peer;
        let shared = self.client.shared();
        let sealed = match session {
            Some(session) => exchange::seal_in_session(
                session,
                shared.identity.peer_id(),
                provider,
                logic,
                now_ms(),
            )?,
            None => exchange::seal(&shared.identity, provider, logic, now_ms())?,
        };
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(sealed.request.clone())),
        };
        let mut channel = self.channel.clone();
        let after = shared.request_timeout;
        let responses = within(after, channel.execute(futures::stream::iter([start])))
            .await
            .ok_or(Error::Timeout { peer, after })?
            .map_err(|status| Error::Grpc(status.into()))?
            .into_inner();
        exchange::receive(provider, &sealed, responses, &|_, _| {}, &mut false).await
    }
}

/// `wait` within `after`; `None` when the deadline passed first (`wait` is then dropped).
async fn within<T>(after: Duration, wait: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(after, wait).await.ok()
}
