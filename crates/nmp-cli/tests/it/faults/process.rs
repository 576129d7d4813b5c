//! Process faults with the real `nmp` binary: `kill -9` of a node mid-job with fan-out, and a
//! node restarted on the same key at another port.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use futures::StreamExt as _;
use nmp_client::{NmpClient, PeerId};
use nmp_crypto::{Identity, envelope};
use nmp_wire::pb::{self, logic_response::Event};
use tokio::time::Instant;

use super::{CAPABILITY, DEADLINE, honest, node_toml, spin};
use crate::arg;

/// One `nmp node` process; killed (SIGKILL) and reaped when dropped.
pub(super) struct NodeProcess {
    child: Child,
    pub(super) peer: PeerId,
    /// The TCP port it listens on.
    port: u16,
}

impl NodeProcess {
    /// Starts `nmp node` on the configuration in `dir` (key `dir/node.key`) and waits until it
    /// prints its TCP address.
    pub(super) fn start(dir: &Path) -> Self {
        Self::start_under(dir, &[])
    }

    /// [`NodeProcess::start`] through `wrapper` (a command line that runs the `nmp` path and
    /// the arguments appended to it), e.g. to set a resource limit first.
    pub(super) fn start_under(dir: &Path, wrapper: &[&str]) -> Self {
        let nmp = env!("CARGO_BIN_EXE_nmp");
        let (program, first) = wrapper
            .split_first()
            .map_or((nmp, &[][..]), |(p, a)| (*p, a));
        let mut command = Command::new(program);
        command.args(first);
        if !wrapper.is_empty() {
            command.arg(nmp);
        }
        let mut child = command
            .args(["node", "--config", arg(&dir.join("node.toml"))])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn nmp node");
        let stderr = child.stderr.take().expect("stderr");
        let (lines, printed) = mpsc::sync_channel(64);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let _ = lines.try_send(line);
            }
        });
        let (port, peer) = loop {
            let line = printed
                .recv_timeout(Duration::from_secs(60))
                .expect("nmp node starts");
            if let Some(addr) = line.strip_prefix("listening on ")
                && let Some((tcp, peer)) = addr.rsplit_once("/p2p/")
                && let Some((_, port)) = tcp.rsplit_once("/tcp/")
            {
                break (
                    port.parse().expect("a port"),
                    peer.parse().expect("a PeerId"),
                );
            }
        };
        Self { child, peer, port }
    }

    /// The process id.
    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, then reap.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A directory with a fresh key and a configuration bootstrapping from `seeds`.
pub(super) fn node_dir(root: &Path, name: &str, seeds: &[&str], timeout_ms: u64) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("node dir");
    Identity::generate()
        .save(&dir.join("node.key"))
        .expect("key written");
    configure(&dir, seeds, 0, timeout_ms);
    dir
}

/// Writes `dir/node.toml`: bootstrap from `seeds`, listen on TCP `port` (0: any).
fn configure(dir: &Path, seeds: &[&str], port: u16, timeout_ms: u64) {
    let seeds = seeds
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let extra = format!("bootstrap = [{seeds}]\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/{port}\"");
    std::fs::write(dir.join("node.toml"), node_toml(&extra, timeout_ms)).expect("config written");
}

/// A bootstrap peer in process, itself bootstrapping from `seeds`; returns it and its address.
pub(super) async fn bootstrap_from(seeds: &[&str]) -> (nmp_net::Mesh, String) {
    let config = nmp_net::Config {
        bootstrap: seeds
            .iter()
            .map(|s| s.parse().expect("multiaddr"))
            .collect(),
        ..nmp_net::Config::loopback()
    };
    let (mesh, _) = nmp_net::Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
        .await
        .expect("bootstrap binds");
    let tcp = mesh
        .listen_addrs()
        .await
        .expect("running")
        .into_iter()
        .find(|a| a.to_string().contains("/tcp/") && !a.to_string().contains("/ws"))
        .expect("a TCP listener");
    let seed = format!("{tcp}/p2p/{}", mesh.peer_id());
    (mesh, seed)
}

