//! Datasets a run can read: host directories preopened read-only at `/data/<name>`.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::Error;

/// Most mounts one run may have; each costs an open directory handle.
pub const MAX_MOUNTS: usize = 64;
/// Longest mount name, in bytes.
pub const MAX_MOUNT_NAME: usize = 64;

/// A host directory the guest may read at `/data/<name>`.
///
/// The guest can list and read files beneath it and nothing else: no writes, no new files, no
/// path escapes (`..`, absolute paths and symlinks that leave the directory all fail with a
/// WASI error code). `name` is 1 to [`MAX_MOUNT_NAME`] bytes of `[A-Za-z0-9._-]`, other than
/// `.` and without `..`; a run takes at most [`MAX_MOUNTS`] mounts with distinct names.
/// Anything else fails the run with [`Error::InvalidMount`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mount {
    /// The dataset name; the guest sees the directory at `/data/<name>`.
    pub name: String,
    /// The host directory to expose.
    pub host_path: PathBuf,
}

impl Mount {
    /// A mount of `host_path` at `/data/<name>`. Validated when a run uses it.
    pub fn new(name: impl Into<String>, host_path: impl Into<PathBuf>) -> Self {
        Self {
            name: name.into(),
            host_path: host_path.into(),
        }
    }

    /// The path the guest sees: `/data/<name>`.
    pub fn guest_path(&self) -> String {
        format!("/data/{}", self.name)
    }

    fn check_name(&self) -> Result<(), Error> {
        let invalid = |reason| {
            Err(Error::InvalidMount {
                name: self.name.clone(),
                reason,
            })
        };
        let name = self.name.as_str();
        if name.is_empty() || name.len() > MAX_MOUNT_NAME {
            return invalid("name must be 1 to 64 bytes");
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if !name.chars().all(allowed) {
            return invalid("name may only contain A-Z a-z 0-9 . _ -");
        }
        if name == "." || name.contains("..") {
            return invalid("name may not be `.` or contain `..`");
        }
        Ok(())
    }
}

/// Checks names, count and uniqueness of a run's mounts.
pub(crate) fn validate(mounts: &[Mount]) -> Result<(), Error> {
    if let Some(extra) = mounts.get(MAX_MOUNTS) {
        return Err(Error::InvalidMount {
            name: extra.name.clone(),
            reason: "more than 64 mounts in one run",
        });
    }
    let mut seen = HashSet::with_capacity(mounts.len());
    for mount in mounts {
        mount.check_name()?;
        if !seen.insert(mount.name.as_str()) {
            return Err(Error::InvalidMount {
                name: mount.name.clone(),
                reason: "name used twice",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str) -> Result<(), Error> {
        validate(&[Mount::new(name, "/tmp")])
    }

    #[test]
    fn ordinary_names_pass() {
        for name in ["patients", "ledger-2024", "a.b_c", "X"] {
            check(name).unwrap();
        }
    }

    #[test]
    fn escaping_or_odd_names_fail() {
        let long = "a".repeat(MAX_MOUNT_NAME + 1);
        for name in [
            "",
            ".",
            "..",
            "a..b",
            "a/b",
            "/etc",
            "caf\u{e9}",
            "a b",
            &long,
        ] {
            assert!(
                matches!(check(name), Err(Error::InvalidMount { .. })),
                "{name:?}"
            );
        }
    }

    #[test]
    fn duplicates_and_too_many_fail() {
        let twice = [Mount::new("d", "/a"), Mount::new("d", "/b")];
        assert!(matches!(validate(&twice), Err(Error::InvalidMount { .. })));
        let many: Vec<_> = (0..=MAX_MOUNTS)
            .map(|i| Mount::new(format!("d{i}"), "/a"))
            .collect();
        assert!(matches!(validate(&many), Err(Error::InvalidMount { .. })));
    }
}
