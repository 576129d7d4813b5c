//! Read-only datasets in memory: each one a preopened directory `/data/<name>` (fds 3, 4, ...
//! in name order), with `path_open`, `fd_read`, `fd_seek`, `fd_readdir` and the stat calls.
//! Directories are implied by the files' paths. Timestamps, devices and inode numbers read as
//! zero: the guest has no host file system to take them from.

use wasmi::{Caller, Linker};

use super::{Call, MODULE, State, errno, errno_of, put_u32, put_u64, scatter, slice, with};
use crate::{Dataset, File};

/// Most descriptors open at once, stdio and preopens included.
const MAX_FDS: usize = 1024;

const FILETYPE_CHARACTER_DEVICE: u8 = 2;
const FILETYPE_DIRECTORY: u8 = 3;
const FILETYPE_REGULAR_FILE: u8 = 4;
const OFLAGS_CREAT: i32 = 1;
const OFLAGS_DIRECTORY: i32 = 2;
const OFLAGS_EXCL: i32 = 4;
const OFLAGS_TRUNC: i32 = 8;
/// `fd_write`, `fd_allocate`, `fd_filestat_set_size` and `fd_filestat_set_times`.
const WRITE_RIGHTS: i64 = (1 << 6) | (1 << 8) | (1 << 22) | (1 << 23);

/// What a descriptor refers to.
#[derive(Debug, Clone)]
enum Handle {
    Stdio,
    /// A directory of dataset `set`: its path inside the dataset, `""` for the root.
    Dir {
        set: usize,
        path: String,
        preopen: bool,
    },
    /// File `file` of dataset `set`, read up to `pos`.
    File {
        set: usize,
        file: usize,
        pos: u64,
    },
}

/// What a resolved path names.
enum Node {
    Dir(String),
    File(usize),
}

pub(super) struct Fs {
    datasets: Vec<Dataset>,
    fds: Vec<Option<Handle>>,
}

impl Fs {
    pub(super) fn new(datasets: Vec<Dataset>) -> Self {
        let mut fds = vec![
            Some(Handle::Stdio),
            Some(Handle::Stdio),
            Some(Handle::Stdio),
        ];
        fds.extend((0..datasets.len()).map(|set| {
            Some(Handle::Dir {
                set,
                path: String::new(),
                preopen: true,
            })
        }));
        Self { datasets, fds }
    }

    fn handle(&mut self, fd: i32) -> Result<&mut Handle, i32> {
        let fd = usize::try_from(fd).map_err(|_| errno::BADF)?;
        self.fds
            .get_mut(fd)
            .and_then(Option::as_mut)
            .ok_or(errno::BADF)
    }

    fn file(&self, set: usize, file: usize) -> &File {
        &self.datasets[set].files[file]
    }

    pub(super) fn read(
        &mut self,
        mem: &mut [u8],
        fd: i32,
        iovs: i32,
        count: i32,
    ) -> Result<usize, i32> {
        let (set, file, pos) = match self.handle(fd)? {
            Handle::File { set, file, pos } => (*set, *file, *pos),
            Handle::Dir { .. } => return Err(errno::ISDIR),
            Handle::Stdio => return Err(errno::BADF),
        };
        let content = &self.file(set, file).content;
        let start = (pos as usize).min(content.len());
        let n = scatter(mem, iovs, count, &content[start..])?;
        if let Handle::File { pos, .. } = self.handle(fd)? {
            *pos = (start + n) as u64;
        }
        Ok(n)
    }

