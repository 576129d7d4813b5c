//! [`NmpClient`]: an agent on the mesh, and execution on the nodes it found. Discovery, the
//! per-node caches and the retry schedules each have their own module.

mod cache;
mod discovery;
mod retry;

use std::{collections::HashSet, sync::Arc, time::Duration};

use futures::future::join_all;
use nmp_crypto::Identity;
use nmp_guardian::Guardian;
use nmp_net::{Mesh, PeerId};
use nmp_wire::pb;

pub(crate) use self::cache::is_fresh;
use self::cache::{Documents, MAX_CACHED_DOCUMENTS, StreamSlots};
pub use self::discovery::{Discovery, MAX_PROVIDERS, Provider};
use crate::{Answer, Builder, Error, Logic, NodeAnswer};

/// A cached document is refetched this long before its expiry (or its newest KEM key's), so a
/// request is never sealed to a key about to lapse: 30 s.
pub(crate) const REFRESH_MARGIN_MS: u64 = 30_000;

/// An agent on the mesh. Cloning is cheap; the mesh stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct NmpClient {
    shared: Arc<Shared>,
}

/// What every clone of a client shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) identity: Identity,
    pub(crate) mesh: Mesh,
    pub(crate) guardian: Guardian,
    pub(crate) execute_timeout: Duration,
    pub(crate) request_timeout: Duration,
    /// Verified capability documents, the most recently used first.
    documents: Documents,
    /// Per node, the logic streams this agent may have open at once.
    streams: StreamSlots,
    /// The only nodes logic may be sent to, when pinned.
    trusted: Option<HashSet<PeerId>>,
    /// What a node's attestation must satisfy, when a TEE is required.
    pub(crate) tee: Option<nmp_attest::Policy>,
}

impl Shared {
    pub(crate) fn new(
        identity: Identity,
        mesh: Mesh,
        guardian: Guardian,
        (execute_timeout, request_timeout): (Duration, Duration),
        max_streams_per_node: usize,
        (trusted, tee): (Option<HashSet<PeerId>>, Option<nmp_attest::Policy>),
    ) -> Self {
        Self {
            identity,
            mesh,
            guardian,
            execute_timeout,
            request_timeout,
            documents: Documents::new(MAX_CACHED_DOCUMENTS),
            streams: StreamSlots::new(max_streams_per_node),
            trusted,
            tee,
        }
    }
}

impl NmpClient {
    /// A builder with the defaults: a fresh identity, no bootstrap peers.
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The agent's PeerId, as nodes see it.
    pub fn peer_id(&self) -> PeerId {
        self.shared.identity.peer_id()
    }

    /// The mesh handle (listen addresses, dialling).
    pub fn mesh(&self) -> &Mesh {
        &self.shared.mesh
    }

