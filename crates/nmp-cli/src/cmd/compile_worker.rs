//! `nmp compile-worker SETTINGS` (hidden): the child process in which a Data Node compiles one
//! untrusted module, under kernel limits, and which the node kills at the compile deadline.
//!
//! `nmp node` starts it (its own executable, `std::env::current_exe()`) when
//! `[policy.sandbox] compile_isolation = "process"`, the default; nobody else should. The
//! module arrives on stdin, the artifact leaves on stdout; see `nmp_sandbox::compile_worker`.

use std::ffi::OsString;

/// The worker's one argument, written by the sandbox that starts it.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The compile's settings and limits (an internal format).
    #[arg(allow_hyphen_values = true)]
    settings: OsString,
}

/// Runs the compile and exits with the worker's status, before anything else in this process
/// starts a thread or touches stdin.
pub(crate) fn run(args: &Args) -> ! {
    let status = nmp_sandbox::compile_worker(&args.settings.to_string_lossy());
    std::process::exit(i32::from(status))
}