    /// Resolves `rel` against directory `base` of dataset `set`; `..` may not leave the
    /// dataset and absolute paths are refused, as the sandbox's preopens do.
    fn resolve(&self, set: usize, base: &str, rel: &str) -> Result<Node, i32> {
        if rel.starts_with('/') {
            return Err(errno::NOTCAPABLE);
        }
        let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
        for part in rel.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or(errno::NOTCAPABLE)?;
                }
                name => parts.push(name),
            }
        }
        let path = parts.join("/");
        let files = &self.datasets[set].files;
        if let Some(i) = files.iter().position(|f| f.path == path) {
            return Ok(Node::File(i));
        }
        let prefix = format!("{path}/");
        if path.is_empty() || files.iter().any(|f| f.path.starts_with(&prefix)) {
            return Ok(Node::Dir(path));
        }
        Err(errno::NOENT)
    }

    /// The sorted, distinct entries directly inside directory `path`: name and file type.
    fn entries(&self, set: usize, path: &str) -> Vec<(String, u8)> {
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        let mut out: Vec<(String, u8)> = self.datasets[set]
            .files
            .iter()
            .filter_map(|f| f.path.strip_prefix(&prefix))
            .map(|rest| match rest.split_once('/') {
                Some((dir, _)) => (dir.to_owned(), FILETYPE_DIRECTORY),
                None => (rest.to_owned(), FILETYPE_REGULAR_FILE),
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The guest path of a preopened directory, `/data/<name>`; any other fd is `BADF`.
    fn preopen_name(&mut self, fd: i32) -> Result<String, i32> {
        match *self.handle(fd)? {
            Handle::Dir {
                set, preopen: true, ..
            } => Ok(format!("/data/{}", self.datasets[set].name)),
            _ => Err(errno::BADF),
        }
    }

    fn dir_of(&mut self, fd: i32) -> Result<(usize, String), i32> {
        match self.handle(fd)? {
            Handle::Dir { set, path, .. } => Ok((*set, path.clone())),
            _ => Err(errno::NOTDIR),
        }
    }

    /// The 64-byte `filestat` of a node: only the type and size are non-zero.
    fn stat(&self, mem: &mut [u8], ptr: i32, filetype: u8, size: u64) -> Result<(), i32> {
        let out = slice(mem, ptr, 64)?;
        out.fill(0);
        out[16] = filetype;
        out[24] = 1;
        out[32..40].copy_from_slice(&size.to_le_bytes());
        Ok(())
    }

    fn stat_node(&self, mem: &mut [u8], set: usize, node: &Node, ptr: i32) -> Result<(), i32> {
        match node {
            Node::Dir(_) => self.stat(mem, ptr, FILETYPE_DIRECTORY, 0),
            Node::File(i) => {
                let size = self.file(set, *i).content.len() as u64;
                self.stat(mem, ptr, FILETYPE_REGULAR_FILE, size)
            }
        }
    }
}

fn path_arg(mem: &mut [u8], ptr: i32, len: i32) -> Result<String, i32> {
    let bytes = slice(mem, ptr, len as u32)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| errno::INVAL)
}

type St<'a> = Caller<'a, State>;

fn fd_prestat_get(mut caller: St<'_>, fd: i32, buf: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = state.fs.preopen_name(fd).and_then(|name| {
            let out = slice(mem, buf, 8)?;
            out.fill(0);
            out[4..].copy_from_slice(&(name.len() as u32).to_le_bytes());
            Ok(())
        });
        errno_of(result)
    })
}

fn fd_prestat_dir_name(mut caller: St<'_>, fd: i32, ptr: i32, len: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = state.fs.preopen_name(fd).and_then(|name| {
            if (len as u32 as usize) < name.len() {
                return Err(errno::INVAL);
            }
            slice(mem, ptr, name.len() as u32)?.copy_from_slice(name.as_bytes());
            Ok(())
        });
        errno_of(result)
    })
}

#[allow(clippy::too_many_arguments, reason = "the WASI preview 1 signature")]
fn path_open(
    mut caller: St<'_>,
    dirfd: i32,
    _dirflags: i32,
    ptr: i32,
    len: i32,
    oflags: i32,
    rights: i64,
    _inheriting: i64,
    _fdflags: i32,
    out: i32,
) -> Call {
    with(&mut caller, |mem, state| {
        let result = (|| {
            let (set, base) = state.fs.dir_of(dirfd)?;
            let rel = path_arg(mem, ptr, len)?;
            if oflags & (OFLAGS_CREAT | OFLAGS_EXCL | OFLAGS_TRUNC) != 0
                || rights & WRITE_RIGHTS != 0
            {
                return Err(errno::PERM);
            }
            let handle = match state.fs.resolve(set, &base, &rel)? {
                Node::Dir(path) => Handle::Dir {
                    set,
                    path,
                    preopen: false,
                },
                Node::File(_) if oflags & OFLAGS_DIRECTORY != 0 => return Err(errno::NOTDIR),
                Node::File(file) => Handle::File { set, file, pos: 0 },
            };
            let fds = &mut state.fs.fds;
            let fd = match fds.iter().position(Option::is_none) {
                Some(free) => free,
                None if fds.len() < MAX_FDS => {
                    fds.push(None);
                    fds.len() - 1
                }
                None => return Err(errno::MFILE),
            };
            fds[fd] = Some(handle);
            put_u32(mem, out, fd as u32)
        })();
        errno_of(result)
    })
}

fn fd_close(mut caller: St<'_>, fd: i32) -> Call {
    with(&mut caller, |_, state| {
        let result = state.fs.handle(fd).map(|_| ());
        if result.is_ok() {
            state.fs.fds[fd as usize] = None;
        }
        errno_of(result)
    })
}

fn fd_fdstat_get(mut caller: St<'_>, fd: i32, buf: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = state.fs.handle(fd).map(|h| match h {
            Handle::Stdio => FILETYPE_CHARACTER_DEVICE,
            Handle::Dir { .. } => FILETYPE_DIRECTORY,
            Handle::File { .. } => FILETYPE_REGULAR_FILE,
        });
        errno_of(result.and_then(|filetype| {
            let out = slice(mem, buf, 24)?;
            out.fill(0);
            out[0] = filetype;
            // Every read-side right; none that writes.
            let rights = !(WRITE_RIGHTS as u64) & ((1 << 29) - 1);
            out[8..16].copy_from_slice(&rights.to_le_bytes());
            out[16..24].copy_from_slice(&rights.to_le_bytes());
            Ok(())
        }))
    })
}

