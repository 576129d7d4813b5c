//! How tolerant a node is of clocks, how much it remembers, and how long old keys live.

use crate::{envelope::replay, session::SessionConfig};

/// The node's acceptance window, replay-cache bounds and key grace period.
///
/// Memory: each remembered request costs under 100 bytes and each agent with a partition under
/// 1 KB more, so the default cache holds at most about 11 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConfig {
    pub(super) max_age_ms: u64,
    pub(super) max_future_ms: u64,
    pub(super) replay: replay::Limits,
    pub(super) grace_ms: u64,
    pub(super) session: SessionConfig,
}

impl Default for OpenConfig {
    fn default() -> Self {
        Self {
            max_age_ms: 300_000,
            max_future_ms: 30_000,
            replay: replay::Limits {
                max_agents: 4_096,
                per_agent: 8_192,
                capacity: 65_536,
            },
            grace_ms: 600_000,
            session: SessionConfig::default(),
        }
    }
}

impl OpenConfig {
    /// Oldest request timestamp accepted, relative to the node's clock.
    ///
    /// An older request fails with `OpenError::Stale`. Requests are remembered for this long,
    /// so it bounds how long a replay must be remembered. Defaults to 300_000 (5 minutes).
    pub fn max_age_ms(mut self, ms: u64) -> Self {
        self.max_age_ms = ms;
        self
    }

    /// How far ahead of the node's clock a request timestamp may be.
    ///
    /// A later one fails with `OpenError::FutureDated`. Defaults to 30_000 (30 seconds).
    pub fn max_future_ms(mut self, ms: u64) -> Self {
        self.max_future_ms = ms;
        self
    }

    /// Most requests the replay cache remembers, over all agents (at least 1).
    ///
    /// When it is full, an agent that records a request evicts its own oldest entry, and its
    /// own requests not newer than that entry fail with `OpenError::Stale` (its window
    /// shrinks, nobody else's); an agent with nothing recorded fails with
    /// `OpenError::ReplayCacheFull` until entries age out. A replay is never accepted.
    /// Defaults to 65_536.
    pub fn replay_capacity(mut self, entries: usize) -> Self {
        self.replay.capacity = entries;
        self
    }

    /// Most requests the replay cache remembers for one agent (at least 1).
    ///
    /// An agent over it evicts its own oldest entry, as under [`OpenConfig::replay_capacity`].
    /// Keep it above the requests one agent may send inside the window (its rate limit times
    /// `max_age_ms`) and above its requests in flight, or that agent's own window shrinks.
    /// Defaults to 8_192.
    pub fn replay_per_agent(mut self, entries: usize) -> Self {
        self.replay.per_agent = entries;
        self
    }

    /// Most agents the replay cache remembers at once (at least 1).
    ///
    /// When that many agents have requests inside the window, a further agent fails with
    /// `OpenError::ReplayCacheFull` until one agent's requests all age out (at most
    /// `max_age_ms`); no agent's entries are dropped for another. Defaults to 4_096.
    pub fn replay_agents(mut self, agents: usize) -> Self {
        self.replay.max_agents = agents;
        self
    }

    /// How long a rotated-out KEM key stays usable after `Keyring::rotate`.
    ///
    /// Covers agents that sealed to the old key from a capability document fetched just before
    /// the rotation. Defaults to 600_000 (10 minutes).
    pub fn grace_ms(mut self, ms: u64) -> Self {
        self.grace_ms = ms;
        self
    }

    /// The lifetime and bounds of sealed sessions ([`crate::session`]). Defaults to
    /// [`SessionConfig::default`].
    pub fn sessions(mut self, config: SessionConfig) -> Self {
        self.session = config;
        self
    }
}
