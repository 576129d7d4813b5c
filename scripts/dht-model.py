#!/usr/bin/env python3
"""A model of NMP discovery in meshes of any size: Kademlia provider lookups as libp2p-kad 0.49
runs them, in a simulated mesh with a deterministic seed, plus the per-node load of keeping
the DHT up (docs/performance.md, "Discovery at scale", explains it and its assumptions).

The lookup is a faithful copy of libp2p-kad's `ClosestPeersIter` (query/peers/closest.rs):
the k closest known peers start it, at most alpha requests are in flight while it makes
progress, up to k once it stalls (alpha answers without a closer peer), and it ends once the
k closest peers it knows have all answered, or once `quorum` record holders have answered when
a quorum is set (NMP's early end, `Config::lookup_quorum`). Routing tables are full: bucket i of
node x holds min(k, n_i) of the n_i nodes at XOR distance [2^i, 2^(i+1)), drawn at random. A
provider record lives on the k nodes closest to its key. A request costs one round trip on a
warm connection and `dial_rtts` more on a new one (TCP, Noise, Yamux), plus a service time.

Usage: scripts/dht-model.py [--sizes 10,50,1000,100000] [--lookups 200] [--seed 16] [--json F]
Standard library only; the same seed gives the same figures.
"""

import argparse
import bisect
import heapq
import json
import math
import random
import statistics

BITS = 64  # id bits: ample to order 10^5 nodes (libp2p hashes peer ids to 256)
K = 20  # libp2p-kad K_VALUE: bucket size, replication factor, peers per answer
ALPHA = 3  # libp2p-kad ALPHA_VALUE, the default parallelism


class Mesh:
    """n nodes with random ids and full k-buckets, built lazily per node."""

    def __init__(self, n, seed):
        rng = random.Random(seed)
        ids = set()
        while len(ids) < n:
            ids.add(rng.getrandbits(BITS))
        self.ids = sorted(ids)
        self.seed = seed
        self.tables = {}

    def random_node(self, rng):
        return self.ids[rng.randrange(len(self.ids))]

    def table(self, node):
        """The routing table of `node` (also for an id outside the mesh, such as an agent)."""
        table = self.tables.get(node)
        if table is None:
            rng = random.Random(node * 1_000_003 + self.seed)
            table = []
            for i in range(BITS):
                lo = ((node >> (i + 1)) << (i + 1)) | ((((node >> i) & 1) ^ 1) << i)
                a = bisect.bisect_left(self.ids, lo)
                b = bisect.bisect_left(self.ids, lo + (1 << i))
                if b - a <= K:
                    table.extend(self.ids[a:b])
                else:
                    table.extend(self.ids[a + j] for j in rng.sample(range(b - a), K))
            self.tables[node] = table
        return table

    def answer(self, node, target, asker):
        """The closer peers `node` returns: the k closest in its table, never the asker."""
        return heapq.nsmallest(
            K, (p for p in self.table(node) if p != asker), key=lambda p: p ^ target
        )

    def closest(self, target, count=K):
        """The `count` nodes closest to `target`: they lie in the smallest aligned id range
        around it that holds `count` nodes."""
        for i in range(BITS + 1):
            lo = (target >> i) << i
            a = bisect.bisect_left(self.ids, lo)
            b = bisect.bisect_left(self.ids, lo + (1 << i))
            if b - a >= count or i == BITS:
                return heapq.nsmallest(count, self.ids[a:b], key=lambda p: p ^ target)
        return []


