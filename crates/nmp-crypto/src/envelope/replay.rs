//! The replay cache: one bounded seen-set per agent, so that one agent's churn moves only its
//! own floor.
//!
//! Each agent with a recorded request owns a partition (`partition.rs`): its request ids inside
//! the window and a floor below which its requests are refused. The rules, which keep the cache
//! bounded without ever accepting a replay:
//!
//! 1. Only requests the caller chose to open are recorded (after the agent's signature and the
//!    node's policy), so a refused agent never enters the cache.
//! 2. Entries older than the window leave whenever the cache is used; that raises their agent's
//!    floor, but only to a timestamp the window refuses anyway.
//! 3. An agent whose partition holds `per_agent` entries, or that records into a cache holding
//!    `capacity` entries, evicts its own oldest entry: only its own floor rises.
//! 4. A partition left with nothing inside the window is forgotten. The highest floor of a
//!    forgotten partition (`forgotten_floor_ms`, always below the window when it is set) is where
//!    a new partition starts, so a clock that steps back cannot revive a forgotten replay.
//! 5. An agent without a partition is refused ([`Refusal::Full`]) while `max_agents` partitions
//!    or `capacity` entries are inside the window: no agent's entries are evicted for another.
//!
//! Memory: at most `capacity` entries and `max_agents` partitions.

mod partition;

use std::collections::{BTreeSet, HashMap};

use libp2p_identity::PeerId;

use self::partition::Partition;
pub(crate) use self::partition::RequestId;

/// Why the cache refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The same agent already used this request id.
    Replayed,
    /// The timestamp is at or below the agent's floor; requests must be newer than `floor_ms`.
    BelowFloor { floor_ms: u64 },
    /// The agent has no partition and the cache has no room for one inside the window.
    Full,
}

/// The cache's three bounds (each at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Most agents with a partition at once.
    pub(crate) max_agents: usize,
    /// Most entries in one agent's partition.
    pub(crate) per_agent: usize,
    /// Most entries in all partitions together.
    pub(crate) capacity: usize,
}

#[derive(Debug)]
pub(crate) struct ReplayCache {
    limits: Limits,
    partitions: HashMap<PeerId, Partition>,
    /// Every partition under its key (its oldest entry, or its floor when empty): expiry starts
    /// from the first.
    by_key: BTreeSet<(u64, PeerId)>,
    entries: usize,
    forgotten_floor_ms: u64,
}

impl ReplayCache {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits: Limits {
                max_agents: limits.max_agents.max(1),
                per_agent: limits.per_agent.max(1),
                capacity: limits.capacity.max(1),
            },
            partitions: HashMap::new(),
            by_key: BTreeSet::new(),
            entries: 0,
            forgotten_floor_ms: 0,
        }
    }

    /// Checks without recording (after expiring what left the window): the cheap early refusal
    /// before any decapsulation. [`ReplayCache::insert`] checks again.
    pub(crate) fn check(
        &mut self,
        agent: &PeerId,
        id: &RequestId,
        timestamp_ms: u64,
        oldest_accepted_ms: u64,
    ) -> Result<(), Refusal> {
        self.expire(oldest_accepted_ms);
        match self.partitions.get(agent) {
            Some(partition) if partition.len() > 0 || self.entries < self.limits.capacity => {
                partition.check(id, timestamp_ms)
            }
            Some(_) => Err(Refusal::Full),
            None => self.check_newcomer(timestamp_ms),
        }
    }

    /// Records an opened request of `agent` at `timestamp_ms`, at node time whose window starts
    /// at `oldest_accepted_ms`, under the rules in the module docs.
    pub(crate) fn insert(
        &mut self,
        agent: PeerId,
        id: RequestId,
        timestamp_ms: u64,
        oldest_accepted_ms: u64,
    ) -> Result<(), Refusal> {
        self.check(&agent, &id, timestamp_ms, oldest_accepted_ms)?;
        let Some(partition) = self.partitions.get_mut(&agent) else {
            let mut partition = Partition::new(self.forgotten_floor_ms);
            partition.insert(id, timestamp_ms);
            self.by_key.insert((timestamp_ms, agent));
            self.partitions.insert(agent, partition);
            self.entries += 1;
            return Ok(());
        };
        let before = key(partition);
        let result =
            if partition.len() >= self.limits.per_agent || self.entries >= self.limits.capacity {
                partition.evict_oldest();
                self.entries -= 1;
                partition.check(&id, timestamp_ms)
            } else {
                Ok(())
            };
        if result.is_ok() {
            partition.insert(id, timestamp_ms);
            self.entries += 1;
        }
        let after = key(partition);
        if before != after {
            self.by_key.remove(&(before, agent));
            self.by_key.insert((after, agent));
        }
        result
    }

    /// A new agent: refused below the forgotten floor, or when the cache is full.
    fn check_newcomer(&self, timestamp_ms: u64) -> Result<(), Refusal> {
        if timestamp_ms <= self.forgotten_floor_ms {
            return Err(Refusal::BelowFloor {
                floor_ms: self.forgotten_floor_ms,
            });
        }
        if self.partitions.len() >= self.limits.max_agents || self.entries >= self.limits.capacity {
            return Err(Refusal::Full);
        }
        Ok(())
    }

    /// Removes every entry older than `oldest_accepted_ms` and forgets the partitions left
    /// empty with a floor below it. Costs a lookup when nothing is due; otherwise is paid for
    /// by the entries it removes.
    fn expire(&mut self, oldest_accepted_ms: u64) {
        while let Some(&(due, agent)) = self.by_key.first() {
            if due >= oldest_accepted_ms {
                break;
            }
            self.by_key.pop_first();
            let Some(partition) = self.partitions.get_mut(&agent) else {
                continue;
            };
            self.entries -= partition.expire(oldest_accepted_ms);
            if partition.len() > 0 {
                self.by_key.insert((key(partition), agent));
            } else {
                self.forgotten_floor_ms = self.forgotten_floor_ms.max(partition.floor_ms());
                self.partitions.remove(&agent);
            }
        }
    }

    #[cfg(test)]
    fn floor_ms(&self, agent: &PeerId) -> Option<u64> {
        self.partitions.get(agent).map(Partition::floor_ms)
    }
}

