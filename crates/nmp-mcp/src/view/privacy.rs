//! What a model sees of a dataset's privacy controls (from the signed document) and of what a
//! run was charged (from the verified receipt).

use nmp_wire::pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The data owner's privacy controls on a dataset, enforced by the node on every output.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct PrivacyData {
    /// SHA-256 of the settings and schema (hex), as receipts bind it.
    pub(crate) settings_digest: String,
    /// The JSON Schema every output must match (JSON text); absent when none is declared.
    pub(crate) schema: Option<String>,
    /// Minimum group size k; absent when groups are not checked.
    pub(crate) min_group_size: Option<u64>,
    /// What a group below k does: `suppress` or `block`.
    pub(crate) small_groups: String,
    /// JSON pointer of the output's groups.
    pub(crate) groups_pointer: String,
    /// Member of each group holding its size.
    pub(crate) group_count: String,
    /// Columns whose order statistics (min, max, median, percentiles) are refused.
    pub(crate) order_statistics_refused: Vec<String>,
    /// Numeric outputs the node adds Laplace noise to.
    pub(crate) noise: Vec<NoiseData>,
    /// Each agent's budget per window; absent when there is none.
    pub(crate) budget: Option<BudgetData>,
    /// The budget all agents share per window; absent when there is none.
    pub(crate) budget_all_agents: Option<BudgetData>,
}

/// One declared numeric output and its Laplace noise.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct NoiseData {
    /// JSON pointer; `*` matches every element or member.
    pub(crate) pointer: String,
    /// Lower clamping bound.
    pub(crate) lower: f64,
    /// Upper clamping bound.
    pub(crate) upper: f64,
    /// The L1 sensitivity the noise is calibrated to.
    pub(crate) sensitivity: f64,
    /// ε per query, split over the values the pointer matches.
    pub(crate) epsilon: f64,
    /// Decimal places the noisy value is rounded to.
    pub(crate) decimals: u32,
}

/// A budget per window (fixed periods aligned to the Unix epoch).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub(crate) struct BudgetData {
    /// Window length in seconds.
    pub(crate) window_secs: u64,
    /// Requests per window.
    pub(crate) queries: Option<u64>,
    /// Output bytes per window.
    pub(crate) bytes: Option<u64>,
    /// ε per window.
    pub(crate) epsilon: Option<f64>,
}

/// What one dataset's controls charged a run, and the agent's own remaining budget.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AppliedData {
    /// The dataset.
    pub(crate) dataset: String,
    /// SHA-256 of the settings applied (hex).
    pub(crate) settings_digest: String,
    /// Output bytes charged.
    pub(crate) bytes_charged: u64,
    /// ε charged.
    pub(crate) epsilon_charged: f64,
    /// When the agent's budget renews (unix milliseconds); absent without a per-agent budget.
    pub(crate) renews_at_ms: Option<u64>,
    /// Requests left in the window; absent when unlimited or without a budget.
    pub(crate) queries_remaining: Option<u64>,
    /// Output bytes left in the window.
    pub(crate) bytes_remaining: Option<u64>,
    /// ε left in the window.
    pub(crate) epsilon_remaining: Option<f64>,
}

impl PrivacyData {
    pub(crate) fn new(p: &pb::DatasetPrivacy) -> Self {
        Self {
            settings_digest: hex::encode(&p.settings_digest),
            schema: (!p.schema_json.is_empty()).then(|| p.schema_json.clone()),
            min_group_size: p.min_group_size,
            small_groups: p.small_groups.clone(),
            groups_pointer: p.groups_pointer.clone(),
            group_count: p.group_count.clone(),
            order_statistics_refused: p.order_statistics_refused.clone(),
            noise: p
                .noise
                .iter()
                .map(|n| NoiseData {
                    pointer: n.pointer.clone(),
                    lower: n.lower,
                    upper: n.upper,
                    sensitivity: n.sensitivity,
                    epsilon: n.epsilon,
                    decimals: n.decimals,
                })
                .collect(),
            budget: p.budget.as_ref().map(BudgetData::new),
            budget_all_agents: p.budget_all_agents.as_ref().map(BudgetData::new),
        }
    }
}

impl BudgetData {
    fn new(b: &pb::PrivacyBudget) -> Self {
        Self {
            window_secs: b.window_secs,
            queries: b.queries,
            bytes: b.bytes,
            epsilon: b.epsilon,
        }
    }
}

impl AppliedData {
    pub(crate) fn new(a: &pb::PrivacyApplied) -> Self {
        let s = a.standing.as_ref();
        Self {
            dataset: a.dataset.clone(),
            settings_digest: hex::encode(&a.settings_digest),
            bytes_charged: a.bytes_charged,
            epsilon_charged: a.epsilon_charged,
            renews_at_ms: s.map(|s| s.renews_at_ms),
            queries_remaining: s.and_then(|s| s.queries_remaining),
            bytes_remaining: s.and_then(|s| s.bytes_remaining),
            epsilon_remaining: s.and_then(|s| s.epsilon_remaining),
        }
    }
}

/// Result of `nmp_budget`: this agent's own standing on each dataset of a capability at one
/// node, read from the receipt of a request that ran nothing (nothing was charged).
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct BudgetOutput {
    /// The node; the standing is bound by its verified receipt.
    pub(crate) peer: String,
    /// The capability asked about.
    pub(crate) capability: String,
    /// Per dataset with privacy controls: its settings digest and, with a per-agent budget,
    /// what this agent has left and when it renews (charges are 0).
    pub(crate) datasets: Vec<AppliedData>,
}
