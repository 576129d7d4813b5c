//! A non-blocking counting gate: at most `max` holders at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Admits at most `max` concurrent [`Permit`]s; never queues.
#[derive(Debug)]
pub(crate) struct Gate {
    in_flight: Arc<AtomicUsize>,
    max: usize,
}

/// One admission; dropping it frees the slot. It may move to another thread.
#[derive(Debug)]
pub(crate) struct Permit {
    in_flight: Arc<AtomicUsize>,
}

impl Gate {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            in_flight: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }

    /// The configured maximum.
    pub(crate) fn max(&self) -> usize {
        self.max
    }

    /// A permit if fewer than `max` are held, else `None`.
    pub(crate) fn try_acquire(&self) -> Option<Permit> {
        self.in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Permit {
                in_flight: Arc::clone(&self.in_flight),
            })
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_max_and_frees_on_drop() {
        let gate = Gate::new(2);
        let a = gate.try_acquire().unwrap();
        let _b = gate.try_acquire().unwrap();
        assert!(gate.try_acquire().is_none());
        drop(a);
        assert!(gate.try_acquire().is_some());
    }
}