/// An agent bootstrapping from `seeds`.
pub(super) async fn agent(seeds: &[&str], identity: Identity) -> NmpClient {
    seeds
        .iter()
        .fold(NmpClient::builder().identity(identity), |builder, seed| {
            builder.bootstrap(seed.parse().expect("multiaddr"))
        })
        .request_timeout(Duration::from_secs(10))
        .execute_timeout(Duration::from_secs(60))
        .connect()
        .await
        .expect("agent starts")
}

/// Waits (bounded) until discovery finds exactly `peers`.
pub(super) async fn discovered(agent: &NmpClient, peers: &[PeerId]) {
    let until = Instant::now() + Duration::from_secs(90);
    loop {
        let mut found: Vec<PeerId> = match agent.discover(CAPABILITY).await {
            Ok(d) => d.providers.iter().map(|p| p.peer).collect(),
            Err(_) => Vec::new(),
        };
        found.sort();
        let mut want = peers.to_vec();
        want.sort();
        if found == want {
            return;
        }
        assert!(
            Instant::now() < until,
            "discovery found {found:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// `logic` sealed by `identity` to `provider`'s first KEM key as request `request_id`, as an
/// agent writes it on a raw logic stream.
pub(super) fn seal(
    identity: &Identity,
    provider: &nmp_client::Provider,
    logic: &nmp_client::Logic,
    request_id: [u8; 16],
) -> pb::LogicRequest {
    let payload = pb::LogicPayload {
        wasm: logic.wasm.to_vec(),
        input: Vec::new(),
    };
    let params = envelope::SealParams {
        agent: identity,
        node_peer: &provider.peer,
        node_key: &provider.document.kem_keys[0],
        request_id,
        capability: CAPABILITY,
        timestamp_ms: nmp_wire::now_ms(),
        limits: pb::RequestedLimits::default(),
        receipt_kind: pb::ReceiptKind::Signed,
    };
    envelope::seal(&params, &payload).expect("sealed").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_node_mid_job_fails_typed_and_the_other_node_answers() {
    let root = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, seed) = bootstrap_from(&[]).await;
        let mut doomed = NodeProcess::start(&node_dir(root.path(), "a", &[&seed], 4_000));
        let survivor = NodeProcess::start(&node_dir(root.path(), "b", &[&seed], 4_000));
        let agent = agent(&[&seed], Identity::generate()).await;
        discovered(&agent, &[doomed.peer, survivor.peer]).await;

        // Fan-out of a 4 s job to both; once the doomed node reports progress, kill -9 it.
        let (running, mut ran) = tokio::sync::mpsc::channel::<PeerId>(64);
        let job = tokio::spawn({
            let agent = agent.clone();
            async move {
                agent
                    .execute_all_with_progress(&spin(), move |peer, _| {
                        let _ = running.try_send(peer);
                    })
                    .await
            }
        });
        let doomed_peer = doomed.peer;
        while ran.recv().await.expect("progress from the doomed node") != doomed_peer {}
        let killed_at = Instant::now();
        doomed.kill();
        let answers = job.await.expect("the job task ends").expect("fan-out runs");
        eprintln!(
            "kill -9 mid-job: fan-out settled {:?} after the kill",
            killed_at.elapsed()
        );
        assert_eq!(answers.len(), 2);
        for node in answers {
            if node.peer == doomed_peer {
                let err = node.answer.expect_err("the killed node cannot answer");
                eprintln!("kill -9 mid-job: killed node -> {} ({err})", err.kind());
                // It had reported progress, so nothing is resent: it went away, it did not lie.
                assert!(
                    matches!(err, nmp_client::Error::Disconnected { .. }),
                    "{err:?}"
                );
                assert_eq!(err.kind(), nmp_client::ErrorKind::Network);
            } else {
                let answer = node.answer.expect("the surviving node answers");
                assert_eq!(
                    answer.outcome,
                    pb::Outcome::TimedOut,
                    "the spin stops at 4 s"
                );
            }
        }
        assert!(killed_at.elapsed() < Duration::from_secs(60));
        drop(survivor);
    })
    .await
    .expect("within the deadline");
}

/// Seals `logic` for `peer` as `agent`, as `NmpClient` does, so the same request can be sent
/// again.
async fn sealed(agent: &NmpClient, identity: &Identity, peer: PeerId) -> pb::LogicRequest {
    let provider = agent.describe(peer).await.expect("described");
    seal(identity, &provider, &honest(), rand_id())
}

pub(super) fn rand_id() -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&nmp_wire::now_ms().to_le_bytes());
    id[8..].copy_from_slice(&std::process::id().to_le_bytes().repeat(2));
    id
}

