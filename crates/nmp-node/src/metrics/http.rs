//! The metrics endpoint: a deliberately small HTTP/1.1 responder that answers `GET /metrics`
//! and closes the connection. Every read is bounded in size and time, and so is the number of
//! connections served at once, so a hostile client cannot hold the endpoint.

use std::{sync::Arc, time::Duration};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, oneshot},
    task::JoinSet,
};

use super::{MAX_CONNECTIONS, MAX_REQUEST_BYTES, READ_TIMEOUT};
use crate::Service;

/// How long writing one response may take before the connection is dropped: 5 s.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Answers connections on `listener` until `stop` fires or its sender is dropped; then drops
/// the connections still open.
pub(crate) async fn serve(
    listener: TcpListener,
    service: Arc<Service>,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match Arc::clone(&slots).try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(answer(stream, Arc::clone(&service), slot));
                    }
                    // Over the limit: the connection is closed unanswered.
                    Err(_) => drop(stream),
                },
                Err(error) => {
                    tracing::warn!(%error, "metrics endpoint cannot accept");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    connections.abort_all();
}

/// Reads one request head and answers it; a client slower than [`READ_TIMEOUT`] is dropped.
async fn answer(mut stream: TcpStream, service: Arc<Service>, _slot: OwnedSemaphorePermit) {
    let Ok(head) = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await else {
        return;
    };
    let response = match head {
        Ok(Some(head)) => respond(&head, || service.metrics_text()),
        Ok(None) => reply("400 Bad Request", "request head too large or incomplete\n"),
        Err(_) => return,
    };
    let write = async {
        stream.write_all(&response).await?;
        stream.shutdown().await
    };
    // The client may be gone or stalled; either way the connection ends here.
    let _ = tokio::time::timeout(WRITE_TIMEOUT, write).await;
}

/// The request head (up to the blank line), or `None` when it does not fit in
/// [`MAX_REQUEST_BYTES`] or the client closes before finishing it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = vec![0u8; MAX_REQUEST_BYTES];
    let mut len = 0;
    while len < head.len() {
        let read = stream.read(&mut head[len..]).await?;
        if read == 0 {
            return Ok(None);
        }
        let from = len.saturating_sub(3);
        len += read;
        if head[from..len].windows(4).any(|w| w == b"\r\n\r\n") {
            head.truncate(len);
            return Ok(Some(head));
        }
    }
    Ok(None)
}

/// The response to one complete request head; `metrics` renders the body of a `200`.
fn respond(head: &[u8], metrics: impl FnOnce() -> String) -> Vec<u8> {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [method, target, version] = parts[..] else {
        return reply("400 Bad Request", "malformed request line\n");
    };
    if !version.starts_with(b"HTTP/1.") {
        return reply("400 Bad Request", "HTTP/1.x only\n");
    }
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    match (method, path) {
        (b"GET", b"/metrics") => response(
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            &metrics(),
        ),
        (b"GET", _) => reply("404 Not Found", "only /metrics is served\n"),
        _ => reply("405 Method Not Allowed", "GET only\n"),
    }
}

fn reply(status: &str, body: &str) -> Vec<u8> {
    response(status, "text/plain; charset=utf-8", body)
}

fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(head: &[u8]) -> String {
        let response = String::from_utf8(respond(head, || "nmp_up 1\n".to_owned())).unwrap();
        response.lines().next().unwrap().to_owned()
    }

    #[test]
    fn answers_metrics_and_refuses_everything_else() {
        assert_eq!(status(b"GET /metrics HTTP/1.1\r\n\r\n"), "HTTP/1.1 200 OK");
        assert_eq!(
            status(b"GET /metrics?x=1 HTTP/1.0\r\n\r\n"),
            "HTTP/1.1 200 OK"
        );
        assert_eq!(status(b"GET / HTTP/1.1\r\n\r\n"), "HTTP/1.1 404 Not Found");
        assert_eq!(
            status(b"POST /metrics HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 405 Method Not Allowed"
        );
        for bad in [
            &b"GET /metrics HTTP/2\r\n\r\n"[..],
            b"GET /metrics\r\n\r\n",
            b"GET  /metrics HTTP/1.1\r\n\r\n",
            b"\xff\x00\r\n\r\n",
        ] {
            assert_eq!(status(bad), "HTTP/1.1 400 Bad Request", "{bad:?}");
        }
    }

    #[test]
    fn responses_carry_their_length_and_close() {
        let response = String::from_utf8(respond(b"GET /metrics HTTP/1.1\r\n\r\n", || {
            "nmp_up 1\n".to_owned()
        }))
        .unwrap();
        assert!(response.contains("Content-Length: 9\r\n"), "{response}");
        assert!(response.contains("Connection: close\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\nnmp_up 1\n"), "{response}");
    }
}
