//! `nmp mcp [--bootstrap ADDR] [--identity FILE] [--http ADDR]`: NMP as Model Context Protocol
//! tools, over stdio (what desktop hosts launch) or Streamable HTTP on a loopback address.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context as _, bail};
use nmp_client::{Multiaddr, NmpClient};
use nmp_crypto::Identity;
use nmp_mcp::Bridge;

use crate::exit::Status;

/// Arguments of `nmp mcp`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A peer to dial first: a multiaddr ending in `/p2p/<peer id>` (repeatable) [default: none;
    /// lookups then find nothing until a peer dials in].
    #[arg(long, value_name = "ADDR")]
    bootstrap: Vec<String>,
    /// The agent's identity key file, which signs every request [default: a fresh identity for
    /// this run].
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
    /// Serve MCP over Streamable HTTP at `http://ADDR/mcp` instead of stdio, until Ctrl-C or
    /// SIGTERM. Loopback addresses only (port 0 picks a free port; the address is printed on
    /// stderr).
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// Deadline of one DHT lookup, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    lookup_timeout_secs: u64,
    /// Deadline of one execution on one node, in seconds; past it the job is cancelled.
    #[arg(long, value_name = "N", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    timeout_secs: u64,
    /// Require nodes to run inside a TEE whose measured code is this one (repeatable; as
    /// `nmp run --require-tee`): other nodes are refused before anything is sealed to them,
    /// and receipts are TEE receipts [default: no TEE required].
    #[arg(long, value_name = "MEASUREMENT")]
    require_tee: Vec<nmp_client::nmp_attest::Allowed>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<Status> {
    if let Some(addr) = args.http
        && !addr.ip().is_loopback()
    {
        bail!("--http {addr}: only loopback addresses are served (e.g. 127.0.0.1:8080)");
    }
    let bootstrap = args
        .bootstrap
        .iter()
        .map(|text| {
            text.parse::<Multiaddr>()
                .with_context(|| format!("`{text}` is not a multiaddr"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let identity = match &args.identity {
        Some(path) => Some(
            Identity::load(path)
                .with_context(|| format!("cannot load the identity key {}", path.display()))?,
        ),
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(args, bootstrap, identity))
}

async fn serve(
    args: &Args,
    bootstrap: Vec<Multiaddr>,
    identity: Option<Identity>,
) -> anyhow::Result<Status> {
    let mut builder = NmpClient::builder()
        .query_timeout(Duration::from_secs(args.lookup_timeout_secs))
        .execute_timeout(Duration::from_secs(args.timeout_secs));
    for addr in bootstrap {
        builder = builder.bootstrap(addr);
    }
    if let Some(identity) = identity {
        builder = builder.identity(identity);
    }
    if !args.require_tee.is_empty() {
        let allow = nmp_client::nmp_attest::AllowList::new(args.require_tee.iter().cloned());
        builder = builder.require_tee(allow);
    }
    let client = builder.connect().await.context("cannot join the mesh")?;
    let bridge = Bridge::new(client);
    match args.http {
        None => nmp_mcp::serve_stdio(bridge)
            .await
            .context("MCP over stdio")?,
        Some(addr) => {
            let listener = std::net::TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on {addr}"))?;
            let local = listener.local_addr().context("the listener's address")?;
            eprintln!("nmp: MCP over Streamable HTTP at http://{local}/mcp");
            nmp_mcp::serve_http(bridge, listener, stop_signal())
                .await
                .context("MCP over HTTP")?;
        }
    }
    Ok(Status::Ok)
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM; if signals cannot be watched, never (the
/// process is then stopped the hard way, which loses nothing: sessions hold no state to save).
fn stop_signal() -> impl Future<Output = ()> {
    let watched = super::node::stop_signal();
    async move {
        match watched {
            Ok(stop) => stop.await,
            Err(_) => std::future::pending().await,
        }
    }
}
