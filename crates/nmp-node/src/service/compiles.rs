//! Per-agent and per-origin compile quota, and what a run that could not start because of
//! compile capacity is answered.
//!
//! Compiling is the one stage an agent can make expensive with a small module: the Guardian
//! caps bound one function's cost, but not how many distinct modules an agent sends. Each
//! agent may therefore have at most [`CompileQuota::concurrent_per_agent`] distinct modules
//! compiling at once and spend at most [`CompileQuota::ms_per_minute`] of compile time a
//! minute (a token bucket charged with the time each compile took). In open mode, where an
//! identity costs nothing, each origin (the IPv4 address or IPv6 /64 a request came from) has
//! the same two bounds of its own ([`CompileQuota::concurrent_per_origin`],
//! [`CompileQuota::ms_per_minute_per_origin`]), shared by every agent from it. Runs of modules
//! already compiled in memory are never counted, nor are further requests of a module the
//! payer is already compiling (the sandbox compiles it once and they wait for it).

use std::{
    collections::HashMap,
    num::{NonZeroU32, NonZeroU64},
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use nmp_crypto::PeerId;
use nmp_sandbox::{CacheHit, Run};
use nmp_wire::pb;
use serde::Deserialize;

use crate::config::OrOff;

use super::{MAX_TRACKED_AGENTS, Origin};

/// How much compilation one agent, and in open mode one origin, may cause. `"off"` in a field
/// turns that bound off; 0 is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompileQuota {
    /// Distinct modules one agent may have compiling (admitted, not yet finished); a request of
    /// one more module not compiled yet is answered `ERROR_CODE_OVERLOADED` (clients retry
    /// it). Defaults to 1.
    pub concurrent_per_agent: OrOff<NonZeroU32>,
    /// Milliseconds of compile time one agent may use per minute: a bucket that holds this
    /// much, refills evenly over a minute and is charged each compile's duration after it
    /// ends (a compile cut off at its deadline costs the whole deadline; a job that ends
    /// without a run, its compile failed or abandoned, costs the time it held its run slot). A request that needs
    /// a compile while the bucket is empty is answered `ERROR_CODE_RATE_LIMITED`. Defaults to
    /// 20,000 (two default compile deadlines).
    pub ms_per_minute: OrOff<NonZeroU64>,
    /// Open mode only: distinct modules compiling at once for all agents of one origin; one
    /// more is answered `ERROR_CODE_OVERLOADED`. Defaults to 1, so that one address holds at
    /// most one of the node's compile slots however many identities it makes.
    pub concurrent_per_origin: OrOff<NonZeroU32>,
    /// Open mode only: milliseconds of compile time all agents of one origin may use per
    /// minute, charged as [`CompileQuota::ms_per_minute`] is; past it
    /// `ERROR_CODE_RATE_LIMITED`. Defaults to 20,000.
    pub ms_per_minute_per_origin: OrOff<NonZeroU64>,
}

impl Default for CompileQuota {
    fn default() -> Self {
        let one = OrOff::On(NonZeroU32::MIN);
        let ms = OrOff::On(NonZeroU64::MIN.saturating_add(19_999));
        Self {
            concurrent_per_agent: one,
            ms_per_minute: ms,
            concurrent_per_origin: one,
            ms_per_minute_per_origin: ms,
        }
    }
}

/// Who pays for a compile: the agent always, its origin too in open mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Payer {
    Agent(PeerId),
    Origin(Origin),
}

/// One payer's bounds: distinct modules compiling at once, compile milliseconds a minute
/// (`None`: no such bound).
#[derive(Debug, Clone, Copy)]
struct Limits {
    concurrent: Option<NonZeroU32>,
    ms_per_minute: Option<NonZeroU64>,
}

impl Limits {
    /// Compile milliseconds gained per minute; 0 without a bucket.
    fn refill_ms(self) -> u64 {
        self.ms_per_minute.map_or(0, NonZeroU64::get)
    }

    /// The bucket's size in units.
    fn capacity(self) -> i64 {
        i64::try_from(self.refill_ms())
            .unwrap_or(i64::MAX)
            .saturating_mul(UNITS_PER_MS)
    }
}

