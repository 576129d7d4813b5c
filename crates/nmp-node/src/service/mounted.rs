//! A served dataset and what the node computed about it (commitment, schema, row count, value
//! index), re-computing those when its files change, and the reason when they cannot be.

mod verify;

use std::sync::{Mutex, PoisonError, RwLock};

use nmp_dataset::{Kind, Snapshot};
use nmp_wire::pb;

use super::{Served, Service};
use crate::{Commitment, Dataset, DatasetError, dataset::Listing};

/// A dataset with what was computed about it, at start-up or at its last re-commitment.
#[derive(Debug)]
pub(super) struct Mounted {
    pub(super) served: Served,
    /// The owner's privacy controls on this dataset, when it has any.
    pub(super) protected: Option<crate::Protected>,
    state: RwLock<State>,
    /// Held while a job that found the files changed under it re-commits them, so that many
    /// such jobs start one re-commitment.
    recommitting: Mutex<()>,
}

/// Where a dataset stands: served with its facts, or not served and why.
#[derive(Debug, Clone, Default)]
pub(super) struct State {
    /// The facts of the last commitment, while they still describe the files; `None` while
    /// the dataset is not served (never committed, or its files changed and cannot be read).
    pub(super) facts: Option<Facts>,
    /// Why the last commitment or snapshot failed, fit to publish; `None` after a success.
    pub(super) error: Option<String>,
    /// The file listing the last attempt read.
    listing: Option<Listing>,
}

/// What the node publishes and receipts bind about one dataset.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub(super) commitment: Commitment,
    pub(super) columns: Vec<pb::Column>,
    pub(super) rows: u64,
    /// The dataset with the index of its restricted values, as jobs mount and filter it.
    pub(super) dataset: Dataset,
    /// For a PostgreSQL dataset, the snapshot the files hold, as documents and receipts name
    /// it: kept with the commitment, so that the two always change together.
    pub(super) snapshot: Option<pb::DatasetSnapshot>,
    /// The files' stamps, listed before they were hashed into the commitment: a run whose
    /// datasets no longer have them read other bytes than the commitment names.
    pub(super) listing: Listing,
}

impl Mounted {
    /// Computes the dataset's facts (reads every file once); a dataset that cannot be read is
    /// kept unserved with the reason, which is logged. A PostgreSQL dataset waits for its
    /// first snapshot ([`Service::record_snapshot`]).
    pub(super) fn new(served: Served, egress: &nmp_egress::Scanner) -> Self {
        let mounted = Self {
            served,
            protected: None,
            state: RwLock::new(State::default()),
            recommitting: Mutex::new(()),
        };
        if mounted.served.dataset.kind() != Kind::Postgres
            && let Err(error) = mounted.recommit(egress, None)
        {
            let dataset = mounted.served.dataset.name();
            tracing::error!(dataset, error = ?error, "dataset not served");
        }
        mounted
    }

    /// The dataset under the owner's privacy controls (`None`: none).
    pub(super) fn protect(mut self, protected: Option<crate::Protected>) -> Self {
        self.protected = protected;
        self
    }

