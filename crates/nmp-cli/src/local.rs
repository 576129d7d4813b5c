//! A mesh in one process on loopback, for `nmp demo` and `nmp bench`: a bootstrap peer and Data
//! Nodes started from TOML files written into a directory (so each can be inspected, or run
//! again with `nmp node --config`), and agents that know only the bootstrap peer.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context as _;
use futures::future::try_join_all;
use nmp_client::{Discovery, Multiaddr, NmpClient};
use nmp_crypto::Identity;
use nmp_net::Mesh;
use nmp_node::{Node, config::File};

/// A libp2p transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// TCP with Noise and Yamux.
    Tcp,
    /// QUIC v1.
    Quic,
}

impl Transport {
    /// Its `[listen]` key and an ephemeral loopback address.
    fn listen(self) -> (&'static str, &'static str) {
        match self {
            Self::Tcp => ("tcp", "/ip4/127.0.0.1/tcp/0"),
            Self::Quic => ("quic", "/ip4/127.0.0.1/udp/0/quic-v1"),
        }
    }

    fn matches(self, addr: &Multiaddr) -> bool {
        let text = addr.to_string();
        match self {
            Self::Tcp => text.contains("/tcp/") && !text.contains("/ws"),
            Self::Quic => text.contains("/quic-v1"),
        }
    }
}

/// One Data Node of a [`LocalMesh`].
#[derive(Debug, Clone)]
pub(crate) struct NodeSpec {
    /// Its directory name under the mesh directory.
    pub(crate) name: String,
    /// The capability it announces for its one dataset.
    pub(crate) capability: String,
    /// The dataset directory.
    pub(crate) data: PathBuf,
    /// The one transport it listens on.
    pub(crate) transport: Transport,
    /// Columns the egress filter must never let out, also marked in the node's document.
    pub(crate) restricted: Vec<String>,
    /// Further keys of its dataset entry (`format` and its section; default: CSV).
    pub(crate) dataset: toml::Table,
    /// Its `[policy]` table.
    pub(crate) policy: toml::Table,
    /// Further top-level tables of its file (e.g. `[inbound]`).
    pub(crate) sections: toml::Table,
    /// Whether it also serves gRPC (on an ephemeral 127.0.0.1 port).
    pub(crate) grpc: bool,
}

/// A bootstrap peer and running Data Nodes, all on 127.0.0.1.
#[derive(Debug)]
pub(crate) struct LocalMesh {
    bootstrap: Mesh,
    nodes: Vec<Node>,
}

impl LocalMesh {
    /// Starts the bootstrap peer, then every node of `specs` concurrently, each configured by
    /// `dir/<name>/node.toml`.
    pub(crate) async fn start(dir: &Path, specs: &[NodeSpec]) -> anyhow::Result<Self> {
        let (bootstrap, _) = Mesh::bind(
            nmp_net::Keypair::generate_ed25519(),
            nmp_net::Config::loopback(),
        )
        .await
        .context("cannot start the bootstrap peer")?;
        let mut mesh = Self {
            bootstrap,
            nodes: Vec::new(),
        };
        let starts = specs.iter().map(|spec| mesh.start_node(dir, spec));
        mesh.nodes = try_join_all(starts).await?;
        Ok(mesh)
    }

    async fn start_node(&self, dir: &Path, spec: &NodeSpec) -> anyhow::Result<Node> {
        let home = dir.join(&spec.name);
        std::fs::create_dir_all(&home)
            .with_context(|| format!("cannot create {}", home.display()))?;
        let identity = Identity::generate();
        let key = home.join("node.key");
        if key.exists() {
            std::fs::remove_file(&key)
                .with_context(|| format!("cannot replace {}", key.display()))?;
        }
        identity.save(&key).context("cannot write a node key")?;
        let seed = self.bootstrap_addr(spec.transport).await?;
        let text = config_toml(spec, &seed)?;
        let config = home.join("node.toml");
        std::fs::write(&config, text)
            .with_context(|| format!("cannot write {}", config.display()))?;
        let file =
            File::load(&config).with_context(|| format!("cannot load {}", config.display()))?;
        Node::start(identity, &file, &home)
            .await
            .with_context(|| format!("cannot start node {}", spec.name))
    }