/// Every agent's compiles in flight and compile-time bucket. A bucket holds
/// `ms_per_minute × 60,000` units, gains `ms_per_minute` units a millisecond and loses 60 units
/// per microsecond of compile, so refills are exact integers; it may go into debt by the last
/// compile's overrun.
#[derive(Debug)]
pub(crate) struct Compiles {
    agent: Limits,
    /// `None` when the node admits only listed agents: an origin bound would only tie
    /// together agents that share an address.
    origin: Option<Limits>,
    accounts: Mutex<HashMap<Payer, Account>>,
}

/// SHA-256 of a module's bytes.
type Module = [u8; 32];

#[derive(Debug, Clone)]
struct Account {
    /// The modules being compiled for this payer, each with the requests waiting for it.
    compiling: Vec<(Module, u32)>,
    units: i64,
    updated_ms: u64,
}

/// A request's admission to compile; dropping it ends the request's place in flight.
#[derive(Debug)]
pub(crate) struct Ticket<'a> {
    admitted: Option<(&'a Compiles, Vec<Payer>, Module)>,
}

/// Why an agent may not compile now.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refused {
    /// The agent already has its compiles in flight.
    #[error("compile quota: {0} module(s) of this agent already compiling")]
    Busy(u32),
    /// The agent used its compile time for this minute.
    #[error("compile quota: {0} ms of compile time a minute used up")]
    Exhausted(u64),
    /// The agents of the request's origin already have their compiles in flight.
    #[error("compile quota: {0} module(s) from this origin already compiling")]
    OriginBusy(u32),
    /// The agents of the request's origin used its compile time for this minute.
    #[error("compile quota: {0} ms of compile time a minute from this origin used up")]
    OriginExhausted(u64),
    /// Too many agents and origins have compile state to remember another.
    #[error("compile quota: {MAX_TRACKED_AGENTS} agents and origins already tracked")]
    Crowded,
}

impl Refused {
    /// The error code the agent is answered.
    pub(crate) fn code(&self) -> pb::ErrorCode {
        match self {
            Self::Busy(_) | Self::OriginBusy(_) | Self::Crowded => pb::ErrorCode::Overloaded,
            Self::Exhausted(_) | Self::OriginExhausted(_) => pb::ErrorCode::RateLimited,
        }
    }
}

/// Units of bucket per millisecond of compile: the milliseconds in a minute.
const UNITS_PER_MS: i64 = 60_000;

impl Compiles {
    /// The quota's bounds; the origin bounds apply only when `open`.
    pub(crate) fn new(quota: CompileQuota, open: bool) -> Self {
        Self {
            agent: Limits {
                concurrent: quota.concurrent_per_agent.on(),
                ms_per_minute: quota.ms_per_minute.on(),
            },
            origin: open.then_some(Limits {
                concurrent: quota.concurrent_per_origin.on(),
                ms_per_minute: quota.ms_per_minute_per_origin.on(),
            }),
            accounts: Mutex::new(HashMap::new()),
        }
    }

    fn accounts(&self) -> MutexGuard<'_, HashMap<Payer, Account>> {
        // Every change under the lock is a few field writes; a panic cannot corrupt the map.
        self.accounts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits `agent`, whose request came from `origin`, to run `module` (its SHA-256);
    /// `compiled` says whether a module's code is in memory now: such a module costs nothing,
    /// and the modules that have been compiled since they were admitted no longer count as
    /// compiling. Every payer (the agent, and in open mode its origin) must have room; only
    /// then is the module recorded against each.
    pub(crate) fn admit(
        &self,
        agent: &PeerId,
        origin: Origin,
        module: Module,
        compiled: impl Fn(&Module) -> bool,
        now_ms: u64,
    ) -> Result<Ticket<'_>, Refused> {
        if compiled(&module) {
            return Ok(Ticket { admitted: None });
        }
        let payers: Vec<(Payer, Limits)> = std::iter::once((Payer::Agent(*agent), self.agent))
            .chain(self.origin.map(|limits| (Payer::Origin(origin), limits)))
            .collect();
        let mut accounts = self.accounts();
        for &(payer, limits) in &payers {
            check(&mut accounts, payer, limits, module, &compiled, now_ms)?;
        }
        for (payer, _) in &payers {
            if let Some(account) = accounts.get_mut(payer) {
                match account.compiling.iter_mut().find(|(m, _)| *m == module) {
                    Some((_, waiting)) => *waiting += 1,
                    None => account.compiling.push((module, 1)),
                }
            }
        }
        Ok(Ticket {
            admitted: Some((self, payers.into_iter().map(|(p, _)| p).collect(), module)),
        })
    }
}

