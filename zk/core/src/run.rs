//! Running a [`Job`] on `wasmi`: what the guest does between reading the job and committing
//! the journal.

use sha2::{Digest, Sha256};
use wasmi::{Engine, Linker, Module, Store};

use crate::wasi::{self, Overflow, State};
use crate::{DatasetCommitment, Job, Journal, Outcome, commit_files};

pub use crate::wasi::SUPPORTED_IMPORTS;

/// The module's `argv[0]` and only argument, as the node's sandbox gives it.
pub const ARGV0: &str = "logic";

/// A finished run: the journal to commit and the stdout behind its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// What the proof commits.
    pub journal: Journal,
    /// Everything the module wrote to stdout (at most the job's cap).
    pub stdout: Vec<u8>,
}

/// Why a job cannot be run here: nothing to prove. A module that runs and fails is an
/// [`Outcome`], not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The job breaks its own rules (see [`Job::validate`]).
    #[error("invalid job")]
    Job(#[from] crate::DecodeError),
    /// `wasmi` refused the module: malformed, invalid, or a feature it does not run.
    #[error("module cannot be compiled")]
    Compile(#[source] wasmi::Error),
    /// The module imports a function outside [`SUPPORTED_IMPORTS`] (for example a clock or
    /// randomness, which the guest cannot reproduce as the node does), or anything other
    /// than functions.
    #[error("unsupported import `{module}::{name}`")]
    UnsupportedImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
    },
    /// The module does not export a `_start` function of type `() -> ()`.
    #[error("module exports no `_start: () -> ()`")]
    NoStart,
}

/// Compiles `module` and checks that the guest can run it: every import supported and a
/// `_start` export. What a node asks before it accepts a request for a zero-knowledge receipt.
pub fn check_module(module: &[u8]) -> Result<(), RunError> {
    let engine = Engine::default();
    let module = Module::new(&engine, module).map_err(RunError::Compile)?;
    check_imports(&module)?;
    let start = module.exports().any(|export| {
        export.name() == "_start"
            && export
                .ty()
                .func()
                .is_some_and(|f| f.params().is_empty() && f.results().is_empty())
    });
    if !start {
        return Err(RunError::NoStart);
    }
    Ok(())
}

fn check_imports(module: &Module) -> Result<(), RunError> {
    for import in module.imports() {
        let supported = import.module() == wasi::MODULE
            && import.ty().func().is_some()
            && SUPPORTED_IMPORTS.contains(&import.name());
        if !supported {
            return Err(RunError::UnsupportedImport {
                module: import.module().into(),
                name: import.name().into(),
            });
        }
    }
    Ok(())
}

/// Runs the job's module to its end and builds the journal.
///
/// Hashes the module, the input and every dataset first, then runs `_start` with stdin =
/// input, each dataset read-only at `/data/<name>`, `argv = [`[`ARGV0`]`]` and no environment.
/// Unbounded in time: the caller bounds it (the zkVM's cycle limit in the guest; in a host
/// test, a module known to end).
pub fn run(job: Job) -> Result<Run, RunError> {
    job.validate()?;
    let Job {
        request_id,
        stdout_bytes,
        stderr_bytes,
        module,
        input,
        datasets,
    } = job;
    let module_sha256 = Sha256::digest(&module).into();
    let input_sha256 = Sha256::digest(&input).into();
    let commitments = datasets
        .iter()
        .map(|d| DatasetCommitment {
            name: d.name.clone(),
            sha256: commit_files(&d.files),
        })
        .collect();

    let engine = Engine::default();
    let compiled = Module::new(&engine, &module).map_err(RunError::Compile)?;
    drop(module);
    check_imports(&compiled)?;
    let state = State::new(input, datasets, stdout_bytes, stderr_bytes);
    let mut store = Store::new(&engine, state);
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker);
    let ended = match linker.instantiate_and_start(&mut store, &compiled) {
        Ok(instance) => {
            let start = instance
                .get_typed_func::<(), ()>(&store, "_start")
                .map_err(|_| RunError::NoStart)?;
            start.call(&mut store, ())
        }
        Err(error) => Err(error),
    };
    let outcome = classify(ended, store.data().overflow());
    let stdout = store.into_data().into_stdout();
    Ok(Run {
        journal: Journal {
            request_id,
            module_sha256,
            input_sha256,
            datasets: commitments,
            stdout_sha256: Sha256::digest(&stdout).into(),
            outcome,
        },
        stdout,
    })
}

/// The node's order: an exit status wins, then a cap we enforced, then any other trap.
fn classify(ended: Result<(), wasmi::Error>, overflow: Option<Overflow>) -> Outcome {
    let Err(error) = ended else {
        return Outcome::Completed;
    };
    match error.i32_exit_status() {
        Some(0) => Outcome::Completed,
        Some(_) => Outcome::ExitedNonzero,
        None if overflow.is_some() => Outcome::LimitExceeded,
        None => Outcome::Trapped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(text: &str) -> Vec<u8> {
        wat::parse_str(text).expect("valid wat")
    }

    const ECHO: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 64))
        (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.store (i32.const 4) (i32.load (i32.const 8)))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (if (i32.eq (i32.load8_u (i32.const 100)) (i32.const 33)) (then (call $exit (i32.const 3))))
        (if (i32.eq (i32.load8_u (i32.const 100)) (i32.const 35)) (then unreachable))))"#;

    fn run_echo(input: &[u8], stdout_bytes: u32) -> Run {
        let mut job = Job::new([9; 16], wat(ECHO), input.to_vec());
        job.stdout_bytes = stdout_bytes;
        run(job).expect("runs")
    }

    #[test]
    fn echoes_stdin_and_classifies_each_ending() {
        let run = run_echo(b"hello", 1024);
        assert_eq!(run.stdout, b"hello");
        assert_eq!(run.journal.outcome, Outcome::Completed);
        assert_eq!(
            run.journal.stdout_sha256,
            <[u8; 32]>::from(Sha256::digest(b"hello"))
        );
        assert_eq!(
            run.journal.input_sha256,
            <[u8; 32]>::from(Sha256::digest(b"hello"))
        );
        assert_eq!(
            run_echo(b"!x", 1024).journal.outcome,
            Outcome::ExitedNonzero
        );
        assert_eq!(run_echo(b"#x", 1024).journal.outcome, Outcome::Trapped);
    }

    #[test]
    fn stdout_cap_is_enforced_at_and_past_its_boundary() {
        assert_eq!(run_echo(b"12345", 5).journal.outcome, Outcome::Completed);
        let over = run_echo(b"123456", 5);
        assert_eq!(over.journal.outcome, Outcome::LimitExceeded);
        assert!(over.stdout.is_empty());
    }

    #[test]
    fn refuses_unsupported_imports_and_missing_start() {
        let clock = wat(r#"(module
          (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
          (func (export "_start")))"#);
        assert!(matches!(
            check_module(&clock),
            Err(RunError::UnsupportedImport { name, .. }) if name == "clock_time_get"
        ));
        let no_start = wat(r#"(module (func (export "main")))"#);
        assert!(matches!(check_module(&no_start), Err(RunError::NoStart)));
        assert!(matches!(check_module(b"\0asm"), Err(RunError::Compile(_))));
        assert!(check_module(&wat(ECHO)).is_ok());
    }
}
