//! One agent's bounded seen-set and its floor.
//!
//! Invariant: every request of this agent the node recorded with a timestamp above `floor_ms` is
//! in the set. Whenever an entry leaves (it aged out of the window, or the partition was full and
//! it was the oldest), `floor_ms` rises to its timestamp, and this agent's requests at or below
//! the floor are refused as stale. Only this agent's own entries ever leave this partition.

use std::collections::{BTreeSet, HashSet};

use nmp_wire::limits::REQUEST_ID_BYTES;

use super::Refusal;

/// A request id, unique per agent.
pub(crate) type RequestId = [u8; REQUEST_ID_BYTES];

#[derive(Debug)]
pub(super) struct Partition {
    ids: HashSet<RequestId>,
    by_time: BTreeSet<(u64, RequestId)>,
    floor_ms: u64,
}

impl Partition {
    /// An empty partition whose floor starts at `floor_ms`.
    pub(super) fn new(floor_ms: u64) -> Self {
        Self {
            ids: HashSet::new(),
            by_time: BTreeSet::new(),
            floor_ms,
        }
    }

    /// Checks without recording.
    pub(super) fn check(&self, id: &RequestId, timestamp_ms: u64) -> Result<(), Refusal> {
        if self.ids.contains(id) {
            return Err(Refusal::Replayed);
        }
        if timestamp_ms <= self.floor_ms {
            return Err(Refusal::BelowFloor {
                floor_ms: self.floor_ms,
            });
        }
        Ok(())
    }

    /// Records a request; the caller made room and checked it first.
    pub(super) fn insert(&mut self, id: RequestId, timestamp_ms: u64) {
        self.ids.insert(id);
        self.by_time.insert((timestamp_ms, id));
    }

    /// Removes the entries older than `oldest_accepted_ms` (which the window refuses anyway),
    /// raising the floor to the newest of them; returns how many left.
    pub(super) fn expire(&mut self, oldest_accepted_ms: u64) -> usize {
        let mut removed = 0;
        while self.oldest().is_some_and(|t| t < oldest_accepted_ms) {
            self.evict_oldest();
            removed += 1;
        }
        removed
    }

    /// Removes the oldest entry, raising the floor to its timestamp.
    pub(super) fn evict_oldest(&mut self) {
        if let Some((timestamp_ms, id)) = self.by_time.pop_first() {
            self.ids.remove(&id);
            self.floor_ms = self.floor_ms.max(timestamp_ms);
        }
    }

    /// The timestamp of the oldest entry, if any.
    pub(super) fn oldest(&self) -> Option<u64> {
        self.by_time.first().map(|&(t, _)| t)
    }

    pub(super) fn floor_ms(&self) -> u64 {
        self.floor_ms
    }

    pub(super) fn len(&self) -> usize {
        self.by_time.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_partition_evicts_its_oldest_and_raises_its_floor() {
        let mut partition = Partition::new(0);
        for (n, t) in [(1, 10), (2, 30), (3, 20)] {
            partition.insert([n; 16], t);
        }
        partition.evict_oldest();
        assert_eq!(partition.len(), 2);
        // Request 1 (t=10) left, but its replay is still refused: by the floor.
        assert_eq!(
            partition.check(&[1; 16], 10),
            Err(Refusal::BelowFloor { floor_ms: 10 })
        );
        assert_eq!(partition.check(&[3; 16], 20), Err(Refusal::Replayed));
        assert_eq!(partition.check(&[5; 16], 11), Ok(()));
    }

    #[test]
    fn expiry_removes_only_what_the_window_refuses() {
        let mut partition = Partition::new(0);
        for (n, t) in [(1, 10), (2, 20), (3, 30)] {
            partition.insert([n; 16], t);
        }
        assert_eq!(partition.expire(20), 1);
        assert_eq!(partition.floor_ms(), 10);
        assert_eq!(partition.oldest(), Some(20));
        assert_eq!(partition.check(&[2; 16], 20), Err(Refusal::Replayed));
    }
}