/// Whether `payer` may have `module` compiled now: refilled, it must be compiling that module
/// already, or have a free place and time left. Creates the payer's account when it has none.
fn check(
    accounts: &mut HashMap<Payer, Account>,
    payer: Payer,
    limits: Limits,
    module: Module,
    compiled: &impl Fn(&Module) -> bool,
    now_ms: u64,
) -> Result<(), Refused> {
    let capacity = limits.capacity();
    if !accounts.contains_key(&payer) && accounts.len() >= MAX_TRACKED_AGENTS {
        accounts.retain(|_, a| !a.compiling.is_empty() || a.refilled(now_ms, limits) < capacity);
        if accounts.len() >= MAX_TRACKED_AGENTS {
            return Err(Refused::Crowded);
        }
    }
    let account = accounts.entry(payer).or_insert(Account {
        compiling: Vec::new(),
        units: capacity,
        updated_ms: now_ms,
    });
    account.units = account.refilled(now_ms, limits).min(capacity);
    account.updated_ms = account.updated_ms.max(now_ms);
    if account.compiling.iter().any(|(m, _)| *m == module) {
        return Ok(());
    }
    let compiling = account.compiling.iter().filter(|(m, _)| !compiled(m));
    if let Some(max) = limits.concurrent
        && compiling.count() >= usize::try_from(max.get()).unwrap_or(usize::MAX)
    {
        return Err(match payer {
            Payer::Agent(_) => Refused::Busy(max.get()),
            Payer::Origin(_) => Refused::OriginBusy(max.get()),
        });
    }
    if let Some(ms) = limits.ms_per_minute
        && account.units <= 0
    {
        return Err(match payer {
            Payer::Agent(_) => Refused::Exhausted(ms.get()),
            Payer::Origin(_) => Refused::OriginExhausted(ms.get()),
        });
    }
    Ok(())
}

impl Account {
    /// Units after refilling up to `now_ms`, not yet capped.
    fn refilled(&self, now_ms: u64, limits: Limits) -> i64 {
        let elapsed = now_ms.saturating_sub(self.updated_ms);
        let gained = elapsed.saturating_mul(limits.refill_ms());
        self.units
            .saturating_add(i64::try_from(gained).unwrap_or(i64::MAX))
    }
}

impl Ticket<'_> {
    /// Charges each payer (the agent, in open mode its origin too) for its job: `Ok(run)` the compile time of the run, if it compiled (a
    /// memory or disk cache hit costs nothing); `Err(held)` when the job ended without a run (its
    /// compile failed, its compile worker was killed, or its agent left), the whole time `held`
    /// since it was given its run slot. Otherwise abandoning a compile just before its deadline,
    /// or sending modules that kill their worker, would hold a compile slot for free.
    pub(crate) fn charge(&self, ended: Result<&Run, Duration>) {
        let Some((compiles, payers, _)) = &self.admitted else {
            return;
        };
        let spent = match ended {
            Ok(run) if run.stats.cache != CacheHit::Miss => return,
            Ok(run) => run.stats.compile_time,
            Err(held) => held,
        };
        let micros = i64::try_from(spent.as_micros()).unwrap_or(i64::MAX);
        let mut accounts = compiles.accounts();
        for payer in payers {
            if let Some(account) = accounts.get_mut(payer) {
                account.units = account
                    .units
                    .saturating_sub(micros.saturating_mul(UNITS_PER_MS / 1_000));
            }
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let Some((compiles, payers, module)) = &self.admitted else {
            return;
        };
        let mut accounts = compiles.accounts();
        for payer in payers {
            if let Some(account) = accounts.get_mut(payer) {
                for (m, waiting) in &mut account.compiling {
                    if m == module {
                        *waiting = waiting.saturating_sub(1);
                    }
                }
                account.compiling.retain(|(_, waiting)| *waiting > 0);
            }
        }
    }
}