class ClosestPeersIter:
    """libp2p-kad's ClosestPeersIter, without timeouts (no peer fails here)."""

    def __init__(self, target, known, alpha):
        self.target = target
        self.alpha = alpha
        self.dists = []  # sorted distances
        self.peers = {}  # distance -> [peer, state]
        for peer in sorted(known, key=lambda p: p ^ target)[:K]:
            self._insert(peer)
        self.stalled = False
        self.no_progress = 0
        self.finished = False
        self.waiting = 0

    def _insert(self, peer):
        d = peer ^ self.target
        if d in self.peers:
            return False
        bisect.insort(self.dists, d)
        self.peers[d] = [peer, "new"]
        return True

    def _at_capacity(self):
        limit = max(K, self.alpha) if self.stalled else self.alpha
        return self.finished or self.waiting >= limit

    def next(self):
        """A peer to ask now, or None (at capacity, waiting, or finished)."""
        if self.finished:
            return None
        counter = 0
        at_capacity = self._at_capacity()
        for d in self.dists:
            peer, state = self.peers[d]
            if state == "waiting":
                if at_capacity:
                    return None
                counter = None
            elif state == "done":
                if counter is not None:
                    counter += 1
                    if counter >= K:
                        self.finished = True
                        return None
            elif state == "new":
                if at_capacity:
                    return None
                self.peers[d][1] = "waiting"
                self.waiting += 1
                return peer
        if self.waiting == 0:
            self.finished = True
        return None

    def on_success(self, peer, closer):
        if self.finished:
            return
        d = peer ^ self.target
        self.peers[d][1] = "done"
        self.waiting -= 1
        cur_range = self.dists[min(K, len(self.dists)) - 1]
        progress = len(self.dists) < K
        for p in closer:
            if self._insert(p) and (p ^ self.target) < cur_range:
                progress = True
        if not self.stalled:
            self.no_progress = 0 if progress else self.no_progress + 1
            if self.no_progress >= self.alpha:
                self.stalled = True
        elif progress:
            self.stalled = False
            self.no_progress = 0


class Network:
    """Round trips between peers, and which connections a searcher already holds."""

    def __init__(self, seed, rtt_ms, spread, dial_rtts, service_ms):
        self.seed = seed
        self.rtt_ms = rtt_ms
        self.spread = spread
        self.dial_rtts = dial_rtts
        self.service_ms = service_ms
        self.connected = set()

    def rtt(self, a, b):
        if self.spread == 0:
            return self.rtt_ms
        rng = random.Random((a ^ b) * 7_919 + self.seed)
        return self.rtt_ms * math.exp(self.spread * rng.gauss(0.0, 1.0))

    def request(self, a, b):
        """The time one request from a to b takes; connects them."""
        trips = 1 if (a, b) in self.connected else 1 + self.dial_rtts
        self.connected.add((a, b))
        return trips * self.rtt(a, b) + self.service_ms


def lookup(mesh, net, searcher, known, target, alpha, holders=(), quorum=None):
    """Runs one lookup; returns (time ms, requests, hops to the first record holder or to
    the closest peer, providers found)."""
    it = ClosestPeersIter(target, known, alpha)
    depth = {p: 1 for p in known}
    heap, seq, requests = [], 0, 0
    holders = set(holders)
    answered_holders, first_holder_hops = 0, None

    def pump(now):
        nonlocal seq, requests
        while (peer := it.next()) is not None:
            requests += 1
            heapq.heappush(heap, (now + net.request(searcher, peer), seq, peer))
            seq += 1

    pump(0.0)
    now = 0.0
    while heap and not it.finished:
        now, _, peer = heapq.heappop(heap)
        closer = mesh.answer(peer, target, searcher)
        for p in closer:
            depth.setdefault(p, depth[peer] + 1)
        it.on_success(peer, closer)
        if peer in holders:
            answered_holders += 1
            if first_holder_hops is None:
                first_holder_hops = depth[peer]
            if quorum is not None and answered_holders >= quorum:
                break
        pump(now)
    hops = first_holder_hops
    if hops is None:
        best = min(depth, key=lambda p: p ^ target)
        hops = depth[best]
    return now, requests, hops, answered_holders > 0


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def discovery(n, lookups, seed, alpha, quorum, net_args, cold):
    """`lookups` provider lookups (with the describe request after each) by fresh agents
    (cold: one known peer, no connections) or by one warm agent (full table, connections kept)."""
    mesh = Mesh(n, seed)
    rng = random.Random(seed + 1)
    times, requests, hops = [], [], []
    warm_agent = rng.getrandbits(BITS)
    warm_net = Network(seed, *net_args)
    for _ in range(lookups):
        key = rng.getrandbits(BITS)
        holders = mesh.closest(key)
        provider = mesh.random_node(rng)
        if cold:
            agent = rng.getrandbits(BITS)
            net = Network(seed, *net_args)
            known = [mesh.random_node(rng)]
        else:
            agent, net = warm_agent, warm_net
            known = mesh.table(agent)
        t, r, h, found = lookup(mesh, net, agent, known, key, alpha, holders, quorum)
        assert found, "every lookup reaches a record holder"
        t += net.request(agent, provider)  # the describe request
        times.append(t)
        requests.append(r)
        hops.append(h)
    return {
        "nodes": n,
        "lookups": lookups,
        "alpha": alpha,
        "quorum": quorum,
        "agent": "cold" if cold else "warm",
        "requests_mean": round(statistics.mean(requests), 2),
        "requests_p99": percentile(requests, 99),
        "hops_mean": round(statistics.mean(hops), 2),
        "time_p50_ms": round(percentile(times, 50), 2),
        "time_p99_ms": round(percentile(times, 99), 2),
    }


