//! [`NmpClient`]: discovery, capability documents and execution over the mesh.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use futures::future::join_all;
use nmp_crypto::{Identity, capability};
use nmp_guardian::Guardian;
use nmp_net::{Mesh, PeerId};
use nmp_wire::pb;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{Answer, Builder, Error, Logic, NodeAnswer, exchange};

/// A cached document is refetched this long before its expiry (or its newest KEM key's), so a
/// request is never sealed to a key about to lapse: 30 s.
const REFRESH_MARGIN_MS: u64 = 30_000;

/// Most times a request is resent when its stream failed before the node answered anything:
/// 5. A node under load drops streams it cannot accept in time, so this is ordinary
/// back-pressure. The same sealed request is resent, so a node that did read an earlier copy
/// refuses the next as a replay: a request runs at most once.
const MAX_RESENDS: u32 = 5;

/// An `OVERLOADED` refusal waits this many times longer than a failed stream before the
/// request is sealed and sent again: 5, so 50 ms doubling, at most [`MAX_OVERLOAD_PAUSE`].
const OVERLOAD_BACKOFF_FACTOR: u32 = 5;
/// Most times an `OVERLOADED` request is sealed and sent again: 8 (about 5 s in all).
const MAX_OVERLOAD_RETRIES: u32 = 8;
/// Longest pause between two `OVERLOADED` retries: 1 s.
const MAX_OVERLOAD_PAUSE: Duration = Duration::from_secs(1);

/// The pause before resend `attempt` (0-based): 10 ms doubling each time, plus up to 15 ms of
/// jitter taken from the (random) request id so that agents refused together do not return
/// together.
fn backoff(attempt: u32, request_id: &[u8]) -> Duration {
    let jitter = request_id
        .get(attempt as usize)
        .map_or(0, |b| u64::from(b % 16));
    Duration::from_millis((10u64 << attempt.min(10)) + jitter)
}

/// A Data Node with its verified capability document.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The node.
    pub peer: PeerId,
    /// Its document, verified against `peer` and unexpired when fetched.
    pub document: pb::CapabilityDocument,
}

impl Provider {
    /// The dataset the node serves under `capability`, if any.
    pub fn dataset(&self, capability: &str) -> Option<&pb::DatasetInfo> {
        self.document
            .datasets
            .iter()
            .find(|d| d.capability == capability)
    }
}

/// The result of [`NmpClient::discover`]: nodes whose documents verified and list the
/// capability, and the ones that did not answer or were refused, with why.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Verified providers, in the order the DHT returned them.
    pub providers: Vec<Provider>,
    /// Providers that could not be described or were refused.
    pub failed: Vec<(PeerId, Error)>,
}

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
    documents: Mutex<HashMap<PeerId, Provider>>,
    /// Per node, the logic streams this agent may have open at once.
    streams: Mutex<HashMap<PeerId, Arc<Semaphore>>>,
    max_streams_per_node: usize,
    /// The only nodes logic may be sent to, when pinned.
    trusted: Option<HashSet<PeerId>>,
}

