//! The byte encoding of a receipt: bincode (fixed-width integers) of RISC Zero's `Receipt`,
//! bounded before anything is allocated.

use bincode::Options;

/// Largest encoded receipt accepted, 16 MiB: a composite receipt is about 270 KB per
/// segment of up to 2^20 cycles, so this admits roughly 60 segments. Larger → refused
/// before decoding.
pub const MAX_RECEIPT_BYTES: usize = 16 << 20;

/// The one bincode configuration receipts are written and read with.
pub(crate) fn codec() -> impl Options {
    bincode::options()
        .with_fixint_encoding()
        .with_little_endian()
        .with_limit(MAX_RECEIPT_BYTES as u64)
        .reject_trailing_bytes()
}
