//! The privacy stage: the data owner's controls (`nmp_privacy`) on what a guest wrote, after
//! the sandbox and before the egress filter: schema → order statistics → minimum group size →
//! noise, for each dataset of the job that declares any.

use std::sync::Arc;

use nmp_privacy::{Blocked, Policy, Shaped};

/// One dataset's privacy policy, as a job carries it.
#[derive(Debug, Clone)]
pub struct Protected {
    /// The dataset's name.
    pub dataset: String,
    /// Its compiled settings.
    pub policy: Arc<Policy>,
}

/// What the privacy stage concluded about one run, when a dataset of the job shapes outputs.
/// With any such control the guest's stderr never leaves: it would be a second channel around
/// the schema, `k` and the noise.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Privacy {
    /// Every dataset's controls passed the output: these stdout bytes (re-encoded, groups
    /// suppressed, noise added) go on to the egress filter.
    Passed(Vec<u8>),
    /// A dataset's controls blocked the output; the egress filter did not run and nothing but
    /// the reports leaves.
    Blocked {
        /// The dataset whose controls blocked it.
        dataset: String,
        /// Why (kept by the node; the agent is told only the outcome).
        reason: Blocked,
    },
}

/// Applies each dataset's controls in turn to `stdout`; `None` when none shapes outputs.
pub(super) fn shape(
    protected: &[Protected],
    stdout: &[u8],
) -> Result<Option<Privacy>, nmp_privacy::NoiseError> {
    let mut current: Option<Vec<u8>> = None;
    for p in protected {
        let input = current.as_deref().unwrap_or(stdout);
        match p.policy.apply(input)? {
            Shaped::Unchanged => {}
            Shaped::Rewritten(bytes) => current = Some(bytes),
            Shaped::Blocked(reason) => {
                return Ok(Some(Privacy::Blocked {
                    dataset: p.dataset.clone(),
                    reason,
                }));
            }
        }
    }
    Ok(current.map(Privacy::Passed))
}