    /// The pre-flight check: the Guardian report for `wasm` under the client's policy.
    ///
    /// Fails with [`Error::Rejected`] (carrying the report) when the module would be refused.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), nmp_client::Error> {
    /// use nmp_client::{Error, NmpClient};
    ///
    /// let client = NmpClient::builder().connect().await?;
    /// // A WASI command that imports a socket call: refused before anything is sent.
    /// let wasm = wat::parse_str(r#"(module
    ///     (import "wasi_snapshot_preview1" "sock_send"
    ///         (func (param i32 i32 i32 i32 i32) (result i32)))
    ///     (memory (export "memory") 1)
    ///     (func (export "_start")))"#).expect("valid WAT");
    /// match client.preflight(&wasm) {
    ///     Err(Error::Rejected(report)) => println!("{}", report.findings[0].message),
    ///     other => panic!("expected a rejection, got {other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn preflight(&self, wasm: &[u8]) -> Result<nmp_guardian::Report, Error> {
        let report = self.shared.guardian.inspect(wasm);
        if report.is_accepted() {
            Ok(report)
        } else {
            Err(Error::Rejected(Box::new(report)))
        }
    }

    /// Whether logic may be sent to `peer`: always without a pin, else only to pinned nodes.
    pub fn trusts(&self, peer: &PeerId) -> bool {
        self.shared
            .trusted
            .as_ref()
            .is_none_or(|trusted| trusted.contains(peer))
    }

    /// The cached document of `peer` while it and a KEM key stay valid for
    /// [`REFRESH_MARGIN_MS`], else a fresh one.
    async fn provider(&self, peer: PeerId) -> Result<Provider, Error> {
        let fresh_until = now_ms().saturating_add(REFRESH_MARGIN_MS);
        match self.shared.documents.fresh(&peer, fresh_until) {
            Some(provider) => Ok(provider),
            None => self.describe(peer).await,
        }
    }

    /// Runs `logic` on `peer`: pre-flight, seal, send, stream, open, verify. Returns the
    /// answer only when its receipt verifies against the node, the module, the input and the
    /// output, and matches this request. A node outside the client's pin is refused with
    /// [`Error::Untrusted`] before anything is sent. Everything after the pre-flight, retries
    /// included, lives inside one deadline ([`Builder::execute_timeout`]); past it the call
    /// fails with [`Error::Timeout`]. A node that cannot be reached at the addresses held for
    /// it, or that refuses the envelope (`ENVELOPE_INVALID`, as a node restarted on its key
    /// does a request sealed to its previous KEM key), is described afresh (through a DHT
    /// lookup when unreachable) and sent the logic once more, sealed anew.
    pub async fn execute(&self, peer: PeerId, logic: &Logic) -> Result<Answer, Error> {
        self.execute_with_progress(peer, logic, |_, _| {}).await
    }

    /// [`NmpClient::execute`], calling `progress` with each status event as it arrives.
    pub async fn execute_with_progress(
        &self,
        peer: PeerId,
        logic: &Logic,
        progress: impl Fn(PeerId, &pb::Status) + Sync,
    ) -> Result<Answer, Error> {
        self.preflight(&logic.wasm)?;
        self.run_on(peer, logic, &progress).await
    }

    pub(crate) async fn run_on(
        &self,
        peer: PeerId,
        logic: &Logic,
        progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    ) -> Result<Answer, Error> {
        if !self.trusts(&peer) {
            return Err(Error::Untrusted { peer });
        }
        // One deadline for the whole call: the document, the stream slot, every open, resend
        // and retry, and the run. Dropping the run on it cancels the job.
        let run = async {
            let provider = self.provider(peer).await?;
            let _slot = self.shared.streams.acquire(peer).await;
            match self.run_retrying(&provider, logic, progress).await {
                // Nothing ran: describe the node afresh (looking it up in the DHT if it is
                // unreachable) and send once more, sealed anew to the key it offers now.
                Err(err) if is_stale(&err) => {
                    let provider = self.describe(peer).await?;
                    self.run_retrying(&provider, logic, progress).await
                }
                result => result,
            }
        };
        let after = self.shared.execute_timeout;
        tokio::time::timeout(after, run)
            .await
            .map_err(|_| Error::Timeout { peer, after })?
    }

    /// Discovers every provider of `logic.capability` and runs `logic` on each, concurrently.
    ///
    /// The module is checked once before anything is sent. Fails with [`Error::Rejected`] on
    /// pre-flight, [`Error::NoProviders`] when nobody provides the capability, or
    /// [`Error::Mesh`] when the lookup fails; otherwise returns one [`NodeAnswer`] per provider,
    /// including the ones that could not be described.
    pub async fn execute_all(&self, logic: &Logic) -> Result<Vec<NodeAnswer>, Error> {
        self.execute_all_with_progress(logic, |_, _| {}).await
    }

    /// [`NmpClient::execute_all`], calling `progress` with each node's status events.
    pub async fn execute_all_with_progress(
        &self,
        logic: &Logic,
        progress: impl Fn(PeerId, &pb::Status) + Sync,
    ) -> Result<Vec<NodeAnswer>, Error> {
        self.preflight(&logic.wasm)?;
        let discovery = self.discover(&logic.capability).await?;
        self.execute_discovered(discovery, logic, progress).await
    }

    /// Runs `logic` on every provider of a [`Discovery`] (the ones [`NmpClient::discover`]
    /// verified and trusts), concurrently, so that a caller can see and show which nodes will
    /// be sent the module and input before it sends anything. Returns one [`NodeAnswer`] per
    /// provider and per failed one.
    ///
    /// Fails with [`Error::Rejected`] on pre-flight and [`Error::NoProviders`] when the
    /// discovery found nobody.
    pub async fn execute_discovered(
        &self,
        discovery: Discovery,
        logic: &Logic,
        progress: impl Fn(PeerId, &pb::Status) + Sync,
    ) -> Result<Vec<NodeAnswer>, Error> {
        self.preflight(&logic.wasm)?;
        if discovery.providers.is_empty() && discovery.failed.is_empty() {
            return Err(Error::NoProviders {
                capability: logic.capability.clone(),
            });
        }
        let progress = &progress;
        let mut answers = join_all(discovery.providers.iter().map(|p| async move {
            NodeAnswer {
                peer: p.peer,
                answer: self.run_on(p.peer, logic, progress).await,
            }
        }))
        .await;
        answers.extend(discovery.failed.into_iter().map(|(peer, err)| NodeAnswer {
            peer,
            answer: Err(err),
        }));
        Ok(answers)
    }
}

/// Whether `err` says that what the client holds about a node is stale: it was not reached at
/// the addresses held for it, or refused the envelope (as a node restarted on its key does a
/// request sealed to the KEM key of its previous run, which it no longer has). A node
/// restarted on its key at another port fails both ways. Nothing ran in either case.
fn is_stale(err: &Error) -> bool {
    matches!(
        err,
        Error::Mesh(nmp_net::Error::OpenStream(_))
            | Error::Node {
                code: pb::ErrorCode::EnvelopeInvalid,
                ..
            }
    )
}

/// The client's clock: the protocol's, Unix milliseconds.
pub(crate) use nmp_wire::now_ms;
