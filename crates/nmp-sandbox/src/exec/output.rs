//! Capped capture of the guest's stdout and stderr.
//!
//! Wasmtime's `MemoryOutputPipe` answers a full buffer with `EIO`, which a guest may ignore and
//! carry on: output would be silently truncated and the guest would keep burning its time. This
//! capture instead stops the guest at the write that would cross the cap, keeps the bytes up to
//! the cap, and remembers the overflow so the run ends with `LimitExceeded(Stdout | Stderr)`.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};

/// One output stream's buffer and cap; clones share them.
#[derive(Debug, Clone)]
pub(crate) struct OutputCapture {
    shared: Arc<Mutex<Captured>>,
}

#[derive(Debug)]
struct Captured {
    bytes: Vec<u8>,
    cap: usize,
    overflowed: bool,
}

impl OutputCapture {
    pub(crate) fn new(cap: usize) -> Self {
        let captured = Captured {
            bytes: Vec::new(),
            cap,
            overflowed: false,
        };
        Self {
            shared: Arc::new(Mutex::new(captured)),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Captured) -> R) -> R {
        // A panic elsewhere cannot leave the buffer half-updated: every update is one extend.
        f(&mut self.shared.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Appends `data` if it fits; otherwise fills up to the cap, records the overflow and
    /// returns `false`.
    fn accept(&self, data: &[u8]) -> bool {
        self.with(|c| {
            let room = c.cap - c.bytes.len();
            if data.len() <= room {
                c.bytes.extend_from_slice(data);
                return true;
            }
            c.bytes.extend_from_slice(&data[..room]);
            c.overflowed = true;
            false
        })
    }

    /// Whether the guest tried to write past the cap.
    pub(crate) fn overflowed(&self) -> bool {
        self.with(|c| c.overflowed)
    }

    /// Everything captured so far.
    pub(crate) fn contents(&self) -> Vec<u8> {
        self.with(|c| c.bytes.clone())
    }
}

impl IsTerminal for OutputCapture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for OutputCapture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for OutputCapture {
    async fn ready(&mut self) {}
}

impl OutputStream for OutputCapture {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        if self.accept(&bytes) {
            Ok(())
        } else {
            Err(StreamError::trap("output limit exceeded"))
        }
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        // Permit one byte past the room left, so a guest that writes more than fits reaches
        // `write` and is stopped there, rather than being told to wait forever.
        Ok(self.with(|c| c.cap - c.bytes.len()).saturating_add(1))
    }
}

impl AsyncWrite for OutputCapture {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.accept(buf) {
            Poll::Ready(Ok(buf.len()))
        } else {
            Poll::Ready(Err(io::Error::other("output limit exceeded")))
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_up_to_the_cap_then_overflows() {
        let mut out = OutputCapture::new(5);
        out.write(Bytes::from_static(b"abc")).unwrap();
        assert!(!out.overflowed());
        assert_eq!(out.check_write().unwrap(), 3);
        assert!(out.write(Bytes::from_static(b"defg")).is_err());
        assert!(out.overflowed());
        assert_eq!(out.contents(), b"abcde");
    }

    #[test]
    fn exactly_the_cap_is_not_an_overflow() {
        let mut out = OutputCapture::new(3);
        out.write(Bytes::from_static(b"abc")).unwrap();
        assert!(!out.overflowed());
    }
}