    /// The current state (a copy; the lock is not held).
    pub(super) fn state(&self) -> State {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The current facts, `None` while the dataset is not served.
    pub(super) fn facts(&self) -> Option<Facts> {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .facts
            .clone()
    }

    /// Re-computes the facts when the file listing (paths, sizes, modification times) differs
    /// from the one last read, and swaps them in. `Some(Ok(()))` when they changed,
    /// `Some(Err(_))` when the files changed and cannot be described (the dataset is then not
    /// served), `None` when nothing changed. Costs one `stat` per file, plus a full read when
    /// the listing changed. A PostgreSQL dataset is looked at only once it has a snapshot.
    fn refresh(&self, egress: &nmp_egress::Scanner) -> Option<Result<(), DatasetError>> {
        let state = self.state();
        let snapshot = state.facts.as_ref().and_then(|f| f.snapshot.clone());
        if self.served.dataset.kind() == Kind::Postgres && snapshot.is_none() {
            return None;
        }
        let listing = self.served.dataset.listing().ok();
        if listing.is_some() && listing == state.listing {
            return None;
        }
        Some(self.recommit(egress, snapshot))
    }

    /// Reads the listing, then the files, and replaces the state: the new facts (naming
    /// `snapshot`, the database snapshot the files hold, if any), or none and the reason.
    /// Listed before hashing: a file changing while it is hashed shows at the next check.
    fn recommit(
        &self,
        egress: &nmp_egress::Scanner,
        snapshot: Option<pb::DatasetSnapshot>,
    ) -> Result<(), DatasetError> {
        let (listing, computed) = match self.served.dataset.listing() {
            Ok(listing) => (
                Some(listing.clone()),
                self.compute(egress, snapshot, listing),
            ),
            Err(error) => (None, Err(error)),
        };
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.listing = listing;
        match computed {
            Ok(facts) => {
                state.facts = Some(facts);
                state.error = None;
                Ok(())
            }
            Err(error) => {
                state.facts = None;
                state.error = Some(reason(&error));
                Err(error)
            }
        }
    }

    /// The commitment, then the schema, row count and value index, of the files as they are;
    /// `listing` is their stamps, read just before.
    fn compute(
        &self,
        egress: &nmp_egress::Scanner,
        snapshot: Option<pb::DatasetSnapshot>,
        listing: Listing,
    ) -> Result<Facts, DatasetError> {
        // The filter's own rule: the document's flags and the filter cannot disagree.
        let restricted = |column: &str| egress.is_restricted_key(column);
        let commitment = self.served.dataset.commitment()?;
        let (dataset, table) = self.served.dataset.described(restricted)?;
        let columns = table
            .columns
            .iter()
            .map(|c| pb::Column {
                name: c.qualified_name(),
                r#type: column_type(c.ty) as i32,
                restricted: restricted(&c.name),
            })
            .collect();
        Ok(Facts {
            commitment,
            columns,
            rows: table.rows,
            dataset,
            snapshot,
            listing,
        })
    }
}

/// Why a dataset is not served, fit to publish: what failed and in which file, never a host
/// directory or a library's message (which may quote data).
fn reason(error: &DatasetError) -> String {
    match error {
        DatasetError::Describe { source, .. } => source.summary(),
        DatasetError::Io { path, source, .. } => {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            format!("cannot read {file}: {}", source.kind())
        }
        DatasetError::Values { source, .. } => format!("cannot index its values: {source}"),
        DatasetError::TooLarge { what, .. } => format!("exceeds {what}"),
        other => other.to_string(),
    }
}

fn column_type(ty: nmp_dataset::ColumnType) -> pb::ColumnType {
    use nmp_dataset::ColumnType as T;
    match ty {
        T::Integer => pb::ColumnType::Integer,
        T::Float => pb::ColumnType::Float,
        T::Boolean => pb::ColumnType::Boolean,
        T::Date => pb::ColumnType::Date,
        _ => pb::ColumnType::String,
    }
}

impl Service {
    /// Re-commits every dataset whose files changed (by path, size, modification time, inode or
    /// status-change time) since its last commitment: a new commitment, schema and row count,
    /// which receipts of requests admitted afterwards bind and the next capability document publishes. A dataset whose
    /// changed files cannot be described stops being served until they can, and the next
    /// document says why. Returns how many datasets changed.
    ///
    /// Blocking: one `stat` per file, and a full read of each changed dataset; call it from a
    /// blocking thread. A change that keeps all of those is not seen: a write of the same size
    /// within the file system's timestamp granularity of the previous change.
    pub fn refresh_datasets(&self) -> usize {
        let egress = self.pipeline.egress();
        self.capabilities
            .values()
            .flatten()
            .filter_map(|mounted| Some((mounted, mounted.refresh(egress)?)))
            .map(|(mounted, result)| self.log_commitment(mounted, result))
            .count()
    }

    /// Records the outcome of a snapshot of the PostgreSQL dataset `name` served under
    /// `capability`: a snapshot taken is committed at once (the next document publishes its
    /// query, time and commitment); a failed one leaves the previous snapshot served, if any,
    /// and the document says why. Blocking like [`Service::refresh_datasets`]; does nothing
    /// for a dataset that is not served or not a PostgreSQL one. Returns whether a snapshot was
    /// committed.
    pub fn record_snapshot(
        &self,
        capability: &str,
        name: &str,
        taken: Result<Snapshot, nmp_dataset::Error>,
    ) -> bool {
        let Some(mounted) = self
            .capabilities
            .get(capability)
            .and_then(|group| group.iter().find(|m| m.served.dataset.name() == name))
            .filter(|m| m.served.dataset.kind() == Kind::Postgres)
        else {
            return false;
        };
        match taken {
            Ok(snapshot) => {
                let snapshot = pb::DatasetSnapshot {
                    source: Kind::Postgres.label().to_owned(),
                    query: snapshot.query,
                    taken_at_ms: snapshot.taken_at_ms,
                };
                // Only a committed snapshot is published: it lives in the facts.
                let result = mounted.recommit(self.pipeline.egress(), Some(snapshot));
                let committed = result.is_ok();
                self.log_commitment(mounted, result);
                committed
            }
            Err(error) => {
                tracing::warn!(dataset = name, error = ?error, "snapshot not taken");
                let mut state = mounted
                    .state
                    .write()
                    .unwrap_or_else(PoisonError::into_inner);
                state.error = Some(error.summary());
                false
            }
        }
    }

    fn log_commitment(&self, mounted: &Mounted, result: Result<(), DatasetError>) {
        let dataset = mounted.served.dataset.name();
        match (result, mounted.facts()) {
            (Ok(()), Some(facts)) => {
                self.metrics.commitment();
                tracing::info!(
                    dataset,
                    commitment = %hex::encode(facts.commitment.sha256),
                    files = facts.commitment.files,
                    rows = facts.rows,
                    "dataset committed"
                );
            }
            (Err(error), _) => {
                tracing::error!(dataset, error = ?error, "dataset not served");
            }
            (Ok(()), None) => {}
        }
    }
}
