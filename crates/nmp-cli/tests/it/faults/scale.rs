//! Many concurrent logic streams held against one `nmp node` from many agents, each opened
//! raw (as a hostile agent would, past the client's own per-node stream cap): the node's
//! memory stays bounded by its configured limits, every stream settles with a result, a typed
//! refusal or a reset, and an honest agent is served as soon as the load falls.
//!
//! The CI size is 10 agents × 20 streams; `scripts/scale.sh AGENTS STREAMS` runs the long one
//! (`NMP_SCALE_AGENTS`, `NMP_SCALE_STREAMS` per agent).

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt as _;
use futures::future::join_all;
use nmp_client::NmpClient;
use nmp_crypto::Identity;
use nmp_wire::pb::{self, logic_response::Event};
use tokio::time::Instant;

use super::process::{NodeProcess, agent, bootstrap_from, discovered, node_dir, seal};
use super::{CAPABILITY, DEADLINE, honest};

/// How a stream ended.
type Tally = BTreeMap<String, usize>;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The node's resident memory (KiB) and open file descriptors, from /proc.
fn sample(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count);
    (rss, fds)
}

/// `err` and its sources on one line.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Opens `streams` raw logic streams from `agent` at once and tallies how each ended.
async fn hold(agent: NmpClient, identity: Identity, index: usize, streams: usize) -> Tally {
    let provider = agent
        .discover(CAPABILITY)
        .await
        .expect("discovers")
        .providers;
    let provider = provider.first().expect("one provider").clone();
    let logic = honest();
    let requests: Vec<pb::LogicRequest> = (0..streams)
        .map(|n| {
            let mut request_id = [0u8; 16];
            request_id[..8].copy_from_slice(&(index as u64).to_le_bytes());
            request_id[8..].copy_from_slice(&(n as u64).to_le_bytes());
            seal(&identity, &provider, &logic, request_id)
        })
        .collect();
    let ends = join_all(requests.iter().map(|request| {
        let mesh = agent.mesh().clone();
        async move {
            let mut responses = match mesh.open_logic(provider.peer, request).await {
                Ok(responses) => responses,
                Err(err) => return format!("not opened ({})", chain(&err)),
            };
            let read = async {
                while let Some(response) = responses.next().await {
                    match response.map(|r| r.event) {
                        Ok(Some(Event::Result(_))) => return "answered".to_owned(),
                        Ok(Some(Event::Error(e))) => return format!("refused {:?}", e.code()),
                        Ok(_) => {}
                        Err(_) => return "reset".to_owned(),
                    }
                }
                "reset".to_owned()
            };
            tokio::time::timeout(Duration::from_secs(180), read)
                .await
                .unwrap_or_else(|_| "hung".to_owned())
        }
    }))
    .await;
    let mut tally = Tally::new();
    for end in ends {
        // Stream ids (`0000000a/12:`) differ; the reason does not.
        let kind = end
            .split(' ')
            .map(|word| {
                let id = word.trim_end_matches(':');
                let is_id =
                    id.contains('/') && id.chars().all(|c| c.is_ascii_hexdigit() || c == '/');
                if is_id { "<stream>:" } else { word }
            })
            .collect::<Vec<_>>()
            .join(" ");
        *tally.entry(kind).or_default() += 1;
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_streams_keep_the_node_bounded_and_typed_and_an_honest_agent_is_served_after()
 {
    let agents = env_or("NMP_SCALE_AGENTS", 10);
    let streams = env_or("NMP_SCALE_STREAMS", 20);
    let root = tempfile::tempdir().unwrap();
    let deadline = DEADLINE.max(Duration::from_secs((agents * streams) as u64 / 10));
    tokio::time::timeout(deadline, async {
        let (_bootstrap, seed) = bootstrap_from(&[]).await;
        let dir = node_dir(root.path(), "a", &[&seed], 2_000);
        // A small inbound budget, so that its bound is what holds the node's memory.
        let config = dir.join("node.toml");
        let mut text = std::fs::read_to_string(&config).expect("config");
        text.push_str("[inbound]\nbudget_mib = 16\norigin_share_mib = 16\n");
        std::fs::write(&config, text).expect("config written");
        let node = NodeProcess::start(&dir);
        let pid = node.pid();
        let (rss_start, fds_start) = sample(pid);

        let mut clients = Vec::new();
        for _ in 0..agents {
            let identity = Identity::generate();
            let client = agent(&[&seed], identity.clone()).await;
            discovered(&client, &[node.peer]).await;
            clients.push((client, identity));
        }
        let started = Instant::now();
        let (done, mut stop) = tokio::sync::oneshot::channel::<()>();
        let sampler = tokio::spawn(async move {
            let mut curve = Vec::new();
            loop {
                curve.push((started.elapsed().as_secs_f32(), sample(pid)));
                tokio::select! {
                    _ = &mut stop => return curve,
                    () = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        });
        let tallies = join_all(
            clients
                .iter()
                .enumerate()
                .map(|(i, (c, id))| hold(c.clone(), id.clone(), i, streams)),
        )
        .await;
        let settled_after = started.elapsed();
        let _ = done.send(());
        let curve = sampler.await.expect("sampler");

        let mut total = Tally::new();
        for tally in tallies {
            for (kind, n) in tally {
                *total.entry(kind).or_default() += n;
            }
        }
        let peak = curve.iter().map(|(_, (rss, _))| *rss).max().unwrap_or(0);
        let peak_fds = curve.iter().map(|(_, (_, fds))| *fds).max().unwrap_or(0);
        eprintln!(
            "scale: {agents} agents x {streams} streams settled in {settled_after:?}: {total:?}"
        );
        eprintln!(
            "scale: node RSS {} MiB at start, peak {} MiB; fds {fds_start} at start, peak {peak_fds}",
            rss_start / 1024,
            peak / 1024
        );
        for (t, (rss, fds)) in curve.iter().step_by((curve.len() / 12).max(1)) {
            eprintln!("scale: t={t:.1}s rss={} MiB fds={fds}", rss / 1024);
        }
        assert_eq!(total.values().sum::<usize>(), agents * streams);
        assert!(!total.contains_key("hung"), "{total:?}");
        assert!(total.contains_key("answered"), "nothing answered: {total:?}");

        // The load is gone: a new, honest agent is served at once.
        let honest_agent = agent(&[&seed], Identity::generate()).await;
        discovered(&honest_agent, &[node.peer]).await;
        let answer = honest_agent
            .execute(node.peer, &honest())
            .await
            .expect("served after the load");
        assert!(answer.is_completed());
        let (rss_end, fds_end) = sample(pid);
        eprintln!("scale: after, RSS {} MiB, fds {fds_end}", rss_end / 1024);
        drop(node);
    })
    .await
    .expect("within the deadline");
}