/// The error code and message for a run the sandbox refused or failed: compile or run
/// capacity exhausted is `ERROR_CODE_OVERLOADED` (retry later) with the cause, a failed compile
/// worker (killed by its memory or CPU limit, crashed, unstartable, bad output) is
/// `ERROR_CODE_OVERLOADED` with fixed text (its cause, which can carry what a hostile module
/// made the compiler print, is logged here and goes no further), anything else
/// `ERROR_CODE_INTERNAL`.
pub(crate) fn run_failure(error: &crate::PipelineError) -> (pb::ErrorCode, String) {
    use nmp_sandbox::Error as Sandbox;
    let code = match error {
        crate::PipelineError::Run(
            Sandbox::TooManyCompiles { .. } | Sandbox::TooManyRuns { .. },
        ) => pb::ErrorCode::Overloaded,
        crate::PipelineError::Run(Sandbox::Worker(worker)) => {
            tracing::warn!(error = %worker, "compile worker failed");
            return (pb::ErrorCode::Overloaded, WORKER_FAILED.to_owned());
        }
        _ => pb::ErrorCode::Internal,
    };
    let message = match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    };
    (code, message)
}

/// All an agent learns of a failed compile worker.
const WORKER_FAILED: &str = "the module could not be compiled within the node's resources";

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use nmp_crypto::Identity;
    use nmp_sandbox::{Outcome, Stats};

    use super::*;

    fn agent(n: u8) -> PeerId {
        Identity::from_secret_bytes([n; 32]).peer_id()
    }

    fn compiled_for(ms: u64, cache: CacheHit) -> Run {
        Run {
            outcome: Outcome::TimedOut {
                stdout: Vec::new(),
                stderr: Vec::new(),
            },
            stats: Stats {
                wall_time: Duration::from_millis(ms),
                compile_time: Duration::from_millis(ms),
                exec_time: Duration::ZERO,
                fuel_consumed: None,
                peak_memory_bytes: 0,
                cache,
            },
        }
    }

    #[test]
    fn one_compile_in_flight_per_agent_and_cached_runs_are_free() {
        let compiles = Compiles::new(CompileQuota::default(), false);
        let first = compiles
            .admit(&agent(1), Origin::UNKNOWN, [1; 32], |_: &Module| false, 0)
            .unwrap();
        // The same module again waits for the one compile; another module is refused.
        let same = compiles
            .admit(&agent(1), Origin::UNKNOWN, [1; 32], |_: &Module| false, 0)
            .unwrap();
        let busy = compiles
            .admit(&agent(1), Origin::UNKNOWN, [2; 32], |_: &Module| false, 0)
            .unwrap_err();
        assert_eq!(busy.code(), pb::ErrorCode::Overloaded);
        assert!(
            compiles
                .admit(&agent(1), Origin::UNKNOWN, [2; 32], |_: &Module| true, 0)
                .is_ok()
        );
        assert!(
            compiles
                .admit(&agent(2), Origin::UNKNOWN, [2; 32], |_: &Module| false, 0)
                .is_ok()
        );
        // Once the first module is compiled, it no longer counts.
        assert!(
            compiles
                .admit(
                    &agent(1),
                    Origin::UNKNOWN,
                    [2; 32],
                    |m: &Module| *m == [1; 32],
                    0
                )
                .is_ok()
        );
        drop(first);
        assert!(
            compiles
                .admit(&agent(1), Origin::UNKNOWN, [3; 32], |_: &Module| false, 0)
                .is_err()
        );
        drop(same);
        assert!(
            compiles
                .admit(&agent(1), Origin::UNKNOWN, [3; 32], |_: &Module| false, 0)
                .is_ok()
        );
    }

    #[test]
    fn compile_time_drains_the_bucket_which_refills_over_a_minute() {
        let quota = CompileQuota {
            concurrent_per_agent: OrOff::Off,
            ms_per_minute: OrOff::On(NonZeroU64::MIN.saturating_add(999)),
            ..CompileQuota::default()
        };
        let compiles = Compiles::new(quota, false);
        let ticket = compiles
            .admit(&agent(1), Origin::UNKNOWN, [1; 32], |_: &Module| false, 0)
            .unwrap();
        // A cache hit costs nothing; a compile of 1.5 s puts the bucket 0.5 s in debt.
        ticket.charge(Ok(&compiled_for(5_000, CacheHit::Disk)));
        ticket.charge(Ok(&compiled_for(1_500, CacheHit::Miss)));
        drop(ticket);
        let refused = compiles
            .admit(
                &agent(1),
                Origin::UNKNOWN,
                [1; 32],
                |_: &Module| false,
                29_000,
            )
            .unwrap_err();
        assert_eq!(refused.code(), pb::ErrorCode::RateLimited);
        assert!(
            compiles
                .admit(
                    &agent(1),
                    Origin::UNKNOWN,
                    [1; 32],
                    |_: &Module| false,
                    31_000
                )
                .is_ok()
        );
        assert!(
            compiles
                .admit(
                    &agent(2),
                    Origin::UNKNOWN,
                    [1; 32],
                    |_: &Module| false,
                    31_000
                )
                .is_ok()
        );
    }

    #[test]
    fn a_job_that_ends_without_a_run_is_charged_the_time_it_held() {
        let compiles = Compiles::new(
            CompileQuota {
                concurrent_per_agent: OrOff::Off,
                ms_per_minute: OrOff::On(NonZeroU64::MIN.saturating_add(999)),
                ..CompileQuota::default()
            },
            false,
        );
        let ticket = compiles
            .admit(&agent(1), Origin::UNKNOWN, [1; 32], |_: &Module| false, 0)
            .unwrap();
        ticket.charge(Err(Duration::from_millis(1_500)));
        drop(ticket);
        let refused = compiles
            .admit(
                &agent(1),
                Origin::UNKNOWN,
                [2; 32],
                |_: &Module| false,
                1_000,
            )
            .unwrap_err();
        assert_eq!(refused.code(), pb::ErrorCode::RateLimited);
    }

    #[test]
    fn off_turns_both_bounds_off() {
        let compiles = Compiles::new(
            CompileQuota {
                concurrent_per_agent: OrOff::Off,
                ms_per_minute: OrOff::Off,
                ..CompileQuota::default()
            },
            false,
        );
        let tickets: Vec<_> = (0..10)
            .map(|i| {
                compiles
                    .admit(&agent(1), Origin::UNKNOWN, [i; 32], |_: &Module| false, 0)
                    .unwrap()
            })
            .collect();
        tickets[0].charge(Ok(&compiled_for(60_000, CacheHit::Miss)));
        tickets[1].charge(Err(Duration::from_secs(60)));
        assert!(
            compiles
                .admit(&agent(1), Origin::UNKNOWN, [10; 32], |_: &Module| false, 0)
                .is_ok()
        );
    }

    fn origin(n: u8) -> Origin {
        Origin::from_ip(std::net::IpAddr::from([10, 0, 0, n]))
    }

    #[test]
    fn in_open_mode_the_agents_of_one_origin_share_its_compile_place_and_time() {
        let compiles = Compiles::new(CompileQuota::default(), true);
        let first = compiles
            .admit(&agent(1), origin(1), [1; 32], |_: &Module| false, 0)
            .unwrap();
        // A fresh identity from the same address is refused a second compile...
        let busy = compiles
            .admit(&agent(2), origin(1), [2; 32], |_: &Module| false, 0)
            .unwrap_err();
        assert!(matches!(busy, Refused::OriginBusy(1)), "{busy}");
        assert_eq!(busy.code(), pb::ErrorCode::Overloaded);
        // ...may wait for the module already compiling there, and another address compiles.
        let joined = compiles
            .admit(&agent(2), origin(1), [1; 32], |_: &Module| false, 0)
            .unwrap();
        let elsewhere = compiles
            .admit(&agent(3), origin(2), [3; 32], |_: &Module| false, 0)
            .unwrap();
        // The origin pays for its agents' compile time: 25 s spent by one identity leaves
        // none for the next identity from the same address.
        first.charge(Ok(&compiled_for(25_000, CacheHit::Miss)));
        drop((first, joined, elsewhere));
        let exhausted = compiles
            .admit(&agent(4), origin(1), [4; 32], |_: &Module| false, 1_000)
            .unwrap_err();
        assert!(
            matches!(exhausted, Refused::OriginExhausted(20_000)),
            "{exhausted}"
        );
        assert_eq!(exhausted.code(), pb::ErrorCode::RateLimited);
        assert!(
            compiles
                .admit(&agent(4), origin(2), [4; 32], |_: &Module| false, 1_000)
                .is_ok()
        );
    }

    #[test]
    fn a_refusal_by_the_origin_records_nothing_against_the_agent() {
        let compiles = Compiles::new(CompileQuota::default(), true);
        let _held = compiles
            .admit(&agent(1), origin(1), [1; 32], |_: &Module| false, 0)
            .unwrap();
        compiles
            .admit(&agent(2), origin(1), [2; 32], |_: &Module| false, 0)
            .unwrap_err();
        // Agent 2 has nothing in flight: from another address its module is admitted.
        assert!(
            compiles
                .admit(&agent(2), origin(2), [2; 32], |_: &Module| false, 0)
                .is_ok()
        );
    }

    #[test]
    fn with_an_allow_list_origins_are_not_bounded() {
        let compiles = Compiles::new(CompileQuota::default(), false);
        let _first = compiles
            .admit(&agent(1), origin(1), [1; 32], |_: &Module| false, 0)
            .unwrap();
        assert!(
            compiles
                .admit(&agent(2), origin(1), [2; 32], |_: &Module| false, 0)
                .is_ok()
        );
    }

    #[test]
    fn the_toml_table_fills_defaults_and_refuses_typos() {
        let quota: CompileQuota = toml::from_str("concurrent_per_agent = 2").unwrap();
        assert_eq!(quota.concurrent_per_agent.on(), NonZeroU32::new(2));
        assert_eq!(quota.ms_per_minute, CompileQuota::default().ms_per_minute);
        let off: CompileQuota = toml::from_str("ms_per_minute_per_origin = \"off\"").unwrap();
        assert_eq!(off.ms_per_minute_per_origin, OrOff::Off);
        assert!(toml::from_str::<CompileQuota>("ms_per_minit = 5").is_err());
        for zero in ["concurrent_per_agent = 0", "ms_per_minute = 0"] {
            assert!(toml::from_str::<CompileQuota>(zero).is_err(), "{zero}");
        }
    }

    #[test]
    fn compile_capacity_is_overloaded_and_other_failures_internal() {
        let busy = crate::PipelineError::Run(nmp_sandbox::Error::TooManyCompiles { max: 2 });
        let (code, message) = run_failure(&busy);
        assert_eq!(code, pb::ErrorCode::Overloaded);
        assert!(message.contains("compiler busy"), "{message}");
        let host = crate::PipelineError::Run(nmp_sandbox::Error::NotACommand);
        assert_eq!(run_failure(&host).0, pb::ErrorCode::Internal);
    }

    #[test]
    fn every_worker_failure_is_overloaded_without_its_detail() {
        use nmp_sandbox::WorkerError;
        let secret = "123-45-6789";
        let failures = [
            WorkerError::Spawn {
                source: std::io::Error::other(secret),
            },
            WorkerError::Pipe {
                source: std::io::Error::other(secret),
            },
            WorkerError::Signalled {
                signal: 6,
                stderr: secret.into(),
            },
            WorkerError::Exited {
                code: 70,
                stderr: secret.into(),
            },
            WorkerError::ArtifactTooLarge { max: 123_456_789 },
            WorkerError::BadArtifact {
                reason: secret.into(),
            },
        ];
        for failure in failures {
            let error = crate::PipelineError::Run(nmp_sandbox::Error::Worker(failure));
            let (code, message) = run_failure(&error);
            assert_eq!(code, pb::ErrorCode::Overloaded);
            assert_eq!(message, WORKER_FAILED);
        }
    }
}
