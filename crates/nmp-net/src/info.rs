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

/// The `request_response` codec of `/nmp/info/1`: one frame each way, each at most
/// `max_frame_bytes`.
#[derive(Debug, Clone)]
pub(crate) struct Codec {
    pub(crate) max_frame_bytes: usize,
}

impl libp2p::request_response::Codec for Codec {
    type Protocol = StreamProtocol;
    type Request = pb::DescribeRequest;
    type Response = pb::SignedCapabilityDocument;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Self::Request>
    where
        T: AsyncRead + Unpin + Send,
    {
        Ok(codec::read_message(io, self.max_frame_bytes).await?)
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
        Ok(codec::write_message(io, &request, self.max_frame_bytes).await?)
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
