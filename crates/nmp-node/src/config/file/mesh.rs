//! `[mesh]`: the libp2p mesh's limits (`nmp_net::Config`), each optional: a key left out keeps
//! the mesh's default, and the mesh refuses a 0 when it starts.

use std::time::Duration;

use serde::Deserialize;

/// The `[mesh]` section. Every key defaults to `nmp_net::Config::default()`'s value (quoted
/// after each key); the node's gRPC face takes the request timeout, streams per peer, connection
/// cap and frame size from here too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mesh {
    /// Established connections allowed per peer; further ones are denied. Default 2.
    pub max_connections_per_peer: Option<u32>,
    /// Established connections allowed in total; further ones are denied. Default 256.
    pub max_connections: Option<u32>,
    /// Incoming connections still in their handshake; further ones are denied. Default 64.
    pub max_pending_incoming: Option<u32>,
    /// Seconds a connection with no open stream stays up. Default 30.
    pub idle_timeout_secs: Option<u64>,
    /// Milliseconds a peer has to send a describe request or the request frame of a logic
    /// stream (and, over gRPC, its first message). Default 10,000.
    pub request_timeout_ms: Option<u64>,
    /// `/nmp/info/1` streams served at once. Default 16.
    pub max_info_streams: Option<usize>,
    /// `/nmp/logic/1` streams one peer may have open at once. Default 8.
    pub max_logic_streams_per_peer: Option<usize>,
    /// Largest frame read or written, in bytes. Default 24 MiB (`MAX_FRAME_BYTES`).
    pub max_frame_bytes: Option<usize>,
    /// Inbound requests waiting for the node's serving loop; further ones are refused (info)
    /// or reset (logic). Default 64.
    pub inbound_queue: Option<usize>,
    /// Seconds one Kademlia query (provide or lookup) may take. Default 30.
    pub query_timeout_secs: Option<u64>,
}

impl Mesh {
    /// Sets the keys this section gives on `mesh`, leaving the others as they are.
    pub(crate) fn apply(&self, mesh: &mut nmp_net::Config) {
        fn set<T: Copy>(value: Option<T>, field: &mut T) {
            if let Some(value) = value {
                *field = value;
            }
        }
        set(
            self.max_connections_per_peer,
            &mut mesh.max_connections_per_peer,
        );
        set(self.max_connections, &mut mesh.max_connections);
        set(self.max_pending_incoming, &mut mesh.max_pending_incoming);
        set(self.max_info_streams, &mut mesh.max_info_streams);
        set(
            self.max_logic_streams_per_peer,
            &mut mesh.max_logic_streams_per_peer,
        );
        set(self.max_frame_bytes, &mut mesh.max_frame_bytes);
        set(self.inbound_queue, &mut mesh.inbound_queue);
        let secs = |secs: Option<u64>| secs.map(Duration::from_secs);
        set(secs(self.idle_timeout_secs), &mut mesh.idle_timeout);
        set(secs(self.query_timeout_secs), &mut mesh.query_timeout);
        set(
            self.request_timeout_ms.map(Duration::from_millis),
            &mut mesh.request_timeout,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_keep_the_mesh_defaults_and_given_ones_are_set() {
        let defaults = nmp_net::Config::default();
        let mut mesh = nmp_net::Config::default();
        Mesh::default().apply(&mut mesh);
        assert_eq!(format!("{mesh:?}"), format!("{defaults:?}"));

        let section: Mesh = toml::from_str(
            "max_logic_streams_per_peer = 3\nrequest_timeout_ms = 2500\nidle_timeout_secs = 7\n",
        )
        .unwrap();
        section.apply(&mut mesh);
        assert_eq!(mesh.max_logic_streams_per_peer, 3);
        assert_eq!(mesh.request_timeout, Duration::from_millis(2500));
        assert_eq!(mesh.idle_timeout, Duration::from_secs(7));
        assert_eq!(mesh.max_connections, defaults.max_connections);
        assert!(
            toml::from_str::<Mesh>("max_streams = 1\n").is_err(),
            "unknown key"
        );
    }
}