fn fd_filestat_get(mut caller: St<'_>, fd: i32, buf: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = match state.fs.handle(fd).cloned() {
            Ok(Handle::Stdio) => state.fs.stat(mem, buf, FILETYPE_CHARACTER_DEVICE, 0),
            Ok(Handle::Dir { set, path, .. }) => {
                state.fs.stat_node(mem, set, &Node::Dir(path), buf)
            }
            Ok(Handle::File { set, file, .. }) => {
                state.fs.stat_node(mem, set, &Node::File(file), buf)
            }
            Err(e) => Err(e),
        };
        errno_of(result)
    })
}

fn path_filestat_get(
    mut caller: St<'_>,
    fd: i32,
    _flags: i32,
    ptr: i32,
    len: i32,
    buf: i32,
) -> Call {
    with(&mut caller, |mem, state| {
        let result = (|| {
            let (set, base) = state.fs.dir_of(fd)?;
            let rel = path_arg(mem, ptr, len)?;
            let node = state.fs.resolve(set, &base, &rel)?;
            state.fs.stat_node(mem, set, &node, buf)
        })();
        errno_of(result)
    })
}

fn fd_seek(mut caller: St<'_>, fd: i32, offset: i64, whence: i32, out: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = (|| {
            let (set, file, pos) = match state.fs.handle(fd)? {
                Handle::File { set, file, pos } => (*set, *file, *pos),
                Handle::Stdio => return Err(errno::SPIPE),
                Handle::Dir { .. } => return Err(errno::BADF),
            };
            let size = state.fs.file(set, file).content.len() as i64;
            let base = match whence {
                0 => 0,
                1 => pos as i64,
                2 => size,
                _ => return Err(errno::INVAL),
            };
            let new = base
                .checked_add(offset)
                .filter(|n| *n >= 0)
                .ok_or(errno::INVAL)?;
            if let Handle::File { pos, .. } = state.fs.handle(fd)? {
                *pos = new as u64;
            }
            put_u64(mem, out, new as u64)
        })();
        errno_of(result)
    })
}

/// Writes `.`, `..` and the directory's entries as WASI dirents from `cookie` on, truncated
/// to the buffer (a full buffer tells the module to call again).
fn fd_readdir(mut caller: St<'_>, fd: i32, buf: i32, len: i32, cookie: i64, used: i32) -> Call {
    with(&mut caller, |mem, state| {
        let result = (|| {
            let (set, path) = state.fs.dir_of(fd)?;
            let mut all = vec![
                (".".to_owned(), FILETYPE_DIRECTORY),
                ("..".to_owned(), FILETYPE_DIRECTORY),
            ];
            all.extend(state.fs.entries(set, &path));
            let mut bytes = Vec::new();
            for (i, (name, filetype)) in all.iter().enumerate().skip(cookie.max(0) as usize) {
                bytes.extend_from_slice(&(i as u64 + 1).to_le_bytes());
                bytes.extend_from_slice(&0u64.to_le_bytes());
                bytes.extend_from_slice(&(name.len() as u32).to_le_bytes());
                bytes.extend_from_slice(&[*filetype, 0, 0, 0]);
                bytes.extend_from_slice(name.as_bytes());
                if bytes.len() >= len as u32 as usize {
                    break;
                }
            }
            let n = bytes.len().min(len as u32 as usize);
            slice(mem, buf, n as u32)?.copy_from_slice(&bytes[..n]);
            put_u32(mem, used, n as u32)
        })();
        errno_of(result)
    })
}

pub(super) fn add_to_linker(linker: &mut Linker<State>, once: &str) {
    linker
        .func_wrap(MODULE, "fd_prestat_get", fd_prestat_get)
        .expect(once);
    linker
        .func_wrap(MODULE, "fd_prestat_dir_name", fd_prestat_dir_name)
        .expect(once);
    linker
        .func_wrap(MODULE, "path_open", path_open)
        .expect(once);
    linker.func_wrap(MODULE, "fd_close", fd_close).expect(once);
    linker
        .func_wrap(MODULE, "fd_fdstat_get", fd_fdstat_get)
        .expect(once);
    linker
        .func_wrap(MODULE, "fd_filestat_get", fd_filestat_get)
        .expect(once);
    linker
        .func_wrap(MODULE, "path_filestat_get", path_filestat_get)
        .expect(once);
    linker.func_wrap(MODULE, "fd_seek", fd_seek).expect(once);
    linker
        .func_wrap(MODULE, "fd_readdir", fd_readdir)
        .expect(once);
}
