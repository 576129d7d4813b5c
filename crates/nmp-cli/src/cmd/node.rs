//! `nmp node --config FILE`: runs a Data Node until Ctrl-C or SIGTERM. On SIGHUP it takes every
//! PostgreSQL dataset's snapshot at once and re-checks every dataset's files ([`Node::refresh`]).
//!
//! Besides its address lines, the node logs structured events to stderr through `tracing`;
//! `RUST_LOG` sets the filter (default [`DEFAULT_LOG_FILTER`]). See docs/observability.md.

use std::path::Path;

use anyhow::Context as _;
use nmp_crypto::Identity;
use nmp_node::{
    Node,
    config::{CompileIsolation, File},
};

use crate::{cli::NodeArgs, exit::Status};

/// The log filter when `RUST_LOG` is unset: the node's own events at `info`, other crates'
/// errors only.
const DEFAULT_LOG_FILTER: &str = "error,nmp_node=info,nmp_net=info,nmp_cli=info";

pub(crate) fn run(args: &NodeArgs) -> anyhow::Result<Status> {
    let mut file = File::load(&args.config)
        .with_context(|| format!("cannot load node configuration {}", args.config.display()))?;
    // This binary is a compile worker (`nmp compile-worker`), so compiles go to child processes
    // unless the file says otherwise.
    let sandbox = &mut file.policy.sandbox;
    sandbox
        .compile_isolation
        .get_or_insert(CompileIsolation::Process);
    let base = args.config.parent().unwrap_or(Path::new(""));
    let key = base.join(&file.identity);
    let identity = Identity::load(&key)
        .with_context(|| format!("cannot load the identity key {}", key.display()))?;
    init_logging()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(identity, &file, base))
}

/// Sends `tracing` events to stderr, filtered by `RUST_LOG` or [`DEFAULT_LOG_FILTER`]. A
/// `RUST_LOG` that is not a valid filter is a configuration failure.
fn init_logging() -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(text) => EnvFilter::try_new(&text)
            .with_context(|| format!("RUST_LOG `{text}` is not a valid log filter"))?,
        Err(_) => EnvFilter::new(DEFAULT_LOG_FILTER),
    };
    // Installed once per process; a second node in the same process (tests) keeps the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// Starts the node, reports its addresses, and shuts it down on the first signal.
async fn serve(identity: Identity, file: &File, base: &Path) -> anyhow::Result<Status> {
    let node = Node::start(identity, file, base)
        .await
        .context("cannot start the node")?;
    // Watched before the addresses are printed: a supervisor that reads them and signals at
    // once stops the node in order, never by the signal's default action.
    let stop = stop_signal()?;
    let mut refresh = refresh_signal()?;
    let peer = node.peer_id();
    for addr in node.listen_addrs() {
        eprintln!("listening on {addr}/p2p/{peer}");
    }
    if let Some(endpoint) = node.grpc_endpoint() {
        eprintln!("gRPC on {endpoint}");
    }
    if let Some(addr) = node.metrics_addr() {
        eprintln!("metrics on http://{addr}/metrics");
    }
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            () = refresh.next() => {
                let done = node.refresh().await;
                eprintln!(
                    "refreshed: {} snapshots taken, {} datasets re-committed",
                    done.snapshots, done.recommitted
                );
            }
        }
    }
    eprintln!("shutting down");
    node.shutdown().await;
    Ok(Status::Ok)
}

/// Starts watching for Ctrl-C (SIGINT) and, on Unix, SIGTERM, at once (the handlers are in
/// place when this returns); the future resolves on the first of them. Must be called inside
/// a Tokio runtime. Fails when a signal cannot be watched.
pub(crate) fn stop_signal() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?;
        let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

/// The data owner's "a source changed" signal: SIGHUP on Unix, none elsewhere.
struct RefreshSignal {
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl RefreshSignal {
    /// Resolves at the next signal (never, where there is none).
    async fn next(&mut self) {
        #[cfg(unix)]
        if self.hangup.recv().await.is_some() {
            return;
        }
        std::future::pending::<()>().await;
    }
}

/// Starts watching for SIGHUP at once. Must be called inside a Tokio runtime.
fn refresh_signal() -> anyhow::Result<RefreshSignal> {
    Ok(RefreshSignal {
        #[cfg(unix)]
        hangup: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            .context("cannot listen for SIGHUP")?,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Runs the command on a configuration written into a fresh directory.
    fn with_config(text: &str) -> anyhow::Result<Status> {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("node.toml");
        std::fs::write(&config, text).unwrap();
        run(&NodeArgs { config })
    }

    #[test]
    fn a_missing_key_file_is_a_failure_naming_it() {
        let err = with_config("identity = \"absent.key\"\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("absent.key"), "{text}");
    }

    #[test]
    fn a_broken_config_is_a_failure() {
        let err = with_config("identity = [\n").unwrap_err();
        assert!(format!("{err:#}").contains("node configuration"), "{err:#}");
        let missing = run(&NodeArgs {
            config: PathBuf::from("/nonexistent/node.toml"),
        });
        assert!(missing.is_err());
    }
}
