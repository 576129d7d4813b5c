//! The WASI preview 1 functions the guest provides, over memory only: stdin from the input,
//! stdout and stderr into capped buffers, `argv = ["logic"]`, no environment, and read-only
//! datasets ([`fs`]). Anything else is not linked, so a module importing it is refused before
//! it runs.

mod fs;

use wasmi::{Caller, Error, Extern, Linker};

use crate::Dataset;
use crate::run::ARGV0;

use fs::Fs;

/// The import module every WASI preview 1 function lives in.
pub(crate) const MODULE: &str = "wasi_snapshot_preview1";

/// Every WASI preview 1 function the guest provides. Clocks, randomness, polling and
/// anything that writes are absent: the guest cannot reproduce the node's clocks or random
/// streams, so such modules are refused before running.
pub const SUPPORTED_IMPORTS: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "fd_close",
    "fd_fdstat_get",
    "fd_filestat_get",
    "fd_prestat_dir_name",
    "fd_prestat_get",
    "fd_read",
    "fd_readdir",
    "fd_seek",
    "fd_write",
    "path_filestat_get",
    "path_open",
    "proc_exit",
];

/// WASI errno values used here.
pub(crate) mod errno {
    pub(crate) const SUCCESS: i32 = 0;
    pub(crate) const BADF: i32 = 8;
    pub(crate) const FAULT: i32 = 21;
    pub(crate) const INVAL: i32 = 28;
    pub(crate) const ISDIR: i32 = 31;
    pub(crate) const MFILE: i32 = 33;
    pub(crate) const NOENT: i32 = 44;
    pub(crate) const NOTDIR: i32 = 54;
    pub(crate) const PERM: i32 = 63;
    pub(crate) const SPIPE: i32 = 70;
    pub(crate) const NOTCAPABLE: i32 = 76;
}

/// Which output stream overflowed its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    Stdout,
    Stderr,
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?} cap exceeded")
    }
}

impl wasmi::errors::HostError for Overflow {}

/// The store's data: everything the module can reach through WASI.
pub(crate) struct State {
    input: Vec<u8>,
    stdin_pos: usize,
    stdout: Vec<u8>,
    stdout_cap: usize,
    stderr_len: usize,
    stderr_cap: usize,
    overflow: Option<Overflow>,
    fs: Fs,
}

impl State {
    pub(crate) fn new(input: Vec<u8>, datasets: Vec<Dataset>, stdout: u32, stderr: u32) -> Self {
        Self {
            input,
            stdin_pos: 0,
            stdout: Vec::new(),
            stdout_cap: stdout as usize,
            stderr_len: 0,
            stderr_cap: stderr as usize,
            overflow: None,
            fs: Fs::new(datasets),
        }
    }

    pub(crate) fn overflow(&self) -> Option<Overflow> {
        self.overflow
    }

    pub(crate) fn into_stdout(self) -> Vec<u8> {
        self.stdout
    }
}

/// A WASI call's result: an errno for the module, or a trap that stops it.
type Call = Result<i32, Error>;

/// Runs `f` with the module's memory and the state; a module without an exported `memory`
/// traps.
fn with<R>(
    caller: &mut Caller<'_, State>,
    f: impl FnOnce(&mut [u8], &mut State) -> Result<R, Error>,
) -> Result<R, Error> {
    let memory = caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| Error::new("module exports no memory"))?;
    let (mem, state) = memory.data_and_store_mut(caller);
    f(mem, state)
}

/// The bytes at `ptr..ptr + len`, or `FAULT`.
pub(crate) fn slice(mem: &mut [u8], ptr: i32, len: u32) -> Result<&mut [u8], i32> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len as usize).ok_or(errno::FAULT)?;
    mem.get_mut(start..end).ok_or(errno::FAULT)
}