/// Where a partition sits in the expiry order: its oldest entry, or its floor when empty.
fn key(partition: &Partition) -> u64 {
    partition.oldest().unwrap_or(partition.floor_ms())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(n: u8) -> PeerId {
        crate::Identity::from_secret_bytes([n; 32]).peer_id()
    }

    fn cache(max_agents: usize, per_agent: usize, capacity: usize) -> ReplayCache {
        ReplayCache::new(Limits {
            max_agents,
            per_agent,
            capacity,
        })
    }

    #[test]
    fn one_agents_churn_moves_only_its_own_floor() {
        let (honest, churner) = (agent(1), agent(2));
        let mut cache = cache(4, 3, 100);
        cache.insert(honest, [1; 16], 1_000, 0).unwrap();
        cache.insert(honest, [2; 16], 1_001, 0).unwrap();
        for n in 0..5_000u64 {
            let id = u128::from(n).to_be_bytes();
            cache.insert(churner, id, 2_000 + n, 0).unwrap();
        }
        assert_eq!(cache.floor_ms(&churner), Some(6_996));
        assert_eq!(cache.floor_ms(&honest), Some(0));
        assert_eq!(cache.check(&honest, &[3; 16], 999, 0), Ok(()));
        assert_eq!(
            cache.check(&honest, &[1; 16], 1_000, 0),
            Err(Refusal::Replayed)
        );
        assert_eq!(cache.entries, 5);
    }

    #[test]
    fn a_full_cache_evicts_the_recorders_own_entries_and_refuses_newcomers() {
        let (a, b, c) = (agent(1), agent(2), agent(3));
        let mut cache = cache(8, 10, 4);
        for (who, n, t) in [(a, 1, 10), (a, 2, 20), (b, 3, 15), (b, 4, 25)] {
            cache.insert(who, [n; 16], t, 0).unwrap();
        }
        cache.insert(a, [5; 16], 30, 0).unwrap();
        assert_eq!(cache.entries, 4);
        assert_eq!(cache.floor_ms(&a), Some(10));
        assert_eq!(cache.floor_ms(&b), Some(0));
        assert_eq!(cache.insert(c, [6; 16], 40, 0), Err(Refusal::Full));
        assert_eq!(
            cache.check(&a, &[1; 16], 10, 0),
            Err(Refusal::BelowFloor { floor_ms: 10 })
        );
    }

    #[test]
    fn a_full_agent_table_refuses_newcomers_until_a_partition_ages_out() {
        let (a, b, c) = (agent(1), agent(2), agent(3));
        let mut cache = cache(2, 10, 100);
        cache.insert(a, [1; 16], 100, 0).unwrap();
        cache.insert(b, [2; 16], 100, 0).unwrap();
        assert_eq!(cache.check(&c, &[3; 16], 150, 100), Err(Refusal::Full));
        // At 101 both partitions hold nothing the window accepts: they go, C comes in.
        cache.insert(c, [3; 16], 150, 101).unwrap();
        assert_eq!(cache.partitions.len(), 1);
        assert_eq!(cache.forgotten_floor_ms, 100);
    }

    #[test]
    fn a_forgotten_replay_stays_refused_when_the_clock_steps_back() {
        let a = agent(1);
        let mut cache = cache(2, 10, 100);
        cache.insert(a, [1; 16], 100, 0).unwrap();
        cache.check(&agent(2), &[9; 16], 300, 200).unwrap();
        assert!(cache.partitions.is_empty());
        assert_eq!(
            cache.check(&a, &[1; 16], 100, 50),
            Err(Refusal::BelowFloor { floor_ms: 100 })
        );
        assert_eq!(cache.check(&a, &[2; 16], 101, 50), Ok(()));
    }
}
