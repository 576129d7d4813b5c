//! The clocks a guest reads, per [`Clocks`]: coarse, fixed or real.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtxBuilder};

use crate::{Clocks, FIXED_CLOCK_STEP};

/// Installs the clocks `clocks` describes, for one run starting now.
pub(super) fn install(wasi: &mut WasiCtxBuilder, clocks: Clocks) {
    match clocks {
        Clocks::Coarse { resolution } => {
            let started = Instant::now();
            wasi.wall_clock(CoarseWall { resolution })
                .monotonic_clock(CoarseMonotonic {
                    started,
                    resolution,
                });
        }
        Clocks::Fixed { wall_clock } => {
            let readings = Arc::new(AtomicU64::new(0));
            wasi.wall_clock(FixedWall {
                start: wall_clock,
                readings: Arc::clone(&readings),
            })
            .monotonic_clock(FixedMonotonic { readings });
        }
        // Wasmtime's own clocks; its monotonic clock counts from the context's creation.
        Clocks::Real => {}
    }
}

/// `nanos` rounded down to a multiple of `step` (a positive number of nanoseconds).
fn floor(nanos: u128, step: Duration) -> u128 {
    let step = step.as_nanos().max(1);
    nanos - nanos % step
}

/// Nanoseconds as a `u64`, saturating (2^64 ns is about 584 years).
fn saturate(nanos: u128) -> u64 {
    u64::try_from(nanos).unwrap_or(u64::MAX)
}

/// The host's wall clock, rounded down to `resolution`.
struct CoarseWall {
    resolution: Duration,
}

impl HostWallClock for CoarseWall {
    fn resolution(&self) -> Duration {
        self.resolution
    }

    fn now(&self) -> Duration {
        // A host clock set before 1970 reads as the epoch rather than failing the guest.
        let since_epoch = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        Duration::from_nanos(saturate(floor(since_epoch.as_nanos(), self.resolution)))
    }
}

/// Time since the run started, rounded down to `resolution`: never backwards, since both the
/// host's monotonic clock and the rounding are monotonic.
struct CoarseMonotonic {
    started: Instant,
    resolution: Duration,
}

impl HostMonotonicClock for CoarseMonotonic {
    fn resolution(&self) -> u64 {
        saturate(self.resolution.as_nanos())
    }

    fn now(&self) -> u64 {
        saturate(floor(self.started.elapsed().as_nanos(), self.resolution))
    }
}

/// Counts clock readings and turns the count into elapsed time: every reading of either
/// fixed clock returns the time so far, then advances both by [`FIXED_CLOCK_STEP`].
fn tick(readings: &AtomicU64) -> u64 {
    let n = readings.fetch_add(1, Ordering::Relaxed);
    saturate(u128::from(n) * FIXED_CLOCK_STEP.as_nanos())
}

/// The configured instant plus the fixed clocks' elapsed time.
struct FixedWall {
    start: Duration,
    readings: Arc<AtomicU64>,
}

impl HostWallClock for FixedWall {
    fn resolution(&self) -> Duration {
        FIXED_CLOCK_STEP
    }

    fn now(&self) -> Duration {
        self.start
            .saturating_add(Duration::from_nanos(tick(&self.readings)))
    }
}

/// The fixed clocks' elapsed time, from zero.
struct FixedMonotonic {
    readings: Arc<AtomicU64>,
}

impl HostMonotonicClock for FixedMonotonic {
    fn resolution(&self) -> u64 {
        saturate(FIXED_CLOCK_STEP.as_nanos())
    }

    fn now(&self) -> u64 {
        tick(&self.readings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_readings_are_multiples_of_the_resolution() {
        let resolution = Duration::from_millis(100);
        let wall = CoarseWall { resolution }.now();
        assert_eq!(wall.as_nanos() % resolution.as_nanos(), 0);
        let mono = CoarseMonotonic {
            started: Instant::now(),
            resolution,
        };
        let first = mono.now();
        assert_eq!(u128::from(first) % resolution.as_nanos(), 0);
        assert!(mono.now() >= first);
        assert_eq!(mono.resolution(), 100_000_000);
    }

    #[test]
    fn fixed_clocks_share_one_step_per_reading() {
        let readings = Arc::new(AtomicU64::new(0));
        let wall = FixedWall {
            start: Duration::from_secs(10),
            readings: Arc::clone(&readings),
        };
        let mono = FixedMonotonic { readings };
        assert_eq!(mono.now(), 0);
        assert_eq!(wall.now(), Duration::from_secs(10) + FIXED_CLOCK_STEP);
        assert_eq!(u128::from(mono.now()), 2 * FIXED_CLOCK_STEP.as_nanos());
    }
}
