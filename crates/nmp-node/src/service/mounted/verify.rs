//! After a run: the files the guest read must still be the ones the receipt's commitment
//! names. The guest reads a dataset's live files (preopened read-only), so a file changed
//! between the commitment and the end of the run could give an answer the receipt misdescribes;
//! such an answer is withheld and the dataset re-committed.

use std::sync::{Arc, TryLockError};

use super::{Facts, Mounted};
use crate::Service;

impl Mounted {
    /// Whether the files still have the stamps `facts` were computed from (their listing read
    /// before hashing, so a change while they were hashed counts too). Blocking: one `stat`
    /// per file.
    fn still_holds(&self, facts: &Facts) -> bool {
        self.served
            .dataset
            .listing()
            .is_ok_and(|listing| listing == facts.listing)
    }
}

impl Service {
    /// The name of the first dataset of `capability` whose files changed since `facts` (one per
    /// dataset, in the capability's order) were computed, `None` when none did. A changed one
    /// is re-committed on another blocking thread (once, however many jobs find it changed),
    /// so that a request admitted afterwards binds its new contents. Blocking: one `stat` per
    /// file.
    pub(in crate::service) fn changed_since(
        self: &Arc<Self>,
        capability: &str,
        facts: &[Facts],
    ) -> Option<String> {
        let group = self.capabilities.get(capability)?;
        let index = group
            .iter()
            .zip(facts)
            .position(|(m, f)| !m.still_holds(f))?;
        let service = Arc::clone(self);
        let capability = capability.to_owned();
        tokio::task::spawn_blocking(move || {
            let Some(mounted) = service.capabilities.get(&capability).map(|g| &g[index]) else {
                return;
            };
            let _only = match mounted.recommitting.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            if let Some(result) = mounted.refresh(service.pipeline.egress()) {
                service.log_commitment(mounted, result);
            }
        });
        Some(group[index].served.dataset.name().to_owned())
    }
}
