//! `/nmp/logic/1`: echo; a cancel frame and the agent leaving cancel, a half-close does not.

use futures::StreamExt;
use nmp_net::Incoming;
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

use crate::{Transport, address, agent, listening_node, serve, within};

fn request(capability: &str) -> pb::LogicRequest {
    pb::LogicRequest {
        request_id: vec![9; 16],
        capability: capability.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn logic_stream_echoes_status_then_result() {
    within(async {
        let (node, inbound) = listening_node().await;
        serve(inbound, "node");
        for transport in [Transport::Tcp, Transport::Quic, Transport::WebSocket] {
            let agent = agent(Vec::new()).await;
            let peer = agent.dial(address(&node, transport).await).await.unwrap();
            let responses: Vec<_> = agent
                .open_logic(peer, &request("cap.echo"))
                .await
                .unwrap()
                .collect()
                .await;
            assert_eq!(responses.len(), 2, "{transport:?}");
            let responses: Vec<_> = responses.into_iter().map(Result::unwrap).collect();
            assert!(matches!(responses[0].event, Some(Event::Status(_))));
            let Some(Event::Result(result)) = &responses[1].event else {
                panic!("no result")
            };
            let sealed = result.sealed.as_ref().expect("echoed");
            assert_eq!(sealed.ciphertext, b"cap.echo");
            assert!(responses.iter().all(|r| r.request_id == vec![9; 16]));
        }
    })
    .await;
}

#[tokio::test]
async fn dropping_the_responses_cancels_the_job_with_a_cancel_frame() {
    within(async {
        let (node, mut inbound) = listening_node().await;
        let agent = agent(Vec::new()).await;
        let peer = agent
            .dial(address(&node, Transport::Tcp).await)
            .await
            .unwrap();
        let mut responses = agent.open_logic(peer, &request("cap.slow")).await.unwrap();

        let Some(Incoming::Logic(stream)) = inbound.next().await else {
            panic!("expected a logic stream")
        };
        assert_eq!(stream.peer(), agent.peer_id());
        assert_eq!(stream.request().capability, "cap.slow");
        let (slow, mut sender, closed) = stream.into_parts();
        let status = pb::LogicResponse {
            request_id: slow.request_id,
            event: Some(Event::Status(pb::Status::default())),
        };
        sender.send(&status).await.unwrap();
        assert!(responses.next().await.unwrap().is_ok());

        // A second job keeps the agent's connection busy (never idle), so only the cancel frame
        // can end the wait: a bare Yamux reset reads as a half-close.
        let _busy = agent.open_logic(peer, &request("cap.busy")).await.unwrap();
        drop(responses);
        closed.wait().await;
    })
    .await;
}

#[tokio::test]
async fn a_half_close_does_not_cancel_but_leaving_does() {
    within(async {
        let (node, mut inbound) = listening_node().await;
        let agent = agent(Vec::new()).await;
        let peer = agent
            .dial(address(&node, Transport::Tcp).await)
            .await
            .unwrap();
        let mut first = agent.open_logic(peer, &request("cap.first")).await.unwrap();
        let Some(Incoming::Logic(stream)) = inbound.next().await else {
            panic!("expected a logic stream")
        };
        let (first_request, mut sender, closed) = stream.into_parts();
        first.close_write().await.unwrap();
        // A second stream on the same connection: Yamux delivers it after the first one's
        // half-close, so by the time the node has its request the half-close has arrived.
        let _second = agent
            .open_logic(peer, &request("cap.second"))
            .await
            .unwrap();
        let Some(Incoming::Logic(_second)) = inbound.next().await else {
            panic!("expected a logic stream")
        };
        let mut closed = std::pin::pin!(closed.wait());
        assert!(
            futures::poll!(closed.as_mut()).is_pending(),
            "a half-close cancelled the job"
        );

        // The job goes on and its result reaches the agent.
        let result = pb::LogicResponse {
            request_id: first_request.request_id,
            event: Some(Event::Result(pb::LogicResult::default())),
        };
        sender.send(&result).await.unwrap();
        let answer = first.next().await.unwrap().unwrap();
        assert!(matches!(answer.event, Some(Event::Result(_))));
        assert!(futures::poll!(closed.as_mut()).is_pending());

        // The agent leaves: its connection closes, and that cancels.
        drop((first, agent));
        closed.await;
    })
    .await;
}
