//! `/nmp/info/1`: a `DescribeRequest` frame in, a `SignedCapabilityDocument` frame out.

use std::io;

use futures::{AsyncRead, AsyncWrite};
use libp2p::request_response::ResponseChannel;
use libp2p::{PeerId, StreamProtocol};
use nmp_wire::pb;
use tokio::sync::mpsc;

use crate::codec;
use crate::error::Error;
use crate::mesh::Command;

/// The protocol name of the describe exchange.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/nmp/info/1");

/// Largest `/nmp/info/1` request frame: 1 KiB. A `DescribeRequest` has no fields today; a
/// larger frame is refused from its length prefix alone ([`FrameError::TooLarge`]), before any
/// body byte is read or buffered.
///
/// [`FrameError::TooLarge`]: crate::FrameError::TooLarge
pub const MAX_REQUEST_BYTES: usize = 1024;

/// The `request_response` codec of `/nmp/info/1`: one request frame of at most
/// [`MAX_REQUEST_BYTES`] (or `max_frame_bytes` when smaller), one response frame (the signed
/// capability document) of at most `max_frame_bytes`.
#[derive(Debug, Clone)]
pub(crate) struct Codec {
    pub(crate) max_frame_bytes: usize,
}

impl Codec {
    fn max_request_bytes(&self) -> usize {
        MAX_REQUEST_BYTES.min(self.max_frame_bytes)
    }
}

impl libp2p::request_response::Codec for Codec {
    type Protocol = StreamProtocol;
    type Request = pb::DescribeRequest;
    type Response = pb::SignedCapabilityDocument;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Self::Request>
    where
        T: AsyncRead + Unpin + Send,
    {
        Ok(codec::read_message(io, self.max_request_bytes()).await?)
    }

    async fn read_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Self::Response>
    where
        T: AsyncRead + Unpin + Send,
    {
        Ok(codec::read_message(io, self.max_frame_bytes).await?)
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Self::Request,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        Ok(codec::write_message(io, &request, self.max_request_bytes()).await?)
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Self::Response,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        Ok(codec::write_message(io, &response, self.max_frame_bytes).await?)
    }
}

/// One inbound describe request, waiting for the node's answer.
///
/// Dropping it without calling [`InfoRequest::respond`] fails the request on the asking
/// peer's side; nothing else is affected.
#[derive(Debug)]
pub struct InfoRequest {
    pub(crate) peer: PeerId,
    pub(crate) channel: ResponseChannel<pb::SignedCapabilityDocument>,
    pub(crate) commands: mpsc::Sender<Command>,
}

impl InfoRequest {
    /// The peer that asked.
    pub fn peer(&self) -> PeerId {
        self.peer
    }

    /// Sends `document` back to the asking peer.
    ///
    /// Fails with [`Error::Shutdown`] when the mesh has stopped. Delivery is best effort: a
    /// peer that has gone away simply does not receive it.
    pub async fn respond(self, document: pb::SignedCapabilityDocument) -> Result<(), Error> {
        let command = Command::Respond {
            channel: self.channel,
            document,
        };
        self.commands
            .send(command)
            .await
            .map_err(|_| Error::Shutdown)
    }
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;
    use futures::io::Cursor;
    use libp2p::request_response::Codec as _;

    use super::*;

    fn read_request(wire: &[u8]) -> io::Result<pb::DescribeRequest> {
        let mut codec = Codec {
            max_frame_bytes: nmp_wire::limits::MAX_FRAME_BYTES,
        };
        block_on(codec.read_request(&PROTOCOL, &mut Cursor::new(wire)))
    }

    fn prefix(len: usize) -> Vec<u8> {
        let mut wire = Vec::new();
        prost::encoding::encode_varint(len as u64, &mut wire);
        wire
    }

    #[test]
    fn a_request_frame_at_the_limit_is_read_and_one_past_it_is_refused() {
        // At the limit: a frame of MAX_REQUEST_BYTES unknown-field bytes (field 15, bytes)
        // decodes as an empty request.
        let body_len = MAX_REQUEST_BYTES - 3;
        let mut body = vec![0x7a];
        prost::encoding::encode_varint(body_len as u64, &mut body);
        body.resize(MAX_REQUEST_BYTES, 0);
        let mut wire = prefix(MAX_REQUEST_BYTES);
        wire.extend(&body);
        assert_eq!(read_request(&wire).unwrap(), pb::DescribeRequest {});

        // Past it, and far past it (the old 24 MiB frame limit): refused from the prefix,
        // with no body sent at all.
        for len in [MAX_REQUEST_BYTES + 1, nmp_wire::limits::MAX_FRAME_BYTES] {
            let error = read_request(&prefix(len)).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
            assert!(error.to_string().contains("exceeds"), "{error}");
        }
    }
}
