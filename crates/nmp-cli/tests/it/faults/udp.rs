//! A fault-injecting UDP proxy on 127.0.0.1, for QUIC: between an agent and a node it drops
//! datagrams at random and delays each by a latency plus a jitter drawn per datagram, so that
//! later datagrams overtake earlier ones (reordering). Faults can change while connections are
//! open; the proxy counts what it forwarded and dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The faults in force, for each datagram in either direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Faults {
    /// Dropped with this probability, in percent (100: nothing passes).
    pub(crate) drop_percent: u64,
    /// Added to every datagram.
    pub(crate) latency: Duration,
    /// Up to this much more, drawn per datagram (datagrams may overtake each other).
    pub(crate) jitter: Duration,
}

/// Datagrams seen by the proxy.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Forwarded, both directions.
    pub(crate) forwarded: AtomicU64,
    /// Dropped, both directions.
    pub(crate) dropped: AtomicU64,
}

/// A running proxy; dropping it stops every task and closes every socket.
pub(crate) struct Proxy {
    addr: SocketAddr,
    faults: watch::Sender<Faults>,
    counts: Arc<Counts>,
    _tasks: Arc<Mutex<JoinSet<()>>>,
}

/// What every forwarding task shares.
#[derive(Clone)]
struct Shared {
    faults: watch::Receiver<Faults>,
    counts: Arc<Counts>,
    rng: Arc<Mutex<u64>>,
    tasks: Arc<Mutex<JoinSet<()>>>,
}

impl Proxy {
    /// Binds an ephemeral 127.0.0.1 port and forwards each agent's datagrams to `upstream`
    /// from a socket of its own, and the node's replies back.
    pub(crate) async fn start(upstream: SocketAddr, faults: Faults) -> Self {
        let front = Arc::new(UdpSocket::bind("127.0.0.1:0").await.expect("proxy binds"));
        let addr = front.local_addr().expect("bound address");
        let (faults, receiver) = watch::channel(faults);
        let shared = Shared {
            faults: receiver,
            counts: Arc::new(Counts::default()),
            rng: Arc::new(Mutex::new(0x9E37_79B9_7F4A_7C15)),
            tasks: Arc::new(Mutex::new(JoinSet::new())),
        };
        let (counts, tasks) = (Arc::clone(&shared.counts), Arc::clone(&shared.tasks));
        let front_task = relay_agents(front, upstream, shared.clone());
        shared.spawn(front_task);
        Self {
            addr,
            faults,
            counts,
            _tasks: tasks,
        }
    }

    /// The address agents dial.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the faults in force.
    pub(crate) fn set(&self, faults: Faults) {
        self.faults.send_replace(faults);
    }

    /// (forwarded, dropped) datagrams so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.counts.forwarded.load(Ordering::Relaxed),
            self.counts.dropped.load(Ordering::Relaxed),
        )
    }
}

/// Reads the agents' datagrams; each agent address gets its own upstream socket, whose replies
/// go back to it through `front`.
async fn relay_agents(front: Arc<UdpSocket>, upstream: SocketAddr, shared: Shared) {
    let mut sockets: HashMap<SocketAddr, Arc<UdpSocket>> = HashMap::new();
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok((n, agent)) = front.recv_from(&mut buf).await {
        let socket = match sockets.get(&agent) {
            Some(socket) => Arc::clone(socket),
            None => {
                let socket = UdpSocket::bind("127.0.0.1:0").await.expect("binds");
                socket.connect(upstream).await.expect("connects");
                let socket = Arc::new(socket);
                sockets.insert(agent, Arc::clone(&socket));
                let back = relay_node(
                    Arc::clone(&socket),
                    Arc::clone(&front),
                    agent,
                    shared.clone(),
                );
                shared.spawn(back);
                socket
            }
        };
        let datagram = buf[..n].to_vec();
        shared.forward(async move {
            let _ = socket.send(&datagram).await;
        });
    }
}

/// Carries the node's replies on `socket` back to `agent` through `front`.
async fn relay_node(
    socket: Arc<UdpSocket>,
    front: Arc<UdpSocket>,
    agent: SocketAddr,
    shared: Shared,
) {
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = socket.recv(&mut buf).await {
        let datagram = buf[..n].to_vec();
        let front = Arc::clone(&front);
        shared.forward(async move {
            let _ = front.send_to(&datagram, agent).await;
        });
    }
}

impl Shared {
    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.lock().expect("tasks lock").spawn(task);
    }

    /// A random number below `bound` (xorshift; the tests need spread, not secrecy).
    fn draw(&self, bound: u64) -> u64 {
        let mut state = self.rng.lock().expect("rng lock");
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state % bound.max(1)
    }

    /// Drops `send` or runs it after the latency and a fresh jitter, as the faults say.
    fn forward(&self, send: impl Future<Output = ()> + Send + 'static) {
        let faults = *self.faults.borrow();
        if self.draw(100) < faults.drop_percent {
            self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.counts.forwarded.fetch_add(1, Ordering::Relaxed);
        let jitter = faults.jitter.mul_f64(self.draw(1_000) as f64 / 1_000.0);
        let delay = faults.latency + jitter;
        self.spawn(async move {
            tokio::time::sleep(delay).await;
            send.await;
        });
    }
}
