//! Serialized artifacts in a directory, so a restarted node skips recompiling.
//!
//! Each module `K` compiled by an engine with fingerprint `F` is stored as `K-F.cwasm`, with
//! `K-F.sha256` beside it holding the artifact's SHA-256 in hex. Loading reads the artifact
//! into memory, checks it against that digest, and only then deserializes the checked bytes
//! (never the file itself, which could change between the check and an mmap). Any missing
//! file, mismatch, oversized or rejected artifact is a miss: the caller recompiles and
//! overwrites.
//!
//! The directory holds at most `max_entries` artifacts of at most `max_bytes` together; an
//! artifact larger than `max_bytes` alone is not stored. What is stored is keyed by the
//! module's SHA-256 and the engine's settings, so a peer who sends many modules can only
//! churn the cache within those bounds, never grow it or make one module's entry serve
//! another.

mod private;

use std::fs;
use std::hash::Hasher;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use super::Key;
use crate::Error;

const ARTIFACT: &str = "cwasm";
const DIGEST: &str = "sha256";
/// Bumped if this crate ever changes what it writes.
const FORMAT: &str = "nmp-sandbox/1";

/// Distinguishes temporary files written concurrently by one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A directory of this node's own compiled artifacts.
#[derive(Debug)]
pub(crate) struct DiskCache {
    dir: PathBuf,
    fingerprint: String,
    max_entries: usize,
    max_bytes: u64,
}

impl DiskCache {
    /// Refuses an existing `dir` that others could write to ([`Error::InvalidConfig`] on
    /// `cache_dir`); a missing one is created, private to this user, at the first store.
    /// `engine`'s settings are folded into every file name, so an artifact is only ever
    /// offered to an engine that can run it.
    pub(crate) fn open(
        dir: &Path,
        engine: &Engine,
        max_entries: usize,
        max_bytes: u64,
    ) -> Result<Self, Error> {
        private::open(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            fingerprint: fingerprint(engine),
            max_entries,
            max_bytes,
        })
    }

    fn path(&self, key: &Key, extension: &str) -> PathBuf {
        let name = format!("{}-{}.{extension}", hex::encode(key), self.fingerprint);
        self.dir.join(name)
    }

    /// The module stored under `key`, if its artifact is intact.
    pub(crate) fn load(&self, engine: &Engine, key: &Key) -> Option<Module> {
        let mut artifact = Vec::new();
        fs::File::open(self.path(key, ARTIFACT))
            .ok()?
            .take(self.max_bytes.saturating_add(1))
            .read_to_end(&mut artifact)
            .ok()?;
        if artifact.len() as u64 > self.max_bytes {
            return None;
        }
        let recorded = fs::read_to_string(self.path(key, DIGEST)).ok()?;
        if hex::encode(Sha256::digest(&artifact)) != recorded.trim() {
            return None;
        }
        deserialize_verified(engine, &artifact).ok()
    }

    /// Stores `module` under `key`, evicting the oldest artifacts until it fits; an artifact
    /// over `max_bytes` on its own is not stored.
    ///
    /// Best effort: the cache only saves time, so a failed write leaves the run correct and
    /// the module is simply compiled again next time.
    pub(crate) fn store(&self, key: &Key, module: &Module) {
        let Ok(artifact) = module.serialize() else {
            return;
        };
        let size = artifact.len() as u64;
        if size > self.max_bytes || private::ensure(&self.dir).is_err() {
            return;
        }
        self.make_room(size);
        let digest = hex::encode(Sha256::digest(&artifact));
        // Artifact first: a reader that sees it without its digest treats it as a miss.
        if self.write_atomically(&self.path(key, ARTIFACT), &artifact) {
            self.write_atomically(&self.path(key, DIGEST), digest.as_bytes());
        }
    }

    fn write_atomically(&self, path: &Path, bytes: &[u8]) -> bool {
        let unique = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(
            "{}{}-{unique}",
            private::TEMP_PREFIX,
            std::process::id()
        ));
        let written = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written.is_ok()
    }

    /// Deletes the oldest artifacts (and their digests) until one more of `size` bytes fits
    /// under both the entry count and the byte total.
    fn make_room(&self, size: u64) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut artifacts: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == ARTIFACT))
            .map(|path| {
                let metadata = fs::metadata(&path);
                let modified = metadata.as_ref().ok().and_then(|m| m.modified().ok());
                let len = metadata.map_or(0, |m| m.len());
                (modified.unwrap_or(SystemTime::UNIX_EPOCH), len, path)
            })
            .collect();
        artifacts.sort();
        let mut count = artifacts.len();
        let mut total: u64 = artifacts.iter().map(|(_, len, _)| len).sum();
        for (_, len, path) in artifacts {
            if count < self.max_entries && total.saturating_add(size) <= self.max_bytes {
                break;
            }
            let _ = fs::remove_file(path.with_extension(DIGEST));
            let _ = fs::remove_file(path);
            count -= 1;
            total = total.saturating_sub(len);
        }
    }
}

/// Deserializes an artifact whose digest has just been checked.
#[allow(
    unsafe_code,
    reason = "Module::deserialize is unsafe: it trusts the bytes to be Wasmtime's own output"
)]
fn deserialize_verified(engine: &Engine, artifact: &[u8]) -> wasmtime::Result<Module> {
    // SAFETY: `artifact` was read from this node's private cache directory, where only
    // `DiskCache::store` writes (the operator's duty, documented on `Config::cache_dir`), and
    // its SHA-256 matches the digest written beside it, so these are exactly the bytes
    // `Module::serialize` produced. Wasmtime itself rejects an artifact from an incompatible
    // engine or version, and the file name already pins the engine fingerprint. Agent-supplied
    // bytes never reach this function: they only ever go through `Module::from_binary`.
    unsafe { Module::deserialize(engine, artifact) }
}

/// A short, stable digest of everything about `engine` that affects compiled code.
fn fingerprint(engine: &Engine) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    hasher.0.update(FORMAT.as_bytes());
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
    hex::encode(&hasher.0.finalize()[..8])
}

/// Feeds `Hash` impls into SHA-256, which unlike `DefaultHasher` is stable across Rust
/// releases.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }
}
