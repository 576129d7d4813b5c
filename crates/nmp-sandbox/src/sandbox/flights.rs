//! One compile per module at a time: concurrent misses on the same module wait for the first
//! instead of compiling it again (and using up the compile slots).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::cache::Key;

type Flight = Arc<Mutex<()>>;

/// The modules being prepared right now, each with a lock its preparer holds.
///
/// Holds one entry per module in preparation, so at most `max_concurrent_runs` entries.
#[derive(Debug, Default)]
pub(crate) struct Flights {
    in_progress: Mutex<HashMap<Key, Flight>>,
}

/// A place on the flight for one module; leaving is automatic on drop.
pub(crate) struct Ticket<'a> {
    flights: &'a Flights,
    key: Key,
    flight: Flight,
}

impl Flights {
    fn map(&self) -> MutexGuard<'_, HashMap<Key, Flight>> {
        // Every operation under the lock is a single map call; a panic cannot corrupt it.
        self.in_progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Joins (or starts) the flight for `key`.
    pub(crate) fn join(&self, key: Key) -> Ticket<'_> {
        let flight = Arc::clone(self.map().entry(key).or_default());
        Ticket {
            flights: self,
            key,
            flight,
        }
    }
}

impl Ticket<'_> {
    /// Waits until no one else prepares this module, then holds the turn.
    ///
    /// The holder gives it up within [`Config::compile_timeout`](crate::Config::compile_timeout)
    /// (its compile either finishes or is abandoned by then), so the wait is bounded.
    pub(crate) fn wait(&self) -> MutexGuard<'_, ()> {
        self.flight.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut map = self.flights.map();
        // The first to leave removes the entry; waiters still hold their own handle to the
        // lock, and a newcomer after removal starts a fresh flight and finds the cache filled.
        if map
            .get(&self.key)
            .is_some_and(|flight| Arc::ptr_eq(flight, &self.flight))
        {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_joiner_waits_for_the_first() {
        let flights = Flights::default();
        let first = flights.join([1; 32]);
        let turn = first.wait();
        let second = flights.join([1; 32]);
        assert!(
            second.flight.try_lock().is_err(),
            "the first holds the turn"
        );
        drop(turn);
        assert!(second.flight.try_lock().is_ok());
        drop(first);
        drop(second);
        assert!(flights.map().is_empty());
    }
}
