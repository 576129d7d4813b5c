//! The background thread that advances the engine's epoch, so running guests check their
//! deadline every tick.

use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use wasmtime::Engine;

use crate::Error;

/// Owns the epoch thread; dropping it stops and joins the thread.
#[derive(Debug)]
pub(crate) struct Ticker {
    stop: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts incrementing `engine`'s epoch every `every`.
    pub(crate) fn start(engine: Engine, every: Duration) -> Result<Self, Error> {
        // Nothing is ever sent: dropping the sender is the stop signal.
        let (stop, stopped) = mpsc::sync_channel::<()>(1);
        let thread = thread::Builder::new()
            .name("nmp-sandbox-epoch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    engine.increment_epoch();
                }
            })
            .map_err(|source| Error::Io {
                what: "starting the epoch thread",
                source,
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // The loop only waits and increments a counter; it cannot panic.
            let _ = thread.join();
        }
    }
}
