//! The guest's clocks and randomness as written in `[policy.sandbox]`: `deterministic`,
//! `clock` and `random` with their parameters.

use std::time::Duration;

use nmp_sandbox::{Clocks, DEFAULT_CLOCK_RESOLUTION, Randomness};
use serde::Deserialize;

use super::{FileError, SandboxLimits};

/// `policy.sandbox.clock`: which clocks guests read (`nmp_sandbox::Clocks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockMode {
    /// The host's clocks rounded down to `clock_resolution_ms` (the default).
    Coarse,
    /// Clocks that start at `clock_start_secs` (wall) and 0 (monotonic) and advance 1 ms per
    /// reading, whatever the host's time.
    Fixed,
    /// The host's clocks at nanosecond resolution: a timing channel into the output.
    Real,
}

/// `policy.sandbox.random`: where guests' random bytes come from (`nmp_sandbox::Randomness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RandomMode {
    /// Fresh randomness for every run (the default).
    Real,
    /// A stream seeded from `random_seed`, the same for every run.
    Seeded,
}

impl SandboxLimits {
    /// The clocks and randomness these keys describe. `deterministic = true` means `clock =
    /// "fixed"` and `random = "seeded"`; a key that contradicts it, or a parameter of a mode
    /// not chosen, is refused rather than ignored. Ranges are checked by the sandbox.
    pub(super) fn clocks_and_randomness(&self) -> Result<(Clocks, Randomness), FileError> {
        let refuse = |reason| Err(FileError::Sandbox(reason));
        let (fixed, seeded) = (Some(ClockMode::Fixed), Some(RandomMode::Seeded));
        if self.deterministic && self.clock.is_some_and(|c| Some(c) != fixed) {
            return refuse("deterministic = true needs clock = \"fixed\" (or no clock key)");
        }
        if self.deterministic && self.random.is_some_and(|r| Some(r) != seeded) {
            return refuse("deterministic = true needs random = \"seeded\" (or no random key)");
        }
        let clock = match self.clock {
            Some(mode) => mode,
            None if self.deterministic => ClockMode::Fixed,
            None => ClockMode::Coarse,
        };
        let random = match self.random {
            Some(mode) => mode,
            None if self.deterministic => RandomMode::Seeded,
            None => RandomMode::Real,
        };
        if clock != ClockMode::Coarse && self.clock_resolution_ms.is_some() {
            return refuse("clock_resolution_ms applies only to clock = \"coarse\"");
        }
        if clock != ClockMode::Fixed && self.clock_start_secs.is_some() {
            return refuse("clock_start_secs applies only to clock = \"fixed\"");
        }
        if random != RandomMode::Seeded && self.random_seed.is_some() {
            return refuse("random_seed applies only to random = \"seeded\"");
        }
        let clocks = match clock {
            ClockMode::Coarse => Clocks::Coarse {
                resolution: self
                    .clock_resolution_ms
                    .map_or(DEFAULT_CLOCK_RESOLUTION, Duration::from_millis),
            },
            ClockMode::Fixed => Clocks::Fixed {
                wall_clock: Duration::from_secs(self.clock_start_secs.unwrap_or(0)),
            },
            ClockMode::Real => Clocks::Real,
        };
        let randomness = match random {
            RandomMode::Real => Randomness::Real,
            RandomMode::Seeded => Randomness::Seeded(self.random_seed.unwrap_or(0)),
        };
        Ok((clocks, randomness))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(keys: &str) -> Result<(Clocks, Randomness), FileError> {
        let limits: SandboxLimits = toml::from_str(keys).expect("valid TOML for the section");
        limits.clocks_and_randomness()
    }

    #[test]
    fn defaults_are_coarse_clocks_and_real_randomness() {
        let (clocks, randomness) = parse("").unwrap();
        assert_eq!(clocks, Clocks::default());
        assert_eq!(randomness, Randomness::Real);
    }

    #[test]
    fn deterministic_is_fixed_clocks_and_seeded_randomness() {
        let (clocks, randomness) =
            parse("deterministic = true\nclock_start_secs = 5\nrandom_seed = 7").unwrap();
        assert_eq!(
            clocks,
            Clocks::Fixed {
                wall_clock: Duration::from_secs(5)
            }
        );
        assert_eq!(randomness, Randomness::Seeded(7));
        let (clocks, _) = parse("clock = \"coarse\"\nclock_resolution_ms = 10").unwrap();
        assert_eq!(
            clocks,
            Clocks::Coarse {
                resolution: Duration::from_millis(10)
            }
        );
    }

    #[test]
    fn contradictions_and_idle_parameters_are_refused() {
        for keys in [
            "deterministic = true\nclock = \"real\"",
            "deterministic = true\nrandom = \"real\"",
            "clock = \"real\"\nclock_resolution_ms = 10",
            "clock_start_secs = 10",
            "random_seed = 1",
        ] {
            assert!(matches!(parse(keys), Err(FileError::Sandbox(_))), "{keys}");
        }
    }
}
