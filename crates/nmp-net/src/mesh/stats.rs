//! [`Stats`]: what one mesh node's discovery has cost so far, in messages and connections
//! rather than time, so that it reads the same on a loaded machine as on a quiet one.

use libp2p::kad::{ProgressStep, QueryResult, QueryStats};

/// The requests of one kind of Kademlia query, summed over the queries of that kind that
/// have finished.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryCounts {
    /// Queries finished (successfully, by a timeout or ended early).
    pub queries: u64,
    /// Requests they sent to other peers (each needs a connection, dialled if there is none).
    pub requests: u64,
    /// Requests that failed: unreachable peers, refused or timed-out requests.
    pub failures: u64,
}

impl QueryCounts {
    fn add(&mut self, stats: &QueryStats) {
        self.queries += 1;
        self.requests += u64::from(stats.num_requests());
        self.failures += u64::from(stats.num_failures());
    }
}

/// Counters of one mesh node's discovery work since it started (see [`Mesh::stats`]).
///
/// [`Mesh::stats`]: crate::Mesh::stats
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Provider lookups ([`Mesh::find_providers`](crate::Mesh::find_providers)).
    pub lookups: QueryCounts,
    /// Peer lookups ([`Mesh::find_peer`](crate::Mesh::find_peer)).
    pub peer_lookups: QueryCounts,
    /// Provider announcements, first ones and republications: the search for the closest
    /// peers and the `ADD_PROVIDER` messages sent to them.
    pub provides: QueryCounts,
    /// Routing-table bootstraps: a lookup of this node's own id, then one per bucket refreshed
    /// (each counted as a query).
    pub bootstraps: QueryCounts,
    /// Kademlia requests other peers sent to this node and it answered.
    pub served: u64,
    /// Connections this node dialled that were established.
    pub dialled: u64,
    /// Connections other peers dialled that were established.
    pub accepted: u64,
    /// `/nmp/info/1` describe requests sent.
    pub describes: u64,
    /// Of those, the ones sent to a peer with no connection at the time, which had to be
    /// dialled first.
    pub describe_dials: u64,
}

impl Stats {
    /// Counts a finished Kademlia query (or, for a bootstrap, each finished step of one).
    pub(super) fn on_query(
        &mut self,
        result: &QueryResult,
        stats: &QueryStats,
        step: &ProgressStep,
    ) {
        let counts = match result {
            QueryResult::Bootstrap(_) => &mut self.bootstraps,
            _ if !step.last => return,
            QueryResult::GetProviders(_) => &mut self.lookups,
            QueryResult::GetClosestPeers(_) => &mut self.peer_lookups,
            QueryResult::StartProviding(_) | QueryResult::RepublishProvider(_) => {
                &mut self.provides
            }
            _ => return,
        };
        counts.add(stats);
    }
}
