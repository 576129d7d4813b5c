//! The operating system's random number generator, the only randomness this crate uses.

/// Fills `buf` with random bytes from the operating system.
///
/// Panics only when the operating system has no usable random number generator, a condition no
/// caller can recover from and under which no key may be made.
pub(crate) fn fill(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator is available");
}
