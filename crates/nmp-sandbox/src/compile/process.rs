//! The parent side of [`Isolation::Process`](crate::Isolation::Process): start a worker, feed
//! it the module, read back the artifact, and kill it at the deadline or on cancellation.

use std::pin::pin;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::process::{Child, Command};
use wasmtime::{Engine, Module};

use super::worker::{EXIT_COMPILE, Spec};
use crate::{Cancel, Error, MAX_WORKER_STDERR, Worker, WorkerError};

/// How a worker's compile ended, short of an error.
pub(crate) enum Ending {
    /// The worker exited with status 0 after writing this artifact.
    Artifact(Vec<u8>),
    /// The deadline passed first; the worker was killed and reaped.
    TimedOut,
}

/// Compiles `wasm` in a fresh `worker` process under `spec`'s limits, waiting at most
/// `timeout`. Must run inside a Tokio runtime with I/O and time enabled.
///
/// Whatever happens, the worker is dead and reaped when this returns: at the deadline, on
/// `cancel` ([`Error::Cancelled`]) and on an oversized artifact its process group is sent
/// `SIGKILL` and waited for.
pub(crate) async fn compile(
    worker: &Worker,
    spec: &Spec,
    wasm: &[u8],
    timeout: Duration,
    cancel: &Cancel,
) -> Result<Ending, Error> {
    let mut child = Command::new(&worker.program)
        .args(&worker.args)
        .arg(spec.encode())
        .env_clear()
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| WorkerError::Spawn { source })?;
    let ended = {
        let exchange = pin!(exchange(&mut child, wasm, worker.max_artifact_bytes));
        tokio::select! {
            ended = exchange => Some(ended),
            () = tokio::time::sleep(timeout) => None,
            () = cancel.cancelled() => Some(Err(Error::Cancelled)),
        }
    };
    kill(&mut child).await;
    match ended {
        None => Ok(Ending::TimedOut),
        Some(ended) => ended.map(Ending::Artifact),
    }
}

/// Writes the module, reads the artifact (up to `max_artifact` bytes) and the head of stderr,
/// and waits for the exit status.
async fn exchange(child: &mut Child, wasm: &[u8], max_artifact: u64) -> Result<Vec<u8>, Error> {
    let pipe = |source| Error::from(WorkerError::Pipe { source });
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        // `compile` asks for all three pipes; a missing one means the OS did not give it.
        return Err(pipe(std::io::Error::other("a worker pipe is missing")));
    };
    // A worker that dies early closes its stdin; the exit status then says why, so a failed
    // write is not an error of its own.
    let write = async move {
        let _ = stdin.write_all(wasm).await;
    };
    let read = async {
        let mut artifact = Vec::new();
        let mut limited = stdout.take(max_artifact.saturating_add(1));
        limited.read_to_end(&mut artifact).await.map_err(pipe)?;
        if artifact.len() as u64 > max_artifact {
            return Err(Error::from(WorkerError::ArtifactTooLarge {
                max: max_artifact,
            }));
        }
        Ok(artifact)
    };
    let ((), artifact, stderr) = tokio::try_join!(
        async {
            write.await;
            Ok(())
        },
        read,
        async { Ok(head(stderr).await) },
    )?;
    let status = child.wait().await.map_err(pipe)?;
    judge(status, artifact, stderr)
}

/// What an exit status means, given what the worker wrote.
fn judge(status: ExitStatus, artifact: Vec<u8>, stderr: String) -> Result<Vec<u8>, Error> {
    use std::os::unix::process::ExitStatusExt as _;
    match (status.code(), status.signal()) {
        (Some(0), _) => Ok(artifact),
        (Some(code), _) if code == i32::from(EXIT_COMPILE) => {
            Err(Error::Compile { reason: stderr })
        }
        (Some(code), _) => Err(WorkerError::Exited { code, stderr }.into()),
        (None, Some(signal)) => Err(WorkerError::Signalled { signal, stderr }.into()),
        (None, None) => Err(WorkerError::Exited { code: -1, stderr }.into()),
    }
}

/// The first [`MAX_WORKER_STDERR`] bytes of `stderr`, as text; the rest is read and dropped
/// so the worker never blocks on a full pipe.
async fn head(stderr: impl AsyncRead + Unpin) -> String {
    let mut kept = Vec::new();
    let mut stderr = stderr;
    let limit = MAX_WORKER_STDERR as u64;
    let _ = (&mut stderr).take(limit).read_to_end(&mut kept).await;
    let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
    String::from_utf8_lossy(&kept).into_owned()
}

/// Sends `SIGKILL` to the worker's process group and reaps the worker. A worker that already
/// exited and was reaped is left as it is.
async fn kill(child: &mut Child) {
    if let Some(pid) = child.id().and_then(|pid| i32::try_from(pid).ok()) {
        use nix::sys::signal::{Signal, killpg};
        // The group is the worker's own (`process_group(0)`); it can hold nothing else.
        let _ = killpg(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL);
    }
    // `kill` also waits; on an exited child it only collects the status.
    let _ = child.kill().await;
}

/// Loads an artifact a worker wrote.
#[allow(
    unsafe_code,
    reason = "Module::deserialize is unsafe: it trusts the bytes to be Wasmtime's own output"
)]
pub(crate) fn deserialize(engine: &Engine, artifact: &[u8]) -> Result<Module, Error> {
    // SAFETY: `artifact` is what a compile worker wrote on its stdout: this sandbox's own
    // program (`Worker::program`, normally `std::env::current_exe()`) running
    // `Engine::precompile_module` with the engine configuration built by the same
    // `wasm_config` call as `engine`'s, from the settings this sandbox passed. The bytes are
    // Wasmtime's own output, read whole from a pipe only the worker holds, and Wasmtime checks
    // its version and engine-compatibility header before using them. Agent bytes never reach
    // this function: they only ever go in on the worker's stdin. Trusting the artifact is
    // trusting Cranelift's output, as an in-process compile does (see docs/ARCHITECTURE.md).
    unsafe { Module::deserialize(engine, artifact) }.map_err(|e| {
        WorkerError::BadArtifact {
            reason: format!("{e:#}"),
        }
        .into()
    })
}