pub(crate) fn put_u32(mem: &mut [u8], ptr: i32, value: u32) -> Result<(), i32> {
    slice(mem, ptr, 4)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

pub(crate) fn put_u64(mem: &mut [u8], ptr: i32, value: u64) -> Result<(), i32> {
    slice(mem, ptr, 8)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

fn get_u32(mem: &mut [u8], ptr: u32) -> Result<u32, i32> {
    let bytes = slice(mem, ptr as i32, 4)?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// The `(buf, len)` pairs of an iovec array.
pub(crate) fn iovecs(mem: &mut [u8], iovs: i32, count: i32) -> Result<Vec<(u32, u32)>, i32> {
    let count = count as u32;
    slice(mem, iovs, count.checked_mul(8).ok_or(errno::FAULT)?)?;
    (0..count)
        .map(|i| {
            let at = iovs as u32 + i * 8;
            Ok((get_u32(mem, at)?, get_u32(mem, at + 4)?))
        })
        .collect()
}

/// Copies `source` into the iovecs, in order; returns the bytes copied.
pub(crate) fn scatter(mem: &mut [u8], iovs: i32, count: i32, source: &[u8]) -> Result<usize, i32> {
    let mut done = 0;
    for (buf, len) in iovecs(mem, iovs, count)? {
        let n = (len as usize).min(source.len() - done);
        slice(mem, buf as i32, n as u32)?.copy_from_slice(&source[done..done + n]);
        done += n;
    }
    Ok(done)
}

fn errno_of(result: Result<(), i32>) -> Call {
    Ok(result.err().unwrap_or(errno::SUCCESS))
}

fn fd_read(mut caller: Caller<'_, State>, fd: i32, iovs: i32, count: i32, nread: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = if fd == 0 {
            let rest = &state.input[state.stdin_pos..];
            scatter(mem, iovs, count, rest).inspect(|n| state.stdin_pos += n)
        } else {
            state.fs.read(mem, fd, iovs, count)
        };
        errno_of(result.and_then(|n| put_u32(mem, nread, n as u32)))
    })
}

fn fd_write(mut caller: Caller<'_, State>, fd: i32, iovs: i32, count: i32, written: i32) -> Call {
    with(&mut caller, |mem, state| {
        let vecs = match iovecs(mem, iovs, count) {
            Ok(vecs) => vecs,
            Err(e) => return Ok(e),
        };
        let mut data = Vec::new();
        for (buf, len) in vecs {
            match slice(mem, buf as i32, len) {
                Ok(bytes) => data.extend_from_slice(bytes),
                Err(e) => return Ok(e),
            }
        }
        match fd {
            1 if state.stdout.len() + data.len() > state.stdout_cap => {
                state.overflow = Some(Overflow::Stdout);
                return Err(Error::host(Overflow::Stdout));
            }
            1 => state.stdout.extend_from_slice(&data),
            2 if state.stderr_len + data.len() > state.stderr_cap => {
                state.overflow = Some(Overflow::Stderr);
                return Err(Error::host(Overflow::Stderr));
            }
            2 => state.stderr_len += data.len(),
            _ => return Ok(errno::BADF),
        }
        errno_of(put_u32(mem, written, data.len() as u32))
    })
}

fn args_sizes_get(mut caller: Caller<'_, State>, argc: i32, size: i32) -> Call {
    with(&mut caller, |mem, _| {
        errno_of(put_u32(mem, argc, 1).and_then(|()| put_u32(mem, size, ARGV0.len() as u32 + 1)))
    })
}

fn args_get(mut caller: Caller<'_, State>, argv: i32, buf: i32) -> Call {
    with(&mut caller, |mem, _| {
        let result = put_u32(mem, argv, buf as u32).and_then(|()| {
            let out = slice(mem, buf, ARGV0.len() as u32 + 1)?;
            out[..ARGV0.len()].copy_from_slice(ARGV0.as_bytes());
            out[ARGV0.len()] = 0;
            Ok(())
        });
        errno_of(result)
    })
}

fn environ_sizes_get(mut caller: Caller<'_, State>, count: i32, size: i32) -> Call {
    with(&mut caller, |mem, _| {
        errno_of(put_u32(mem, count, 0).and_then(|()| put_u32(mem, size, 0)))
    })
}

/// Registers every function of [`SUPPORTED_IMPORTS`].
pub(crate) fn add_to_linker(linker: &mut Linker<State>) {
    const ONCE: &str = "each WASI name is defined once";
    let environ_get = |_: Caller<'_, State>, _: i32, _: i32| Ok::<i32, Error>(errno::SUCCESS);
    let proc_exit = |_: Caller<'_, State>, code: i32| Err::<(), Error>(Error::i32_exit(code));
    linker.func_wrap(MODULE, "args_get", args_get).expect(ONCE);
    linker
        .func_wrap(MODULE, "args_sizes_get", args_sizes_get)
        .expect(ONCE);
    linker
        .func_wrap(MODULE, "environ_get", environ_get)
        .expect(ONCE);
    linker
        .func_wrap(MODULE, "environ_sizes_get", environ_sizes_get)
        .expect(ONCE);
    linker.func_wrap(MODULE, "fd_read", fd_read).expect(ONCE);
    linker.func_wrap(MODULE, "fd_write", fd_write).expect(ONCE);
    linker
        .func_wrap(MODULE, "proc_exit", proc_exit)
        .expect(ONCE);
    fs::add_to_linker(linker, ONCE);
}
