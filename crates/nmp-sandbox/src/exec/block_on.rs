//! Drives one future to completion on the calling thread.
//!
//! Tokio's own `block_on` panics when called from inside a runtime, and the node may call
//! [`Sandbox::run`](crate::Sandbox::run) from `spawn_blocking` or even (unwisely) from a task.
//! This executor parks the calling thread between polls instead, while the sandbox's own
//! runtime (entered for the duration) fires timers and runs blocking file I/O.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on this thread until it is ready, parking between wake-ups.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake-up before this park leaves the token set, so nothing is lost; a spurious
        // return only costs one extra poll.
        thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_and_woken_futures_complete() {
        assert_eq!(block_on(async { 7 }), 7);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let sender = thread::spawn(move || tx.send(9));
        assert_eq!(block_on(rx).unwrap(), 9);
        sender.join().unwrap().unwrap();
    }
}
