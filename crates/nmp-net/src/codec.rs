//! Length-delimited protobuf framing shared by every `nmp.v1` libp2p protocol.
//!
//! A frame is an unsigned LEB128 varint length followed by that many bytes of one encoded
//! message. The length is checked against the caller's maximum before any buffer is allocated,
//! and the body buffer then grows as bytes arrive (starting at [`INITIAL_BODY_CAPACITY`]), so a
//! peer that announces a large frame and sends little costs only what it sent. A node's reader
//! charges that growth to its inbound [`Budget`](crate::Budget) ([`read_frame_charged`]).

use std::io;

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use prost::Message;
use unsigned_varint as varint;

use crate::budget::{Charge, Exhausted};

/// Capacity reserved for a frame body once its length is read: 64 KiB (or the frame's length
/// when smaller). Larger bodies double the buffer each time the bytes read have filled it.
pub const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The stream ended cleanly before the first byte of a frame; nothing was lost.
    #[error("stream closed")]
    Closed,
    /// The announced length exceeds the limit; nothing beyond the length prefix was read.
    #[error("frame of {len} bytes exceeds the {max}-byte limit")]
    TooLarge {
        /// The length the peer announced.
        len: u64,
        /// The limit in force.
        max: usize,
    },
    /// The stream ended inside a frame (in its length prefix or its body).
    #[error("stream ended inside a frame")]
    Truncated,
    /// The length prefix is not a minimal unsigned varint of at most nine bytes (63 bits).
    #[error("malformed length prefix")]
    BadLength,
    /// The inbound byte budget (node-wide, or this origin's share) refused the frame's next
    /// bytes; the rest of the frame was not read.
    #[error("inbound byte budget exhausted")]
    OverBudget(#[source] Exhausted),
    /// The frame body is not the expected protobuf message.
    #[error("malformed message")]
    Malformed(#[source] prost::DecodeError),
    /// The underlying stream failed.
    #[error("stream i/o failed")]
    Io(#[source] io::Error),
}

impl From<io::Error> for FrameError {
    fn from(err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::UnexpectedEof {
            Self::Truncated
        } else {
            Self::Io(err)
        }
    }
}

impl From<FrameError> for io::Error {
    fn from(err: FrameError) -> Self {
        match err {
            FrameError::Io(err) => err,
            FrameError::Closed | FrameError::Truncated => {
                io::Error::new(io::ErrorKind::UnexpectedEof, err)
            }
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

/// Encodes `message` as one frame: varint length, then the message bytes.
pub fn encode<M: Message>(message: &M) -> Vec<u8> {
    message.encode_length_delimited_to_vec()
}

/// Reads one frame body of at most `max` bytes.
///
/// Returns [`FrameError::Closed`] when the stream ends before the first byte. Cancel-safe only
/// between frames: dropping the future mid-frame leaves the stream unusable.
pub async fn read_frame<R: AsyncRead + Unpin>(
    io: &mut R,
    max: usize,
) -> Result<Vec<u8>, FrameError> {
    read_growing(io, max, |_| Ok(())).await
}

/// Reads one frame body of at most `max` bytes, charging its buffer to `charge` as it grows.
///
/// The buffer, and the charge with it, is [`INITIAL_BODY_CAPACITY`] (or the announced length
/// when smaller) once the length prefix is read, and doubles only when the bytes read have
/// filled it, never past the announced length: a frame holds at most twice what has arrived,
/// or the first 64 KiB. A growth the budget refuses ends the read at once with
/// [`FrameError::OverBudget`]; what was charged stays charged until `charge` is dropped.
/// Otherwise as [`read_frame`].
pub async fn read_frame_charged<R: AsyncRead + Unpin>(
    io: &mut R,
    max: usize,
    charge: &mut Charge,
) -> Result<Vec<u8>, FrameError> {
    read_growing(io, max, |bytes| {
        charge
            .grow(u64::try_from(bytes).unwrap_or(u64::MAX))
            .map_err(FrameError::OverBudget)
    })
    .await
}

/// Reads one frame, asking `grow` before the body buffer grows by that many bytes.
async fn read_growing<R: AsyncRead + Unpin>(
    io: &mut R,
    max: usize,
    mut grow: impl FnMut(usize) -> Result<(), FrameError>,
) -> Result<Vec<u8>, FrameError> {
    let len = read_length(io).await?;
    let Some(len) = usize::try_from(len).ok().filter(|len| *len <= max) else {
        return Err(FrameError::TooLarge { len, max });
    };
    let mut body = Vec::new();
    let mut filled = 0;
    while filled < len {
        if filled == body.len() {
            let size = body
                .len()
                .saturating_mul(2)
                .clamp(INITIAL_BODY_CAPACITY.min(len), len);
            grow(size - body.len())?;
            body.resize(size, 0);
        }
        match io.read(&mut body[filled..]).await? {
            0 => return Err(FrameError::Truncated),
            read => filled += read,
        }
    }
    Ok(body)
}

/// Reads one frame of at most `max` bytes and decodes it as `M`.
pub async fn read_message<M, R>(io: &mut R, max: usize) -> Result<M, FrameError>
where
    M: Message + Default,
    R: AsyncRead + Unpin,
{
    let body = read_frame(io, max).await?;
    M::decode(body.as_slice()).map_err(FrameError::Malformed)
}

/// Writes `message` as one frame and flushes; refuses messages longer than `max` bytes.
pub async fn write_message<M, W>(io: &mut W, message: &M, max: usize) -> Result<(), FrameError>
where
    M: Message,
    W: AsyncWrite + Unpin,
{
    let len = message.encoded_len();
    if len > max {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    io.write_all(&encode(message)).await?;
    io.flush().await?;
    Ok(())
}

/// The longest length prefix read: 9 bytes, 63 bits, the limit of multiformats' unsigned
/// varint (and far past any frame limit).
const MAX_PREFIX_BYTES: usize = 9;

/// Reads the length prefix a byte at a time (never past it) and decodes it with
/// `unsigned-varint`, which refuses a non-minimal encoding (a trailing `0x00` group, such as
/// `0x80 0x00` for zero); a prefix still unfinished after [`MAX_PREFIX_BYTES`] is refused too.
async fn read_length<R: AsyncRead + Unpin>(io: &mut R) -> Result<u64, FrameError> {
    let mut prefix = [0u8; MAX_PREFIX_BYTES];
    for index in 0..MAX_PREFIX_BYTES {
        if io.read(&mut prefix[index..=index]).await? == 0 {
            return Err(if index == 0 {
                FrameError::Closed
            } else {
                FrameError::Truncated
            });
        }
        if varint::decode::is_last(prefix[index]) {
            let (len, _) =
                varint::decode::u64(&prefix[..=index]).map_err(|_| FrameError::BadLength)?;
            return Ok(len);
        }
    }
    Err(FrameError::BadLength)
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use futures::io::Cursor;
    use nmp_wire::pb;
    use proptest::prelude::*;

    use super::*;
    use crate::{Budget, Origin};

    fn read(bytes: &[u8], max: usize) -> Result<Vec<u8>, FrameError> {
        block_on(read_frame(&mut Cursor::new(bytes), max))
    }

    proptest! {
        #[test]
        fn round_trip(request_id in proptest::collection::vec(any::<u8>(), 0..64),
                      capability in "[a-z./]{0,40}") {
            let message = pb::LogicRequest { request_id, capability, ..Default::default() };
            let mut wire = Vec::new();
            block_on(write_message(&mut Cursor::new(&mut wire), &message, 1 << 20)).unwrap();
            prop_assert_eq!(wire.clone(), encode(&message));
            let decoded: pb::LogicRequest =
                block_on(read_message(&mut Cursor::new(&wire), 1 << 20)).unwrap();
            prop_assert_eq!(decoded, message);
        }

        #[test]
        fn hostile_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = block_on(read_message::<pb::LogicRequest, _>(&mut Cursor::new(&bytes), 128));
        }

        #[test]
        fn truncated_body_is_truncated(len in 1usize..200, cut in 0usize..200) {
            let cut = cut % len;
            let mut wire = encode_len(len as u64);
            wire.extend(std::iter::repeat_n(0u8, cut));
            prop_assert!(matches!(read(&wire, 1024), Err(FrameError::Truncated)));
        }
    }

    fn encode_len(len: u64) -> Vec<u8> {
        let mut out = Vec::new();
        prost::encoding::encode_varint(len, &mut out);
        out
    }

    #[test]
    fn empty_stream_is_closed() {
        assert!(matches!(read(&[], 16), Err(FrameError::Closed)));
    }

    #[test]
    fn oversized_length_is_refused_before_reading() {
        let wire = encode_len(1 << 40);
        assert!(matches!(
            read(&wire, 16),
            Err(FrameError::TooLarge {
                len: 0x100_0000_0000,
                max: 16
            })
        ));
        let wire = encode_len(17);
        assert!(matches!(
            read(&wire, 16),
            Err(FrameError::TooLarge { len: 17, .. })
        ));
    }

    #[test]
    fn overlong_varint_is_bad_length() {
        assert!(matches!(read(&[0xff; 11], 16), Err(FrameError::BadLength)));
        let mut tenth_byte = vec![0xff; 9];
        tenth_byte.push(0x01);
        assert!(matches!(read(&tenth_byte, 16), Err(FrameError::BadLength)));
    }

    #[test]
    fn the_longest_varint_is_read_and_one_byte_more_is_refused() {
        // 2^63 - 1 takes exactly nine bytes: at the boundary it decodes (and is then too
        // large); 2^63 takes ten and is refused before its tenth byte is read.
        let longest = encode_len(i64::MAX as u64);
        assert_eq!(longest.len(), MAX_PREFIX_BYTES);
        assert!(matches!(
            read(&longest, 16),
            Err(FrameError::TooLarge { len, .. }) if len == i64::MAX as u64
        ));
        let past = encode_len(1 << 63);
        assert_eq!(past.len(), MAX_PREFIX_BYTES + 1);
        assert!(matches!(read(&past, 16), Err(FrameError::BadLength)));
    }

    #[test]
    fn a_non_minimal_length_is_refused() {
        // Minimal encodings at each width boundary read; the same values padded with a
        // `0x80 ... 0x00` continuation do not.
        for len in [0u64, 1, 127, 128, 16_383, 16_384] {
            let mut wire = frame_of(len as usize);
            let prefix = encode_len(len).len();
            assert_eq!(read(&wire, 1 << 20).unwrap().len(), len as usize);
            wire[prefix - 1] |= 0x80;
            wire.insert(prefix, 0x00);
            assert!(
                matches!(read(&wire, 1 << 20), Err(FrameError::BadLength)),
                "{len} padded"
            );
        }
        assert!(matches!(
            read(&[0x80, 0x00], 16),
            Err(FrameError::BadLength)
        ));
    }

    #[test]
    fn bodies_longer_than_the_initial_capacity_are_read_whole_or_truncated() {
        // 20 MiB announced, 10 bytes sent: truncated (the buffer only grew to what arrived).
        let mut wire = encode_len(20 * 1024 * 1024);
        wire.extend([0u8; 10]);
        assert!(matches!(
            read(&wire, 24 * 1024 * 1024),
            Err(FrameError::Truncated)
        ));
        let mut wire = encode_len(INITIAL_BODY_CAPACITY as u64 * 3);
        wire.extend(vec![7u8; INITIAL_BODY_CAPACITY * 3]);
        assert_eq!(
            read(&wire, usize::MAX).unwrap().len(),
            INITIAL_BODY_CAPACITY * 3
        );
    }

    fn read_charged(bytes: &[u8], charge: &mut Charge) -> Result<Vec<u8>, FrameError> {
        block_on(read_frame_charged(
            &mut Cursor::new(bytes),
            usize::MAX,
            charge,
        ))
    }

    fn frame_of(len: usize) -> Vec<u8> {
        let mut wire = encode_len(len as u64);
        wire.resize(wire.len() + len, 9);
        wire
    }

    #[test]
    fn a_charged_read_charges_what_arrived_not_what_was_announced() {
        let budget = Budget::new(1 << 30, 1 << 30);
        let mut charge = budget.charge(Origin::UNKNOWN);
        // 20 MiB announced, 100 KiB sent: the buffer grew to 128 KiB, and so did the charge.
        let mut wire = encode_len(20 << 20);
        wire.resize(wire.len() + 100 * 1024, 1);
        assert!(matches!(
            read_charged(&wire, &mut charge),
            Err(FrameError::Truncated)
        ));
        assert_eq!(charge.bytes(), 128 * 1024);
        // A frame whose length is not a power of two is charged its exact length at the end.
        let mut whole = budget.charge(Origin::UNKNOWN);
        let len = 3 * INITIAL_BODY_CAPACITY + 5;
        assert_eq!(read_charged(&frame_of(len), &mut whole).unwrap().len(), len);
        assert_eq!(whole.bytes(), len as u64);
        drop((charge, whole));
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn a_charged_read_fits_its_budget_exactly_and_fails_one_byte_past_it() {
        let limit = 2 * INITIAL_BODY_CAPACITY;
        let budget = Budget::new(limit as u64, limit as u64);
        let mut at = budget.charge(Origin::UNKNOWN);
        assert_eq!(
            read_charged(&frame_of(limit), &mut at).unwrap().len(),
            limit
        );
        drop(at);
        let mut past = budget.charge(Origin::UNKNOWN);
        let result = read_charged(&frame_of(limit + 1), &mut past);
        assert!(
            matches!(
                result,
                Err(FrameError::OverBudget(Exhausted::Origin { .. }))
            ),
            "{result:?}"
        );
        assert_eq!(past.bytes(), limit as u64, "what was read stays charged");
        drop(past);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn truncated_prefix_is_truncated() {
        assert!(matches!(read(&[0x80], 16), Err(FrameError::Truncated)));
    }

    #[test]
    fn garbage_body_is_malformed() {
        let mut wire = encode_len(3);
        wire.extend([0xff, 0xff, 0xff]);
        let result = block_on(read_message::<pb::LogicRequest, _>(
            &mut Cursor::new(&wire),
            16,
        ));
        assert!(matches!(result, Err(FrameError::Malformed(_))));
    }

    #[test]
    fn oversized_write_is_refused() {
        let message = pb::LogicRequest {
            request_id: vec![1; 32],
            ..Default::default()
        };
        let result = block_on(write_message(&mut Cursor::new(Vec::new()), &message, 8));
        assert!(matches!(result, Err(FrameError::TooLarge { .. })));
    }
}
