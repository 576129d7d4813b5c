//! What a data owner writes: the privacy settings of one dataset, as read from the node's TOML
//! file (`[datasets.privacy]` under a `[[datasets]]` entry), and their validation.

use serde::{Deserialize, Serialize};

/// Most noise entries one dataset may declare: 64.
pub const MAX_NOISE_FIELDS: usize = 64;

/// Most columns whose order statistics one dataset may refuse: 64.
pub const MAX_ORDER_STATISTIC_COLUMNS: usize = 64;

/// Longest budget window: 366 days.
pub const MAX_WINDOW_SECS: u64 = 366 * 24 * 60 * 60;

/// Longest JSON pointer (or column name) in the settings: 256 bytes.
pub const MAX_POINTER_BYTES: usize = 256;

/// The privacy settings of one dataset. Every control is off unless set; a dataset without a
/// `privacy` table is served as before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Path of a JSON Schema (draft 2020-12 unless the schema's `$schema` names another) every
    /// output must match, relative to the node's file; anything else is blocked before the
    /// egress filter runs. The schema may not reference other documents. Defaults to none.
    #[serde(default)]
    pub schema: Option<std::path::PathBuf>,
    /// Minimum group size `k`: each group at [`Settings::groups`] (an array of group objects, or
    /// an object of groups by key) whose [`Settings::group_count`] is below `k` is suppressed or
    /// blocks the output ([`Settings::small_groups`]). At least 1. Defaults to none (no check).
    #[serde(default)]
    pub min_group_size: Option<u64>,
    /// What a group below `k` does. Defaults to [`SmallGroups::Suppress`].
    #[serde(default)]
    pub small_groups: SmallGroups,
    /// JSON pointer (RFC 6901) of the output's groups. Defaults to `/groups`.
    #[serde(default = "default_groups")]
    pub groups: String,
    /// Member of each group object that holds its size. Defaults to `count`.
    #[serde(default = "default_group_count")]
    pub group_count: String,
    /// Columns whose order statistics (min, max, median, percentiles, quantiles, ranges) may not
    /// leave: an output naming one of them with such a statistic, in a key or in a string
    /// value of the same or an enclosing object, is blocked. Defaults to none.
    #[serde(default)]
    pub order_statistics_refused: Vec<String>,
    /// Numeric outputs the node adds Laplace noise to. Defaults to none.
    #[serde(default)]
    pub noise: Vec<Noise>,
    /// Each agent's budget on this dataset. Defaults to none (no per-agent budget).
    #[serde(default)]
    pub budget: Option<Budget>,
    /// The budget all agents share on this dataset (it bounds what many identities learn
    /// together, which a per-agent budget cannot when identities are free). Defaults to none.
    #[serde(default)]
    pub budget_all_agents: Option<Budget>,
}

/// What a group below the minimum size does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallGroups {
    /// The group is removed from the output; the rest leaves.
    #[default]
    Suppress,
    /// The whole output is blocked.
    Block,
}

/// One declared numeric output the node perturbs with the Laplace mechanism.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// JSON pointer of the value; a `*` segment matches every element of an array and every
    /// member of an object (e.g. `/groups/*/count`). A value that is not a number blocks the
    /// output.
    pub pointer: String,
    /// Lower clamping bound: the value is clamped into `[lower, upper]` before noise.
    pub lower: f64,
    /// Upper clamping bound.
    pub upper: f64,
    /// The L1 sensitivity the owner declares for one value (how much one person can move it).
    /// Defaults to `upper - lower`, which holds whatever the module computes; a smaller figure
    /// (e.g. 1 for a count) holds only for a module that computes what the owner expects.
    #[serde(default)]
    pub sensitivity: Option<f64>,
    /// ε spent on this entry per query, split evenly over the values it matches. Positive.
    pub epsilon: f64,
    /// Decimal places the noisy value is rounded to (post-processing, which spends no ε): a
    /// noisy value with 16 significant digits could otherwise look like a card or phone number
    /// to the egress filter, and says nothing more. At most [`MAX_DECIMALS`]. Defaults to 2.
    #[serde(default = "default_decimals")]
    pub decimals: u32,
}

/// Most decimal places a noisy value keeps: 6.
pub const MAX_DECIMALS: u32 = 6;

fn default_decimals() -> u32 {
    2
}

/// A budget per window: queries, bytes out and ε. Each limit is off unless set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Length of the window in seconds. Windows are fixed periods aligned to the Unix epoch
    /// (a day-long window renews at 00:00 UTC); the budget renews when one ends. 1 to
    /// [`MAX_WINDOW_SECS`].
    pub window_secs: u64,
    /// Requests that run per window.
    #[serde(default)]
    pub queries: Option<u64>,
    /// Output bytes (stdout and stderr as they leave) per window.
    #[serde(default)]
    pub bytes: Option<u64>,
    /// ε per window (pure ε-DP, basic composition). Required when noise is declared.
    #[serde(default)]
    pub epsilon: Option<f64>,
}

