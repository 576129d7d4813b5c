//! `nmp discover CAPABILITY --bootstrap ADDR`: the verified capability documents of every node
//! that serves a capability, as JSON.

use std::time::Duration;

use anyhow::Context as _;
use serde_json::json;

use super::agent;
use crate::{cli::DiscoverArgs, exit::Status};

pub(crate) fn run(args: &DiscoverArgs) -> anyhow::Result<Status> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(discover(args))
}

async fn discover(args: &DiscoverArgs) -> anyhow::Result<Status> {
    let client = agent::connect(&args.agent, Duration::from_secs(60)).await?;
    let discovery = match client.discover(&args.capability).await {
        Ok(discovery) => discovery,
        Err(err) => {
            eprintln!(
                "nmp: lookup of `{}` failed: {}",
                args.capability,
                err.chain()
            );
            return Ok(Status::Unreachable);
        }
    };
    let mut providers = Vec::with_capacity(discovery.providers.len());
    for provider in &discovery.providers {
        let mut json = agent::provider_json(provider);
        if args.budget {
            json["budget"] = match client.budget(provider.peer, &args.capability).await {
                Ok(applied) => agent::budget_json(&applied),
                Err(err) => agent::failure_json(&provider.peer, &err),
            };
        }
        providers.push(json);
    }
    let failed: Vec<_> = discovery
        .failed
        .iter()
        .map(|(peer, err)| agent::failure_json(peer, err))
        .collect();
    super::print_json(&json!({
        "capability": args.capability,
        "providers": providers,
        "failed": failed,
    }))?;
    if discovery.providers.is_empty() {
        eprintln!("nmp: no provider of `{}` answered", args.capability);
        return Ok(Status::Unreachable);
    }
    Ok(Status::Ok)
}
