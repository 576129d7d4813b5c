//! The bounded seen-set behind replay protection.
//!
//! Invariant: every request the node accepted with a timestamp above `floor_ms` is in the set.
//! Whenever an entry leaves the set (it aged out of the window, or the set was full and it was
//! the oldest), `floor_ms` rises to its timestamp, and requests at or below the floor are refused
//! as stale. So the set stays bounded and a replay is never accepted, whatever the load: under
//! pressure the window shrinks instead.

use std::collections::{BTreeSet, HashSet};

/// A replay-cache key: SHA-256 over the agent PeerId and the request id.
pub(crate) type Key = [u8; 32];

/// Why the cache refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The same agent already used this request id.
    Replayed,
    /// The timestamp is at or below the floor; requests must be newer than `floor_ms`.
    BelowFloor { floor_ms: u64 },
}

#[derive(Debug)]
pub(crate) struct ReplayCache {
    capacity: usize,
    keys: HashSet<Key>,
    by_time: BTreeSet<(u64, Key)>,
    floor_ms: u64,
}

impl ReplayCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            keys: HashSet::new(),
            by_time: BTreeSet::new(),
            floor_ms: 0,
        }
    }

    /// Checks without recording: the cheap early refusal before any decapsulation.
    pub(crate) fn check(&self, key: &Key, timestamp_ms: u64) -> Result<(), Refusal> {
        if self.keys.contains(key) {
            return Err(Refusal::Replayed);
        }
        if timestamp_ms <= self.floor_ms {
            return Err(Refusal::BelowFloor {
                floor_ms: self.floor_ms,
            });
        }
        Ok(())
    }

    /// Records an authenticated request. Entries at or below `expire_before_ms` leave first;
    /// then the oldest leave while the set is full.
    pub(crate) fn insert(
        &mut self,
        key: Key,
        timestamp_ms: u64,
        expire_before_ms: u64,
    ) -> Result<(), Refusal> {
        while let Some(&(oldest, _)) = self.by_time.first() {
            if oldest > expire_before_ms && self.by_time.len() < self.capacity {
                break;
            }
            self.evict_oldest();
        }
        self.check(&key, timestamp_ms)?;
        self.keys.insert(key);
        self.by_time.insert((timestamp_ms, key));
        Ok(())
    }

    fn evict_oldest(&mut self) {
        if let Some((timestamp_ms, key)) = self.by_time.pop_first() {
            self.keys.remove(&key);
            self.floor_ms = self.floor_ms.max(timestamp_ms);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        [n; 32]
    }

    #[test]
    fn a_replay_inside_the_window_is_refused() {
        let mut cache = ReplayCache::new(4);
        cache.insert(key(1), 1_000, 0).unwrap();
        assert_eq!(cache.check(&key(1), 1_000), Err(Refusal::Replayed));
        assert_eq!(cache.insert(key(1), 1_000, 0), Err(Refusal::Replayed));
    }

    #[test]
    fn a_full_set_evicts_the_oldest_and_raises_the_floor() {
        let mut cache = ReplayCache::new(3);
        for (n, t) in [(1, 10), (2, 30), (3, 20)] {
            cache.insert(key(n), t, 0).unwrap();
        }
        cache.insert(key(4), 40, 0).unwrap();
        assert_eq!(cache.len(), 3);
        // Key 1 (t=10) left the set, but its replay is still refused: by the floor.
        assert_eq!(
            cache.check(&key(1), 10),
            Err(Refusal::BelowFloor { floor_ms: 10 })
        );
        assert_eq!(cache.check(&key(3), 20), Err(Refusal::Replayed));
        assert_eq!(cache.check(&key(5), 11), Ok(()));
    }

    #[test]
    fn expired_entries_leave_first() {
        let mut cache = ReplayCache::new(8);
        cache.insert(key(1), 10, 0).unwrap();
        cache.insert(key(2), 20, 0).unwrap();
        cache.insert(key(3), 30, 15).unwrap();
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.check(&key(1), 10),
            Err(Refusal::BelowFloor { floor_ms: 10 })
        );
    }
}
