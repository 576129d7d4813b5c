//! The data owner's privacy budgets around one run, and what the capability document and the
//! receipt say of the controls.
//!
//! A run is charged twice, both times durably before anything leaves: one query and each
//! dataset's ε after it holds a run slot and before the guest starts (a refusal then ran
//! nothing), and the bytes that leave after the filters (a refusal then discards the answer).
//! What the agent is told of its budget is only what it spent itself.

use std::sync::Arc;

use nmp_crypto::PeerId;
use nmp_privacy::{Account, Charge, LedgerError, Policy, Resource, SmallGroups, Standing};
use nmp_wire::pb;

use super::{Service, execute::Refusal};
use crate::{Execution, Protected};

impl Service {
    /// Charges one query and each dataset's ε per query to the agent's and all agents'
    /// budgets, or refuses with `BUDGET_EXHAUSTED` having charged nothing.
    pub(super) async fn charge_run(
        self: &Arc<Self>,
        protected: &[Protected],
        agent: &PeerId,
        now_ms: u64,
    ) -> Result<(), Refusal> {
        let charges = protected
            .iter()
            .map(|p| {
                let charge = Charge {
                    queries: 1,
                    bytes: 0,
                    epsilon: p.policy.settings().epsilon_per_query(),
                };
                (p.clone(), charge)
            })
            .collect();
        self.charge(charges, agent, now_ms).await.map(drop)
    }

    /// Charges the bytes leaving (stdout and stderr after the filters) and returns what the
    /// receipt binds for each dataset with controls; refuses with `BUDGET_EXHAUSTED` (the
    /// answer is discarded) when a byte budget would be exceeded.
    pub(super) async fn charge_output(
        self: &Arc<Self>,
        protected: &[Protected],
        agent: &PeerId,
        execution: &Execution,
        now_ms: u64,
    ) -> Result<Vec<pb::PrivacyApplied>, Refusal> {
        let bytes = [execution.stdout(), execution.stderr()]
            .into_iter()
            .flatten()
            .map(|s| s.len() as u64)
            .sum();
        let charge = Charge {
            bytes,
            ..Charge::default()
        };
        let charges = protected.iter().map(|p| (p.clone(), charge)).collect();
        let standings = self.charge(charges, agent, now_ms).await?;
        Ok(protected
            .iter()
            .zip(standings)
            .map(|(p, standing)| pb::PrivacyApplied {
                dataset: p.dataset.clone(),
                settings_digest: p.policy.digest().to_vec(),
                queries_charged: 1,
                bytes_charged: bytes,
                epsilon_charged: p.policy.settings().epsilon_per_query(),
                standing: standing.map(|s| wire_standing(&s)),
            })
            .collect())
    }

    /// What the receipt of a request that ran nothing binds for each dataset with controls:
    /// the settings, no charge, and the agent's own standing (read, never written: an agent
    /// asking about its budget creates no account).
    pub(super) async fn standings(
        self: &Arc<Self>,
        protected: &[Protected],
        agent: &PeerId,
        now_ms: u64,
    ) -> Result<Vec<pb::PrivacyApplied>, Refusal> {
        let ledger = self.ledger.clone();
        let protected = protected.to_vec();
        let agent = agent.to_bytes();
        tokio::task::spawn_blocking(move || {
            protected
                .iter()
                .map(|p| {
                    let standing = match (&ledger, &p.policy.settings().budget) {
                        (Some(ledger), Some(budget)) => {
                            let account = account(p, &agent, budget);
                            Some(wire_standing(&ledger.standing(&account, now_ms)?))
                        }
                        _ => None,
                    };
                    Ok::<_, LedgerError>(pb::PrivacyApplied {
                        dataset: p.dataset.clone(),
                        settings_digest: p.policy.digest().to_vec(),
                        standing,
                        ..pb::PrivacyApplied::default()
                    })
                })
                .collect::<Result<Vec<_>, LedgerError>>()
        })
        .await
        .map_err(|e| Refusal::internal("the budget ledger", e))?
        .map_err(refusal)
    }

