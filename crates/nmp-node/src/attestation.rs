//! The node's TEE attestation: where it comes from (`[attestation]` in the node file), how it
//! is refreshed for the current KEM key, and what the capability document publishes.
//!
//! Four sources: a `document` file, a `command` that prints the evidence, the kernel's
//! configfs-tsm interface (`tsm`, SEV-SNP and TDX guests), or a TEE `device` (Nitro's
//! `/dev/nsm`, SEV-SNP's `/dev/sev-guest`, Gramine's `/dev/attestation` for SGX).
//!
//! The node never verifies its own evidence against a vendor root (agents do, at their own
//! time); it only makes sure what it publishes claims the binding of its identity and its
//! current KEM key ([`nmp_attest::Binding`]), so an agent can check it.

mod device;
mod files;
mod tsm;

use std::{path::PathBuf, time::Duration};

pub use device::SEV_GUEST;
use nmp_attest::{Binding, Kind, MAX_COLLATERAL_BYTES, MAX_DOCUMENT_BYTES, time_nonce};
use nmp_crypto::PeerId;
use nmp_wire::pb;
use prost::Message as _;
use serde::Deserialize;
pub use tsm::DEFAULT_ROOT as TSM_ROOT;

/// How long the attestation command may run before it is killed: 30 s (a DCAP quote with a
/// collateral fetch from a local PCCS takes about a second).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest attestation file or command output read: the document and collateral limits plus
/// 4 KiB of framing.
pub const MAX_ATTESTATION_BYTES: usize = MAX_DOCUMENT_BYTES + MAX_COLLATERAL_BYTES + 4096;

/// `[attestation]` in the node file: `kind` and exactly one of `document`, `command`, `tsm`
/// or `device`.
///
/// ```toml
/// [attestation]
/// kind = "sev-snp"                        # nitro, sgx, tdx or sev-snp
/// tsm = "/sys/kernel/config/tsm/report"   # or: command = [...], document = "attestation.pb",
///                                         # or device = "/dev/sev-guest"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The TEE kind: `nitro`, `sgx`, `tdx` or `sev-snp`.
    pub kind: String,
    /// A file holding an encoded `nmp.v1.Attestation` that already binds this node's identity
    /// and current KEM key (written by a process that watches the node); relative to the node
    /// file. Re-read at start-up and after every KEM key rotation.
    #[serde(default)]
    pub document: Option<PathBuf>,
    /// A program and its arguments that print the vendor evidence as an encoded
    /// `nmp.v1.Attestation` (kind, document, collateral) on stdout. It runs at start-up and
    /// after every KEM key rotation with `NMP_ATTEST_KIND`, `NMP_ATTEST_REPORT_DATA` (64 bytes,
    /// hex), `NMP_ATTEST_USER_DATA` (the 32-byte binding digest, hex), `NMP_ATTEST_PUBLIC_KEY`
    /// (the Ed25519 identity, hex) and `NMP_ATTEST_NONCE` (hex) in its environment, at most
    /// [`COMMAND_TIMEOUT`]. docs/attestation.md describes what such a program does on each platform
    /// (none ships with this version).
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// The configfs-tsm report root (normally [`TSM_ROOT`]): the node asks the
    /// kernel for a fresh SEV-SNP report or TDX quote over its binding at start-up and after
    /// every KEM key rotation. Untested on hardware in this version (docs/attestation.md).
    #[serde(default)]
    pub tsm: Option<PathBuf>,
    /// A TEE device the node asks for fresh evidence over its binding at start-up and after
    /// every KEM key rotation: `/dev/nsm` (kind `nitro`), [`SEV_GUEST`] (kind `sev-snp`,
    /// kernels before 6.7), or Gramine's `/dev/attestation` directory (kind `sgx`). Untested
    /// on hardware in this version (docs/attestation.md).
    #[serde(default)]
    pub device: Option<PathBuf>,
    /// With `tsm` or `device`: a file read at each refresh for what the TEE does not give, the
    /// DCAP collateral (JSON) of a TDX or SGX quote (required for those), or a VCEK
    /// certificate (DER) when the SNP certificate table carries none; relative to the node
    /// file.
    #[serde(default)]
    pub collateral: Option<PathBuf>,
}

