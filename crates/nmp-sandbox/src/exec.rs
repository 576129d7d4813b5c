//! One run: a fresh store with its limits, the guest driven to an end, the end classified.

mod classify;
mod clocks;
mod limiter;
mod output;
mod wasi;

use std::time::{Duration, Instant};

use futures::executor::block_on;

use tokio::runtime::Runtime;
use wasmtime::{Engine, InstancePre, Store, UpdateDeadline};
use wasmtime_wasi::p1::WasiP1Ctx;

use self::classify::{Ended, Observed, classify};
use self::limiter::Limiter;
use self::output::OutputCapture;
pub use self::wasi::PROGRAM_NAME;
use self::wasi::World;
use crate::{Cancel, Config, Error, Limit, Limits, Mount, Outcome};

/// Store data of every run.
pub(crate) struct State {
    wasi: WasiP1Ctx,
    limiter: Limiter,
}

impl State {
    /// Projection used by the WASI linker.
    pub(crate) fn wasi(&mut self) -> &mut WasiP1Ctx {
        &mut self.wasi
    }
}

/// Everything one run needs from the sandbox.
pub(crate) struct Job<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) runtime: &'a Runtime,
    pub(crate) config: &'a Config,
    pub(crate) limits: &'a Limits,
    pub(crate) input: &'a [u8],
    pub(crate) mounts: &'a [Mount],
    pub(crate) cancel: &'a Cancel,
}

/// What a run produced.
pub(crate) struct Executed {
    pub(crate) outcome: Outcome,
    pub(crate) elapsed: Duration,
    pub(crate) fuel_consumed: Option<u64>,
    pub(crate) peak_memory_bytes: u64,
}

impl Executed {
    /// A guest stopped by `limit` before it started: no output, no time, no resources.
    pub(crate) fn not_started(limit: Limit) -> Self {
        Self {
            outcome: Outcome::LimitExceeded {
                limit,
                stdout: Vec::new(),
                stderr: Vec::new(),
            },
            elapsed: Duration::ZERO,
            fuel_consumed: None,
            peak_memory_bytes: 0,
        }
    }
}

/// Instantiates `pre` in a fresh store and runs `_start` under `job.limits`.
///
/// The deadline and `job.cancel` are enforced twice, for the two places a guest can spend
/// time: in wasm code, the epoch callback (checked every `epoch_tick`) raises an interrupt
/// trap once either has fired; in an async host call (`poll_oneoff` sleeping, a file read),
/// the tokio timeout or the cancellation around the whole run drops the guest's future, which
/// unwinds its fiber. A cancelled run is [`Error::Cancelled`], whatever the guest did.
pub(crate) fn execute(job: &Job<'_>, pre: &InstancePre<State>) -> Result<Executed, Error> {
    let started = Instant::now();
    let limits = job.limits;
    let stdout = OutputCapture::new(limits.stdout_bytes);
    let stderr = OutputCapture::new(limits.stderr_bytes);
    let world = World {
        input: job.input,
        mounts: job.mounts,
        stdout: &stdout,
        stderr: &stderr,
        clocks: job.config.clocks,
        randomness: job.config.randomness,
    };
    let state = State {
        wasi: world.build()?,
        limiter: Limiter::new(limits, job.config.max_memories, job.config.max_tables),
    };
    let mut store = Store::new(job.engine, state);
    store.limiter(|state| &mut state.limiter);
    let fuel = limits.fuel.unwrap_or(u64::MAX);
    store.set_fuel(fuel).map_err(|e| Error::host(&e))?;
    let deadline = started + limits.timeout;
    let cancel = job.cancel.clone();
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        Ok(if cancel.is_cancelled() || Instant::now() >= deadline {
            UpdateDeadline::Interrupt
        } else {
            UpdateDeadline::Continue(1)
        })
    });

    let ended = {
        let _runtime = job.runtime.enter();
        let run = tokio::time::timeout(limits.timeout, drive(&mut store, pre));
        // `futures`' executor parks this thread between polls (tokio's own `block_on` panics
        // when the caller is inside a runtime); the sandbox's runtime, entered above, fires
        // the timers and runs blocking file I/O.
        block_on(async {
            tokio::select! {
                biased;
                () = job.cancel.cancelled() => None,
                ended = run => Some(ended.unwrap_or(Ended::Deadline)),
            }
        })
    };
    // Cancelled in a host call (`None`), in wasm code (an interrupt trap) or just as the guest
    // ended: the caller wants none of it.
    let Some(ended) = ended.filter(|_| !job.cancel.is_cancelled()) else {
        return Err(Error::Cancelled);
    };

    let remaining = store.get_fuel().map_err(|e| Error::host(&e))?;
    let limiter = &store.data().limiter;
    let overflow = if stdout.overflowed() {
        Some(Limit::Stdout)
    } else {
        stderr.overflowed().then_some(Limit::Stderr)
    };
    let seen = Observed {
        limit: limiter.exceeded(),
        overflow,
        stdout: stdout.contents(),
        stderr: stderr.contents(),
    };
    let peak_memory_bytes = limiter.peak_memory_bytes();
    Ok(Executed {
        outcome: classify(ended, seen)?,
        elapsed: started.elapsed(),
        fuel_consumed: limits.fuel.map(|budget| budget.saturating_sub(remaining)),
        peak_memory_bytes,
    })
}

async fn drive(store: &mut Store<State>, pre: &InstancePre<State>) -> Ended {
    let instance = match pre.instantiate_async(&mut *store).await {
        Ok(instance) => instance,
        Err(error) => return Ended::Instantiate(error),
    };
    let start = match instance.get_typed_func::<(), ()>(&mut *store, "_start") {
        Ok(start) => start,
        Err(error) => return Ended::Instantiate(error),
    };
    match start.call_async(&mut *store, ()).await {
        Ok(()) => Ended::Returned,
        Err(error) => Ended::Call(error),
    }
}
