//! Fresh evidence from the Linux kernel's configfs-tsm report interface (Linux 6.7 and later),
//! which serves both an SEV-SNP guest (`sev_guest`) and a TDX guest (`tdx_guest`):
//! make a directory under the report root, write the 64-byte REPORTDATA to its `inblob`, read
//! the report (SNP) or quote (TDX) from `outblob` and, for SNP, the certificate table from
//! `auxblob`, then remove the directory.
//!
//! UNTESTED ON HARDWARE: these machines run in no TEE. The unit tests drive the same code over
//! a directory laid out as the kernel lays out a report entry, with a SYNTHETIC SNP report
//! signed by the test CA of `nmp_attest::testing`.

use std::{
    fs,
    path::{Path, PathBuf},
};

use nmp_attest::{Kind, MAX_COLLATERAL_BYTES, MAX_DOCUMENT_BYTES};
use nmp_wire::pb;

use super::{
    Error,
    files::{self, carries, read_limited},
};

/// The report root of configfs-tsm on Linux: `/sys/kernel/config/tsm/report`.
pub const DEFAULT_ROOT: &str = "/sys/kernel/config/tsm/report";

/// GUID of the VCEK entry in an SNP certificate table (AMD SEV-SNP firmware ABI, "Certificate
/// table"), as bytes in table order.
const VCEK_GUID: [u8; 16] = [
    0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6, 0x64, 0x45, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd,
];

/// Asks the kernel under `root` for evidence of `kind` carrying `report_data`. `collateral`
/// is a file read when the kernel gives none: the DCAP quote collateral (JSON) for TDX, which a
/// guest must fetch from its PCCS; for SNP, a VCEK certificate (DER) when `auxblob` carries
/// none. Blocking; run it on a blocking thread.
pub(super) fn report(
    root: &Path,
    kind: Kind,
    report_data: &[u8; 64],
    collateral: Option<&Path>,
) -> Result<pb::Attestation, Error> {
    let provider = match kind {
        Kind::SevSnp => "sev_guest",
        Kind::Tdx => "tdx_guest",
        other => {
            return Err(Error::Device(format!(
                "configfs-tsm serves no {other} evidence"
            )));
        }
    };
    let mut name = [0; 8];
    getrandom::fill(&mut name).map_err(|e| Error::Device(format!("no randomness: {e}")))?;
    let entry = Entry::create(root.join(format!("nmp-{}", hex::encode(name))))?;
    let (document, aux) = read_entry(&entry.0, provider, report_data)?;
    let collateral = match (kind, aux.as_deref().and_then(vcek)) {
        (Kind::SevSnp, Some(vcek)) => vcek.to_vec(),
        _ => files::collateral(collateral, (kind == Kind::Tdx).then_some("a TDX quote"))?,
    };
    Ok(pb::Attestation {
        kind: kind.to_wire() as i32,
        document,
        collateral,
        ..pb::Attestation::default()
    })
}

/// A report entry directory, removed when dropped (the kernel frees the report with it).
struct Entry(PathBuf);

impl Entry {
    fn create(path: PathBuf) -> Result<Self, Error> {
        fs::create_dir(&path).map_err(Error::Io)?;
        Ok(Self(path))
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        // Nothing more to do if the kernel already dropped it.
        let _ = fs::remove_dir(&self.0);
    }
}

/// Writes `report_data` to the entry and reads the evidence back (and `auxblob`, when there is
/// one). The entry must be the `provider`'s, and the evidence must carry `report_data`: a
/// report made for another request (another writer of the same entry) is refused.
fn read_entry(
    entry: &Path,
    provider: &str,
    report_data: &[u8; 64],
) -> Result<(Vec<u8>, Option<Vec<u8>>), Error> {
    let actual = fs::read_to_string(entry.join("provider")).map_err(Error::Io)?;
    if actual.trim() != provider {
        return Err(Error::Device(format!(
            "configfs-tsm provider is `{}`, expected `{provider}`",
            actual.trim()
        )));
    }
    fs::write(entry.join("inblob"), report_data).map_err(Error::Io)?;
    let document = read_limited(&entry.join("outblob"), MAX_DOCUMENT_BYTES)?;
    carries(&document, report_data)?;
    let aux = entry.join("auxblob");
    let aux = if aux.exists() {
        Some(read_limited(&aux, MAX_COLLATERAL_BYTES)?).filter(|a| !a.is_empty())
    } else {
        None
    };
    Ok((document, aux))
}