impl Shared {
    pub(crate) fn new(
        identity: Identity,
        mesh: Mesh,
        guardian: Guardian,
        (execute_timeout, request_timeout): (Duration, Duration),
        max_streams_per_node: usize,
        trusted: Option<HashSet<PeerId>>,
    ) -> Self {
        Self {
            identity,
            mesh,
            guardian,
            execute_timeout,
            request_timeout,
            documents: Mutex::new(HashMap::new()),
            streams: Mutex::new(HashMap::new()),
            max_streams_per_node,
            trusted,
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

    /// Finds the nodes that announce `capability` in the DHT and describes each, concurrently.
    /// With [`Builder::trusted_nodes`](crate::Builder::trusted_nodes), a provider outside the
    /// pin is listed under `failed` with [`Error::Untrusted`].
    ///
    /// Fails only when the lookup itself fails; an empty [`Discovery`] means nobody provides it.
    pub async fn discover(&self, capability: &str) -> Result<Discovery, Error> {
        let peers = self.shared.mesh.find_providers(capability).await?;
        let described = join_all(peers.into_iter().map(|peer| async move {
            let provider = self.describe(peer).await.and_then(|p| {
                if p.dataset(capability).is_some() {
                    Ok(p)
                } else {
                    Err(Error::NotServed {
                        peer,
                        capability: capability.to_owned(),
                    })
                }
            });
            (peer, provider)
        }))
        .await;
        let mut discovery = Discovery::default();
        for (peer, provider) in described {
            match provider {
                Ok(_) if !self.trusts(&peer) => {
                    discovery.failed.push((peer, Error::Untrusted { peer }));
                }
                Ok(provider) => discovery.providers.push(provider),
                Err(err) => discovery.failed.push((peer, err)),
            }
        }
        Ok(discovery)
    }

    /// Fetches `peer`'s capability document over the mesh and verifies it against `peer` (the
    /// signature, the expiry and every KEM key) before anything in it is used. A peer this
    /// agent has no address for is first looked up in the DHT by its id. The verified
    /// document is cached until shortly before it expires.
    pub async fn describe(&self, peer: PeerId) -> Result<Provider, Error> {
        let mesh = &self.shared.mesh;
        let signed = match mesh.describe(peer).await {
            Ok(signed) => signed,
            // Unreachable by its id alone: look its addresses up in the DHT, then ask again.
            Err(nmp_net::Error::Describe { .. }) if mesh.find_peer(peer).await? => {
                mesh.describe(peer).await?
            }
            Err(err) => return Err(err.into()),
        };
        let provider = self.verify_document(&signed, Some(peer))?;
        self.cache(&provider);
        Ok(provider)
    }

    pub(crate) fn verify_document(
        &self,
        signed: &pb::SignedCapabilityDocument,
        expected: Option<PeerId>,
    ) -> Result<Provider, Error> {
        let refused = |source| Error::Document {
            peer: expected,
            source: Box::new(source),
        };
        let document = capability::verify(signed, expected.as_ref(), now_ms()).map_err(refused)?;
        let peer = PeerId::from_bytes(&document.node_peer_id)
            .map_err(|_| refused(capability::VerifyError::MalformedNode))?;
        Ok(Provider { peer, document })
    }

    fn cache(&self, provider: &Provider) {
        if let Ok(mut documents) = self.shared.documents.lock() {
            documents.insert(provider.peer, provider.clone());
        }
    }

    /// The cached document of `peer` while it and a KEM key stay valid, else a fresh one.
    async fn provider(&self, peer: PeerId) -> Result<Provider, Error> {
        let fresh_until = now_ms().saturating_add(REFRESH_MARGIN_MS);
        let cached = self.shared.documents.lock().ok().and_then(|documents| {
            documents
                .get(&peer)
                .filter(|p| exchange::usable_key(&p.document, fresh_until).is_some())
                .filter(|p| p.document.expires_at_ms > fresh_until)
                .cloned()
        });
        match cached {
            Some(provider) => Ok(provider),
            None => self.describe(peer).await,
        }
    }

    /// Runs `logic` on `peer`: pre-flight, seal, send, stream, open, verify. Returns the
    /// answer only when its receipt verifies against the node, the module, the input and the
    /// output, and matches this request. A node outside the client's pin is refused with
    /// [`Error::Untrusted`] before anything is sent.
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

    async fn run_on(
        &self,
        peer: PeerId,
        logic: &Logic,
        progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    ) -> Result<Answer, Error> {
        if !self.trusts(&peer) {
            return Err(Error::Untrusted { peer });
        }
        let provider = self.provider(peer).await?;
        let _slot = self.stream_slot(peer).await;
        let mut overloaded = 0;
        loop {
            match self.send(&provider, logic, progress).await {
                // The node is saturated and says so before running anything: ask again later,
                // sealed anew (the refused request id may already sit in its replay cache).
                Err(Error::Node {
                    code: pb::ErrorCode::Overloaded,
                    ..
                }) if overloaded < MAX_OVERLOAD_RETRIES => {
                    let pause = (backoff(overloaded, &[]) * OVERLOAD_BACKOFF_FACTOR)
                        .min(MAX_OVERLOAD_PAUSE);
                    tokio::time::sleep(pause).await;
                    overloaded += 1;
                }
                result => return result,
            }
        }
    }

    /// Seals `logic` once and sends it, resending the same sealed request while its stream
    /// fails before the node answers anything.
    async fn send(
        &self,
        provider: &Provider,
        logic: &Logic,
        progress: &(impl Fn(PeerId, &pb::Status) + Sync),
    ) -> Result<Answer, Error> {
        let peer = provider.peer;
        let sealed = exchange::seal(&self.shared.identity, provider, logic, now_ms())?;
        let mut attempt = 0;
        loop {
            let mut answered = false;
            let result = match self.shared.mesh.open_logic(peer, &sealed.request).await {
                Ok(responses) => {
                    exchange::receive(
                        provider,
                        &sealed,
                        responses,
                        self.shared.execute_timeout,
                        progress,
                        &mut answered,
                    )
                    .await
                }
                Err(err) => Err(err.into()),
            };
            match result {
                Err(
                    Error::Transport { .. }
                    | Error::Mesh(nmp_net::Error::OpenStream(_) | nmp_net::Error::Frame(_)),
                ) if !answered && attempt < MAX_RESENDS => {
                    tokio::time::sleep(backoff(attempt, &sealed.request.request_id)).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// Waits for one of the node's stream slots: an agent never opens more logic streams to
    /// one node than the node admits from one peer (`max_logic_streams_per_peer`, 8 by
    /// default); further requests wait here, in the agent, instead of being refused.
    async fn stream_slot(&self, peer: PeerId) -> Option<OwnedSemaphorePermit> {
        let semaphore = self.shared.streams.lock().ok().map(|mut streams| {
            Arc::clone(
                streams
                    .entry(peer)
                    .or_insert_with(|| Arc::new(Semaphore::new(self.shared.max_streams_per_node))),
            )
        })?;
        semaphore.acquire_owned().await.ok()
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

/// The client's clock: unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