def upkeep(mesh, closest_requests, lookup_requests, rates):
    """Per-node load of keeping the DHT up and answering lookups, per hour: the Kademlia
    requests one node sends (it answers as many, on average, since requests spread evenly over
    the mesh), the provider records it stores, and the load on the k holders of one capability
    that every agent looks up."""
    n = len(mesh.ids)
    sample = [mesh.table(node) for node in mesh.ids[: min(n, 200)]]
    table = statistics.mean(len(t) for t in sample)
    # libp2p's bootstrap: a lookup of the node's own id, then one per bucket farther than its
    # closest neighbour, about log2(n / k) of them.
    refreshed = max(0, math.ceil(math.log2(max(1, n / K))))
    bootstrap = 60 / rates["bootstrap_min"] * (1 + refreshed) * closest_requests
    republish = rates["capabilities"] / rates["republish_h"] * (closest_requests + K)
    lookups = rates["lookups_per_hour"] * (lookup_requests + 1)
    sent = bootstrap + republish + lookups
    # A capability every agent looks up: each lookup asks about `holder_share` of the k holders.
    hot = rates["hot_lookups_per_second"] * min(lookup_requests, K) / K
    return {
        "nodes": n,
        "routing_table_peers": round(table),
        "bootstrap_queries_per_round": 1 + refreshed,
        "bootstrap_requests_per_hour": round(bootstrap),
        "republish_requests_per_hour": round(republish, 1),
        "lookup_requests_per_hour": round(lookups),
        "requests_per_second": round(sent / 3600, 2),
        "records_stored": rates["capabilities"] * min(K, n),
        "hot_holder_requests_per_second": round(hot, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,50,1000,100000")
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--alpha", type=int, default=ALPHA)
    parser.add_argument("--quorum", type=int, default=0, help="0: run lookups to the end")
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--spread", type=float, default=0.5, help="lognormal sigma of RTTs")
    parser.add_argument("--dial-rtts", type=float, default=2.0)
    parser.add_argument("--service-ms", type=float, default=0.5)
    parser.add_argument("--bootstrap-min", type=float, default=5.0,
                        help="libp2p-kad's periodic bootstrap interval (its default, NMP keeps it)")
    parser.add_argument("--republish-h", type=float, default=12.0,
                        help="Config::provider_republish (default 12 h)")
    parser.add_argument("--capabilities", type=int, default=2, help="capabilities per node")
    parser.add_argument("--lookups-per-hour", type=float, default=60.0,
                        help="lookups each node's agents make")
    parser.add_argument("--hot-lookups-per-second", type=float, default=100.0,
                        help="mesh-wide lookups of one popular capability")
    parser.add_argument("--json")
    args = parser.parse_args()
    net_args = (args.rtt_ms, args.spread, args.dial_rtts, args.service_ms)
    quorum = args.quorum or None
    rates = {
        "bootstrap_min": args.bootstrap_min,
        "republish_h": args.republish_h,
        "capabilities": args.capabilities,
        "lookups_per_hour": args.lookups_per_hour,
        "hot_lookups_per_second": args.hot_lookups_per_second,
    }
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        found = {}
        for cold in (True, False):
            row = discovery(n, args.lookups, args.seed, args.alpha, quorum, net_args, cold)
            found[row["agent"]] = row
            rows.append(row)
            print(json.dumps(row))
        # A node's own queries start from its full table, as the warm agent's do; a
        # closest-peers query runs to the end whatever the quorum.
        closest = discovery(n, args.lookups, args.seed, args.alpha, None, net_args, False)
        load = upkeep(Mesh(n, args.seed), closest["requests_mean"],
                      found["warm"]["requests_mean"], rates)
        rows.append(load)
        print(json.dumps(load))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)


if __name__ == "__main__":
    main()
