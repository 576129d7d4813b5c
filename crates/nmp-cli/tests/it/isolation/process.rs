//! A real `nmp node` process on 127.0.0.1 serving the bundled dataset on gRPC, and what
//! `/proc` says about it and its children.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// A running `nmp node`; killed (SIGKILL) and reaped on drop.
pub(super) struct NodeProcess {
    child: Child,
    endpoint: String,
    log: Arc<Mutex<String>>,
}

impl NodeProcess {
    /// Starts `nmp node` in `dir` with a fresh identity, gRPC on an ephemeral port, the
    /// bundled dataset, and `extra` appended to its TOML; returns once gRPC is up.
    pub(super) async fn start(dir: &Path, extra: &str) -> Self {
        nmp_crypto::Identity::generate()
            .save(&dir.join("node.key"))
            .expect("key written");
        let config = dir.join("node.toml");
        let text = format!(
            "identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n\n[[datasets]]\nname = \"patients\"\n\
             path = \"{}\"\ncapability = \"demo.hospital/patients\"\n\n{extra}",
            crate::example("data").display()
        );
        std::fs::write(&config, text).expect("config written");
        let mut child = Command::new(env!("CARGO_BIN_EXE_nmp"))
            .args(["node", "--config", crate::arg(&config)])
            .env("RUST_LOG", "nmp_node=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nmp node starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (endpoint_tx, endpoint_rx) = mpsc::sync_channel(1);
        let lines = Arc::clone(&log);
        // Reads the node's stderr to its end, so the node never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(endpoint) = line.strip_prefix("gRPC on ") {
                    let _ = endpoint_tx.try_send(endpoint.to_owned());
                }
                let mut log = lines.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let endpoint =
            tokio::task::spawn_blocking(move || endpoint_rx.recv_timeout(Duration::from_secs(60)))
                .await
                .expect("waiting thread")
                .unwrap_or_else(|_| {
                    let log = log.lock().expect("log lock");
                    panic!("the node did not start:\n{log}")
                });
        Self {
            child,
            endpoint,
            log,
        }
    }

    pub(super) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Everything the node wrote to stderr so far.
    pub(super) fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// The node's children: its compile workers.
    pub(super) fn workers(&self) -> Vec<u32> {
        children(self.child.id())
    }

    /// Watches the node's compile workers every 2 ms until the returned [`Watch`] is
    /// stopped.
    pub(super) fn watch(&self) -> Watch {
        let node = self.child.id();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut seen: Vec<Lifetime> = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                let now = started.elapsed();
                for pid in children(node) {
                    match seen.iter_mut().find(|l| l.pid == pid) {
                        Some(lifetime) => lifetime.last = now,
                        None => seen.push(Lifetime {
                            pid,
                            first: now,
                            last: now,
                        }),
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            seen
        });
        Watch { stop, thread }
    }

    /// The node's peak resident set (`VmHWM`), in KiB; its children's memory is not in it.
    pub(super) fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("node status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc status")
    }

    /// Kills the node with SIGKILL (no shutdown of its own) and reaps it.
    pub(super) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The children of every thread of process `pid`.
fn children(pid: u32) -> Vec<u32> {
    let tasks = Path::new("/proc").join(pid.to_string()).join("task");
    let mut children = Vec::new();
    for task in std::fs::read_dir(tasks).into_iter().flatten().flatten() {
        let listed = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        children.extend(
            listed
                .split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok()),
        );
    }
    children
}

/// When a compile worker was first and last seen, since the watch started.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lifetime {
    pub(super) pid: u32,
    pub(super) first: Duration,
    pub(super) last: Duration,
}

/// A running watch of a node's compile workers.
pub(super) struct Watch {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Lifetime>>,
}

impl Watch {
    /// Stops watching; every worker seen, in the order they appeared.
    pub(super) fn stop(self) -> Vec<Lifetime> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("watch thread")
    }
}

/// Whether process `pid` still runs, or is a zombie that this test process should have
/// reaped. A zombie whose parent is someone else (re-parented to init) is not ours.
pub(super) fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (comm) state ppid ...`; comm may hold spaces, so read after the last `)`.
    let after = &stat[stat.rfind(')').map_or(0, |i| i + 1)..];
    let mut fields = after.split_whitespace();
    let state = fields.next().unwrap_or("");
    let parent: u32 = fields.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    state != "Z" || parent == std::process::id()
}
