//! How tolerant a node is of clocks, how much it remembers, and how long old keys live.

/// The node's acceptance window, replay-cache size and key grace period.
///
/// Memory: each remembered request costs about 100 bytes, so the default cache holds at most
/// about 6.5 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConfig {
    pub(super) max_age_ms: u64,
    pub(super) max_future_ms: u64,
    pub(super) replay_capacity: usize,
    pub(super) grace_ms: u64,
}

impl Default for OpenConfig {
    fn default() -> Self {
        Self {
            max_age_ms: 300_000,
            max_future_ms: 30_000,
            replay_capacity: 65_536,
            grace_ms: 600_000,
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

    /// Most requests the replay cache remembers (at least 1).
    ///
    /// When it is full, the oldest entry leaves and requests not newer than it fail with
    /// `OpenError::Stale`: under pressure the window shrinks, a replay is never accepted.
    /// Defaults to 65_536.
    pub fn replay_capacity(mut self, entries: usize) -> Self {
        self.replay_capacity = entries;
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
}
