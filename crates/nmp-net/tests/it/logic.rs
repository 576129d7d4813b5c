//! `/nmp/logic/1`: echo, and cancellation when the agent drops the stream.

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
async fn dropping_the_stream_is_observed_by_the_node() {
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
        let (request, mut sender, closed) = stream.into_parts();
        let status = pb::LogicResponse {
            request_id: request.request_id,
            event: Some(Event::Status(pb::Status::default())),
        };
        sender.send(&status).await.unwrap();
        assert!(responses.next().await.unwrap().is_ok());

        drop(responses);
        closed.wait().await;
    })
    .await;
}