/// Why a dataset's privacy settings are refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// `min_group_size` is 0.
    #[error("min_group_size must be at least 1")]
    ZeroGroupSize,
    /// A JSON pointer is neither empty nor starts with `/`, or is too long.
    #[error("invalid JSON pointer `{0}`")]
    Pointer(String),
    /// A number that must be finite and positive (ε, sensitivity) is not.
    #[error("`{0}` must be finite and positive")]
    NotPositive(&'static str),
    /// A noise entry's bounds are not finite with `lower < upper`.
    #[error("noise `{0}`: bounds must be finite with lower < upper")]
    Bounds(String),
    /// Noise is declared without an ε budget: the spend would have no bound.
    #[error("noise is declared but no budget sets epsilon")]
    NoEpsilonBudget,
    /// One query's ε exceeds a window's ε budget: no query could ever run.
    #[error("one query spends ε {per_query}, above the window's {budget}")]
    QueryOverBudget {
        /// ε one query spends.
        per_query: f64,
        /// The window's ε.
        budget: f64,
    },
    /// A budget's window is 0 or longer than [`MAX_WINDOW_SECS`].
    #[error("budget window must be 1 to {MAX_WINDOW_SECS} seconds")]
    Window,
    /// More noise entries or refused columns than the limits allow.
    #[error("too many `{0}` entries")]
    TooMany(&'static str),
    /// A noise entry keeps more than [`MAX_DECIMALS`] decimal places.
    #[error("noise `{0}`: at most {MAX_DECIMALS} decimals")]
    Decimals(String),
    /// A column name is empty or longer than [`MAX_POINTER_BYTES`].
    #[error("invalid column name `{0}`")]
    Column(String),
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            schema: None,
            min_group_size: None,
            small_groups: SmallGroups::default(),
            groups: default_groups(),
            group_count: default_group_count(),
            order_statistics_refused: Vec::new(),
            noise: Vec::new(),
            budget: None,
            budget_all_agents: None,
        }
    }
}

fn default_groups() -> String {
    "/groups".to_owned()
}

fn default_group_count() -> String {
    "count".to_owned()
}

impl Settings {
    /// Checks every limit and relation this documentation states.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.min_group_size == Some(0) {
            return Err(SettingsError::ZeroGroupSize);
        }
        pointer(&self.groups)?;
        column(&self.group_count)?;
        if self.order_statistics_refused.len() > MAX_ORDER_STATISTIC_COLUMNS {
            return Err(SettingsError::TooMany("order_statistics_refused"));
        }
        self.order_statistics_refused
            .iter()
            .try_for_each(|c| column(c))?;
        if self.noise.len() > MAX_NOISE_FIELDS {
            return Err(SettingsError::TooMany("noise"));
        }
        for noise in &self.noise {
            noise.validate()?;
        }
        for budget in [&self.budget, &self.budget_all_agents]
            .into_iter()
            .flatten()
        {
            budget.validate()?;
        }
        if !self.noise.is_empty() {
            let per_query = self.epsilon_per_query();
            let budgets = [&self.budget, &self.budget_all_agents];
            let mut limits = budgets.into_iter().flatten().filter_map(|b| b.epsilon);
            let Some(first) = limits.next() else {
                return Err(SettingsError::NoEpsilonBudget);
            };
            if let Some(budget) = std::iter::once(first)
                .chain(limits)
                .find(|b| per_query > *b)
            {
                return Err(SettingsError::QueryOverBudget { per_query, budget });
            }
        }
        Ok(())
    }

    /// ε one query spends: the sum of the noise entries' ε (0 without noise).
    pub fn epsilon_per_query(&self) -> f64 {
        self.noise.iter().map(|n| n.epsilon).sum()
    }

    /// `true` when the output must be JSON for the controls to apply (any control but the
    /// budgets is set).
    pub fn shapes_output(&self) -> bool {
        self.schema.is_some()
            || self.min_group_size.is_some()
            || !self.order_statistics_refused.is_empty()
            || !self.noise.is_empty()
    }
}

