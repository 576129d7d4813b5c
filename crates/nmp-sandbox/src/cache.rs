//! Compiled modules by SHA-256 of their bytes: a bounded in-memory LRU in front of an optional
//! directory of serialized artifacts.

mod disk;

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use lru::LruCache;
use sha2::{Digest, Sha256};
use wasmtime::InstancePre;

pub(crate) use self::disk::DiskCache;
use crate::exec::State;

/// SHA-256 of a module's bytes: its identity everywhere in the sandbox.
pub(crate) type Key = [u8; 32];

/// The key of `wasm`.
pub(crate) fn key(wasm: &[u8]) -> Key {
    Sha256::digest(wasm).into()
}

/// Linked, ready-to-instantiate modules, least recently used evicted first.
pub(crate) struct MemoryCache {
    entries: Mutex<LruCache<Key, InstancePre<State>>>,
}

impl MemoryCache {
    pub(crate) fn new(capacity: NonZeroUsize) -> Self {
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, LruCache<Key, InstancePre<State>>> {
        // Every operation under the lock is a single LRU call; a panic cannot corrupt it.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, key: &Key) -> Option<InstancePre<State>> {
        self.entries().get(key).cloned()
    }

    /// Whether `key` is cached, without refreshing its place in the LRU order.
    pub(crate) fn contains(&self, key: &Key) -> bool {
        self.entries().contains(key)
    }

    pub(crate) fn insert(&self, key: Key, pre: InstancePre<State>) {
        self.entries().put(key, pre);
    }
}

impl std::fmt::Debug for MemoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries();
        f.debug_struct("MemoryCache")
            .field("len", &entries.len())
            .field("cap", &entries.cap())
            .finish()
    }
}