    /// The bootstrap peer's address on `transport`, ending in `/p2p/<peer id>`.
    pub(crate) async fn bootstrap_addr(&self, transport: Transport) -> anyhow::Result<Multiaddr> {
        let addrs = self
            .bootstrap
            .listen_addrs()
            .await
            .context("the bootstrap peer stopped")?;
        let addr = addrs
            .into_iter()
            .find(|a| transport.matches(a))
            .context("the bootstrap peer has no listener on the transport")?;
        format!("{addr}/p2p/{}", self.bootstrap.peer_id())
            .parse()
            .context("the bootstrap address does not parse")
    }

    /// An agent with a fresh identity that knows only the bootstrap peer (over `transport`).
    pub(crate) async fn agent(&self, transport: Transport) -> anyhow::Result<NmpClient> {
        self.agent_with(transport, nmp_guardian::Policy::default())
            .await
    }

    /// [`LocalMesh::agent`] with `preflight` as its pre-flight Guardian policy.
    pub(crate) async fn agent_with(
        &self,
        transport: Transport,
        preflight: nmp_guardian::Policy,
    ) -> anyhow::Result<NmpClient> {
        NmpClient::builder()
            .guardian_policy(preflight)
            .bootstrap(self.bootstrap_addr(transport).await?)
            .query_timeout(Duration::from_secs(30))
            .connect()
            .await
            .context("the agent could not join the mesh")
    }

    /// `agent`'s lookup of `capability`, repeated (for up to 10 s) until it finds every node of
    /// this mesh: a node's provider record reaches the bootstrap peer in a one-way Kademlia
    /// message, so a lookup right after the nodes started can come before it. Returns the last
    /// lookup, whatever it found.
    pub(crate) async fn discover(
        &self,
        agent: &NmpClient,
        capability: &str,
    ) -> anyhow::Result<Discovery> {
        let until = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let found = agent.discover(capability).await.context("lookup failed")?;
            if found.providers.len() >= self.nodes.len() || tokio::time::Instant::now() > until {
                return Ok(found);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The bootstrap peer.
    pub(crate) fn bootstrap(&self) -> &Mesh {
        &self.bootstrap
    }

    /// The running Data Nodes, in the order of their specs.
    pub(crate) fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Shuts every node down gracefully.
    pub(crate) async fn shutdown(self) {
        futures::future::join_all(self.nodes.into_iter().map(Node::shutdown)).await;
    }
}

/// The TOML configuration of `spec`'s node, serialised (paths and names are escaped by the
/// serialiser, never pasted into text).
fn config_toml(spec: &NodeSpec, seed: &Multiaddr) -> anyhow::Result<String> {
    let (transport, address) = spec.transport.listen();
    let mut file = toml::Table::new();
    file.insert("identity".into(), "node.key".into());
    file.insert("bootstrap".into(), vec![seed.to_string()].into());
    if spec.grpc {
        file.insert("grpc".into(), "127.0.0.1:0".into());
    }
    file.insert(
        "listen".into(),
        toml::Table::from_iter([(transport.to_owned(), address.into())]).into(),
    );
    let data = spec
        .data
        .to_str()
        .context("the dataset path is not UTF-8")?;
    let dataset = toml::Table::from_iter([
        ("name".to_owned(), "patients".into()),
        ("path".to_owned(), data.into()),
        ("format".to_owned(), "csv".into()),
        ("capability".to_owned(), spec.capability.clone().into()),
        ("restricted_keys".to_owned(), spec.restricted.clone().into()),
    ])
    .into_iter()
    .chain(spec.dataset.clone())
    .collect::<toml::Table>();
    file.insert("datasets".into(), vec![dataset].into());
    file.insert("policy".into(), spec.policy.clone().into());
    file.extend(spec.sections.clone());
    let body = toml::to_string(&file).context("cannot encode a node configuration")?;
    Ok(format!(
        "# Written by nmp for a local mesh; run it again with `nmp node --config` once the\n\
         # bootstrap address below is replaced by a live one.\n{body}"
    ))
}
