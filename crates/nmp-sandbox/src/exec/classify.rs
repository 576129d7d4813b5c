//! Turning how a run ended into an [`Outcome`] (guest behaviour) or an [`Error`] (host
//! failure).

use wasmtime_wasi::I32Exit;

use crate::{Error, Limit, Outcome, TrapKind};

/// How the driving future ended.
pub(crate) enum Ended {
    /// `_start` returned.
    Returned,
    /// The wall-clock deadline fired while the guest was blocked in a host call.
    Deadline,
    /// Instantiation (including the module's start function) failed.
    Instantiate(wasmtime::Error),
    /// `_start` failed.
    Call(wasmtime::Error),
}

/// What the run observed besides how it ended.
pub(crate) struct Observed {
    /// The limit the resource limiter refused, if any.
    pub(crate) limit: Option<Limit>,
    /// The output stream that overflowed, if any.
    pub(crate) overflow: Option<Limit>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
}

/// Classifies a run's end. Order matters: an exit code wins (the guest chose to stop), then a
/// limit we enforced (its trap is our doing, not the guest's), then the trap itself.
pub(crate) fn classify(ended: Ended, seen: Observed) -> Result<Outcome, Error> {
    let Observed {
        limit,
        overflow,
        stdout,
        stderr,
    } = seen;
    let (error, during_call) = match ended {
        Ended::Returned => {
            return Ok(Outcome::Completed {
                exit_code: 0,
                stdout,
                stderr,
            });
        }
        Ended::Deadline => return Ok(Outcome::TimedOut { stdout, stderr }),
        Ended::Instantiate(error) => (error, false),
        Ended::Call(error) => (error, true),
    };
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return Ok(Outcome::Completed {
            exit_code: exit.0,
            stdout,
            stderr,
        });
    }
    if let Some(limit) = limit.or(overflow) {
        return Ok(Outcome::LimitExceeded {
            limit,
            stdout,
            stderr,
        });
    }
    let trap = match error.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => return Ok(Outcome::TimedOut { stdout, stderr }),
        Some(wasmtime::Trap::OutOfFuel) => {
            return Ok(Outcome::LimitExceeded {
                limit: Limit::Fuel,
                stdout,
                stderr,
            });
        }
        Some(trap) => TrapKind::from_wasmtime(*trap),
        // A failed WASI call that ends the guest (a bad pointer, say) is the guest's doing;
        // a non-trap failure to instantiate (say, an exhausted pool) is the host's.
        None if during_call => TrapKind::HostCall,
        None => return Err(Error::host(&error)),
    };
    Ok(Outcome::Trapped {
        trap,
        message: format!("{error:#}"),
        stdout,
        stderr,
    })
}
