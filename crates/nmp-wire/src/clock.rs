//! The protocol's clock: every `*_ms` timestamp in `nmp.v1` (requests, receipts, documents,
//! KEM keys) is Unix time in milliseconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current Unix time in milliseconds, as every `nmp.v1` timestamp counts it.
///
/// A clock set before 1970 reads 0, and one past `u64::MAX` milliseconds (in 584 million
/// years) reads `u64::MAX`; neither panics.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_milliseconds_since_1970() {
        // 2020-09-13 and 2100-01-01 bracket any clock this code runs under.
        let now = now_ms();
        assert!(
            (1_600_000_000_000..4_102_444_800_000).contains(&now),
            "{now}"
        );
    }
}
