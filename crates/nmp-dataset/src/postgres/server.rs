//! A throwaway PostgreSQL server on this machine, for `nmp demo --source postgres` and the
//! tests: Debian's `postgresql` binaries, a cluster `initdb` makes in a new temporary
//! directory, listening only on a Unix socket in that directory (no TCP port), stopped and
//! removed when dropped. A data owner's own server is configured in the node file, never
//! started by NMP.

use std::{
    os::unix::fs::{PermissionsExt as _, chown},
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The role a [`LocalServer`] trusts on its socket (no password).
pub const LOCAL_USER: &str = "nmp";

/// The port naming a [`LocalServer`]'s socket (`.s.PGSQL.5432`; no TCP port is opened).
pub const LOCAL_PORT: u16 = 5432;

/// Why a [`LocalServer`] could not be started or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// No `initdb` under `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package).
    #[error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")]
    NotInstalled,
    /// Running as root, and the `postgres` user PostgreSQL must run as does not exist.
    #[error("running as root needs the `postgres` user, which does not exist")]
    NoServerUser,
    /// A file-system step failed.
    #[error("cannot {what}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// A PostgreSQL program failed; `output` is the end of what it printed.
    #[error("{program} failed: {output}")]
    Command {
        /// The program (`initdb`, `pg_ctl`, `psql`).
        program: &'static str,
        /// The last 1 KiB of its stdout and stderr.
        output: String,
    },
}

/// A running throwaway cluster; dropping it stops the server and removes its directory.
#[derive(Debug)]
pub struct LocalServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The user the server runs as when this process is root (PostgreSQL refuses root).
    owner: Option<String>,
}

impl LocalServer {
    /// `initdb` (trusting [`LOCAL_USER`] on the socket, UTF-8, no fsync) and `pg_ctl start` in
    /// a new temporary directory; returns once the server accepts connections (at most 60 s).
    pub fn start() -> Result<Self, ServerError> {
        let bin = binaries()?;
        let io = |what| move |source| ServerError::Io { what, source };
        let dir = tempfile::tempdir().map_err(io("create the cluster directory"))?;
        let owner = if nix::unistd::geteuid().is_root() {
            let user = nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .ok_or(ServerError::NoServerUser)?;
            chown(dir.path(), Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .map_err(io("chown the cluster directory"))?;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .map_err(io("chmod the cluster directory"))?;
            Some(user.name)
        } else {
            None
        };
        let server = Self { dir, bin, owner };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                LOCAL_USER,
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )?;
        let options = format!(
            "-k {} -p {LOCAL_PORT} -c listen_addresses=''",
            server.socket_dir().display()
        );
        let log = server.dir.path().join("server.log").display().to_string();
        server.run(
            "pg_ctl",
            &[
                "-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
            ],
        )?;
        Ok(server)
    }

    /// The Unix socket's directory: the `host` to connect to.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the server now (clients then fail to connect).
    pub fn stop(&self) -> Result<(), ServerError> {
        let data = self.data();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            .map(drop)
    }

    /// Runs SQL (one or more statements, or a `psql` meta-command such as `\copy`) through
    /// `psql` as [`LOCAL_USER`] in the `postgres` database, stopping at the first error. `psql`
    /// runs as this process's user, so `\copy` reads files this process can read.
    pub fn psql(&self, sql: &str) -> Result<(), ServerError> {
        let host = self.socket_dir().display().to_string();
        let port = LOCAL_PORT.to_string();
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &host,
                "-p",
                &port,
                "-U",
                LOCAL_USER,
                "-d",
                "postgres",
                "-c",
                sql,
            ])
            .output();
        checked("psql", output)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Runs a server program as the server's user.
    fn run(&self, program: &'static str, args: &[&str]) -> Result<(), ServerError> {
        let path = self.bin.join(program);
        let mut command = match &self.owner {
            Some(owner) => {
                let mut c = Command::new("runuser");
                c.args(["-u", owner, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        checked(program, command.args(args).output())
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        // Already stopped is fine.
        let _ = self.stop();
    }
}

/// A finished program's result: an error with the end of its output unless it succeeded.
fn checked(program: &'static str, output: std::io::Result<Output>) -> Result<(), ServerError> {
    let output = output.map_err(|source| ServerError::Io {
        what: "run a PostgreSQL program",
        source,
    })?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let tail = text.len().saturating_sub(1024);
    let start = (tail..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    Err(ServerError::Command {
        program,
        output: text[start..].trim().to_owned(),
    })
}

/// The directory of `initdb`, `pg_ctl` and `psql`: Debian's versioned one, newest first.
fn binaries() -> Result<PathBuf, ServerError> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| ServerError::NotInstalled)?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop().ok_or(ServerError::NotInstalled)
}
