//! PostgreSQL datasets: the node copies a configured query or table out of the server as CSV
//! (`COPY ... TO STDOUT`) in a read-only transaction, into a new file it then renames over the
//! previous snapshot, so the directory only ever holds a complete snapshot.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use futures::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::Error;

#[cfg(unix)]
pub(crate) mod server;

/// The snapshot's file name inside the dataset's directory.
pub const SNAPSHOT_FILE: &str = "snapshot.csv";

/// Largest snapshot kept unless the source says otherwise: 4 GiB.
pub const DEFAULT_MAX_SNAPSHOT_BYTES: u64 = 4 << 30;

/// Where a PostgreSQL snapshot comes from (`[datasets.postgres]` in the node file). The
/// password is never in the file: `password_env` names the environment variable that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Host name or IP address of the server, or the directory of its Unix socket (an absolute
    /// path). Defaults to `localhost`.
    #[serde(default = "localhost")]
    pub host: String,
    /// TCP port (also names the Unix socket). Defaults to 5432.
    #[serde(default = "port")]
    pub port: u16,
    /// The role to log in as.
    pub user: String,
    /// The database.
    pub dbname: String,
    /// The environment variable holding the password; absent means no password (trust or
    /// peer authentication).
    #[serde(default)]
    pub password_env: Option<String>,
    /// The query whose result is the snapshot (one `SELECT`); exactly one of `query` and
    /// `table`.
    #[serde(default)]
    pub query: Option<String>,
    /// The table (`name` or `schema.name`) copied whole; exactly one of `query` and `table`.
    #[serde(default)]
    pub table: Option<String>,
    /// Seconds between snapshots, at least 1; absent means a snapshot at start only.
    #[serde(default)]
    pub refresh_secs: Option<u64>,
    /// Deadline for connecting and copying, in seconds. Defaults to 300.
    #[serde(default = "timeout")]
    pub timeout_secs: u64,
    /// Largest snapshot kept, in bytes; a larger one fails and is discarded. Defaults to
    /// [`DEFAULT_MAX_SNAPSHOT_BYTES`].
    #[serde(default = "max_bytes")]
    pub max_bytes: u64,
}

fn localhost() -> String {
    "localhost".to_owned()
}

fn port() -> u16 {
    5432
}

fn timeout() -> u64 {
    300
}

fn max_bytes() -> u64 {
    DEFAULT_MAX_SNAPSHOT_BYTES
}

/// One snapshot taken: what was asked, when, and how large it came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The query, as run inside `COPY (...) TO STDOUT`.
    pub query: String,
    /// When the copy finished, in milliseconds since the Unix epoch.
    pub taken_at_ms: u64,
    /// Size of the CSV file.
    pub bytes: u64,
}

impl Source {
    /// The query the snapshot runs: `query`, or `SELECT * FROM` the quoted `table`. `None`
    /// unless exactly one of them is set (the node file refuses that).
    pub fn query(&self) -> Option<String> {
        match (&self.query, &self.table) {
            (Some(query), None) => Some(query.trim().trim_end_matches(';').to_owned()),
            (None, Some(table)) => {
                let quoted: Vec<String> = table
                    .split('.')
                    .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
                    .collect();
                Some(format!("SELECT * FROM {}", quoted.join(".")))
            }
            _ => None,
        }
    }

    /// How often to take a new snapshot; `None` for one at start only.
    pub fn refresh(&self) -> Option<Duration> {
        self.refresh_secs.map(|s| Duration::from_secs(s.max(1)))
    }
}

