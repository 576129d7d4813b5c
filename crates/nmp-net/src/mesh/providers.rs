//! Provider lookups: what one collects, when it ends, and the addresses it hands on.
//!
//! A DHT peer answers a `GET_PROVIDERS` with whatever peers it likes, so a lookup keeps at
//! most [`MAX_LOOKUP_PROVIDERS`] distinct ones and stops the query once it has them. It also
//! stops once [`Config::lookup_quorum`](crate::Config::lookup_quorum) answers in a row have
//! named no provider it had not heard of. The addresses the query learnt for the providers are
//! handed to the swarm, so the describe request that follows dials them at once.

use std::collections::HashSet;

use libp2p::core::Endpoint;
use libp2p::kad::{self, store::MemoryStore};
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId};
use tokio::sync::oneshot;

/// Most providers one [`Mesh::find_providers`](crate::Mesh::find_providers) returns: 256
/// distinct peers, the first the DHT reported. Once it has them the Kademlia query is
/// finished early and the rest are never read, so a lookup answered with thousands of
/// (possibly made-up) peers holds at most this many.
pub const MAX_LOOKUP_PROVIDERS: usize = 256;

/// Most addresses of one provider handed on from a lookup: 8. libp2p's own cache of peer
/// addresses, which the describe request's dial reads, keeps at most 10 for each of the 100
/// peers it heard of last.
const MAX_PROVIDER_ADDRESSES: usize = 8;

/// One provider lookup in progress.
#[derive(Debug)]
pub(super) struct Lookup {
    /// The distinct providers found so far (at most [`MAX_LOOKUP_PROVIDERS`]).
    found: HashSet<PeerId>,
    /// How many answers in a row, up to and including the last, named no new provider (the
    /// answer that named the newest one counts as the first).
    settled: usize,
    reply: oneshot::Sender<Vec<PeerId>>,
}

impl Lookup {
    pub(super) fn new(reply: oneshot::Sender<Vec<PeerId>>) -> Self {
        Self {
            found: HashSet::new(),
            settled: 0,
            reply,
        }
    }

    /// Adds the providers one answer named; returns whether the lookup is done: it holds
    /// [`MAX_LOOKUP_PROVIDERS`], or `quorum` (when above 0) answers in a row agree on them.
    /// An answer that names no provider (from a peer that holds no record for the key) neither
    /// counts nor restarts the count.
    pub(super) fn on_answer(
        &mut self,
        providers: impl IntoIterator<Item = PeerId>,
        quorum: usize,
    ) -> bool {
        let mut providers = providers.into_iter().peekable();
        if providers.peek().is_none() {
            return false;
        }
        let before = self.found.len();
        let full = collect(&mut self.found, providers);
        self.settled = if self.found.len() > before {
            1
        } else {
            self.settled + 1
        };
        full || (quorum > 0 && self.settled >= quorum)
    }

    /// Whether `peer` is among the providers kept.
    pub(super) fn holds(&self, peer: &PeerId) -> bool {
        self.found.contains(peer)
    }

    /// Sends the providers found to the caller.
    pub(super) fn finish(self) {
        let _ = self.reply.send(self.found.into_iter().collect());
    }
}

/// Adds `providers` to `found` until it holds [`MAX_LOOKUP_PROVIDERS`] peers; returns whether
/// it is full (the lookup should end).
fn collect(found: &mut HashSet<PeerId>, providers: impl IntoIterator<Item = PeerId>) -> bool {
    for peer in providers {
        if found.len() >= MAX_LOOKUP_PROVIDERS {
            break;
        }
        found.insert(peer);
    }
    found.len() >= MAX_LOOKUP_PROVIDERS
}

/// The addresses `kad` holds for `peer` (at most [`MAX_PROVIDER_ADDRESSES`]): those of its
/// routing table and those its running queries heard, such as a provider's from the record
/// holder that named it.
///
/// libp2p-kad keeps a query's addresses only while the query runs and hands them out only to
/// a dial, so this asks as a dial would, under a fresh connection id that no dial then uses.
pub(super) fn addresses(kad: &mut kad::Behaviour<MemoryStore>, peer: PeerId) -> Vec<Multiaddr> {
    let id = DialOpts::peer_id(peer).build().connection_id();
    kad.handle_pending_outbound_connection(id, Some(peer), &[], Endpoint::Dialer)
        .unwrap_or_default()
        .into_iter()
        .take(MAX_PROVIDER_ADDRESSES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peers(n: usize) -> Vec<PeerId> {
        (0..n).map(|_| PeerId::random()).collect()
    }

    #[test]
    fn a_lookup_keeps_at_most_the_bound_and_is_full_at_it() {
        let mut found = HashSet::new();
        assert!(!collect(&mut found, peers(MAX_LOOKUP_PROVIDERS - 1)));
        assert_eq!(found.len(), MAX_LOOKUP_PROVIDERS - 1);
        let again: Vec<PeerId> = found.iter().copied().collect();
        assert!(
            !collect(&mut found, again),
            "a peer reported twice counts once"
        );
        assert!(collect(&mut found, peers(1)), "full at the bound");
        assert_eq!(found.len(), MAX_LOOKUP_PROVIDERS);
        let late = peers(1000);
        assert!(collect(&mut found, late.clone()));
        assert_eq!(
            found.len(),
            MAX_LOOKUP_PROVIDERS,
            "none past the bound is kept"
        );
        assert!(late.iter().all(|peer| !found.contains(peer)));
    }

    #[test]
    fn a_lookup_ends_once_the_quorum_agrees_and_a_new_provider_restarts_the_count() {
        let (reply, _) = oneshot::channel();
        let mut lookup = Lookup::new(reply);
        let [a, b] = [PeerId::random(), PeerId::random()];
        assert!(!lookup.on_answer([a], 3), "one answer");
        for _ in 0..5 {
            assert!(
                !lookup.on_answer([], 3),
                "a peer with no record does not count"
            );
        }
        assert!(!lookup.on_answer([a], 3), "two agree");
        assert!(!lookup.on_answer([], 3), "nor does it restart the count");
        assert!(
            !lookup.on_answer([a, b], 3),
            "a new provider: the count restarts"
        );
        assert!(!lookup.on_answer([b], 3));
        assert!(lookup.on_answer([a], 3), "three in a row name no new one");
        assert!(lookup.holds(&a) && lookup.holds(&b));
        assert!(
            lookup.on_answer(peers(MAX_LOOKUP_PROVIDERS), 0),
            "full ends it"
        );

        let (reply, _) = oneshot::channel();
        let mut endless = Lookup::new(reply);
        for _ in 0..100 {
            assert!(!endless.on_answer([a], 0), "quorum 0 never ends a lookup");
        }
        let (reply, _) = oneshot::channel();
        let mut single = Lookup::new(reply);
        assert!(
            single.on_answer([a], 1),
            "quorum 1: the first answer ends it"
        );
    }
}
