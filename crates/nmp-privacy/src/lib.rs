//! The privacy controls of an NMP Data Node, set by the data owner per dataset and enforced by
//! the node on each output before it leaves, whatever module produced it.
//!
//! A filter cannot stop an aggregate that singles one person out, an order statistic that is
//! one person's value, or many small answers that combine. This crate bounds what a stream of
//! answers can reveal: an output must match a declared JSON Schema; groups below a minimum
//! size `k` are suppressed (or block the output); outputs naming an order statistic of a
//! refused column are blocked; declared numeric values get Laplace noise from OpenDP calibrated
//! to the owner's clamping bounds, sensitivity and ε; and a [`Ledger`] charges each agent's
//! (and all agents') queries, bytes and ε per window, durably, before an answer leaves.
//!
//! ```
//! use nmp_privacy::{Policy, Settings, Shaped, SmallGroups};
//!
//! let settings = Settings {
//!     min_group_size: Some(5),
//!     small_groups: SmallGroups::Suppress,
//!     ..Settings::default()
//! };
//! let policy = Policy::new(settings, None)?;
//! let out = policy.apply(br#"{"groups":[{"key":"flu","count":9},{"key":"rare","count":1}]}"#)?;
//! let Shaped::Rewritten(bytes) = out else { panic!("suppression rewrites the output") };
//! let left: serde_json::Value = serde_json::from_slice(&bytes)?;
//! assert_eq!(left, serde_json::json!({"groups": [{"key": "flu", "count": 9}]}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Concepts
//!
//! - [`Settings`]: what the owner writes in the node's TOML file (`[datasets.privacy]`);
//!   validated, lives as long as the node.
//! - [`Policy`]: the settings compiled (schema validator, digest); one per dataset, shared by
//!   every request; [`Policy::apply`] gives a [`Shaped`] output.
//! - [`Ledger`]: the budgets spent per window, in a `redb` file that survives restarts; one per
//!   node; [`Ledger::charge`] checks and charges [`Account`]s atomically.
//!
//! See `docs/privacy.md` in the repository for the mechanism, the accounting and what these
//! controls do not stop.

mod ledger;
mod noise;
mod policy;
mod settings;

pub use ledger::{
    Account, Charge, Ledger, LedgerError, MAX_ACCOUNTS, Remaining, Resource, Standing,
};
pub use noise::{NoiseError, scale};
pub use policy::{Blocked, MAX_SCHEMA_BYTES, Policy, PolicyError, Shaped};
pub use settings::{
    Budget, MAX_DECIMALS, MAX_NOISE_FIELDS, MAX_ORDER_STATISTIC_COLUMNS, MAX_POINTER_BYTES,
    MAX_WINDOW_SECS, Noise, Settings, SettingsError, SmallGroups,
};
