//! `/nmp/logic/1` and `/nmp/info/1` frame readers: any bytes, delivered in chunks of any size,
//! end in a frame or a typed [`FrameError`], never a panic; how the bytes are chunked never
//! changes the result; a charged read holds at most its origin's share and gives it all back.
//!
//! The first input byte picks the chunk size (1..=256 bytes per read); the rest is the stream.
//! The node side reads a `LogicRequest` (charged, as the logic listener does) and then `Cancel`
//! frames, and a `DescribeRequest` at the info protocol's limit; the agent side reads
//! `LogicResponse` frames and a `SignedCapabilityDocument`, which it verifies.
//!
//! `cargo +nightly fuzz run frame_read`
#![no_main]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::AsyncRead;
use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use nmp_crypto::capability;
use nmp_net::codec::{self, FrameError};
use nmp_net::{Budget, MAX_INFO_REQUEST_BYTES, Origin};
use nmp_wire::{limits::MAX_FRAME_BYTES, pb};
use prost::Message;

/// The node-wide budget and the origin's share for one fuzz input.
const BUDGET: u64 = 512 * 1024;
const SHARE: u64 = 192 * 1024;
/// At most this many frames read from one stream.
const MAX_FRAMES: usize = 64;

/// A stream that returns at most `step` bytes per read.
struct Chunked<'a> {
    data: &'a [u8],
    step: usize,
}

impl AsyncRead for Chunked<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let n = buf.len().min(self.step).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Poll::Ready(Ok(n))
    }
}

/// What a read ended in, comparable across chunkings.
fn outcome(result: &Result<Vec<u8>, FrameError>) -> Result<&[u8], String> {
    result.as_deref().map_err(ToString::to_string)
}

fn frames(stream: &[u8], step: usize, max: usize) -> Vec<Result<Vec<u8>, String>> {
    let mut io = Chunked { data: stream, step };
    let mut out = Vec::new();
    while out.len() < MAX_FRAMES {
        let frame = block_on(codec::read_frame(&mut io, max));
        let end = frame.is_err();
        out.push(frame.map_err(|e| e.to_string()));
        if end {
            break;
        }
    }
    out
}

fn node_side(stream: &[u8], step: usize) {
    let budget = Budget::new(BUDGET, SHARE);
    let mut charge = budget.charge(Origin::UNKNOWN);
    let mut io = Chunked { data: stream, step };
    let first = block_on(codec::read_frame_charged(
        &mut io,
        MAX_FRAME_BYTES,
        &mut charge,
    ));
    assert!(charge.bytes() <= SHARE, "charged past the origin's share");
    match &first {
        Ok(body) => {
            assert_eq!(
                charge.bytes(),
                body.len() as u64,
                "a whole frame is charged its length"
            );
            // As the logic listener does; a decoded request may re-encode longer than it came
            // (an `int32` sent in fewer than its ten sign-extended bytes), so no size check here.
            let _ = pb::LogicRequest::decode(body.as_slice());
            for _ in 0..MAX_FRAMES {
                if block_on(codec::read_message::<pb::Cancel, _>(
                    &mut io,
                    MAX_FRAME_BYTES,
                ))
                .is_err()
                {
                    break;
                }
            }
        }
        Err(FrameError::OverBudget(_)) => {}
        Err(_) => {}
    }
    // The same bytes read whole, uncharged, end the same way unless the budget stopped them.
    let whole = block_on(codec::read_frame(
        &mut Chunked {
            data: stream,
            step: usize::MAX,
        },
        MAX_FRAME_BYTES,
    ));
    if !matches!(first, Err(FrameError::OverBudget(_))) {
        assert_eq!(
            outcome(&first),
            outcome(&whole),
            "charging changed the result"
        );
    }
    drop(charge);
    assert_eq!(budget.used(), 0, "a dropped charge gives its bytes back");

    let mut io = Chunked { data: stream, step };
    let _ = block_on(codec::read_message::<pb::DescribeRequest, _>(
        &mut io,
        MAX_INFO_REQUEST_BYTES,
    ));
}

fn agent_side(stream: &[u8], step: usize) {
    let mut io = Chunked { data: stream, step };
    for _ in 0..MAX_FRAMES {
        if block_on(codec::read_message::<pb::LogicResponse, _>(
            &mut io,
            MAX_FRAME_BYTES,
        ))
        .is_err()
        {
            break;
        }
    }
    let mut io = Chunked { data: stream, step };
    if let Ok(document) = block_on(codec::read_message::<pb::SignedCapabilityDocument, _>(
        &mut io,
        MAX_FRAME_BYTES,
    )) {
        let _ = capability::verify(&document, None, 0);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else {
        return;
    };
    let step = usize::from(first) + 1;
    assert_eq!(
        frames(stream, step, MAX_INFO_REQUEST_BYTES),
        frames(stream, usize::MAX, MAX_INFO_REQUEST_BYTES),
        "chunking changed the frames"
    );
    node_side(stream, step);
    agent_side(stream, step);
});
