//! Where the demo's hospitals keep their patients (`nmp demo --source`), how each node serves
//! them, and the questions the agent asks of each kind: the C aggregate over CSV files or a
//! PostgreSQL snapshot, SQL through SQLite's own engine (compiled to WebAssembly) over a
//! database file.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use nmp_dataset::{ColumnType, Kind, LOCAL_PORT, LOCAL_USER, LocalServer};

use crate::cli::DemoSource;

const AGGREGATE: &[u8] = include_bytes!("../../../../../examples/logic/c/aggregate.wasm");
const EXFILTRATE: &[u8] = include_bytes!("../../../../../examples/logic/c/exfiltrate.wasm");
const SQLITE: &[u8] = include_bytes!("../../../../../examples/logic/sqlite/query.wasm");
/// The honest question to the aggregate: patients, mean age and mean cost per diagnosis.
const QUESTION: &str = r#"{"group_by":"diagnosis","metric":["age","cost_usd"],"min_count":5}"#;
/// The same question in SQL, after the database's guest path.
const SQL_QUESTION: &str = "SELECT diagnosis, count(*) AS patients, \
     round(avg(age), 1) AS mean_age, round(avg(cost_usd), 2) AS mean_cost_usd \
     FROM patients GROUP BY diagnosis HAVING count(*) >= 5 ORDER BY diagnosis";
/// The exfiltration attempt in SQL.
const SQL_EXFILTRATE: &str = "SELECT name, email, ssn FROM patients LIMIT 20";
/// The database file in a SQLite hospital's dataset, and where the guest sees it.
const DATABASE: &str = "patients.db";
const DATABASE_IN_GUEST: &str = "/data/patients/patients.db";

/// One hospital's patients as its node serves them.
pub(super) struct Served {
    /// The dataset directory.
    pub(super) data: PathBuf,
    /// Its dataset entry's keys besides name, path, capability and restricted keys.
    pub(super) dataset: toml::Table,
}

/// A module and its input, with the name the tour shows.
pub(super) struct Question {
    pub(super) name: &'static str,
    pub(super) wasm: &'static [u8],
    pub(super) input: Vec<u8>,
}

/// The demo's source of data, with the PostgreSQL server it started, if any.
pub(super) struct Sources {
    kind: DemoSource,
    server: Option<LocalServer>,
}

impl Sources {
    /// Starts what `kind` needs: a throwaway PostgreSQL server for `postgres`.
    pub(super) fn start(kind: DemoSource) -> anyhow::Result<Self> {
        let server = match kind {
            DemoSource::Postgres => Some(LocalServer::start().context(
                "cannot start a local PostgreSQL server (scripts/setup.sh installs it)",
            )?),
            DemoSource::Csv | DemoSource::Sqlite => None,
        };
        Ok(Self { kind, server })
    }

    /// Whether the questions recurse, so that the nodes and the agent's pre-flight must
    /// allow recursion: SQLite's parser and tree walkers do (docs/datasets.md).
    pub(super) fn recurses(&self) -> bool {
        self.kind == DemoSource::Sqlite
    }

    /// The nodes' `[policy]`: 600 jobs a minute per agent; for SQL, recursion allowed and 2
    /// minutes to compile SQLite's engine (1.1 MB of WebAssembly: seconds in a release build,
    /// more in a debug one; compiled once, then cached).
    pub(super) fn node_policy(&self) -> toml::Table {
        let mut policy = toml::toml! { rate_limit_per_minute = 600 };
        if self.recurses() {
            policy.insert(
                "guardian".into(),
                toml::toml! { recursion = "allow" }.into(),
            );
            policy.insert(
                "sandbox".into(),
                toml::toml! { compile_timeout_ms = 120000 }.into(),
            );
        }
        policy
    }

