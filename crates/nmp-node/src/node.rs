//! [`Node`]: the Data Node on the mesh. It composes the libp2p [`nmp_net::Mesh`], the request
//! [`Service`] and, when configured, the gRPC [`grpc::Server`], all over one identity.

mod serve;
mod snapshots;

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope::OpenConfig};
use nmp_net::{Multiaddr, PeerId};
use tokio::{
    sync::{Semaphore, oneshot},
    task::JoinHandle,
};

use crate::{
    Service,
    attestation::Source,
    config::{File, FileError},
    grpc, service,
};

pub use self::serve::MAX_LOGIC_HANDLERS;

/// How long [`Node::shutdown`] waits for running jobs (and open gRPC calls) before dropping
/// them: 30 s.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration file describes no usable service (bad dataset, bad agent id).
    #[error("invalid node configuration")]
    Config(#[from] FileError),
    /// A listen or bootstrap address in the file is not a multiaddr.
    #[error("`{0}` is not a multiaddr")]
    Address(String),
    /// The request service could not be built (pipeline, dataset commitments, schemas).
    #[error("cannot start the request service")]
    Service(#[from] service::Error),
    /// The mesh could not start, or could not announce a capability to its bootstrap peers.
    #[error("mesh failure")]
    Mesh(#[from] nmp_net::Error),
    /// The gRPC server could not bind its address.
    #[error("cannot start the gRPC server")]
    Grpc(#[from] grpc::Error),
    /// `[attestation]` is configured but produced no attestation binding the node's keys.
    #[error("cannot attest the node")]
    Attestation(#[from] crate::attestation::Error),
    /// The metrics endpoint could not bind its address (in use, not local, no permission).
    #[error("cannot listen for metrics on {addr}")]
    Metrics {
        /// The address.
        addr: SocketAddr,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
}

/// A running Data Node: serving describe and logic requests from the mesh (and gRPC when
/// configured) until [`Node::shutdown`].
///
/// Dropping a `Node` without calling [`Node::shutdown`] stops accepting new requests at once and
/// does not wait for running jobs.
#[derive(Debug)]
pub struct Node {
    service: Arc<Service>,
    peer_id: PeerId,
    listen_addrs: Vec<Multiaddr>,
    grpc_addr: Option<SocketAddr>,
    grpc_tls: bool,
    inbound_budget: nmp_net::Budget,
    stop_mesh: oneshot::Sender<()>,
    serving: JoinHandle<()>,
    grpc: Option<Grpc>,
    metrics: Option<Endpoint>,
    rotation: Background,
    rescan: Option<Background>,
    snapshots: snapshots::Snapshots,
}

/// What [`Node::refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refreshed {
    /// PostgreSQL snapshots taken and committed.
    pub snapshots: usize,
    /// Datasets whose files had changed and were committed again (or stopped being served).
    pub recommitted: usize,
}

/// A periodic task (KEM key rotation, dataset checks, database snapshots); dropping it (with
/// the node) stops it.
#[derive(Debug)]
struct Background(JoinHandle<()>);

impl Drop for Background {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The running metrics endpoint: its address, stop signal and task.
#[derive(Debug)]
struct Endpoint {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// The running gRPC server: its stop signal and its task.
#[derive(Debug)]
struct Grpc {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), grpc::Error>>,
}

impl Node {
    /// Starts a node as `identity` from `file`, resolving relative dataset paths against
    /// `base_dir` (the file's directory).
    ///
    /// Builds a keyring with a fresh KEM key pair valid for the document TTL, the service
    /// (one pass over every dataset), takes each PostgreSQL dataset's first snapshot (and
    /// keeps taking them every `refresh_secs`), binds the mesh on the file's listen addresses and
    /// bootstrap peers, announces every served capability, binds the gRPC server if the file
    /// names an address (with the mesh's bounds (`[mesh]`), its inbound byte budget (`[inbound]`), its
    /// pool of [`MAX_LOGIC_HANDLERS`] logic handlers and, with `grpc_tls`, TLS; see
    /// [`grpc::Config`]) and the metrics endpoint if
    /// it names one, and spawns the serving loop, the KEM key rotation and the dataset checks
    /// (every `dataset_rescan_secs`: a dataset whose files changed is re-committed, see
    /// [`Service::refresh_datasets`]). When the file has bootstrap peers, a capability no peer
    /// accepted fails the start with [`Error::Mesh`]; without any, the records stay local.
    /// Must be called inside a Tokio runtime.
    pub async fn start(identity: Identity, file: &File, base_dir: &Path) -> Result<Self, Error> {
        let config = file.service_config(base_dir)?;
        let rescan = file.dataset_rescan()?;
        let mut mesh_config = nmp_net::Config {
            listen: addresses(
                [&file.listen.tcp, &file.listen.quic, &file.listen.ws]
                    .into_iter()
                    .flatten(),
            )?,
            bootstrap: addresses(&file.bootstrap)?,
            ..nmp_net::Config::default()
        };
        file.mesh.apply(&mut mesh_config);
        file.inbound.apply(&mut mesh_config)?;
        // Refused before anything is opened or written (the audit log, the ledger).
        mesh_config.validate()?;
        let inbound_budget = mesh_config.inbound_budget.clone();
        let keyring = Keyring::new(
            identity.peer_id(),
            KemKeyPair::generate(),
            now_ms().saturating_add(config.document_ttl_ms),
            OpenConfig::default(),
        );
        let keypair = identity.to_libp2p_keypair();
        let handlers = Arc::new(Semaphore::new(MAX_LOGIC_HANDLERS));
        let grpc_config = grpc::Config {
            handlers: Arc::clone(&handlers),
            tls: file.grpc_tls.then(|| keypair.clone()),
            ..grpc::Config::from_mesh(&mesh_config)
        };
        let mut capabilities: Vec<String> = config
            .datasets
            .iter()
            .map(|d| d.capability.clone())
            .collect();
        capabilities.sort();
        capabilities.dedup();
        let postgres = snapshots::jobs(&config.datasets);
        let service = Arc::new(Service::new(identity, keyring, config)?);
        let attester = match &file.attestation {
            Some(entry) => {
                let source = Arc::new(Source::new(entry, base_dir)?);
                attest(&service, &source).await?;
                Some(source)
            }
            None => None,
        };
        let snapshots = snapshots::start(&service, postgres).await;
        let (mesh, inbound) = nmp_net::Mesh::bind(keypair, mesh_config).await?;
        for capability in &capabilities {
            match mesh.provide(capability).await {
                Err(nmp_net::Error::Provide(_)) if file.bootstrap.is_empty() => {}
                other => other?,
            }
        }
        let listen_addrs = mesh.listen_addrs().await?;
        let grpc = match file.grpc {
            Some(addr) => Some(grpc::Server::bind(Arc::clone(&service), addr, grpc_config).await?),
            None => None,
        };
        let grpc_addr = grpc.as_ref().map(grpc::Server::local_addr).transpose()?;
        let grpc = grpc.map(|server| {
            let (stop, stopped) = oneshot::channel::<()>();
            let task = tokio::spawn(server.serve(async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            }));
            Grpc { stop, task }
        });
        let metrics = match file.metrics {
            Some(addr) => Some(Endpoint::start(Arc::clone(&service), addr).await?),
            None => None,
        };
        let rotation = Background(tokio::spawn(rotate_keys(Arc::clone(&service), attester)));
        let rescan = rescan
            .map(|period| Background(tokio::spawn(refresh_datasets(Arc::clone(&service), period))));
        tracing::info!(
            peer = %mesh.peer_id(),
            listen = ?listen_addrs,
            grpc = ?grpc_addr,
            metrics = ?metrics.as_ref().map(|m| m.addr),
            capabilities = ?capabilities,
            "node started"
        );
        let (stop_mesh, stopped) = oneshot::channel();
        let serving = tokio::spawn(serve::run(
            (mesh.clone(), inbound),
            Arc::clone(&service),
            handlers,
            stopped,
        ));
        Ok(Self {
            service,
            peer_id: mesh.peer_id(),
            listen_addrs,
            grpc_addr,
            grpc_tls: file.grpc_tls,
            inbound_budget,
            stop_mesh,
            serving,
            grpc,
            metrics,
            rotation,
            rescan,
            snapshots,
        })
    }

    /// The node's PeerId (the identity's).
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// The addresses the mesh listens on, as bound at start (ports resolved).
    pub fn listen_addrs(&self) -> &[Multiaddr] {
        &self.listen_addrs
    }

    /// The gRPC server's address, if the node serves gRPC.
    pub fn grpc_addr(&self) -> Option<SocketAddr> {
        self.grpc_addr
    }

    /// The gRPC endpoint to give a client: `https://addr` when the node serves TLS
    /// (`grpc_tls`), `http://addr` otherwise; `None` without gRPC.
    pub fn grpc_endpoint(&self) -> Option<String> {
        let scheme = if self.grpc_tls { "https" } else { "http" };
        self.grpc_addr.map(|addr| format!("{scheme}://{addr}"))
    }

    /// The metrics endpoint's address (ports resolved), if the file names one.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|m| m.addr)
    }

    /// The inbound byte budget the mesh and the gRPC face share (`[inbound]`): what requests
    /// hold now, in all and per origin.
    pub fn inbound_budget(&self) -> &nmp_net::Budget {
        &self.inbound_budget
    }

    /// The request service the node serves.
    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// What the data owner asks for when a source changed (`nmp node` does it on `SIGHUP`):
    /// takes every PostgreSQL dataset's snapshot now, one after the other, then re-checks every
    /// dataset's files as the `dataset_rescan_secs` schedule does. A snapshot already being
    /// taken on schedule is waited for, never taken twice at once. The next capability document
    /// and the receipts of requests accepted after a commitment name it.
    pub async fn refresh(&self) -> Refreshed {
        let snapshots = self.snapshots.take_all(&self.service).await;
        let service = Arc::clone(&self.service);
        // A panicked check is the same as a failed one: nothing was re-committed.
        let recommitted = tokio::task::spawn_blocking(move || service.refresh_datasets())
            .await
            .unwrap_or(0);
        Refreshed {
            snapshots,
            recommitted,
        }
    }

    /// Stops gracefully: closes the service (queued jobs end with `ERROR_CODE_SHUTTING_DOWN`),
    /// stops accepting requests on the mesh and gRPC, and waits up to [`SHUTDOWN_GRACE`] for
    /// running jobs to deliver their results; past it, their streams are dropped.
    pub async fn shutdown(self) {
        tracing::info!(peer = %self.peer_id, "node stopping");
        drop(self.rotation);
        drop(self.rescan);
        drop(self.snapshots);
        self.service.close();
        // The loops may have ended already; nothing to stop then.
        let _ = self.stop_mesh.send(());
        let _ = self.serving.await;
        if let Some(Grpc { stop, task }) = self.grpc {
            let _ = stop.send(());
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
        if let Some(Endpoint { stop, task, .. }) = self.metrics {
            let _ = stop.send(());
            let _ = task.await;
        }
        tracing::info!(peer = %self.peer_id, "node stopped");
    }
}

impl Endpoint {
    /// Binds `addr` and serves the service's metrics on it.
    async fn start(service: Arc<Service>, addr: SocketAddr) -> Result<Self, Error> {
        let bind_error = |source| Error::Metrics { addr, source };
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(crate::metrics::http::serve(listener, service, stopped));
        Ok(Self { addr, stop, task })
    }
}

/// Rotates the node's KEM key every half document TTL, so the published key never expires
/// while the node runs (the keyring keeps the previous key through its grace period), and
/// attests the new key when `[attestation]` is configured. A failed attestation is logged and
/// the document publishes none until the next rotation: agents that require a TEE refuse the
/// node meanwhile.
async fn rotate_keys(service: Arc<Service>, attester: Option<Arc<Source>>) {
    let period = (service.document_ttl() / 2).max(Duration::from_secs(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        ticks.tick().await;
        service.rotate_kem_key(now_ms());
        if let Some(source) = &attester
            && let Err(err) = attest(&service, source).await
        {
            service.set_attestation(None);
            tracing::warn!(error = %err, "no attestation for the new KEM key");
        }
    }
}

/// Produces the attestation of the service's current KEM key and publishes it.
async fn attest(service: &Service, source: &Source) -> Result<(), crate::attestation::Error> {
    let now = now_ms();
    let kem = service
        .current_kem_key(now)
        .ok_or(crate::attestation::Error::Unbound(None))?;
    let attestation = source
        .produce(&service.identity().peer_id(), &kem, now)
        .await?;
    service.set_attestation(Some(attestation));
    Ok(())
}

/// Checks the datasets' files every `period` and re-commits those that changed; the check
/// runs on a blocking thread.
async fn refresh_datasets(service: Arc<Service>, period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let service = Arc::clone(&service);
        // A panicked check is the same as a failed one: the next tick tries again.
        let _ = tokio::task::spawn_blocking(move || service.refresh_datasets()).await;
    }
}

/// Parses multiaddr strings.
fn addresses<'a>(texts: impl IntoIterator<Item = &'a String>) -> Result<Vec<Multiaddr>, Error> {
    texts
        .into_iter()
        .map(|text| text.parse().map_err(|_| Error::Address(text.clone())))
        .collect()
}

/// The node's clock: the protocol's, Unix milliseconds.
pub(crate) use nmp_wire::now_ms;