/// Sends `request` on a fresh logic stream and returns the final event.
async fn send(agent: &NmpClient, peer: PeerId, request: &pb::LogicRequest) -> Event {
    let mut responses = agent
        .mesh()
        .open_logic(peer, request)
        .await
        .expect("stream opens");
    let read = async {
        while let Some(response) = responses.next().await {
            match response.expect("a frame").event {
                Some(Event::Status(_)) | None => {}
                Some(last) => return last,
            }
        }
        panic!("the stream ended without a final event");
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("answered in time")
}

fn code(event: &Event) -> Option<pb::ErrorCode> {
    match event {
        Event::Error(error) => Some(error.code()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_restarted_on_its_key_at_another_port_serves_the_agent_again_and_refuses_a_replay() {
    let root = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, seed) = bootstrap_from(&[]).await;
        let dir = node_dir(root.path(), "a", &[&seed], 4_000);
        let mut node = NodeProcess::start(&dir);
        let peer = node.peer;
        let secret = [7u8; 32];
        let agent = agent(&[&seed], Identity::from_secret_bytes(secret)).await;
        discovered(&agent, &[peer]).await;
        let answer = agent
            .execute(peer, &honest())
            .await
            .expect("answers before the restart");
        assert!(answer.is_completed());

        let request = sealed(&agent, &Identity::from_secret_bytes(secret), peer).await;
        let old_port = node.port;
        assert!(matches!(
            send(&agent, peer, &request).await,
            Event::Result(_)
        ));
        let replay = send(&agent, peer, &request).await;
        assert_eq!(code(&replay), Some(pb::ErrorCode::Replay), "{replay:?}");

        // kill -9, then the same key on another port (`tcp/0`): the agent's addresses and
        // cached document (with the old KEM key) are all stale.
        node.kill();
        configure(&dir, &[&seed], 0, 4_000);
        let node = NodeProcess::start(&dir);
        assert_eq!(node.peer, peer, "same key, same PeerId");
        assert_ne!(node.port, old_port, "another port");

        // The agent carries on by the node's id alone: the call finds its new address in the
        // DHT, fetches its new document and completes. The node may still be joining the DHT
        // when it prints its address, so a few tries within 20 s.
        let restarted = Instant::now();
        let until = restarted + Duration::from_secs(20);
        loop {
            match agent.execute(peer, &honest()).await {
                Ok(answer) => break assert!(answer.is_completed()),
                Err(err) if Instant::now() < until => {
                    eprintln!("after the restart, by id: {}; again", err.chain());
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => panic!("the restarted node was not reached by id: {err}"),
            }
        }
        eprintln!(
            "restart at another port: reached by id {:?} after it listened",
            restarted.elapsed()
        );

        // And through discovery, promptly too.
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let answer = match agent.execute_all(&honest()).await {
                Ok(mut nodes) if nodes.len() == 1 => nodes.remove(0).answer,
                Ok(nodes) => panic!("one node expected, not {}", nodes.len()),
                Err(err) => Err(err),
            };
            match answer {
                Ok(answer) => break assert!(answer.is_completed()),
                Err(err) if Instant::now() < until => {
                    eprintln!("after the restart: {}; again", err.chain());
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => panic!("the restarted node never answered: {err}"),
            }
        }
        // The request answered before the restart is refused after it (its KEM key died with
        // the old process), and never runs.
        let replay = send(&agent, peer, &request).await;
        eprintln!("replay across the restart: {replay:?}");
        assert!(
            code(&replay).is_some(),
            "a replay across the restart ran: {replay:?}"
        );
        drop(node);
    })
    .await
    .expect("within the deadline");
}
