//! The identity key file: libp2p's protobuf `PrivateKey` encoding, owner-only permissions.
//!
//! The file holds exactly the 68 bytes `08 01 12 40 || secret (32) || public (32)`: the protobuf
//! `PrivateKey { type: Ed25519 (1), data: secret || public }` that rust-libp2p's
//! `Keypair::from_protobuf_encoding` and js-libp2p's `privateKeyFromProtobuf` read. On Unix the
//! file is created with mode 0600, and a file that group or others can read or write is refused
//! (as OpenSSH refuses such keys): a key that others could read is no longer secret.

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use libp2p_identity::{Keypair, ed25519};
use zeroize::Zeroizing;

use super::Identity;

/// Size of a key file in bytes: a 4-byte protobuf header and the 64-byte Ed25519 keypair.
pub const KEY_FILE_BYTES: usize = 68;

/// Why a key file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be opened, read, created or written; nothing was changed on failure
    /// to open.
    #[error("cannot access key file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// Saving would overwrite an existing file; the existing file is untouched.
    #[error("key file {path} already exists; refusing to overwrite it")]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },
    /// The path is not a regular file (a directory, a pipe, a device, or a link to one); it
    /// was not opened, so a pipe with no writer cannot hold the caller.
    #[error("key file {path} is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Group or others may access the file (Unix); fix it with `chmod 600`.
    #[error("key file {path} has mode {mode:o}: it must not be accessible by group or others")]
    InsecurePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The bytes are not a libp2p protobuf Ed25519 private key with a matching public half.
    #[error("not an Ed25519 libp2p private key ({len} bytes)")]
    Malformed {
        /// Length of what was read, capped at [`KEY_FILE_BYTES`] + 1.
        len: usize,
    },
}

pub(super) fn encode(keypair: &ed25519::Keypair) -> Zeroizing<Vec<u8>> {
    let pair = Keypair::from(keypair.clone());
    Zeroizing::new(
        pair.to_protobuf_encoding()
            .expect("Ed25519 keys always have a protobuf encoding"),
    )
}

pub(super) fn decode(bytes: &[u8]) -> Result<ed25519::Keypair, KeyFileError> {
    let malformed = KeyFileError::Malformed { len: bytes.len() };
    if bytes.len() != KEY_FILE_BYTES {
        return Err(malformed);
    }
    Keypair::from_protobuf_encoding(bytes)
        .ok()
        .and_then(|pair| pair.try_into_ed25519().ok())
        .ok_or(malformed)
}

pub(super) fn load(path: &Path) -> Result<Identity, KeyFileError> {
    let io_err = |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    };
    // Opening a FIFO for reading blocks until a writer comes: look before opening.
    if !fs::metadata(path).map_err(io_err)?.is_file() {
        return Err(KeyFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    let file = fs::File::open(path).map_err(io_err)?;
    check_permissions(path, &file)?;
    // Read at most one byte more than a key file, so a huge file is never buffered.
    let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_FILE_BYTES + 1));
    file.take(KEY_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    Identity::from_keyfile_bytes(&bytes)
}

pub(super) fn save(identity: &Identity, path: &Path) -> Result<(), KeyFileError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            KeyFileError::AlreadyExists {
                path: path.to_owned(),
            }
        } else {
            KeyFileError::Io {
                path: path.to_owned(),
                source,
            }
        }
    })?;
    file.write_all(&identity.to_keyfile_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        })
}

#[cfg(unix)]
fn check_permissions(path: &Path, file: &fs::File) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file
        .metadata()
        .map_err(|source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path, _file: &fs::File) -> Result<(), KeyFileError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        let id = Identity::generate();
        id.save(&path).unwrap();
        assert_eq!(Identity::load(&path).unwrap().peer_id(), id.peer_id());
        assert_eq!(fs::read(&path).unwrap().len(), KEY_FILE_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            id.save(&path),
            Err(KeyFileError::AlreadyExists { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn group_readable_key_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        Identity::generate().save(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(
            Identity::load(&path),
            Err(KeyFileError::InsecurePermissions { mode: 0o640, .. })
        ));
    }

    #[test]
    fn a_directory_or_a_device_is_not_a_key_file_and_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Identity::load(dir.path()),
            Err(KeyFileError::NotAFile { .. })
        ));
        #[cfg(unix)]
        assert!(matches!(
            Identity::load(Path::new("/dev/zero")),
            Err(KeyFileError::NotAFile { .. })
        ));
    }

    #[test]
    fn malformed_and_missing_files_have_their_own_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Identity::load(&dir.path().join("missing")),
            Err(KeyFileError::Io { .. })
        ));
        let id = Identity::from_secret_bytes([3; 32]);
        let mut bytes = id.to_keyfile_bytes().to_vec();
        assert_eq!(&bytes[..4], &[0x08, 0x01, 0x12, 0x40]);
        // The public half must match the secret.
        bytes[67] ^= 1;
        assert!(matches!(
            Identity::from_keyfile_bytes(&bytes),
            Err(KeyFileError::Malformed { len: 68 })
        ));
        assert!(matches!(
            Identity::from_keyfile_bytes(&bytes[..10]),
            Err(KeyFileError::Malformed { len: 10 })
        ));
    }
}
