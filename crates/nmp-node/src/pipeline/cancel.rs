//! Running a job on a blocking thread that stops when its caller goes away.

use std::future::Future;

use nmp_sandbox::Cancel;
use tokio::task::JoinError;

/// Runs `work` on a blocking thread with a fresh [`Cancel`]. If `gone` completes first (the
/// caller went away), the token is cancelled and this still waits for `work` to return, so
/// whatever the caller holds for the job (a run slot) is released only once the guest has
/// stopped.
///
/// Dropping the returned future cancels `work` too, without waiting for it. Fails only when
/// `work` panicked.
pub(crate) async fn spawn_cancellable<T, W>(
    gone: impl Future<Output = ()>,
    work: W,
) -> Result<T, JoinError>
where
    T: Send + 'static,
    W: FnOnce(&Cancel) -> T + Send + 'static,
{
    // Cancelling once `work` has returned changes nothing, so the guard fires on every exit.
    let cancel = CancelOnDrop(Cancel::new());
    let token = cancel.0.clone();
    let mut task = tokio::task::spawn_blocking(move || work(&token));
    tokio::select! {
        joined = &mut task => joined,
        () = gone => {
            cancel.0.cancel();
            task.await
        }
    }
}

/// Cancels its token when dropped.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn the_work_sees_the_cancel_when_the_caller_goes() {
        // Bounded: a token that never fires fails the test after about 10 s.
        let waited = spawn_cancellable(std::future::ready(()), |cancel: &Cancel| {
            (0..10_000).any(|_| {
                std::thread::sleep(Duration::from_millis(1));
                cancel.is_cancelled()
            })
        });
        assert!(waited.await.unwrap());
    }

    #[tokio::test]
    async fn dropping_the_future_cancels_the_work() {
        let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let waiting = tokio::spawn(spawn_cancellable(std::future::pending(), move |cancel| {
            let _ = started_tx.send(());
            let seen = (0..10_000).any(|_| {
                std::thread::sleep(Duration::from_millis(1));
                cancel.is_cancelled()
            });
            let _ = seen_tx.send(seen);
        }));
        started_rx.await.unwrap();
        waiting.abort();
        assert!(seen_rx.await.unwrap());
    }

    #[tokio::test]
    async fn work_that_ends_first_is_not_cancelled() {
        let done = spawn_cancellable(std::future::pending(), |cancel: &Cancel| {
            cancel.is_cancelled()
        });
        assert!(!done.await.unwrap());
    }
}
