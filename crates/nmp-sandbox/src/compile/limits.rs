//! The kernel limits a compile worker puts on itself before it reads the module.

use std::io;

use super::worker::Spec;

/// Open files a worker may hold: its stdin, stdout and stderr, and a few for the allocator and
/// the runtime's own start-up.
const MAX_OPEN_FILES: u64 = 16;

/// Caps this process: address space `spec.memory_bytes`, CPU time `spec.cpu_secs` (then
/// `SIGXCPU`, and `SIGKILL` one second later), no new processes or threads, no core dumps,
/// no file writes, [`MAX_OPEN_FILES`]; on Linux, `SIGKILL` when the parent dies. Fails if any
/// limit cannot be set or the parent is already gone.
#[cfg(unix)]
pub(crate) fn limit_self(spec: &Spec) -> io::Result<()> {
    use nix::sys::resource::{Resource, setrlimit};

    let set = |resource, soft, hard| setrlimit(resource, soft, hard).map_err(io::Error::from);
    #[cfg(target_os = "linux")]
    {
        nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
            .map_err(io::Error::from)?;
        // The parent may have died before the line above: then this process was re-parented
        // and nobody would ever kill it.
        let parent = nix::unistd::getppid().as_raw();
        if u32::try_from(parent).ok() != Some(spec.parent) {
            return Err(io::Error::other(
                "the sandbox that started this worker is gone",
            ));
        }
    }
    set(Resource::RLIMIT_AS, spec.memory_bytes, spec.memory_bytes)?;
    set(
        Resource::RLIMIT_CPU,
        spec.cpu_secs,
        spec.cpu_secs.saturating_add(1),
    )?;
    set(Resource::RLIMIT_CORE, 0, 0)?;
    set(Resource::RLIMIT_FSIZE, 0, 0)?;
    set(Resource::RLIMIT_NOFILE, MAX_OPEN_FILES, MAX_OPEN_FILES)?;
    // Counted per user: 0 leaves running processes alone and refuses every new one, threads
    // included (a worker compiles on its one thread).
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
    set(Resource::RLIMIT_NPROC, 0, 0)?;
    Ok(())
}

/// Compile workers need a Unix host; `Config` validation refuses them elsewhere.
#[cfg(not(unix))]
pub(crate) fn limit_self(_spec: &Spec) -> io::Result<()> {
    Err(io::Error::other("compile workers need a Unix host"))
}
