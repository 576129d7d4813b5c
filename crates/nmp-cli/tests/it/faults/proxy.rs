//! A fault-injecting TCP proxy on 127.0.0.1: between an agent and a node, it delays every chunk
//! (latency with jitter, order kept), cuts the byte stream into small chunks, resets every
//! connection on demand, and partitions (holds every byte and every new connection) until
//! healed. Faults can change while connections are open.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The faults in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Faults {
    /// Added to every chunk in each direction.
    pub(crate) latency: Duration,
    /// Up to this much more, drawn per chunk (chunks never overtake each other).
    pub(crate) jitter: Duration,
    /// Chunks forwarded are at most this long (0: as read, up to 16 KiB).
    pub(crate) max_chunk: usize,
    /// Nothing moves and new connections wait while set.
    pub(crate) partitioned: bool,
}

/// A running proxy; dropping it closes the listener and every connection.
pub(crate) struct Proxy {
    addr: SocketAddr,
    faults: watch::Sender<Faults>,
    reset: watch::Sender<u64>,
    _tasks: Arc<Mutex<JoinSet<()>>>,
}

impl Proxy {
    /// Listens on an ephemeral 127.0.0.1 port and forwards each connection to `upstream`.
    pub(crate) async fn start(upstream: SocketAddr, faults: Faults) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().expect("bound address");
        let (faults, _) = watch::channel(faults);
        let (reset, _) = watch::channel(0u64);
        let tasks = Arc::new(Mutex::new(JoinSet::new()));
        let (f, r, t) = (faults.clone(), reset.clone(), Arc::clone(&tasks));
        tasks.lock().expect("tasks lock").spawn(async move {
            while let Ok((agent, _)) = listener.accept().await {
                let (faults, reset) = (f.subscribe(), r.subscribe());
                t.lock()
                    .expect("tasks lock")
                    .spawn(connection(agent, upstream, faults, reset));
            }
        });
        Self {
            addr,
            faults,
            reset,
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

    /// Resets (RST) every connection open now; later ones are not affected.
    pub(crate) fn reset_all(&self) {
        self.reset.send_modify(|n| *n += 1);
    }
}

async fn connection(
    agent: TcpStream,
    upstream: SocketAddr,
    mut faults: watch::Receiver<Faults>,
    mut reset: watch::Receiver<u64>,
) {
    reset.mark_unchanged();
    let _ = faults.wait_for(|f| !f.partitioned).await;
    let Ok(node) = TcpStream::connect(upstream).await else {
        return;
    };
    // A zero linger makes the close on reset an RST, as a middlebox or a crashed host sends.
    for socket in [&agent, &node] {
        socket.set_zero_linger().expect("set SO_LINGER");
        socket.set_nodelay(true).expect("set TCP_NODELAY");
    }
    let (agent_read, agent_write) = agent.into_split();
    let (node_read, node_write) = node.into_split();
    let up = pipe(agent_read, node_write, faults.clone(), 1);
    let down = pipe(node_read, agent_write, faults, 2);
    tokio::select! {
        _ = async { tokio::join!(up, down) } => {}
        _ = reset.changed() => {}
    }
    // On reset the pipes are dropped mid-transfer, and with them both sockets: an RST each way.
}

/// Moves bytes from `from` to `to` under the faults in force: a reader stamps each chunk with
/// its due time, a writer waits for it. Returns when either side closes.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    faults: watch::Receiver<Faults>,
    seed: u64,
) {
    let (chunks, mut due) = mpsc::channel::<(Instant, Vec<u8>)>(1024);
    let mut held = faults.clone();
    let reader = async move {
        let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut last = Instant::now();
        let mut buf = vec![0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buf).await {
            if n == 0 {
                break;
            }
            let now = *faults.borrow();
            let step = if now.max_chunk == 0 { n } else { now.max_chunk };
            for piece in buf[..n].chunks(step) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let jitter = now.jitter.mul_f64((rng % 1_000) as f64 / 1_000.0);
                last = last.max(Instant::now() + now.latency + jitter);
                if chunks.send((last, piece.to_vec())).await.is_err() {
                    return;
                }
            }
        }
    };
    let writer = async move {
        while let Some((at, piece)) = due.recv().await {
            tokio::time::sleep_until(at).await;
            let _ = held.wait_for(|f| !f.partitioned).await;
            if to.write_all(&piece).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
