//! Who may ask, and how often: the access list and a per-agent token bucket.

use std::{
    collections::{HashMap, HashSet},
    sync::Mutex,
};

use nmp_crypto::PeerId;

/// Most agents whose rate buckets are remembered at once. Default and ceiling: 4,096.
///
/// When the table is full, buckets that have refilled completely are forgotten first (they carry
/// no state); if none has, the new agent is refused as rate limited until one refills.
pub const MAX_TRACKED_AGENTS: usize = 4_096;

/// Which agents may send logic to this node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// Any authenticated agent. The default.
    #[default]
    Open,
    /// Only the agents with these PeerIds; any other is answered `ERROR_CODE_FORBIDDEN`.
    Allowed(HashSet<PeerId>),
}

impl Access {
    /// `true` when `agent` may send requests.
    pub fn admits(&self, agent: &PeerId) -> bool {
        match self {
            Self::Open => true,
            Self::Allowed(agents) => agents.contains(agent),
        }
    }
}

/// Per-agent token buckets: each agent may burst up to `per_minute` requests, refilled evenly
/// over a minute. A token is 60,000 units, so an agent gains exactly `per_minute` units per
/// millisecond: refills are exact integers.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<PeerId, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    units: u64,
    updated_ms: u64,
}

/// Units per token: the milliseconds in a minute.
const UNITS: u64 = 60_000;

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per agent; 0 disables the limit.
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token from `agent`'s bucket at `now_ms`; `false` when it is empty.
    pub(crate) fn admit(&self, agent: &PeerId, now_ms: u64) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let capacity = u64::from(self.per_minute) * UNITS;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !buckets.contains_key(agent) && buckets.len() >= MAX_TRACKED_AGENTS {
            buckets.retain(|_, b| b.refilled(now_ms, self.per_minute) < capacity);
            if buckets.len() >= MAX_TRACKED_AGENTS {
                return false;
            }
        }
        let bucket = buckets.entry(*agent).or_insert(Bucket {
            units: capacity,
            updated_ms: now_ms,
        });
        let tokens = bucket.refilled(now_ms, self.per_minute).min(capacity);
        bucket.updated_ms = bucket.updated_ms.max(now_ms);
        if tokens < UNITS {
            bucket.units = tokens;
            return false;
        }
        bucket.units = tokens - UNITS;
        true
    }
}

impl Bucket {
    /// Units after refilling up to `now_ms`, not yet capped.
    fn refilled(&self, now_ms: u64, per_minute: u32) -> u64 {
        let elapsed = now_ms.saturating_sub(self.updated_ms);
        self.units
            .saturating_add(elapsed.saturating_mul(u64::from(per_minute)))
    }
}

#[cfg(test)]
mod tests {
    use nmp_crypto::Identity;

    use super::*;

    #[test]
    fn bucket_bursts_then_refills_over_the_minute() {
        let agent = Identity::from_secret_bytes([1; 32]).peer_id();
        let limiter = RateLimiter::new(2);
        assert!(limiter.admit(&agent, 0));
        assert!(limiter.admit(&agent, 0));
        assert!(!limiter.admit(&agent, 1));
        assert!(limiter.admit(&agent, 30_000));
        assert!(!limiter.admit(&agent, 30_001));
    }

    #[test]
    fn zero_means_unlimited_and_allow_list_refuses_strangers() {
        let agent = Identity::from_secret_bytes([1; 32]).peer_id();
        let stranger = Identity::from_secret_bytes([2; 32]).peer_id();
        let limiter = RateLimiter::new(0);
        assert!((0..100).all(|_| limiter.admit(&agent, 0)));
        let access = Access::Allowed(HashSet::from([agent]));
        assert!(access.admits(&agent));
        assert!(!access.admits(&stranger));
    }
}
