//! The guest's WASI preview 1 world: stdio, read-only mounts, argv, and optionally fixed
//! clocks and seeded randomness. Nothing else: no environment, no sockets, no writable path.

use std::io;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, HostMonotonicClock, HostWallClock, WasiCtxBuilder};

use super::output::OutputCapture;
use crate::{Determinism, Error, Mount};

/// The guest's `argv[0]`, and its only argument.
pub const PROGRAM_NAME: &str = "logic";

/// What a guest may touch during one run.
pub(crate) struct World<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) mounts: &'a [Mount],
    pub(crate) stdout: &'a OutputCapture,
    pub(crate) stderr: &'a OutputCapture,
    pub(crate) determinism: Option<&'a Determinism>,
}

impl World<'_> {
    /// Builds the WASI context. Stdin is the input bytes followed by end-of-file, so a read
    /// never blocks.
    pub(crate) fn build(&self) -> Result<WasiP1Ctx, Error> {
        let mut wasi = WasiCtxBuilder::new();
        // `allow_blocking_current_thread` stays off (the default): with it on, a lone relative
        // clock subscription in `poll_oneoff` becomes `std::thread::sleep`, which no deadline
        // can interrupt.
        wasi.stdin(MemoryInputPipe::new(self.input.to_vec()))
            .stdout(self.stdout.clone())
            .stderr(self.stderr.clone())
            .arg(PROGRAM_NAME);
        for mount in self.mounts {
            preopen(&mut wasi, mount)?;
        }
        if let Some(determinism) = self.determinism {
            wasi.wall_clock(FixedWallClock(determinism.wall_clock))
                .monotonic_clock(FixedMonotonicClock)
                .secure_random(StdRng::seed_from_u64(determinism.seed))
                .insecure_random(StdRng::seed_from_u64(!determinism.seed))
                .insecure_random_seed(u128::from(determinism.seed));
        }
        Ok(wasi.build_p1())
    }
}

fn preopen(wasi: &mut WasiCtxBuilder, mount: &Mount) -> Result<(), Error> {
    let unavailable = |source| Error::MountUnavailable {
        name: mount.name.clone(),
        path: mount.host_path.clone(),
        source,
    };
    let metadata = std::fs::metadata(&mount.host_path).map_err(unavailable)?;
    if !metadata.is_dir() {
        return Err(unavailable(io::Error::new(
            io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    wasi.preopened_dir(&mount.host_path, mount.guest_path(), FsPerms::ReadOnly)
        .map_err(|e| unavailable(io::Error::other(format!("{e:#}"))))?;
    Ok(())
}

/// A wall clock stopped at a fixed instant.
struct FixedWallClock(Duration);

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        self.0
    }
}

/// A monotonic clock that always reads zero.
struct FixedMonotonicClock;

impl HostMonotonicClock for FixedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        0
    }
}
