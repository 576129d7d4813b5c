//! Response-time quantisation: a capability can hold every result back to the next multiple of
//! its quantum since the request was accepted, so that the time an answer arrives says at most
//! which quantum the run ended in, not how long the guest ran to the microsecond.

use std::time::{Duration, Instant};

use crate::service::Mounted;

/// The response quantum of a capability: the largest of its datasets' (zero: none).
pub(in crate::service) fn of(mounted: &[Mounted]) -> Duration {
    mounted
        .iter()
        .filter_map(|m| m.served.response_quantum)
        .max()
        .unwrap_or(Duration::ZERO)
}

/// Waits until `started` plus the smallest whole number (at least one) of quanta that has not
/// yet passed. Returns at once when `quantum` is zero.
pub(super) async fn hold(started: Instant, quantum: Duration) {
    if let Some(at) = release(started.elapsed(), quantum).and_then(|r| started.checked_add(r)) {
        tokio::time::sleep_until(at.into()).await;
    }
}

/// The release time after `started` for a result ready at `elapsed`, or `None` without a
/// quantum.
fn release(elapsed: Duration, quantum: Duration) -> Option<Duration> {
    let q = quantum.as_nanos();
    if q == 0 {
        return None;
    }
    let periods = elapsed.as_nanos().div_ceil(q).max(1);
    let nanos = periods.saturating_mul(q);
    Some(Duration::from_nanos(
        u64::try_from(nanos).unwrap_or(u64::MAX),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_released_on_quantum_boundaries() {
        let q = Duration::from_millis(250);
        let ms = Duration::from_millis;
        assert_eq!(release(ms(0), q), Some(ms(250)));
        assert_eq!(release(ms(1), q), Some(ms(250)));
        assert_eq!(release(ms(250), q), Some(ms(250)));
        assert_eq!(release(ms(251), q), Some(ms(500)));
        assert_eq!(release(ms(999), q), Some(ms(1000)));
        assert_eq!(release(ms(999), Duration::ZERO), None);
        assert_eq!(
            release(Duration::MAX, Duration::from_secs(1)),
            Some(Duration::from_nanos(u64::MAX))
        );
    }
}
