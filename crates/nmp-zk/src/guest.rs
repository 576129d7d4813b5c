//! The committed guest program and its image id.

use risc0_binfmt::ProgramBinary;

/// The guest ELF (`riscv32im-risc0-zkvm-elf`), built from `zk/guest` by
/// `scripts/zk-guest.sh`; CI rebuilds it and checks it is byte-identical.
pub const GUEST_ELF: &[u8] = include_bytes!("../guest/nmp-zk-guest.elf");

/// The image id of [`GUEST_ELF`] with RISC Zero's v1compat kernel: what a node publishes and
/// an agent verifies receipts against. A test checks it equals [`image_id`]`(GUEST_ELF)`.
/// Hex: `d4ebb6bd7b0b5ed7415e0db119394803885ac21bc65551671f961da92096ddd8`.
pub const IMAGE_ID: [u8; 32] = [
    0xd4, 0xeb, 0xb6, 0xbd, 0x7b, 0x0b, 0x5e, 0xd7, 0x41, 0x5e, 0x0d, 0xb1, 0x19, 0x39, 0x48, 0x03,
    0x88, 0x5a, 0xc2, 0x1b, 0xc6, 0x55, 0x51, 0x67, 0x1f, 0x96, 0x1d, 0xa9, 0x20, 0x96, 0xdd, 0xd8,
];

/// The ELF cannot be loaded as a RISC Zero program.
#[derive(Debug, thiserror::Error)]
#[error("not a RISC Zero guest ELF: {0}")]
pub struct ImageIdError(String);

/// Computes the image id of a guest ELF combined with the v1compat kernel, as the prover
/// loads it. Costs a few milliseconds (it hashes the whole memory image).
pub fn image_id(elf: &[u8]) -> Result<[u8; 32], ImageIdError> {
    let digest = ProgramBinary::new(elf, risc0_zkos_v1compat::V1COMPAT_ELF)
        .compute_image_id()
        // anyhow's error carries no type to keep; its text is all there is.
        .map_err(|e| ImageIdError(format!("{e:#}")))?;
    let mut id = [0; 32];
    id.copy_from_slice(digest.as_bytes());
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_image_id_is_the_committed_elfs() {
        let id = image_id(GUEST_ELF).expect("the committed ELF loads");
        assert_eq!(hex::encode(id), hex::encode(IMAGE_ID));
    }

    #[test]
    fn garbage_is_not_a_guest() {
        assert!(image_id(b"not an elf").is_err());
    }
}
