//! A real PostgreSQL server for one test: Debian's `postgresql` binaries (`scripts/setup.sh`
//! installs them), a cluster `initdb` makes in a temporary directory, listening only on a Unix
//! socket in that directory, stopped (immediately) when dropped. As root the server runs as
//! the `postgres` user the package creates, since PostgreSQL refuses to run as root.

use std::{
    os::unix::fs::{PermissionsExt, chown},
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// The role the tests log in as (the cluster trusts local connections).
pub(crate) const USER: &str = "nmp";

/// A running cluster; dropping it stops the server and removes the directory.
pub(crate) struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    owner: Option<String>,
}

impl Server {
    /// `initdb` and `pg_ctl start` in a new temporary directory.
    pub(crate) fn start() -> Self {
        let bin = binaries();
        let dir = tempfile::tempdir().expect("temporary directory");
        let owner = is_root().then(|| "postgres".to_owned());
        if let Some(owner) = &owner {
            let uid = id(owner, "-u");
            let gid = id(owner, "-g");
            chown(dir.path(), Some(uid), Some(gid)).expect("chown the cluster directory");
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
                .expect("chmod the cluster directory");
        }
        let server = Self { dir, bin, owner };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                USER,
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        server.pg_ctl_start();
        server
    }

    /// The Unix socket's directory: the host to connect to.
    pub(crate) fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The port naming the socket (`.s.PGSQL.<port>`).
    pub(crate) fn port(&self) -> u16 {
        5432
    }

    /// Stops the server now (clients then fail to connect).
    pub(crate) fn stop(&self) {
        let data = self.data();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    /// Runs SQL through `psql` as [`USER`] in the `postgres` database, failing on any error.
    pub(crate) fn psql(&self, sql: &str) {
        let host = self.socket_dir().display().to_string();
        let port = self.port().to_string();
        self.run(
            "psql",
            &[
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &host,
                "-p",
                &port,
                "-U",
                USER,
                "-d",
                "postgres",
                "-c",
                sql,
            ],
        );
    }

    fn pg_ctl_start(&self) {
        let data = self.data();
        let options = format!(
            "-k {} -p {} -c listen_addresses=''",
            self.dir.path().display(),
            self.port()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start",
            ],
        );
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let path = self.bin.join(program);
        let mut command = match &self.owner {
            Some(owner) => {
                let mut c = Command::new("runuser");
                c.args(["-u", owner, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        let output = command
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.data();
        let path = self.bin.join("pg_ctl");
        let mut command = match &self.owner {
            Some(owner) => {
                let mut c = Command::new("runuser");
                c.args(["-u", owner, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        // Already stopped is fine.
        let _ = command
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// The directory of `initdb`, `pg_ctl` and `psql`: Debian's versioned one, newest first.
fn binaries() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/setup.sh installs Debian's postgresql)")
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop().expect("a PostgreSQL bin directory with initdb")
}

fn is_root() -> bool {
    id_of_self() == 0
}

fn id_of_self() -> u32 {
    let out = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a uid")
}

fn id(user: &str, flag: &str) -> u32 {
    let out = Command::new("id")
        .args([flag, user])
        .output()
        .expect("id runs");
    assert!(
        out.status.success(),
        "user `{user}` exists (the postgresql package creates it)"
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("an id")
}