impl Noise {
    /// The sensitivity the mechanism is calibrated to.
    pub fn sensitivity(&self) -> f64 {
        self.sensitivity.unwrap_or(self.upper - self.lower)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        pointer(&self.pointer)?;
        let finite = self.lower.is_finite() && self.upper.is_finite();
        if !finite || self.lower >= self.upper || !(self.upper - self.lower).is_finite() {
            return Err(SettingsError::Bounds(self.pointer.clone()));
        }
        if self.decimals > MAX_DECIMALS {
            return Err(SettingsError::Decimals(self.pointer.clone()));
        }
        positive(self.epsilon, "epsilon")?;
        positive(self.sensitivity(), "sensitivity")
    }
}

impl Budget {
    fn validate(&self) -> Result<(), SettingsError> {
        if self.window_secs == 0 || self.window_secs > MAX_WINDOW_SECS {
            return Err(SettingsError::Window);
        }
        self.epsilon.map_or(Ok(()), |e| positive(e, "epsilon"))
    }

    /// The window in milliseconds.
    pub fn window_ms(&self) -> u64 {
        self.window_secs.saturating_mul(1000)
    }
}

fn positive(value: f64, what: &'static str) -> Result<(), SettingsError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(SettingsError::NotPositive(what))
    }
}

fn pointer(p: &str) -> Result<(), SettingsError> {
    if p.len() > MAX_POINTER_BYTES || !(p.is_empty() || p.starts_with('/')) {
        return Err(SettingsError::Pointer(p.to_owned()));
    }
    Ok(())
}

fn column(c: &str) -> Result<(), SettingsError> {
    if c.is_empty() || c.len() > MAX_POINTER_BYTES {
        return Err(SettingsError::Column(c.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(epsilon: f64) -> Noise {
        Noise {
            pointer: "/mean".into(),
            lower: 0.0,
            upper: 100.0,
            sensitivity: None,
            epsilon,
            decimals: 2,
        }
    }

    fn budget(epsilon: Option<f64>) -> Budget {
        Budget {
            window_secs: 60,
            queries: None,
            bytes: None,
            epsilon,
        }
    }

    #[test]
    fn defaults_are_off_and_valid() {
        let s = Settings::default();
        assert!(!s.shapes_output());
        s.validate().unwrap();
    }

    #[test]
    fn noise_needs_an_epsilon_budget_that_fits_one_query() {
        let mut s = Settings {
            noise: vec![noise(0.5), noise(0.25)],
            ..Settings::default()
        };
        assert!(matches!(s.validate(), Err(SettingsError::NoEpsilonBudget)));
        s.budget = Some(budget(Some(0.5)));
        assert!(matches!(
            s.validate(),
            Err(SettingsError::QueryOverBudget { .. })
        ));
        s.budget = Some(budget(Some(0.75)));
        s.validate().unwrap();
        assert_eq!(s.epsilon_per_query(), 0.75);
    }

    #[test]
    fn bad_numbers_and_pointers_are_refused() {
        let mut n = noise(0.0);
        assert!(matches!(n.validate(), Err(SettingsError::NotPositive(_))));
        n.epsilon = 1.0;
        n.upper = n.lower;
        assert!(matches!(n.validate(), Err(SettingsError::Bounds(_))));
        n.upper = f64::INFINITY;
        assert!(matches!(n.validate(), Err(SettingsError::Bounds(_))));
        n.upper = 1.0;
        n.decimals = MAX_DECIMALS + 1;
        assert!(matches!(n.validate(), Err(SettingsError::Decimals(_))));
        n.decimals = MAX_DECIMALS;
        n.validate().unwrap();
        n.pointer = "mean".into();
        assert!(matches!(n.validate(), Err(SettingsError::Pointer(_))));
        let s = Settings {
            min_group_size: Some(0),
            ..Settings::default()
        };
        assert!(matches!(s.validate(), Err(SettingsError::ZeroGroupSize)));
        let b = Budget {
            window_secs: MAX_WINDOW_SECS + 1,
            ..budget(None)
        };
        assert!(matches!(b.validate(), Err(SettingsError::Window)));
    }

    #[test]
    fn sensitivity_defaults_to_the_range() {
        assert_eq!(noise(1.0).sensitivity(), 100.0);
    }

    #[test]
    fn parses_from_toml() {
        let s: Settings = toml::from_str(
            r#"
            min_group_size = 5
            small_groups = "block"
            order_statistics_refused = ["age"]
            [[noise]]
            pointer = "/groups/*/count"
            lower = 0.0
            upper = 1000.0
            sensitivity = 1.0
            epsilon = 0.5
            [budget]
            window_secs = 3600
            queries = 10
            epsilon = 1.0
            "#,
        )
        .unwrap();
        s.validate().unwrap();
        assert_eq!(s.small_groups, SmallGroups::Block);
        assert_eq!(s.groups, "/groups");
        assert!(toml::from_str::<Settings>("k = 5").is_err());
    }
}
