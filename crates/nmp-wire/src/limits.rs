//! Sizes every `nmp.v1` implementation enforces before it allocates.
//!
//! A peer that sends more is answered with `ERROR_CODE_TOO_LARGE` (or its stream is reset when
//! the frame header alone exceeds [`MAX_FRAME_BYTES`]); nothing larger is ever buffered.

/// Largest encoded message in one length-delimited frame: 24 MiB, enough for a module at the
/// Guardian's 16 MiB default plus an input of up to 4 MiB and the envelope overhead.
pub const MAX_FRAME_BYTES: usize = 24 * 1024 * 1024;

/// Largest request input (the guest's stdin): 4 MiB.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Largest module: 16 MiB, the Guardian's default module-size limit.
pub const MAX_MODULE_BYTES: usize = 16 * 1024 * 1024;

/// Length of a request id in bytes.
pub const REQUEST_ID_BYTES: usize = 16;

/// Longest capability name in bytes.
pub const MAX_CAPABILITY_BYTES: usize = 256;
