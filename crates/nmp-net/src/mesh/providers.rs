//! The bound on what one provider lookup collects: a DHT peer answers a `GET_PROVIDERS` with
//! whatever peers it likes, so a lookup keeps at most [`MAX_LOOKUP_PROVIDERS`] distinct ones
//! and stops the query once it has them.

use std::collections::HashSet;

use libp2p::PeerId;

/// Most providers one [`Mesh::find_providers`](crate::Mesh::find_providers) returns: 256
/// distinct peers, the first the DHT reported. Once it has them the Kademlia query is
/// finished early and the rest are never read, so a lookup answered with thousands of
/// (possibly made-up) peers holds at most this many.
pub const MAX_LOOKUP_PROVIDERS: usize = 256;

/// Adds `providers` to `found` until it holds [`MAX_LOOKUP_PROVIDERS`] peers; returns whether
/// it is full (the lookup should end).
pub(super) fn collect(
    found: &mut HashSet<PeerId>,
    providers: impl IntoIterator<Item = PeerId>,
) -> bool {
    for peer in providers {
        if found.len() >= MAX_LOOKUP_PROVIDERS {
            break;
        }
        found.insert(peer);
    }
    found.len() >= MAX_LOOKUP_PROVIDERS
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
}
