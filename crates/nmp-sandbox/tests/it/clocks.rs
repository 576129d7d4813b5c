//! What guests read from their clocks and random source under each configuration.

use std::time::{Duration, SystemTime};

use nmp_sandbox::{Clocks, Config, Error, FIXED_CLOCK_STEP, Randomness, Sandbox};

use crate::support::{bounded, command, config};

/// What the probe guest printed.
#[derive(Debug, PartialEq, Eq)]
struct Probe {
    /// `clock_res_get` of the realtime and the monotonic clock.
    resolutions: [u64; 2],
    /// Realtime, monotonic, realtime, monotonic, in the order read.
    readings: [u64; 4],
    random: [u8; 16],
}

/// Prints both clocks' resolutions, then reads realtime, monotonic, realtime, monotonic, then
/// 16 random bytes: 64 bytes in all, numbers little-endian.
fn probe_module() -> Vec<u8> {
    command(
        r#"(func (export "_start")
             (call $check (call $clock_res_get (i32.const 0) (i32.const 4096)))
             (call $check (call $clock_res_get (i32.const 1) (i32.const 4104)))
             (call $check (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 4112)))
             (call $check (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 4120)))
             (call $check (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 4128)))
             (call $check (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 4136)))
             (call $check (call $random_get (i32.const 4144) (i32.const 16)))
             (call $check (call $write (i32.const 1) (i32.const 4096) (i32.const 64))))"#,
    )
}

fn probe(config: Config) -> Probe {
    let stdout = bounded(move || {
        let sandbox = Sandbox::new(config).expect("valid config");
        let run = sandbox.run(&probe_module(), b"", &[]).expect("runs");
        assert!(run.outcome.is_success(), "{run:?}");
        run.outcome.stdout().to_vec()
    });
    assert_eq!(stdout.len(), 64);
    let word = |i: usize| u64::from_le_bytes(stdout[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    Probe {
        resolutions: [word(0), word(1)],
        readings: [word(2), word(3), word(4), word(5)],
        random: stdout[48..].try_into().expect("16 bytes"),
    }
}

fn with(clocks: Clocks, randomness: Randomness) -> Config {
    Config {
        clocks,
        randomness,
        ..config()
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).expect("test durations fit")
}

#[test]
fn default_clocks_are_coarse() {
    assert_eq!(
        Config::default().clocks,
        Clocks::Coarse {
            resolution: Duration::from_millis(100)
        }
    );
    let probe = probe(config());
    let step = 100_000_000;
    assert_eq!(probe.resolutions, [step, step]);
    for reading in probe.readings {
        assert_eq!(reading % step, 0, "{probe:?}");
    }
    let [wall, mono, wall_again, mono_again] = probe.readings;
    assert!(wall_again >= wall && mono_again >= mono, "{probe:?}");
    // The wall clock is the host's, give or take the rounding and the run.
    let host = nanos(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap(),
    );
    assert!(host - wall < nanos(Duration::from_secs(30)), "{probe:?}");
}

#[test]
fn the_coarse_monotonic_clock_moves_in_whole_steps() {
    // Spins on the monotonic clock until it leaves zero, then prints it.
    let module = command(
        r#"(func (export "_start")
             (loop $spin
               (call $check (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 4096)))
               (br_if $spin (i64.eqz (i64.load (i32.const 4096)))))
             (call $check (call $write (i32.const 1) (i32.const 4096) (i32.const 8))))"#,
    );
    let resolution = Duration::from_millis(10);
    let config = with(Clocks::Coarse { resolution }, Randomness::Real);
    let stdout = bounded(move || {
        let run = Sandbox::new(config)
            .unwrap()
            .run(&module, b"", &[])
            .unwrap();
        assert!(run.outcome.is_success(), "{run:?}");
        run.outcome.stdout().to_vec()
    });
    let reading = u64::from_le_bytes(stdout.try_into().unwrap());
    assert!(reading > 0 && reading % nanos(resolution) == 0, "{reading}");
}

#[test]
fn fixed_clocks_advance_one_step_per_reading() {
    let start = Duration::from_secs(1_700_000_000);
    let probe = probe(with(Clocks::Fixed { wall_clock: start }, Randomness::Real));
    let step = nanos(FIXED_CLOCK_STEP);
    assert_eq!(probe.resolutions, [step, step]);
    assert_eq!(
        probe.readings,
        [nanos(start), step, nanos(start) + 2 * step, 3 * step]
    );
}

#[test]
fn deterministic_runs_print_the_same_bytes() {
    let start = Duration::from_secs(1_700_000_000);
    let first = probe(Config::deterministic(start, 42));
    // A fresh sandbox, so nothing is shared between the two runs but the configuration.
    assert_eq!(first, probe(Config::deterministic(start, 42)));
    let other_seed = probe(Config::deterministic(start, 43));
    assert_eq!(first.readings, other_seed.readings);
    assert_ne!(first.random, other_seed.random);
    assert!(Config::deterministic(start, 42).is_deterministic());
    assert!(!config().is_deterministic());
}

#[test]
fn real_randomness_differs_between_runs() {
    assert_ne!(probe(config()).random, probe(config()).random);
}

#[test]
fn real_clocks_are_finer_than_a_millisecond() {
    let probe = probe(with(Clocks::Real, Randomness::Real));
    let millisecond = nanos(Duration::from_millis(1));
    assert!(
        probe.resolutions.iter().all(|&r| r < millisecond),
        "{probe:?}"
    );
}

#[test]
fn out_of_range_clocks_are_refused() {
    let refused = |clocks| {
        let err = Sandbox::new(with(clocks, Randomness::Real)).expect_err("out of range");
        match err {
            Error::InvalidConfig { field, .. } => field,
            other => panic!("{other:?}"),
        }
    };
    for resolution in [Duration::ZERO, Duration::from_secs(61)] {
        assert_eq!(refused(Clocks::Coarse { resolution }), "clocks.resolution");
    }
    let wall_clock = Duration::from_nanos(u64::MAX) + Duration::from_nanos(1);
    assert_eq!(refused(Clocks::Fixed { wall_clock }), "clocks.wall_clock");
    // The bounds themselves are accepted.
    for resolution in [Duration::from_millis(1), Duration::from_secs(60)] {
        Sandbox::new(with(Clocks::Coarse { resolution }, Randomness::Real)).unwrap();
    }
}