/// Why the node could not produce or load its attestation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `kind` is not `nitro`, `sgx`, `tdx` or `sev-snp`.
    #[error(transparent)]
    Kind(#[from] nmp_attest::UnknownKind),
    /// Not exactly one of `document`, `command`, `tsm` and `device` is set, `command` is
    /// empty, or `collateral` is set without `tsm` or `device`.
    #[error(
        "[attestation] needs exactly one of `document`, a non-empty `command`, `tsm` or \
         `device` (and `collateral` only with `tsm` or `device`)"
    )]
    Source,
    /// The TEE interface (configfs-tsm or a device) answered something unusable: another
    /// provider or attestation type, evidence without this request's REPORTDATA, no collateral
    /// for a DCAP quote, a refusal by the device, a kind it does not serve.
    #[error("TEE interface: {0}")]
    Device(String),
    /// The file could not be read, or the command not run.
    #[error("attestation source unreadable")]
    Io(#[source] std::io::Error),
    /// The command failed, ran past [`COMMAND_TIMEOUT`], or printed more than
    /// [`MAX_ATTESTATION_BYTES`].
    #[error("attestation command failed: {0}")]
    Command(String),
    /// The bytes are not an `nmp.v1.Attestation`, or are too large.
    #[error(
        "attestation source is not an nmp.v1.Attestation of at most {MAX_ATTESTATION_BYTES} bytes"
    )]
    Malformed,
    /// The attestation is of another kind than configured.
    #[error("attestation is {actual:?}, configured {configured}")]
    WrongKind {
        /// The configured kind.
        configured: Kind,
        /// The wire kind.
        actual: i32,
    },
    /// The attestation does not claim this node's identity and current KEM key.
    #[error("attestation does not bind this node's identity and current KEM key")]
    Unbound(#[source] Option<nmp_attest::Error>),
}

/// Where the attestation comes from, resolved against the node file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    kind: Kind,
    from: From,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum From {
    Document(PathBuf),
    Command(Vec<String>),
    Tsm {
        root: PathBuf,
        collateral: Option<PathBuf>,
    },
    Device {
        path: PathBuf,
        collateral: Option<PathBuf>,
    },
}

impl Source {
    /// The source an entry describes; relative paths resolve against `base`.
    pub fn new(entry: &Entry, base: &std::path::Path) -> Result<Self, Error> {
        let kind = entry.kind.parse()?;
        let collateral = entry.collateral.as_ref().map(|c| base.join(c));
        let from = match (&entry.document, &entry.command, &entry.tsm, &entry.device) {
            (Some(path), None, None, None) => From::Document(base.join(path)),
            (None, Some(argv), None, None) if !argv.is_empty() => From::Command(argv.clone()),
            (None, None, Some(root), None) => From::Tsm {
                root: root.clone(),
                collateral,
            },
            (None, None, None, Some(path)) => From::Device {
                path: path.clone(),
                collateral,
            },
            _ => return Err(Error::Source),
        };
        if entry.collateral.is_some() && entry.tsm.is_none() && entry.device.is_none() {
            return Err(Error::Source);
        }
        Ok(Source { kind, from })
    }

