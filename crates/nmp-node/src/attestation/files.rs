//! Reading evidence from a TEE interface's files, bounded, and checking that it is this
//! request's: shared by the configfs-tsm and device sources.

use std::{fs, io::Read as _, path::Path};

use super::Error;

/// Reads at most `limit` bytes of `path`; more is an error.
pub(super) fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, Error> {
    let file = fs::File::open(path).map_err(Error::Io)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::Io)?;
    if bytes.len() > limit {
        return Err(Error::Device(format!(
            "{} is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Refuses evidence that does not carry `report_data`: a report made for another request
/// (another writer of the same interface) must not be published as this one's.
pub(super) fn carries(evidence: &[u8], report_data: &[u8; 64]) -> Result<(), Error> {
    if evidence
        .windows(report_data.len())
        .any(|w| w == report_data)
    {
        Ok(())
    } else {
        Err(Error::Device(
            "the evidence does not carry this request's REPORTDATA".to_owned(),
        ))
    }
}

/// The collateral file a kind needs when its interface gives none: required for DCAP quotes
/// (SGX, TDX), optional otherwise (empty when absent).
pub(super) fn collateral(path: Option<&Path>, required_by: Option<&str>) -> Result<Vec<u8>, Error> {
    match (path, required_by) {
        (Some(path), _) => read_limited(path, nmp_attest::MAX_COLLATERAL_BYTES),
        (None, Some(what)) => Err(Error::Device(format!(
            "{what} needs `collateral` (its PCCS collateral as JSON)"
        ))),
        (None, None) => Ok(Vec::new()),
    }
}
