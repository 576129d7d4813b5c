//! [`Budget`]: the node-wide allowance of inbound request bytes, shared by every face (the
//! mesh's frame reader and the gRPC face), with a share per [`Origin`].
//!
//! A reader takes a [`Charge`] (empty) when a request starts and grows it *before* its buffer
//! grows, as bytes arrive, never by the length a peer declares; the charge is released when it
//! is dropped, which its holder does when the request's bytes are dropped. A growth that would
//! take the node past [`Budget::limit`], or the origin past [`Budget::origin_limit`], fails at
//! once with [`Exhausted`], so a request that cannot be held is refused instead of waited for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::origin::Origin;

/// Default of [`Budget::limit`]: 256 MiB of inbound request bytes held at once, node-wide.
pub const DEFAULT_BUDGET_BYTES: u64 = 256 * 1024 * 1024;

/// Default of [`Budget::origin_limit`]: 64 MiB, a quarter of the default budget and room for
/// two requests at the largest frame size (24 MiB) from one origin at once.
pub const DEFAULT_ORIGIN_SHARE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a [`Charge`] could not grow; nothing was charged by the failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Exhausted {
    /// The node already holds close to its whole budget (`limit` bytes) across all origins.
    #[error("the node's inbound byte budget of {limit} bytes is exhausted")]
    Node {
        /// The node-wide limit in force.
        limit: u64,
    },
    /// This origin already holds close to its share (`limit` bytes); other origins are served.
    #[error("this origin's share of {limit} inbound bytes is exhausted")]
    Origin {
        /// The per-origin limit in force.
        limit: u64,
    },
}

/// The node-wide inbound byte budget; cheap to clone (clones share one account).
///
/// The default holds [`DEFAULT_BUDGET_BYTES`] with a share of [`DEFAULT_ORIGIN_SHARE_BYTES`] per
/// origin. Each growth of a [`Charge`] costs one uncontended mutex and a hash-map lookup.
#[derive(Debug, Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limit: u64,
    origin_limit: u64,
    held: Mutex<Held>,
}

/// What is charged now: in total and per origin (origins holding nothing are forgotten).
#[derive(Debug, Default)]
struct Held {
    total: u64,
    by_origin: HashMap<Origin, u64>,
}

impl Budget {
    /// A budget of `limit` bytes in total and `origin_limit` bytes per origin (a share above
    /// `limit` is the same as `limit`). A limit of 0 refuses every byte.
    pub fn new(limit: u64, origin_limit: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                limit,
                origin_limit: origin_limit.min(limit),
                held: Mutex::default(),
            }),
        }
    }

    /// The node-wide limit, in bytes.
    pub fn limit(&self) -> u64 {
        self.inner.limit
    }

    /// The per-origin share, in bytes.
    pub fn origin_limit(&self) -> u64 {
        self.inner.origin_limit
    }

    /// Bytes charged now, across all origins.
    pub fn used(&self) -> u64 {
        self.inner.lock().total
    }

    /// Bytes charged now to `origin`.
    pub fn used_by(&self, origin: Origin) -> u64 {
        self.inner
            .lock()
            .by_origin
            .get(&origin)
            .copied()
            .unwrap_or(0)
    }

    /// An empty charge for one request from `origin`; it holds nothing until it grows.
    pub fn charge(&self, origin: Origin) -> Charge {
        Charge {
            budget: Arc::clone(&self.inner),
            origin,
            bytes: 0,
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET_BYTES, DEFAULT_ORIGIN_SHARE_BYTES)
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The bytes one request holds against a [`Budget`]; dropping it releases them all.
#[derive(Debug)]
pub struct Charge {
    budget: Arc<Inner>,
    origin: Origin,
    bytes: u64,
}

impl Charge {
    /// Charges `bytes` more, or fails with [`Exhausted`] and charges nothing when the node or
    /// this charge's origin would go past its limit.
    pub fn grow(&mut self, bytes: u64) -> Result<(), Exhausted> {
        let budget = &self.budget;
        let mut held = budget.lock();
        let origin_held = held.by_origin.get(&self.origin).copied().unwrap_or(0);
        let origin_after = origin_held.saturating_add(bytes);
        if origin_after > budget.origin_limit {
            return Err(Exhausted::Origin {
                limit: budget.origin_limit,
            });
        }
        let total_after = held.total.saturating_add(bytes);
        if total_after > budget.limit {
            return Err(Exhausted::Node {
                limit: budget.limit,
            });
        }
        held.total = total_after;
        if origin_after > 0 {
            held.by_origin.insert(self.origin, origin_after);
        }
        self.bytes += bytes;
        Ok(())
    }

    /// The bytes this charge holds.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The origin charged.
    pub fn origin(&self) -> Origin {
        self.origin
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        if self.bytes == 0 {
            return;
        }
        let mut held = self.budget.lock();
        held.total = held.total.saturating_sub(self.bytes);
        if let Some(origin_held) = held.by_origin.get_mut(&self.origin) {
            *origin_held = origin_held.saturating_sub(self.bytes);
            if *origin_held == 0 {
                held.by_origin.remove(&self.origin);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;

    fn origin(last: u8) -> Origin {
        Origin::from_ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)))
    }

    #[test]
    fn a_charge_grows_to_its_origins_share_exactly_and_not_one_byte_past() {
        let budget = Budget::new(100, 40);
        let mut charge = budget.charge(origin(1));
        charge.grow(40).unwrap();
        assert_eq!(charge.grow(1), Err(Exhausted::Origin { limit: 40 }));
        assert_eq!((budget.used(), budget.used_by(origin(1))), (40, 40));
        // A second request of the same origin shares the share.
        assert_eq!(
            budget.charge(origin(1)).grow(1),
            Err(Exhausted::Origin { limit: 40 })
        );
    }

    #[test]
    fn the_node_limit_binds_across_origins() {
        let budget = Budget::new(100, 40);
        let mut held: Vec<Charge> = (1..=2).map(|n| budget.charge(origin(n))).collect();
        for charge in &mut held {
            charge.grow(40).unwrap();
        }
        let mut third = budget.charge(origin(3));
        third.grow(20).unwrap();
        assert_eq!(budget.used(), 100);
        assert_eq!(third.grow(1), Err(Exhausted::Node { limit: 100 }));
        assert_eq!(third.bytes(), 20, "a failed growth charges nothing");
        drop(held);
        third.grow(40 - 20).unwrap();
        assert_eq!(budget.used(), 40);
    }

    #[test]
    fn dropping_charges_releases_every_byte() {
        let budget = Budget::new(1 << 20, 1 << 20);
        let charges: Vec<Charge> = (0..50)
            .map(|n| {
                let mut charge = budget.charge(origin(n % 5));
                charge.grow(u64::from(n) * 100).unwrap();
                charge
            })
            .collect();
        assert_eq!(budget.used(), (0..50).map(|n| n * 100).sum::<u64>());
        drop(charges);
        assert_eq!(budget.used(), 0);
        assert!(budget.inner.lock().by_origin.is_empty(), "no origin left");
    }

    #[test]
    fn a_zero_budget_refuses_the_first_byte_and_a_share_is_capped_by_the_budget() {
        let budget = Budget::new(0, 10);
        assert_eq!(budget.origin_limit(), 0);
        let mut charge = budget.charge(origin(1));
        charge.grow(0).unwrap();
        assert!(charge.grow(1).is_err());
    }
}