    /// The attestation of `node` for the KEM key `kem`, issued at `now_ms`: the file as
    /// written, or the command's or the kernel's evidence with a fresh time nonce and the
    /// binding filled in.
    /// Either way it must claim exactly this binding ([`Error::Unbound`] otherwise).
    pub async fn produce(
        &self,
        node: &PeerId,
        kem: &pb::KemPublicKey,
        now_ms: u64,
    ) -> Result<pb::Attestation, Error> {
        let wire = match &self.from {
            From::Document(path) => decode(&tokio::fs::read(path).await.map_err(Error::Io)?)?,
            From::Command(argv) => {
                let binding = fresh_binding(node, kem, now_ms)?;
                let mut wire = decode(&run(argv, self.kind, &binding).await?)?;
                binding.apply(&mut wire);
                wire
            }
            From::Tsm { root, collateral } => {
                let binding = fresh_binding(node, kem, now_ms)?;
                let (root, collateral, kind) = (root.clone(), collateral.clone(), self.kind);
                let report_data = binding.report_data();
                let mut wire = tokio::task::spawn_blocking(move || {
                    tsm::report(&root, kind, &report_data, collateral.as_deref())
                })
                .await
                .map_err(|e| Error::Device(e.to_string()))??;
                binding.apply(&mut wire);
                wire
            }
            From::Device { path, collateral } => {
                let binding = fresh_binding(node, kem, now_ms)?;
                let (path, collateral, kind) = (path.clone(), collateral.clone(), self.kind);
                let applied = binding.clone();
                let mut wire = tokio::task::spawn_blocking(move || {
                    device::evidence(&path, kind, &binding, collateral.as_deref())
                })
                .await
                .map_err(|e| Error::Device(e.to_string()))??;
                applied.apply(&mut wire);
                wire
            }
        };
        if wire.kind != self.kind.to_wire() as i32 {
            return Err(Error::WrongKind {
                configured: self.kind,
                actual: wire.kind,
            });
        }
        let claimed = Binding::from_wire(&wire, node).map_err(|e| Error::Unbound(Some(e)))?;
        if !claimed.binds_kem_key(kem) {
            return Err(Error::Unbound(None));
        }
        Ok(wire)
    }
}

/// A binding of `node` and `kem` under a fresh time nonce issued at `now_ms`.
fn fresh_binding(node: &PeerId, kem: &pb::KemPublicKey, now_ms: u64) -> Result<Binding, Error> {
    let mut random = [0; 24];
    getrandom::fill(&mut random)
        .map_err(|e| Error::Command(format!("no randomness for a nonce: {e}")))?;
    Binding::new(node, kem, time_nonce(now_ms, random)).map_err(|e| Error::Unbound(Some(e)))
}

fn decode(bytes: &[u8]) -> Result<pb::Attestation, Error> {
    if bytes.len() > MAX_ATTESTATION_BYTES {
        return Err(Error::Malformed);
    }
    pb::Attestation::decode(bytes).map_err(|_| Error::Malformed)
}