/// Takes a snapshot of `source` into `dir/`[`SNAPSHOT_FILE`]: connects, copies the query's
/// result as CSV with a header line inside a `READ ONLY` transaction, and renames the finished
/// file over the previous snapshot. Until then the copy is written beside `dir` (never inside
/// it, where the guest or a commitment could see half of it), and any failure removes it and
/// leaves the previous snapshot as it was.
///
/// Fails with [`Error::Password`] when `password_env` is unset, [`Error::Postgres`] when the
/// server cannot be reached, refuses the login, or the query fails, or the
/// [`Source::timeout_secs`] deadline passes, and [`Error::SnapshotTooLarge`] past
/// [`Source::max_bytes`]. Dropping the future abandons the copy and leaves the temporary file.
pub async fn snapshot(source: &Source, dir: &Path) -> Result<Snapshot, Error> {
    let query = source.query().ok_or(Error::Postgres {
        what: "the source needs exactly one of `query` and `table`",
        source: "no query".into(),
    })?;
    let temporary = temporary_path(dir);
    let deadline = Duration::from_secs(source.timeout_secs);
    let copied = tokio::time::timeout(deadline, copy(source, &query, &temporary)).await;
    let result = match copied {
        Ok(Ok(bytes)) => tokio::fs::rename(&temporary, dir.join(SNAPSHOT_FILE))
            .await
            .map(|()| bytes)
            .map_err(Error::io(dir)),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(Error::Postgres {
            what: "the snapshot did not finish within timeout_secs",
            source: "timed out".into(),
        }),
    };
    match result {
        Ok(bytes) => Ok(Snapshot {
            query,
            taken_at_ms: now_ms(),
            bytes,
        }),
        Err(e) => {
            let _ = tokio::fs::remove_file(&temporary).await;
            Err(e)
        }
    }
}

/// The file the copy is written to before it is renamed into `dir`: beside `dir`, hidden.
fn temporary_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "dataset".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.snapshot.tmp"))
}

async fn copy(source: &Source, query: &str, temporary: &Path) -> Result<u64, Error> {
    let failed = |what| {
        move |e: tokio_postgres::Error| Error::Postgres {
            what,
            source: e.into(),
        }
    };
    let mut config = tokio_postgres::Config::new();
    config
        .host(&source.host)
        .port(source.port)
        .user(&source.user)
        .dbname(&source.dbname)
        .application_name("nmp-node snapshot")
        .connect_timeout(Duration::from_secs(source.timeout_secs));
    if let Some(variable) = &source.password_env {
        let password = std::env::var(variable).map_err(|_| Error::Password(variable.clone()))?;
        config.password(password);
    }
    let (mut client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(failed("cannot connect"))?;
    let connection = tokio::spawn(connection);
    let transaction = client
        .build_transaction()
        .read_only(true)
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await
        .map_err(failed("cannot start a read-only transaction"))?;
    let copy = format!("COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)");
    let mut stream = Box::pin(
        transaction
            .copy_out(copy.as_str())
            .await
            .map_err(failed("the query failed"))?,
    );
    let mut file = tokio::fs::File::create(temporary)
        .await
        .map_err(Error::io(temporary))?;
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(failed("the copy failed"))?;
        bytes += chunk.len() as u64;
        if bytes > source.max_bytes {
            return Err(Error::SnapshotTooLarge {
                limit: source.max_bytes,
            });
        }
        file.write_all(&chunk).await.map_err(Error::io(temporary))?;
    }
    file.sync_all().await.map_err(Error::io(temporary))?;
    transaction
        .commit()
        .await
        .map_err(failed("the transaction failed"))?;
    drop(client);
    let _ = connection.await;
    Ok(bytes)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        toml_like(text)
    }

    fn toml_like(json: &str) -> Source {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_query_is_the_query_or_a_quoted_table_and_never_both() {
        let q = source(r#"{"user":"u","dbname":"d","query":"SELECT 1;"}"#);
        assert_eq!(q.query().unwrap(), "SELECT 1");
        assert_eq!(
            (q.host.as_str(), q.port, q.timeout_secs),
            ("localhost", 5432, 300)
        );
        let t = source(r#"{"user":"u","dbname":"d","table":"public.pa\"t"}"#);
        assert_eq!(t.query().unwrap(), r#"SELECT * FROM "public"."pa""t""#);
        let both = source(r#"{"user":"u","dbname":"d","table":"t","query":"SELECT 1"}"#);
        assert!(both.query().is_none());
        assert!(
            serde_json::from_str::<Source>(r#"{"user":"u","dbname":"d","password":"x"}"#).is_err()
        );
    }

    #[test]
    fn the_copy_is_written_beside_the_directory() {
        let path = temporary_path(Path::new("/srv/data/sales"));
        assert_eq!(path, Path::new("/srv/data/.sales.snapshot.tmp"));
    }
}
