//! A served dataset and what the node computed about it (commitment, schema, row count, value
//! index), and re-computing those when its files change.

use std::sync::{PoisonError, RwLock};

use nmp_wire::pb;

use super::{Error, Served, Service, schema};
use crate::{Commitment, Dataset, dataset::Listing};

/// A dataset with what was computed about it, at start-up or at its last re-commitment.
#[derive(Debug)]
pub(super) struct Mounted {
    pub(super) served: Served,
    /// The owner's privacy controls on this dataset, when it has any.
    pub(super) protected: Option<crate::Protected>,
    facts: RwLock<Facts>,
}

/// What the node publishes and receipts bind about one dataset, and the file listing it was
/// computed from.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub(super) commitment: Commitment,
    pub(super) columns: Vec<pb::Column>,
    pub(super) rows: u64,
    /// The dataset with the index of its restricted values, as jobs mount and filter it.
    pub(super) dataset: Dataset,
    listing: Listing,
}

impl Mounted {
    /// Computes the dataset's facts: reads every file once.
    pub(super) fn new(served: Served, egress: &nmp_egress::Scanner) -> Result<Self, Error> {
        let listing = served.dataset.listing()?;
        let facts = Facts::compute(&served, egress, listing)?;
        Ok(Self {
            served,
            protected: None,
            facts: RwLock::new(facts),
        })
    }

    /// The dataset under the owner's privacy controls (`None`: none).
    pub(super) fn protect(mut self, protected: Option<crate::Protected>) -> Self {
        self.protected = protected;
        self
    }

    /// The current facts (a copy; the lock is not held).
    pub(super) fn facts(&self) -> Facts {
        self.facts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The dataset as of its last commitment, with its value index.
    pub(super) fn dataset(&self) -> Dataset {
        self.facts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .dataset
            .clone()
    }

    /// The current commitment.
    pub(super) fn commitment(&self) -> Commitment {
        self.facts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .commitment
    }

    /// Re-computes the facts when the file listing (paths, sizes, modification times) differs
    /// from the one they were computed from, and swaps them in. `Ok(true)` when they changed.
    /// Costs one `stat` per file, plus a full read when the listing changed.
    fn refresh(&self, egress: &nmp_egress::Scanner) -> Result<bool, Error> {
        let listing = self.served.dataset.listing()?;
        let unchanged = self
            .facts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .listing
            == listing;
        if unchanged {
            return Ok(false);
        }
        // Listed before hashing: a file changing while it is hashed shows at the next check.
        let facts = Facts::compute(&self.served, egress, listing)?;
        *self.facts.write().unwrap_or_else(PoisonError::into_inner) = facts;
        Ok(true)
    }
}

impl Facts {
    fn compute(
        served: &Served,
        egress: &nmp_egress::Scanner,
        listing: Listing,
    ) -> Result<Self, Error> {
        let commitment = served.dataset.commitment()?;
        // The filter's own rule: the document's flags and the filter cannot disagree.
        let restricted = |column: &str| egress.is_restricted_key(column);
        let csv = served.format.eq_ignore_ascii_case("csv");
        let (columns, rows) = if csv {
            schema::infer(served.dataset.path(), restricted).map_err(|source| Error::Schema {
                name: served.dataset.name().to_owned(),
                source,
            })?
        } else {
            (Vec::new(), 0)
        };
        // The columns the document flags restricted, and the configured value columns.
        let dataset = if csv {
            served.dataset.indexed(restricted)?
        } else {
            served.dataset.clone()
        };
        Ok(Self {
            commitment,
            columns,
            rows,
            dataset,
            listing,
        })
    }
}

impl Service {
    /// Re-commits every dataset whose files changed (by path, size or modification time) since
    /// its last commitment: a new commitment, schema and row count, which receipts of requests
    /// admitted afterwards bind and the next capability document publishes. Returns how many
    /// datasets changed.
    ///
    /// Blocking: one `stat` per file, and a full read of each changed dataset; call it from a
    /// blocking thread. A dataset that cannot be read keeps its last commitment and the failure
    /// is logged. A change that keeps every size and modification time is not seen.
    pub fn refresh_datasets(&self) -> usize {
        let mut changed = 0;
        for mounted in self.capabilities.values().flatten() {
            let dataset = mounted.served.dataset.name();
            match mounted.refresh(self.pipeline.egress()) {
                Ok(false) => {}
                Ok(true) => {
                    changed += 1;
                    self.metrics.commitment();
                    let facts = mounted.facts();
                    tracing::info!(
                        dataset,
                        commitment = %hex::encode(facts.commitment.sha256),
                        files = facts.commitment.files,
                        rows = facts.rows,
                        "dataset re-committed"
                    );
                }
                Err(error) => {
                    tracing::warn!(dataset, error = ?error, "dataset not re-committed");
                }
            }
        }
        changed
    }
}