    /// Charges every budget of `charges` in one ledger transaction on a blocking thread;
    /// returns the agent's own standing per dataset (`None` without a per-agent budget).
    async fn charge(
        self: &Arc<Self>,
        charges: Vec<(Protected, Charge)>,
        agent: &PeerId,
        now_ms: u64,
    ) -> Result<Vec<Option<Standing>>, Refusal> {
        if !charges
            .iter()
            .any(|(p, _)| budgets(&p.policy).next().is_some())
        {
            return Ok(vec![None; charges.len()]);
        }
        let Some(ledger) = self.ledger.clone() else {
            return Err(Refusal::internal("the budget ledger", "no ledger is open"));
        };
        let agent = agent.to_bytes();
        let standings = tokio::task::spawn_blocking(move || {
            let mut accounts = Vec::new();
            for (p, charge) in &charges {
                let s = p.policy.settings();
                if let Some(budget) = &s.budget {
                    let agent = agent.as_slice();
                    accounts.push((account(p, agent, budget), *charge));
                }
                if let Some(budget) = &s.budget_all_agents {
                    accounts.push((account(p, b"", budget), *charge));
                }
            }
            let standings = ledger.charge(&accounts, now_ms)?;
            // The agent's own standing per dataset, never the all-agents one.
            let mut own = accounts.iter().zip(standings);
            Ok::<_, LedgerError>(
                charges
                    .iter()
                    .map(|(p, _)| {
                        let name = p.dataset.as_str();
                        own.find(|((a, _), _)| a.dataset == name && !a.agent.is_empty())
                            .map(|(_, s)| s)
                    })
                    .collect(),
            )
        })
        .await
        .map_err(|e| Refusal::internal("the budget ledger", e))?;
        standings.map_err(refusal)
    }
}

fn account<'a>(p: &'a Protected, agent: &'a [u8], budget: &'a nmp_privacy::Budget) -> Account<'a> {
    Account {
        dataset: &p.dataset,
        agent,
        budget,
    }
}

fn budgets(policy: &Policy) -> impl Iterator<Item = &nmp_privacy::Budget> {
    let s = policy.settings();
    s.budget.iter().chain(&s.budget_all_agents)
}

fn refusal(error: LedgerError) -> Refusal {
    match error {
        LedgerError::Exhausted {
            resource,
            all_agents,
            renews_at_ms,
        } => {
            let what = match resource {
                Resource::Queries => "query",
                Resource::Bytes => "byte",
                _ => "epsilon",
            };
            let whose = if all_agents {
                "all agents'"
            } else {
                "the agent's"
            };
            let message = format!("{whose} {what} budget is spent until {renews_at_ms} (Unix ms)");
            Refusal::budget_exhausted(message, renews_at_ms)
        }
        LedgerError::Full => Refusal::new(pb::ErrorCode::Overloaded, "the budget ledger is full"),
        e => Refusal::internal("the budget ledger", e),
    }
}

fn wire_standing(s: &Standing) -> pb::PrivacyStanding {
    pb::PrivacyStanding {
        renews_at_ms: s.renews_at_ms,
        queries_spent: s.spent.queries,
        bytes_spent: s.spent.bytes,
        epsilon_spent: s.spent.epsilon,
        queries_remaining: s.remaining.queries,
        bytes_remaining: s.remaining.bytes,
        epsilon_remaining: s.remaining.epsilon,
    }
}

fn wire_budget(b: &nmp_privacy::Budget) -> pb::PrivacyBudget {
    pb::PrivacyBudget {
        window_secs: b.window_secs,
        queries: b.queries,
        bytes: b.bytes,
        epsilon: b.epsilon,
    }
}

/// What the capability document announces of a dataset's controls.
pub(super) fn announce(policy: &Policy) -> pb::DatasetPrivacy {
    let s = policy.settings();
    pb::DatasetPrivacy {
        settings_digest: policy.digest().to_vec(),
        schema_json: policy.schema().map(ToString::to_string).unwrap_or_default(),
        min_group_size: s.min_group_size,
        small_groups: match s.small_groups {
            SmallGroups::Suppress => "suppress".to_owned(),
            SmallGroups::Block => "block".to_owned(),
        },
        groups_pointer: s.groups.clone(),
        group_count: s.group_count.clone(),
        order_statistics_refused: s.order_statistics_refused.clone(),
        noise: s
            .noise
            .iter()
            .map(|n| pb::PrivacyNoise {
                pointer: n.pointer.clone(),
                lower: n.lower,
                upper: n.upper,
                sensitivity: n.sensitivity(),
                epsilon: n.epsilon,
                decimals: n.decimals,
            })
            .collect(),
        budget: s.budget.as_ref().map(wire_budget),
        budget_all_agents: s.budget_all_agents.as_ref().map(wire_budget),
    }
}
