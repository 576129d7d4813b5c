//! What a guest sees of time and chance: [`Clocks`] and [`Randomness`].
//!
//! Both are channels into the output: a guest can print what it reads. A clock reading is
//! also a measurement of how long the host took for something, so a fine clock is a timing
//! channel from the node (its caches, its load, the size and layout of its data) into the
//! answer. Randomness carries nothing from the node, but makes a run unrepeatable.

use std::time::Duration;

use crate::Error;

/// The default resolution of [`Clocks::Coarse`]: 100 ms.
pub const DEFAULT_CLOCK_RESOLUTION: Duration = Duration::from_millis(100);

/// How far a [`Clocks::Fixed`] clock advances at each reading: 1 ms.
pub const FIXED_CLOCK_STEP: Duration = Duration::from_millis(1);

/// The clocks a guest reads through WASI (`clock_time_get`, `clock_res_get`, and the clock
/// subscriptions of `poll_oneoff`, which compute their deadlines from these clocks).
///
/// The process and thread CPU-time clocks are never offered (`clock_time_get` answers
/// `EBADF`). A guest that sleeps in `poll_oneoff` still sleeps in real time, within its
/// deadline. Defaults to [`Clocks::Coarse`] at [`DEFAULT_CLOCK_RESOLUTION`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Clocks {
    /// The host's clocks rounded down to a multiple of `resolution`, which `clock_res_get`
    /// reports. The monotonic clock counts from the start of the run (never the host's
    /// uptime) and never goes backwards.
    ///
    /// This narrows the timing channel, it does not close it: a guest can still spin until
    /// the clock moves and count its own instructions to the next edge. Only
    /// [`Clocks::Fixed`] removes it. `resolution` lies between 1 ms and 60 s.
    Coarse {
        /// The step of both clocks.
        resolution: Duration,
    },
    /// Clocks that do not depend on the host: the monotonic clock reads 0 at its first
    /// reading and the wall clock `wall_clock` (time since the Unix epoch); every reading
    /// of either clock then advances both by [`FIXED_CLOCK_STEP`], which `clock_res_get`
    /// reports. So the same guest given the same input reads the same times, and a guest
    /// waiting for time to pass (a spin on the clock) still sees it pass. `wall_clock` must
    /// be below 2^64 ns (the year 2554).
    Fixed {
        /// What the wall clock reads first.
        wall_clock: Duration,
    },
    /// The host's clocks at their native (nanosecond) resolution; the monotonic clock counts
    /// from the start of the run.
    ///
    /// Opt-in: every reading can carry how long the node took for something into the
    /// output, at the finest grain the host offers.
    Real,
}

impl Default for Clocks {
    fn default() -> Self {
        Self::Coarse {
            resolution: DEFAULT_CLOCK_RESOLUTION,
        }
    }
}

impl Clocks {
    /// Checks the ranges documented on each variant.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        match *self {
            Self::Coarse { resolution }
                if resolution < Duration::from_millis(1)
                    || resolution > Duration::from_secs(60) =>
            {
                Err(Error::InvalidConfig {
                    field: "clocks.resolution",
                    reason: "must be between 1 ms and 60 s",
                })
            }
            Self::Fixed { wall_clock } if u64::try_from(wall_clock.as_nanos()).is_err() => {
                Err(Error::InvalidConfig {
                    field: "clocks.wall_clock",
                    reason: "must be below 2^64 nanoseconds",
                })
            }
            _ => Ok(()),
        }
    }
}

/// Where a guest's random bytes (`random_get`) come from.
///
/// Randomness carries nothing from the node or its data into the output (a guest could as
/// well use a constant), so the default is the host's. Defaults to [`Randomness::Real`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Randomness {
    /// Wasmtime's default: a ChaCha12 stream (rand's `StdRng`) seeded afresh for each run
    /// from the host's thread-local generator, which the operating system seeds.
    #[default]
    Real,
    /// A ChaCha20 stream seeded from this value (through SHA-256), the same for every run:
    /// two runs of the same guest on the same input read the same bytes. Anyone who knows
    /// the seed can predict them, so a guest must not use them as secrets.
    Seeded(u64),
}
