#!/usr/bin/env python3
"""Checks and summarises one soak run (scripts/soak.sh): every agent finished, every request
line appears exactly once, every request ended in a verified answer or a typed refusal; prints
counts by module, transport and result, p50/p99 latency by transport, and the RSS/fd curve."""
import collections
import csv
import json
import sys
from pathlib import Path

out, agents, agent_failed = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
problems = []
if agent_failed:
    problems.append("an agent process exited with an error (see agent-*.err)")
counts = collections.Counter()
latency = collections.defaultdict(list)
total = 0
for agent in range(1, agents + 1):
    seen = collections.Counter()
    done = None
    for line in (out / f"agent-{agent}.jsonl").read_text().splitlines():
        row = json.loads(line)
        if "done" in row:
            done = row["done"]
            continue
        seen[row["seq"]] += 1
        key = (row["module"], row["result"], row.get("outcome") or row.get("kind"))
        counts[key] += 1
        latency[row["transport"]].append(row["ms"])
        if row["result"] == "failed":
            problems.append(f"agent {agent} request {row['seq']}: {row['error']}")
    if done is None:
        problems.append(f"agent {agent} did not finish")
        continue
    total += done
    missing = [s for s in range(done) if seen[s] == 0]
    repeated = [s for s, n in seen.items() if n > 1]
    if missing or repeated or len(seen) != done:
        problems.append(f"agent {agent}: missing {missing[:5]}, repeated {repeated[:5]}")

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")

print(f"requests: {total} from {agents} agents")
for (module, result, detail), n in sorted(counts.items()):
    print(f"  {module:18} {result:9} {detail:22} {n}")
for transport, values in sorted(latency.items()):
    print(f"  {transport:5} n={len(values):5} p50={pct(values, .5):8.1f} ms p99={pct(values, .99):8.1f} ms")
rows = list(csv.DictReader((out / "samples.csv").open()))
print("   t_s   rss_kib  anon_kib  file_kib  fds  requests")
step = max(1, len(rows) // 40)
for row in rows[::step] + ([rows[-1]] if rows and (len(rows) - 1) % step else []):
    print(f"  {row['t_s']:>4} {row['rss_kib']:>9} {row['anon_kib']:>9} {row['file_kib']:>9}"
          f" {row['fds']:>4} {row['requests']:>9}")
# Growth over the second half of the run, per 1,000 requests: flat memory is near zero.
loaded = [r for r in rows if int(r["requests"]) > 0]
if len(loaded) >= 4:
    mid, last = loaded[len(loaded) // 2], loaded[-1]
    served = int(last["requests"]) - int(mid["requests"])
    if served > 0:
        for column in ("rss_kib", "anon_kib"):
            grown = int(last[column]) - int(mid[column])
            print(f"  second half: {column} {grown:+d} KiB over {served} requests"
                  f" ({grown * 1000 / served:+.1f} KiB per 1,000)")
if problems:
    print(f"FAILED: {len(problems)} problems", file=sys.stderr)
    for p in problems[:20]:
        print("  " + p, file=sys.stderr)
    sys.exit(1)
print("every request answered exactly once (verified receipt or typed refusal)")
