//! `/nmp/info/1` on a real Data Node on loopback (issue 10, item 10): the describe protocol has
//! its own frame limit (1 KiB, not the 24 MiB of a logic request), checked from the length
//! prefix. A request at the limit is answered with the signed document; one byte past it is
//! refused before its body is read, and the node still describes itself to an honest agent.

use std::time::Duration;

use futures::{AsyncReadExt as _, AsyncWriteExt as _};
use nmp_net::{INFO_PROTOCOL, MAX_INFO_REQUEST_BYTES};
use nmp_node::Node;
use nmp_wire::pb;
use prost::Message as _;

use crate::{
    hostile::raw_peer,
    mesh::{DEADLINE, mesh_with_node, now_ms},
};

/// How long a raw peer waits for the node to end a stream: half the node's 10 s read deadline,
/// so a stream the node ends within it was refused from its prefix, not waited out.
const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// A `DescribeRequest` frame of exactly `len` body bytes: an empty request carrying one unknown
/// bytes field (number 15), which a decoder skips, so only the length can make it unwelcome.
fn describe_frame(len: usize) -> Vec<u8> {
    let mut body = vec![0x7a];
    // Tag (1 byte) + a two-byte varint length (128..16384) + the payload.
    let payload = len - 3;
    prost::encoding::encode_varint(payload as u64, &mut body);
    body.resize(len, 0);
    assert_eq!(body.len(), len);
    assert_eq!(
        pb::DescribeRequest::decode(&body[..]),
        Ok(pb::DescribeRequest {})
    );
    let mut frame = Vec::new();
    prost::encoding::encode_varint(len as u64, &mut frame);
    frame.extend_from_slice(&body);
    frame
}

/// Sends `frame` on a fresh raw `/nmp/info/1` stream (half-closing it after when `close`) and
/// returns what the node wrote back before it closed or reset the stream, or `None` when the
/// stream was still open after [`ANSWER_WAIT`].
async fn exchange(
    control: &mut libp2p_stream::Control,
    node: &Node,
    frame: &[u8],
    close: bool,
) -> Option<Vec<u8>> {
    let mut stream = None;
    // The raw peer's dial may still be under way.
    for _ in 0..50 {
        match control.open_stream(node.peer_id(), INFO_PROTOCOL).await {
            Ok(opened) => {
                stream = Some(opened);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let mut stream = stream.expect("a raw info stream opens");
    // The node may reset the stream before the whole frame is written.
    let _ = stream.write_all(frame).await;
    if close {
        let _ = stream.close().await;
    }
    let mut answer = Vec::new();
    // A reset is an error; what arrived before it is still in `answer`.
    let ended = tokio::time::timeout(ANSWER_WAIT, stream.read_to_end(&mut answer)).await;
    ended.is_ok().then_some(answer)
}

/// The signed document in a `/nmp/info/1` answer: one varint-framed message.
fn document(answer: &[u8]) -> pb::SignedCapabilityDocument {
    let mut rest = answer;
    let len = prost::encoding::decode_varint(&mut rest).expect("a length prefix");
    assert_eq!(rest.len() as u64, len, "one whole frame");
    pb::SignedCapabilityDocument::decode(rest).expect("a signed document")
}

#[tokio::test]
async fn an_info_request_at_its_limit_is_answered_and_one_past_it_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |_| {}).await;
        let mut control = raw_peer(&node).await;

        let at = exchange(
            &mut control,
            &node,
            &describe_frame(MAX_INFO_REQUEST_BYTES),
            true,
        )
        .await;
        let signed = document(&at.expect("the node answers and ends the stream"));
        nmp_crypto::capability::verify(&signed, Some(&node.peer_id()), now_ms())
            .expect("the node's own document");

        // One byte past the info limit, far under the logic protocol's 24 MiB: the same
        // well-formed request goes unanswered.
        let past = describe_frame(MAX_INFO_REQUEST_BYTES + 1);
        let answer = exchange(&mut control, &node, &past, true).await;
        assert_eq!(answer, Some(Vec::new()), "refused from its prefix");
        // A prefix announcing a 24 MiB request, its body never sent and the stream left open, is
        // refused at once, not held (with a buffer for it) until the read deadline.
        let mut announced = Vec::new();
        let max = nmp_wire::limits::MAX_FRAME_BYTES as u64;
        prost::encoding::encode_varint(max, &mut announced);
        let answer = exchange(&mut control, &node, &announced, false).await;
        assert_eq!(answer, Some(Vec::new()), "refused from its prefix");

        agent
            .describe(node.peer_id())
            .await
            .expect("the node still describes itself");
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
