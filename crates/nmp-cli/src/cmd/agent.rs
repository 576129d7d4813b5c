//! Joining the mesh as an agent (`nmp discover`, `nmp run`), and the JSON views they print.

use std::time::Duration;

use anyhow::Context as _;
use nmp_client::{
    Answer, AttestationStatus, Error, Multiaddr, NmpClient, Provider, outcome_name, verdict_name,
};
use nmp_crypto::{Identity, receipt};
use nmp_wire::{Label as _, pb};
use serde_json::{Value, json};

use crate::cli::AgentArgs;

/// Parses the bootstrap addresses, loads the identity and joins the mesh.
pub(crate) async fn connect(
    args: &AgentArgs,
    execute_timeout: Duration,
) -> anyhow::Result<NmpClient> {
    connect_trusting(args, execute_timeout, Vec::new()).await
}

/// [`connect`], sending logic only to `trusted` nodes when that is not empty.
pub(crate) async fn connect_trusting(
    args: &AgentArgs,
    execute_timeout: Duration,
    trusted: Vec<nmp_client::PeerId>,
) -> anyhow::Result<NmpClient> {
    let mut builder = NmpClient::builder()
        .query_timeout(Duration::from_secs(args.lookup_timeout_secs))
        .execute_timeout(execute_timeout);
    if !trusted.is_empty() {
        builder = builder.trusted_nodes(trusted);
    }
    if !args.require_tee.is_empty() {
        let allow = nmp_client::nmp_attest::AllowList::new(args.require_tee.iter().cloned());
        builder = builder.require_tee(allow);
    }
    for text in &args.bootstrap {
        let addr: Multiaddr = text
            .parse()
            .with_context(|| format!("`{text}` is not a multiaddr"))?;
        builder = builder.bootstrap(addr);
    }
    if let Some(path) = &args.identity {
        let identity = Identity::load(path)
            .with_context(|| format!("cannot load the identity key {}", path.display()))?;
        builder = builder.identity(identity);
    }
    builder.connect().await.context("cannot join the mesh")
}

/// A node's verified capability document as JSON (no data, only what the node publishes).
/// A dataset's privacy controls as its node announces them.
fn privacy_json(p: &pb::DatasetPrivacy) -> Value {
    let budget = |b: &pb::PrivacyBudget| {
        json!({"window_secs": b.window_secs, "queries": b.queries, "bytes": b.bytes,
               "epsilon": b.epsilon})
    };
    let noise: Vec<Value> = p
        .noise
        .iter()
        .map(|n| {
            json!({"pointer": n.pointer, "lower": n.lower, "upper": n.upper,
                   "sensitivity": n.sensitivity, "epsilon": n.epsilon, "decimals": n.decimals})
        })
        .collect();
    let schema = serde_json::from_str::<Value>(&p.schema_json).ok();
    json!({
        "settings_digest": hex::encode(&p.settings_digest), "schema": schema,
        "min_group_size": p.min_group_size, "small_groups": p.small_groups,
        "groups_pointer": p.groups_pointer, "group_count": p.group_count,
        "order_statistics_refused": p.order_statistics_refused, "noise": noise,
        "budget": p.budget.as_ref().map(budget),
        "budget_all_agents": p.budget_all_agents.as_ref().map(budget),
    })
}