/// The VCEK certificate in an SNP certificate table: 24-byte entries (GUID, offset and
/// length, little-endian, from the table's start) ending with an all-zero entry.
fn vcek(table: &[u8]) -> Option<&[u8]> {
    for entry in table.chunks_exact(24) {
        let (guid, rest) = entry.split_at(16);
        if guid.iter().all(|b| *b == 0) {
            return None;
        }
        if guid == VCEK_GUID {
            let word = |i: usize| {
                let bytes: [u8; 4] = rest.get(i..i + 4)?.try_into().ok()?;
                usize::try_from(u32::from_le_bytes(bytes)).ok()
            };
            let (offset, len) = (word(0)?, word(4)?);
            return table.get(offset..offset.checked_add(len)?);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use nmp_attest::{Binding, Policy, testing};
    use nmp_crypto::{Identity, KemKeyPair};

    use super::*;

    /// A report entry as the kernel lays it out, holding the synthetic report of `binding`
    /// and, when `aux`, a certificate table with the synthetic VCEK.
    fn kernel_entry(dir: &Path, provider: &str, binding: &Binding, aux: bool) -> pb::Attestation {
        let wire = testing::snp(binding, [0x42; 48]);
        fs::write(dir.join("provider"), format!("{provider}\n")).unwrap();
        fs::write(dir.join("outblob"), &wire.document).unwrap();
        if aux {
            let mut table = Vec::new();
            table.extend_from_slice(&VCEK_GUID);
            table.extend_from_slice(&48u32.to_le_bytes());
            let len = u32::try_from(wire.collateral.len()).unwrap();
            table.extend_from_slice(&len.to_le_bytes());
            table.extend_from_slice(&[0; 24]);
            table.extend_from_slice(&wire.collateral);
            fs::write(dir.join("auxblob"), table).unwrap();
        }
        wire
    }

    fn binding(node: &Identity) -> Binding {
        let kem = KemKeyPair::from_seeds(&[3; 32], &[3; 64]).public_key(u64::MAX);
        Binding::new(&node.peer_id(), &kem, [9; 32]).unwrap()
    }

    #[test]
    fn an_snp_entry_gives_the_report_and_the_vcek_from_its_certificate_table() {
        let dir = tempfile::tempdir().unwrap();
        let node = Identity::from_secret_bytes([5; 32]);
        let binding = binding(&node);
        let wire = kernel_entry(dir.path(), "sev_guest", &binding, true);
        let (document, aux) = read_entry(dir.path(), "sev_guest", &binding.report_data()).unwrap();
        assert_eq!(
            fs::read(dir.path().join("inblob")).unwrap(),
            binding.report_data()
        );
        assert_eq!(document, wire.document);
        assert_eq!(vcek(&aux.unwrap()), Some(wire.collateral.as_slice()));

        // What the node would publish verifies under the synthetic CA and binds the node.
        let mut published = pb::Attestation {
            kind: Kind::SevSnp.to_wire() as i32,
            document,
            collateral: wire.collateral,
            ..pb::Attestation::default()
        };
        binding.apply(&mut published);
        let policy = Policy {
            roots: testing::roots(),
            freshness: nmp_attest::Freshness::Challenge([9; 32]),
            ..Policy::allow(nmp_attest::AllowList::new([format!(
                "sev-snp:measurement={}",
                "42".repeat(48)
            )
            .parse()
            .unwrap()]))
        };
        let now = nmp_wire::now_ms();
        policy.check(&published, &node.peer_id(), now).unwrap();
    }

    #[test]
    fn a_foreign_report_another_provider_and_a_missing_interface_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let node = Identity::from_secret_bytes([5; 32]);
        kernel_entry(dir.path(), "sev_guest", &binding(&node), false);
        let other = binding(&Identity::from_secret_bytes([6; 32]));
        let refused = read_entry(dir.path(), "sev_guest", &other.report_data());
        assert!(matches!(refused, Err(Error::Device(_))), "{refused:?}");
        let refused = read_entry(dir.path(), "tdx_guest", &binding(&node).report_data());
        assert!(matches!(refused, Err(Error::Device(_))), "{refused:?}");
        // A root without the kernel's interface: the entry has no provider; nothing is left.
        let root = tempfile::tempdir().unwrap();
        let data = binding(&node).report_data();
        let missing = report(root.path(), Kind::SevSnp, &data, None);
        assert!(matches!(missing, Err(Error::Io(_))), "{missing:?}");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
        let nitro = report(root.path(), Kind::Nitro, &data, None);
        assert!(matches!(nitro, Err(Error::Device(_))), "{nitro:?}");
    }

    #[test]
    fn a_certificate_table_without_a_vcek_or_out_of_bounds_gives_none() {
        let mut table = vec![1; 16];
        table.extend_from_slice(&[0; 8]);
        table.extend_from_slice(&[0; 24]);
        assert_eq!(vcek(&table), None);
        let mut table = VCEK_GUID.to_vec();
        table.extend_from_slice(&40u32.to_le_bytes());
        table.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(vcek(&table), None);
        assert_eq!(vcek(&[]), None);
    }
}