async fn run(argv: &[String], kind: Kind, binding: &Binding) -> Result<Vec<u8>, Error> {
    let (program, args) = argv.split_first().ok_or(Error::Source)?;
    let child = tokio::process::Command::new(program)
        .args(args)
        .env("NMP_ATTEST_KIND", kind.name())
        .env("NMP_ATTEST_REPORT_DATA", hex::encode(binding.report_data()))
        .env("NMP_ATTEST_USER_DATA", hex::encode(binding.digest()))
        .env("NMP_ATTEST_PUBLIC_KEY", hex::encode(binding.identity()))
        .env("NMP_ATTEST_NONCE", hex::encode(binding.nonce()))
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(COMMAND_TIMEOUT, child)
        .await
        .map_err(|_| Error::Command(format!("ran past {COMMAND_TIMEOUT:?}")))?
        .map_err(Error::Io)?;
    if !output.status.success() {
        return Err(Error::Command(format!("exited with {}", output.status)));
    }
    if output.stdout.len() > MAX_ATTESTATION_BYTES {
        return Err(Error::Command("printed too much".to_owned()));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> PeerId {
        nmp_crypto::Identity::from_secret_bytes([4; 32]).peer_id()
    }

    fn kem(byte: u8) -> pb::KemPublicKey {
        pb::KemPublicKey {
            x25519: vec![byte; 32],
            ml_kem_768: vec![byte; 1184],
            ..Default::default()
        }
    }

    fn source(kind: &str, document: Option<PathBuf>, command: Option<Vec<String>>) -> Source {
        let entry = Entry {
            kind: kind.to_owned(),
            document,
            command,
            tsm: None,
            device: None,
            collateral: None,
        };
        Source::new(&entry, std::path::Path::new("/")).unwrap()
    }

    fn evidence(dir: &std::path::Path, wire: &pb::Attestation) -> PathBuf {
        let path = dir.join("evidence.pb");
        std::fs::write(&path, wire.encode_to_vec()).unwrap();
        path
    }

    #[tokio::test]
    async fn a_command_gets_the_binding_and_its_output_is_bound() {
        let dir = tempfile::tempdir().unwrap();
        let raw = pb::Attestation {
            kind: Kind::SevSnp.to_wire() as i32,
            document: vec![1, 2, 3],
            ..Default::default()
        };
        let path = evidence(dir.path(), &raw);
        let cat = vec!["cat".to_owned(), path.display().to_string()];
        let wire = source("sev-snp", None, Some(cat.clone()))
            .produce(&node(), &kem(1), 5_000)
            .await
            .unwrap();
        assert_eq!(wire.document, vec![1, 2, 3]);
        assert_eq!(
            nmp_attest::nonce_time(&wire.nonce.clone().try_into().unwrap()),
            5_000
        );
        assert!(
            Binding::from_wire(&wire, &node())
                .unwrap()
                .binds_kem_key(&kem(1))
        );
        // The environment carries the REPORTDATA the evidence must contain.
        let script = "test ${#NMP_ATTEST_REPORT_DATA} -eq 128 && test $NMP_ATTEST_KIND = tdx";
        let check = vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()];
        let empty = source("tdx", None, Some(check))
            .produce(&node(), &kem(1), 0)
            .await;
        // An empty output decodes to an attestation of kind 0: not the configured kind.
        assert!(matches!(empty, Err(Error::WrongKind { .. })), "{empty:?}");
        let wrong = source("nitro", None, Some(cat))
            .produce(&node(), &kem(1), 0)
            .await;
        assert!(matches!(wrong, Err(Error::WrongKind { .. })));
        let failing = source("nitro", None, Some(vec!["false".to_owned()]));
        assert!(matches!(
            failing.produce(&node(), &kem(1), 0).await,
            Err(Error::Command(_))
        ));
    }

    #[tokio::test]
    async fn a_document_must_bind_the_current_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut wire = pb::Attestation {
            kind: Kind::Nitro.to_wire() as i32,
            document: vec![9],
            ..Default::default()
        };
        Binding::new(&node(), &kem(1), [0; 32])
            .unwrap()
            .apply(&mut wire);
        let path = evidence(dir.path(), &wire);
        let file = source("nitro", Some(path), None);
        assert_eq!(file.produce(&node(), &kem(1), 0).await.unwrap(), wire);
        assert!(matches!(
            file.produce(&node(), &kem(2), 0).await,
            Err(Error::Unbound(None))
        ));
        let junk = dir.path().join("junk");
        std::fs::write(&junk, [0xFF; 16]).unwrap();
        let junk = source("nitro", Some(junk), None);
        assert!(matches!(
            junk.produce(&node(), &kem(1), 0).await,
            Err(Error::Malformed)
        ));
    }

    #[test]
    fn an_entry_needs_one_source_and_a_known_kind() {
        let entry = |kind: &str, document: Option<&str>, command: Option<Vec<String>>| Entry {
            kind: kind.to_owned(),
            document: document.map(PathBuf::from),
            command,
            tsm: None,
            device: None,
            collateral: None,
        };
        let base = std::path::Path::new("/");
        assert!(matches!(
            Source::new(&entry("sev-snp", None, None), base),
            Err(Error::Source)
        ));
        assert!(matches!(
            Source::new(&entry("sev-snp", Some("a"), Some(vec!["b".into()])), base),
            Err(Error::Source)
        ));
        assert!(matches!(
            Source::new(&entry("sev-snp", None, Some(vec![])), base),
            Err(Error::Source)
        ));
        assert!(matches!(
            Source::new(&entry("sgx-dcap", Some("a"), None), base),
            Err(Error::Kind(_))
        ));
        let device = |tsm: Option<&str>, collateral: Option<&str>| Entry {
            device: Some(PathBuf::from("/dev/attestation")),
            tsm: tsm.map(PathBuf::from),
            collateral: collateral.map(PathBuf::from),
            ..entry("sgx", None, None)
        };
        assert!(Source::new(&device(None, Some("collateral.json")), base).is_ok());
        assert!(matches!(
            Source::new(&device(Some("/sys/kernel/config/tsm/report"), None), base),
            Err(Error::Source)
        ));
        let stray = Entry {
            collateral: Some(PathBuf::from("c.json")),
            ..entry("sgx", Some("a"), None)
        };
        assert!(matches!(Source::new(&stray, base), Err(Error::Source)));
    }
}
