//! [`Cancel`]: a caller's way to stop a run it no longer wants.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

/// A cancellation token for runs started with
/// [`Sandbox::run_cancellable`](crate::Sandbox::run_cancellable).
///
/// Clones share one state: calling [`Cancel::cancel`] on any clone, from any thread, stops
/// every run that holds one. A guest running wasm code is interrupted at the next epoch tick
/// ([`Config::epoch_tick`](crate::Config::epoch_tick)); a guest blocked in a host call (say,
/// sleeping in `poll_oneoff`) at once. The run then returns
/// [`Error::Cancelled`](crate::Error::Cancelled) and frees its slot. Cancelling is permanent
/// and idempotent; a token cancelled before the run starts stops it before the guest runs.
#[derive(Clone)]
pub struct Cancel(Arc<watch::Sender<bool>>);

impl Cancel {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }

    /// Cancels every run holding this token (or a clone of it). Never blocks.
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }

    /// `true` once [`Cancel::cancel`] has been called on this token or a clone.
    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes once the token is cancelled. Dropping it is safe.
    pub(crate) async fn cancelled(&self) {
        let mut seen = self.0.subscribe();
        // `wait_for` fails only when the sender is dropped, and `self` holds it.
        let _ = seen.wait_for(|&cancelled| cancelled).await;
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn a_clone_cancels_and_wakes_the_waiter() {
        let cancel = Cancel::new();
        assert!(!cancel.is_cancelled());
        let other = cancel.clone();
        let canceller = std::thread::spawn(move || other.cancel());
        block_on(cancel.cancelled());
        canceller.join().unwrap();
        assert!(cancel.is_cancelled());
        // Idempotent, and a completed wait completes again at once.
        cancel.cancel();
        block_on(cancel.cancelled());
    }
}
