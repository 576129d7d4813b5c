//! Token buckets keyed by agent or origin, in a bounded table.

use std::{collections::HashMap, hash::Hash, num::NonZeroU32, sync::Mutex};

/// One token bucket per key: each key may burst up to `limit` requests, refilled evenly over
/// `period_ms`. A token is `period_ms` units and a key gains `limit` units per millisecond, so
/// refills are exact integers.
///
/// At most `max_keys` buckets are remembered. When the table is full, buckets that have refilled
/// completely are forgotten first (they carry no state); if none has, a new key is refused until
/// one refills.
#[derive(Debug)]
pub(super) struct Buckets<K> {
    limit: Option<NonZeroU32>,
    period_ms: u64,
    max_keys: usize,
    table: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    units: u64,
    updated_ms: u64,
}

impl<K: Hash + Eq + Copy> Buckets<K> {
    /// Buckets of `limit` requests per `period_ms` (`None` disables the limit), for at most
    /// `max_keys` keys at once.
    pub(super) fn new(limit: Option<NonZeroU32>, period_ms: u64, max_keys: usize) -> Self {
        Self {
            limit,
            period_ms: period_ms.max(1),
            max_keys,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// The limit, in requests per period, as a refusal reports it (`u32::MAX` when unlimited,
    /// which never refuses).
    pub(super) fn limit(&self) -> u32 {
        self.limit.map_or(u32::MAX, NonZeroU32::get)
    }

    /// Takes one token from `key`'s bucket at `now_ms`; `false` when it is empty (or the table
    /// is full of buckets still refilling and `key` has none).
    pub(super) fn admit(&self, key: &K, now_ms: u64) -> bool {
        let Some(limit) = self.limit.map(NonZeroU32::get) else {
            return true;
        };
        let capacity = u64::from(limit).saturating_mul(self.period_ms);
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !table.contains_key(key) && table.len() >= self.max_keys {
            table.retain(|_, b| b.refilled(now_ms, limit) < capacity);
            if table.len() >= self.max_keys {
                return false;
            }
        }
        let bucket = table.entry(*key).or_insert(Bucket {
            units: capacity,
            updated_ms: now_ms,
        });
        let units = bucket.refilled(now_ms, limit).min(capacity);
        bucket.updated_ms = bucket.updated_ms.max(now_ms);
        if units < self.period_ms {
            bucket.units = units;
            return false;
        }
        bucket.units = units - self.period_ms;
        true
    }
}

impl Bucket {
    /// Units after refilling up to `now_ms`, not yet capped.
    fn refilled(&self, now_ms: u64, limit: u32) -> u64 {
        let elapsed = now_ms.saturating_sub(self.updated_ms);
        self.units
            .saturating_add(elapsed.saturating_mul(u64::from(limit)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    #[test]
    fn a_bucket_bursts_to_its_limit_then_refills_over_the_period() {
        let buckets = Buckets::new(per(2), MINUTE, 8);
        assert!(buckets.admit(&1, 0));
        assert!(buckets.admit(&1, 0));
        assert!(!buckets.admit(&1, 1));
        assert!(buckets.admit(&1, 30_000));
        assert!(!buckets.admit(&1, 30_001));
        assert!(buckets.admit(&2, 30_001), "another key has its own bucket");
    }

    fn per(limit: u32) -> Option<NonZeroU32> {
        NonZeroU32::new(limit)
    }

    #[test]
    fn no_limit_admits_everything() {
        let buckets = Buckets::new(None, MINUTE, 1);
        assert!((0..100).all(|n| buckets.admit(&n, 0)));
    }

    #[test]
    fn a_full_table_forgets_refilled_buckets_and_refuses_newcomers_otherwise() {
        let buckets = Buckets::new(per(2), MINUTE, 2);
        assert!(buckets.admit(&1, 0));
        assert!(buckets.admit(&2, 0));
        assert!(!buckets.admit(&3, 1), "both buckets are still refilling");
        // Half a minute refills one token each, a full bucket again: both are forgotten.
        assert!(buckets.admit(&3, 30_000));
    }

    #[test]
    fn a_daily_budget_holds_across_the_minutes() {
        let day = 24 * 60 * MINUTE;
        let budget = Buckets::new(per(3), day, 8);
        for minute in 0..3 {
            assert!(budget.admit(&1, minute * MINUTE));
        }
        assert!(
            !budget.admit(&1, 3 * MINUTE),
            "the fourth in a day is refused"
        );
        assert!(!budget.admit(&1, day / 3 - 1));
        assert!(budget.admit(&1, day / 3), "a third of a day refills one");
    }
}
