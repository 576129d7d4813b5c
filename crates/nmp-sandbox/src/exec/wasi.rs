//! The guest's WASI preview 1 world: stdio, read-only mounts, argv, clocks and randomness.
//! Nothing else: no environment, no sockets, no writable path.

use std::io;

use rand::SeedableRng;
use rand::rngs::ChaCha20Rng;
use sha2::{Digest, Sha256};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::clocks;
use super::output::OutputCapture;
use crate::{Clocks, Error, Mount, Randomness};

/// The guest's `argv[0]`, and its only argument.
pub const PROGRAM_NAME: &str = "logic";

/// What a guest may touch during one run.
pub(crate) struct World<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) mounts: &'a [Mount],
    pub(crate) stdout: &'a OutputCapture,
    pub(crate) stderr: &'a OutputCapture,
    pub(crate) clocks: Clocks,
    pub(crate) randomness: Randomness,
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
        clocks::install(&mut wasi, self.clocks);
        if let Randomness::Seeded(seed) = self.randomness {
            let insecure_seed = derive(seed, b"insecure-seed");
            let mut low = [0; 16];
            low.copy_from_slice(&insecure_seed[..16]);
            wasi.secure_random(ChaCha20Rng::from_seed(derive(seed, b"secure")))
                .insecure_random(ChaCha20Rng::from_seed(derive(seed, b"insecure")))
                .insecure_random_seed(u128::from_le_bytes(low));
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

/// A 32-byte seed for one of the guest's random sources, from the configured seed: SHA-256
/// over a domain label, the source's name and the seed, so the sources are independent and
/// the stream stays the same across releases of the random-number crates.
fn derive(seed: u64, source: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"nmp-sandbox/randomness/v1/");
    hash.update(source);
    hash.update(seed.to_le_bytes());
    hash.finalize().into()
}