pub(crate) fn provider_json(provider: &Provider) -> Value {
    let d = &provider.document;
    let datasets: Vec<Value> = d
        .datasets
        .iter()
        .map(|set| {
            let columns: Vec<Value> = set
                .columns
                .iter()
                .map(|c| {
                    let kind = pb::ColumnType::label_of(c.r#type);
                    json!({"name": c.name, "type": kind, "restricted": c.restricted})
                })
                .collect();
            json!({
                "name": set.name, "capability": set.capability, "format": set.format,
                "rows": set.row_count, "bytes": set.bytes,
                "commitment": hex::encode(&set.commitment), "columns": columns,
                "privacy": set.privacy.as_ref().map(privacy_json),
                "error": (!set.error.is_empty()).then_some(&set.error),
                "snapshot": set.snapshot.as_ref().map(|s| json!({
                    "source": s.source, "query": s.query, "taken_at_ms": s.taken_at_ms,
                })),
            })
        })
        .collect();
    let policy = d.policy.clone().unwrap_or_default();
    let limits = d.limits.unwrap_or_default();
    json!({
        "peer": provider.peer.to_string(),
        "datasets": datasets,
        "limits": {
            "max_module_bytes": limits.max_module_bytes, "max_input_bytes": limits.max_input_bytes,
            "max_output_bytes": limits.max_output_bytes, "max_timeout_ms": limits.max_timeout_ms,
            "max_memory_bytes": limits.max_memory_bytes, "max_fuel": limits.max_fuel,
        },
        "policy": {
            "open": policy.open, "rate_limit_per_minute": policy.rate_limit_per_minute,
            "budget_per_day": policy.budget_per_day,
            "origin_rate_limit_per_minute": policy.origin_rate_limit_per_minute,
            "response_quantum_ms": policy.response_quantum_ms,
            "egress_mode": policy.egress_mode, "restricted_keys": policy.restricted_keys,
            "guardian_policy_digest": hex::encode(&policy.guardian_policy_digest),
        },
        "kem_keys": d.kem_keys.len(),
        "expires_at_ms": d.expires_at_ms,
        "attestation": attestation_json(&provider.attestation_status(nmp_wire::now_ms())),
    })
}

/// A node's attestation as this agent sees it: `null` when it publishes none; `accepted` by
/// the agent's `--require-tee` allow-list; or, without one, `unchecked` with the measurement
/// its evidence claims (its vendor chain and key binding verified) or why that failed.
pub(crate) fn attestation_json(status: &AttestationStatus) -> Value {
    match status {
        AttestationStatus::Accepted { kind, measurement } => {
            json!({"kind": kind.name(), "status": "accepted", "measurement": measurement})
        }
        AttestationStatus::Unchecked { kind, measurement } => {
            let kind = kind.map(|k| k.name());
            match measurement {
                Ok(m) => json!({"kind": kind, "status": "unchecked", "measurement": m}),
                Err(e) => json!({"kind": kind, "status": "unchecked", "invalid": e.to_string()}),
            }
        }
        _ => Value::Null,
    }
}

/// This agent's own standing on each dataset of a budget query, as JSON.
pub(crate) fn budget_json(applied: &[pb::PrivacyApplied]) -> Value {
    let rows: Vec<Value> = applied
        .iter()
        .map(|a| {
            let s = a.standing.as_ref();
            json!({
                "dataset": a.dataset, "settings_digest": hex::encode(&a.settings_digest),
                "renews_at_ms": s.map(|s| s.renews_at_ms),
                "queries_spent": s.map(|s| s.queries_spent),
                "bytes_spent": s.map(|s| s.bytes_spent),
                "epsilon_spent": s.map(|s| s.epsilon_spent),
                "queries_remaining": s.and_then(|s| s.queries_remaining),
                "bytes_remaining": s.and_then(|s| s.bytes_remaining),
                "epsilon_remaining": s.and_then(|s| s.epsilon_remaining),
            })
        })
        .collect();
    Value::Array(rows)
}

/// A verified answer as JSON: the output (as JSON when it parses, else text), the outcome and
/// the receipt digests.
pub(crate) fn answer_json(answer: &Answer) -> Value {
    let output = serde_json::from_slice::<Value>(&answer.output)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer.output).into_owned()));
    let body = &answer.receipt_body;
    json!({
        "peer": answer.peer.to_string(),
        "outcome": outcome_name(answer.outcome),
        "egress": {
            "verdict": verdict_name(answer.egress.verdict),
            "categories": answer.egress.categories,
        },
        "output": output,
        "receipt": {
            "verified": true,
            "kind": pb::ReceiptKind::label_of(answer.receipt.kind),
            "module_sha256": hex::encode(&body.module_sha256),
            "input_sha256": hex::encode(&body.input_sha256),
            "output_sha256": hex::encode(&body.output_sha256),
            "privacy": body.privacy.iter().map(applied_json).collect::<Vec<_>>(),
        },
    })
}

/// What a dataset's privacy controls charged a run, and the agent's own remaining budget.
fn applied_json(a: &pb::PrivacyApplied) -> Value {
    let s = a.standing.as_ref();
    json!({
        "dataset": a.dataset, "settings_digest": hex::encode(&a.settings_digest),
        "bytes_charged": a.bytes_charged, "epsilon_charged": a.epsilon_charged,
        "renews_at_ms": s.map(|s| s.renews_at_ms),
        "queries_remaining": s.and_then(|s| s.queries_remaining),
        "bytes_remaining": s.and_then(|s| s.bytes_remaining),
        "epsilon_remaining": s.and_then(|s| s.epsilon_remaining),
    })
}

/// A failed node as JSON: its error chain on one line and its kind, and when a spent privacy
/// budget renews.
pub(crate) fn failure_json(peer: &nmp_client::PeerId, err: &Error) -> Value {
    let mut failure =
        json!({"peer": peer.to_string(), "error": err.chain(), "kind": err.kind().as_str()});
    if let Error::BudgetExhausted { renews_at_ms, .. } = err {
        failure["renews_at_ms"] = json!(renews_at_ms);
    }
    failure
}

/// Writes `answer`'s receipt as `<dir>/<peer id>.json`.
pub(crate) fn save_receipt(dir: &std::path::Path, answer: &Answer) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{}.json", answer.peer));
    let text = serde_json::to_string_pretty(&receipt::to_json(&answer.receipt))
        .context("encoding the receipt")?;
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