    /// What the tour says the hospitals keep.
    pub(super) fn describe(&self) -> &'static str {
        match self.kind {
            DemoSource::Csv => "CSV files",
            DemoSource::Sqlite => "a SQLite database each",
            DemoSource::Postgres => {
                "a PostgreSQL table each; every node serves a snapshot it takes itself"
            }
        }
    }

    /// Loads the hospital `name`'s patients, exported as CSV in `export`, into its source, and
    /// says how its node (home directory `home`) serves them.
    pub(super) fn serve(&self, name: &str, home: &Path, export: &Path) -> anyhow::Result<Served> {
        let mut served = Served {
            data: export.to_owned(),
            dataset: toml::Table::new(),
        };
        match (self.kind, &self.server) {
            (DemoSource::Csv, _) => {}
            (DemoSource::Sqlite, _) => {
                served.data = home.join("db");
                std::fs::create_dir_all(&served.data)
                    .with_context(|| format!("cannot create {}", served.data.display()))?;
                nmp_dataset::csv_into_sqlite(export, &served.data.join(DATABASE), "patients")
                    .context("cannot load the patients into SQLite")?;
                served.dataset.insert("format".into(), "sqlite".into());
            }
            (DemoSource::Postgres, Some(server)) => {
                let table = format!("patients_{}", name.replace('-', "_"));
                load_into_postgres(server, export, &table)?;
                served.data = home.join("snapshot");
                let host = server
                    .socket_dir()
                    .to_str()
                    .context("the PostgreSQL socket directory is not UTF-8")?;
                let source = toml::Table::from_iter([
                    ("host".to_owned(), host.into()),
                    ("port".to_owned(), i64::from(LOCAL_PORT).into()),
                    ("user".to_owned(), LOCAL_USER.into()),
                    ("dbname".to_owned(), "postgres".into()),
                    ("table".to_owned(), table.into()),
                ]);
                served.dataset.insert("format".into(), "postgres".into());
                served.dataset.insert("postgres".into(), source.into());
            }
            (DemoSource::Postgres, None) => anyhow::bail!("no PostgreSQL server was started"),
        }
        Ok(served)
    }

    /// The honest question: patients, mean age and mean cost per diagnosis.
    pub(super) fn honest(&self) -> Question {
        match self.kind {
            DemoSource::Sqlite => sql("query.wasm", SQL_QUESTION),
            DemoSource::Csv | DemoSource::Postgres => Question {
                name: "aggregate.wasm",
                wasm: AGGREGATE,
                input: QUESTION.as_bytes().to_vec(),
            },
        }
    }

    /// The exfiltration attempt: raw names, emails and SSNs.
    pub(super) fn exfiltration(&self) -> Question {
        match self.kind {
            DemoSource::Sqlite => sql("query.wasm (SELECT name, email, ssn)", SQL_EXFILTRATE),
            DemoSource::Csv | DemoSource::Postgres => Question {
                name: "exfiltrate.wasm",
                wasm: EXFILTRATE,
                input: Vec::new(),
            },
        }
    }
}

fn sql(name: &'static str, statement: &str) -> Question {
    Question {
        name,
        wasm: SQLITE,
        input: format!("{DATABASE_IN_GUEST}\n{statement}").into_bytes(),
    }
}

/// Creates `table` typed as the CSV files of `export` are inferred, and copies them in.
fn load_into_postgres(server: &LocalServer, export: &Path, table: &str) -> anyhow::Result<()> {
    let mut unused = nmp_egress::ValueIndex::builder();
    let schema = nmp_dataset::describe(Kind::Csv, export, &|_| false, &mut unused)
        .context("cannot read the exported patients")?;
    let columns: Vec<String> = schema
        .columns
        .iter()
        .map(|c| {
            format!(
                "\"{}\" {}",
                c.name.replace('"', "\"\""),
                postgres_type(c.ty)
            )
        })
        .collect();
    server
        .psql(&format!("CREATE TABLE {table} ({})", columns.join(", ")))
        .context("cannot create the patients table")?;
    for file in Kind::Csv.files(export).context("cannot list the export")? {
        let path = file.to_str().context("the export path is not UTF-8")?;
        server
            .psql(&format!(
                "\\copy {table} FROM '{}' WITH (FORMAT csv, HEADER true)",
                path.replace('\'', "''")
            ))
            .context("cannot copy the patients into PostgreSQL")?;
    }
    Ok(())
}

fn postgres_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer => "bigint",
        ColumnType::Float => "double precision",
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        _ => "text",
    }
}
