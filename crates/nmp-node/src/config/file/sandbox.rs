//! `[sandbox]`: how the node's sandbox allocates instances and caches compiled modules
//! (`nmp_sandbox::Config`), each key optional: one left out keeps the sandbox's default, and
//! the sandbox refuses an out-of-range value when the node starts. What a run may use is
//! `[policy.sandbox]`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// `sandbox.allocator`: how instances get their memories, tables and stacks
/// (`nmp_sandbox::Allocator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocator {
    /// Slots reserved once and reused by every run (the default): microsecond instantiation,
    /// about 4 GiB of address space reserved per concurrent run.
    Pooling,
    /// Memories and tables mapped for each run: no reservation, slower instantiation.
    OnDemand,
}

/// The `[sandbox]` section. Every key defaults to `nmp_sandbox::Config::default()`'s value
/// (quoted after each key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sandbox {
    /// `"pooling"` or `"on_demand"`. Default `"pooling"`.
    pub allocator: Option<Allocator>,
    /// Runs at once, which sizes the pooling allocator; between 1 and 10,000. Default 16.
    pub max_concurrent_runs: Option<usize>,
    /// Compiles at once; at least 1. Default 2.
    pub max_concurrent_compiles: Option<usize>,
    /// Compiled modules kept in memory, least recently used evicted first; at least 1.
    /// Default 256.
    pub cache_entries: Option<usize>,
    /// Directory for compiled artifacts that survive restarts, relative to the file, or
    /// `"off"` (memory only). Created with mode 0700 when the first artifact is stored; the
    /// node refuses to start if it exists and is a symbolic link, another user's, or writable
    /// by its group or others. Default off (`examples/node.toml` sets `"module-cache"`).
    pub cache_dir: Option<PathBuf>,
    /// Artifacts kept in `cache_dir`, the oldest deleted first; at least 1. Default 1,024.
    pub disk_cache_entries: Option<usize>,
    /// Bytes of artifacts kept in `cache_dir` together, in MiB, the oldest deleted first; an
    /// artifact larger than this alone is not kept. At least 1. Default 256.
    pub disk_cache_mib: Option<u64>,
}

/// The `sandbox.cache_dir` value that keeps compiled modules in memory only.
const CACHE_OFF: &str = "off";

impl Sandbox {
    /// Sets the keys this section gives on `sandbox`, `cache_dir` resolved against `base`.
    pub(crate) fn apply(&self, sandbox: &mut nmp_sandbox::Config, base: &Path) {
        if let Some(allocator) = self.allocator {
            sandbox.allocator = match allocator {
                Allocator::Pooling => nmp_sandbox::Allocator::Pooling,
                Allocator::OnDemand => nmp_sandbox::Allocator::OnDemand,
            };
        }
        let counts = [
            (self.max_concurrent_runs, &mut sandbox.max_concurrent_runs),
            (
                self.max_concurrent_compiles,
                &mut sandbox.max_concurrent_compiles,
            ),
            (self.cache_entries, &mut sandbox.cache_entries),
            (self.disk_cache_entries, &mut sandbox.disk_cache_entries),
        ];
        for (value, field) in counts {
            if let Some(value) = value {
                *field = value;
            }
        }
        if let Some(mib) = self.disk_cache_mib {
            sandbox.disk_cache_bytes = mib.saturating_mul(1024 * 1024);
        }
        match self.cache_dir.as_deref() {
            Some(dir) if dir == Path::new(CACHE_OFF) => sandbox.cache_dir = None,
            Some(dir) => sandbox.cache_dir = Some(base.join(dir)),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_keep_the_sandbox_defaults_and_given_ones_are_set() {
        let defaults = nmp_sandbox::Config::default();
        let mut sandbox = nmp_sandbox::Config::default();
        Sandbox::default().apply(&mut sandbox, Path::new("/etc/nmp"));
        assert_eq!(sandbox, defaults);

        let section: Sandbox = toml::from_str(
            "allocator = \"on_demand\"\nmax_concurrent_runs = 4\ncache_entries = 8\n\
             cache_dir = \"cache\"\n",
        )
        .unwrap();
        section.apply(&mut sandbox, Path::new("/etc/nmp"));
        assert_eq!(sandbox.allocator, nmp_sandbox::Allocator::OnDemand);
        assert_eq!(sandbox.max_concurrent_runs, 4);
        assert_eq!(sandbox.cache_entries, 8);
        assert_eq!(sandbox.cache_dir, Some(PathBuf::from("/etc/nmp/cache")));
        assert_eq!(sandbox.disk_cache_entries, defaults.disk_cache_entries);
        assert_eq!(sandbox.disk_cache_bytes, defaults.disk_cache_bytes);
        assert!(toml::from_str::<Sandbox>("allocator = \"mmap\"\n").is_err());
    }

    #[test]
    fn the_disk_cache_can_be_turned_off_and_sized() {
        let mut sandbox = nmp_sandbox::Config::default();
        let section: Sandbox = toml::from_str("cache_dir = \"off\"\ndisk_cache_mib = 3\n").unwrap();
        section.apply(&mut sandbox, Path::new("/etc/nmp"));
        assert_eq!(sandbox.cache_dir, None);
        assert_eq!(sandbox.disk_cache_bytes, 3 * 1024 * 1024);
        // A directory really named "off" is still reachable.
        let section: Sandbox = toml::from_str("cache_dir = \"./off\"\n").unwrap();
        section.apply(&mut sandbox, Path::new("/etc/nmp"));
        assert_eq!(sandbox.cache_dir, Some(PathBuf::from("/etc/nmp/./off")));
    }
}
