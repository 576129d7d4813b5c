//! The cache directory is trusted code: whatever artifact it holds is deserialized into the
//! node and run. It is created private, and an existing one is used only if no one but the
//! node's own user can write to it. It is created when the first artifact is stored, not when
//! the sandbox starts, so a node that fails to start leaves nothing behind.

use std::fs;
use std::path::Path;

use crate::Error;

/// Prefix of the temporary files an artifact is written to before it is renamed into place.
pub(super) const TEMP_PREFIX: &str = ".tmp-";

/// Checks that an existing `dir` is safe to load code from and deletes temporary files a
/// crashed node left behind. A missing `dir` is fine: [`ensure`] creates it.
pub(super) fn open(dir: &Path) -> Result<(), Error> {
    if fs::symlink_metadata(dir).is_err() {
        return Ok(());
    }
    check(dir)?;
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Creates `dir` (and its missing parents) private to this user if it is missing, and checks
/// that it is safe to write to and load code from.
pub(super) fn ensure(dir: &Path) -> Result<(), Error> {
    create(dir).map_err(|source| Error::Io {
        what: "creating the module cache directory",
        source,
    })?;
    check(dir)
}

#[cfg(unix)]
fn create(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

/// Refuses a cache directory that is a symbolic link, not a directory, owned by another user,
/// or writable by its group or by others: any of them could plant an artifact (and its
/// digest) that the node would then run as its own compiled code.
#[cfg(unix)]
fn check(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt as _;
    let refuse = |reason| {
        Err(Error::InvalidConfig {
            field: "cache_dir",
            reason,
        })
    };
    let metadata = fs::symlink_metadata(dir).map_err(|source| Error::Io {
        what: "reading the module cache directory's owner and mode",
        source,
    })?;
    if !metadata.is_dir() {
        return refuse("must be a directory, not a symbolic link or a file");
    }
    if metadata.uid() != nix::unistd::geteuid().as_raw() {
        return refuse("must be owned by the user the node runs as");
    }
    if metadata.mode() & 0o022 != 0 {
        return refuse("must not be writable by its group or by others");
    }
    Ok(())
}

#[cfg(not(unix))]
fn check(_: &Path) -> Result<(), Error> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn a_new_directory_is_private_to_its_user_and_made_only_when_needed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        open(&dir).unwrap();
        assert!(!root.path().join("a").exists());
        ensure(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn a_directory_others_can_write_is_refused() {
        let root = tempfile::tempdir().unwrap();
        fs::set_permissions(root.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let err = open(root.path()).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "cache_dir",
                ..
            }
        ));
        let err = ensure(root.path()).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "cache_dir",
                ..
            }
        ));
    }

    #[test]
    fn a_symbolic_link_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(root.path(), &link).unwrap();
        let err = open(&link).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidConfig {
                field: "cache_dir",
                ..
            }
        ));
    }

    #[test]
    fn leftover_temporary_files_are_deleted() {
        let root = tempfile::tempdir().unwrap();
        let temp = root.path().join(format!("{TEMP_PREFIX}1-2"));
        fs::write(&temp, b"half an artifact").unwrap();
        open(root.path()).unwrap();
        assert!(!temp.exists());
    }
}
