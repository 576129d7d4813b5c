//! [`Freshness`]: how an agent knows an attestation is not a replay of an old one.

use crate::Error;

/// How far a nonce's issue time may lie ahead of the verifier's clock: 60 s of clock skew.
pub const MAX_CLOCK_SKEW_MS: u64 = 60_000;

/// Default maximum age of a time nonce: 24 hours (a node re-attests at start-up and at every
/// KEM key rotation).
pub const DEFAULT_MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

/// What makes an attestation's nonce acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freshness {
    /// The nonce must equal this challenge the agent chose (a live challenge to a node that
    /// quotes on demand).
    Challenge([u8; 32]),
    /// The nonce must be a time nonce ([`time_nonce`]) issued no more than `max_age_ms` before
    /// the verification time and no more than [`MAX_CLOCK_SKEW_MS`] after it. A Nitro
    /// document's own signed timestamp must pass the same window.
    MaxAge {
        /// The oldest acceptable issue time, relative to now.
        max_age_ms: u64,
    },
}

impl Default for Freshness {
    /// [`Freshness::MaxAge`] with [`DEFAULT_MAX_AGE_MS`].
    fn default() -> Self {
        Freshness::MaxAge {
            max_age_ms: DEFAULT_MAX_AGE_MS,
        }
    }
}

/// A time nonce: the issue time as big-endian Unix milliseconds, then 24 random bytes the
/// caller supplies (so two attestations in one millisecond still differ).
pub fn time_nonce(issued_at_ms: u64, random: [u8; 24]) -> [u8; 32] {
    let mut nonce = [0; 32];
    nonce[..8].copy_from_slice(&issued_at_ms.to_be_bytes());
    nonce[8..].copy_from_slice(&random);
    nonce
}

/// The issue time a time nonce carries.
pub fn nonce_time(nonce: &[u8; 32]) -> u64 {
    let mut time = [0; 8];
    time.copy_from_slice(&nonce[..8]);
    u64::from_be_bytes(time)
}

impl Freshness {
    /// Checks `nonce` at `now_ms`.
    pub fn check(&self, nonce: &[u8; 32], now_ms: u64) -> Result<(), Error> {
        match *self {
            Freshness::Challenge(challenge) if challenge == *nonce => Ok(()),
            Freshness::Challenge(_) => Err(Error::NonceMismatch),
            Freshness::MaxAge { max_age_ms } => within(nonce_time(nonce), now_ms, max_age_ms),
        }
    }

    /// Checks a time the hardware signed (Nitro's timestamp) against the same window; a
    /// challenge does not bound it.
    pub(crate) fn check_time(&self, issued_at_ms: u64, now_ms: u64) -> Result<(), Error> {
        match *self {
            Freshness::Challenge(_) => Ok(()),
            Freshness::MaxAge { max_age_ms } => within(issued_at_ms, now_ms, max_age_ms),
        }
    }
}

fn within(issued_at_ms: u64, now_ms: u64, max_age_ms: u64) -> Result<(), Error> {
    let too_old = now_ms.saturating_sub(issued_at_ms) > max_age_ms;
    let too_new = issued_at_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS);
    if too_old || too_new {
        return Err(Error::Stale {
            issued_at_ms,
            now_ms,
            max_age_ms,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_nonces_are_checked_at_both_edges() {
        let fresh = Freshness::MaxAge { max_age_ms: 1_000 };
        let nonce = time_nonce(10_000, [5; 24]);
        assert_eq!(nonce_time(&nonce), 10_000);
        assert!(fresh.check(&nonce, 10_000).is_ok());
        assert!(fresh.check(&nonce, 11_000).is_ok());
        assert!(matches!(
            fresh.check(&nonce, 11_001),
            Err(Error::Stale { .. })
        ));
        let ahead = time_nonce(10_000 + MAX_CLOCK_SKEW_MS, [0; 24]);
        assert!(fresh.check(&ahead, 10_000).is_ok());
        let too_far = time_nonce(10_001 + MAX_CLOCK_SKEW_MS, [0; 24]);
        assert!(matches!(
            fresh.check(&too_far, 10_000),
            Err(Error::Stale { .. })
        ));
    }

    #[test]
    fn a_challenge_must_match_exactly() {
        let challenge = Freshness::Challenge([1; 32]);
        assert!(challenge.check(&[1; 32], 0).is_ok());
        assert!(matches!(
            challenge.check(&[2; 32], 0),
            Err(Error::NonceMismatch)
        ));
    }
}
