//! What a client remembers per node, bounded: verified capability documents (least recently
//! used first out) and the stream slots that keep it within each node's per-peer stream limit.
//!
//! Neither lock is held across an `.await`, and neither guards an invariant a panic could
//! break, so a poisoned lock is used as it is: a poisoned cache still caches and, above all,
//! the stream bound still holds.

use std::{
    collections::HashMap,
    num::NonZeroUsize,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use lru::LruCache;
use nmp_net::PeerId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{Provider, exchange};

/// Most capability documents a client keeps: 256; the least recently used goes first.
pub(crate) const MAX_CACHED_DOCUMENTS: NonZeroUsize = NonZeroUsize::new(256).expect("not zero");

/// Most nodes whose stream slots a client keeps while none of their streams is open: 256. A
/// node with an open stream keeps its slots however many there are (at most one per
/// concurrent call).
pub(crate) const MAX_IDLE_SLOT_SETS: usize = 256;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Verified documents by node, at most [`MAX_CACHED_DOCUMENTS`].
#[derive(Debug)]
pub(crate) struct Documents(Mutex<LruCache<PeerId, Provider>>);

impl Documents {
    pub(crate) fn new(capacity: NonZeroUsize) -> Self {
        Self(Mutex::new(LruCache::new(capacity)))
    }

    /// Remembers `provider`, replacing its node's older document.
    pub(crate) fn insert(&self, provider: &Provider) {
        lock(&self.0).put(provider.peer, provider.clone());
    }

    /// `peer`'s document if it, and one of its KEM keys, stay valid past `fresh_until` (unix
    /// ms); a stale one is forgotten.
    pub(crate) fn fresh(&self, peer: &PeerId, fresh_until: u64) -> Option<Provider> {
        let mut documents = lock(&self.0);
        let fresh = documents
            .get(peer)
            .is_some_and(|p| is_fresh(p, fresh_until));
        if fresh {
            documents.get(peer).cloned()
        } else {
            documents.pop(peer);
            None
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.0).len()
    }
}

/// Whether `provider`'s document and one of its KEM keys stay valid past `fresh_until`.
pub(crate) fn is_fresh(provider: &Provider, fresh_until: u64) -> bool {
    provider.document.expires_at_ms > fresh_until
        && exchange::usable_key(&provider.document, fresh_until).is_some()
}

/// Per node, the logic streams this agent may have open at once: an agent never opens more
/// logic streams to one node than the node admits from one peer (`max_logic_streams_per_peer`,
/// 8 by default); further requests wait here, in the agent, instead of being refused.
#[derive(Debug)]
pub(crate) struct StreamSlots {
    per_node: usize,
    nodes: Mutex<HashMap<PeerId, Arc<Semaphore>>>,
}

impl StreamSlots {
    pub(crate) fn new(per_node: usize) -> Self {
        Self {
            per_node,
            nodes: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for one of `peer`'s slots; the slot is free again when the permit is dropped.
    pub(crate) async fn acquire(&self, peer: PeerId) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut nodes = lock(&self.nodes);
            if !nodes.contains_key(&peer) && nodes.len() >= MAX_IDLE_SLOT_SETS {
                // Only this map holds an idle node's semaphore: forgetting it frees nothing
                // that is in use, and the next call makes a full one.
                nodes.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
            }
            Arc::clone(
                nodes
                    .entry(peer)
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_node))),
            )
        };
        semaphore
            .acquire_owned()
            .await
            .expect("a slot semaphore is never closed")
    }

    #[cfg(test)]
    fn nodes(&self) -> usize {
        lock(&self.nodes).len()
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt as _;
    use nmp_wire::pb;

    use super::*;

    fn provider(peer: PeerId, expires_at_ms: u64, key_until: u64) -> Provider {
        Provider {
            peer,
            document: pb::CapabilityDocument {
                expires_at_ms,
                kem_keys: vec![pb::KemPublicKey {
                    not_after_ms: key_until,
                    ..Default::default()
                }],
                ..Default::default()
            },
            attested: None,
        }
    }

    fn poison<T: Send>(mutex: &Mutex<T>) {
        std::thread::scope(|scope| {
            let held = scope.spawn(|| {
                let _guard = mutex.lock();
                panic!("poisoning the lock on purpose");
            });
            assert!(held.join().is_err());
        });
        assert!(mutex.is_poisoned());
    }

    #[test]
    fn the_document_cache_holds_at_most_its_capacity_and_drops_the_oldest() {
        let documents = Documents::new(NonZeroUsize::new(2).expect("not zero"));
        let peers: Vec<PeerId> = (0..3).map(|_| PeerId::random()).collect();
        for peer in &peers {
            documents.insert(&provider(*peer, 1_000, 1_000));
        }
        assert_eq!(documents.len(), 2);
        assert!(documents.fresh(&peers[0], 0).is_none(), "the oldest went");
        assert!(documents.fresh(&peers[2], 0).is_some());
    }

    #[test]
    fn a_document_or_key_about_to_lapse_is_not_served_and_is_forgotten() {
        let documents = Documents::new(MAX_CACHED_DOCUMENTS);
        let (doc, key) = (PeerId::random(), PeerId::random());
        documents.insert(&provider(doc, 100, 1_000));
        documents.insert(&provider(key, 1_000, 100));
        // At the boundary: valid past 99, not past 100.
        assert!(documents.fresh(&doc, 99).is_some());
        assert!(documents.fresh(&key, 99).is_some());
        assert!(documents.fresh(&doc, 100).is_none());
        assert!(documents.fresh(&key, 100).is_none());
        assert_eq!(documents.len(), 0);
    }

    #[test]
    fn a_poisoned_document_cache_still_caches() {
        let documents = Documents::new(MAX_CACHED_DOCUMENTS);
        poison(&documents.0);
        let peer = PeerId::random();
        documents.insert(&provider(peer, 1_000, 1_000));
        assert!(documents.fresh(&peer, 0).is_some());
    }

    #[test]
    fn a_poisoned_slot_lock_keeps_the_stream_bound() {
        let slots = StreamSlots::new(1);
        let peer = PeerId::random();
        let held = slots.acquire(peer).now_or_never().expect("a free slot");
        poison(&slots.nodes);
        assert!(slots.acquire(peer).now_or_never().is_none(), "bound kept");
        drop(held);
        assert!(slots.acquire(peer).now_or_never().is_some());
    }

    #[test]
    fn idle_slot_sets_are_bounded_and_busy_ones_kept() {
        let slots = StreamSlots::new(1);
        let busy = PeerId::random();
        let held = slots.acquire(busy).now_or_never().expect("a free slot");
        for _ in 0..MAX_IDLE_SLOT_SETS * 2 {
            drop(slots.acquire(PeerId::random()).now_or_never());
        }
        assert!(slots.nodes() <= MAX_IDLE_SLOT_SETS);
        assert!(
            slots.acquire(busy).now_or_never().is_none(),
            "busy set kept"
        );
        drop(held);
    }
}
