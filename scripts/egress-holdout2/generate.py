"""Writes the second independent egress hold-out corpus, `crates/nmp-egress/tests/holdout2/`.

Deterministic: seed 20261208, the Faker version pinned in requirements.txt (refuses any other).
Written without reading the filter's rules, its docs or the other corpora; see the README there.

    python3 -m venv scripts/egress-holdout2/.venv
    scripts/egress-holdout2/.venv/bin/pip install -r scripts/egress-holdout2/requirements.txt
    scripts/egress-holdout2/.venv/bin/python scripts/egress-holdout2/generate.py
"""

import collections
import json
import pathlib
import random
import sys

import faker

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import negatives  # noqa: E402
import positives  # noqa: E402
import restricted  # noqa: E402

SEED = 20261208
FAKER_VERSION = "40.63.0"
OUT = pathlib.Path(__file__).resolve().parents[2] / "crates" / "nmp-egress" / "tests" / "holdout2"
LOCALES = sorted(set(positives.NAME_LOCALES + positives.PHONE_LOCALES + positives.ADDR_LOCALES + [
    "en_CA", "fr_FR", "nl_NL", "it_IT", "sv_SE", "fi_FI", "pl_PL", "pt_BR", "no_NO", "da_DK", "de_CH", "nl_BE",
    "zh_CN", "en_IN", "ko_KR", "zh_TW", "tr_TR", "ro_RO", "el_GR", "he_IL", "es_MX", "hr_HR", "et_EE", "es_AR",
    "de_AT", "pt_PT", "cs_CZ", "sk_SK", "en_IE", "en_GB", "es_ES",
]))


def main():
    if faker.VERSION != FAKER_VERSION:
        sys.exit(f"Faker {FAKER_VERSION} required (found {faker.VERSION}): pip install -r requirements.txt")
    rng = random.Random(SEED)
    fk = {}
    for i, loc in enumerate(LOCALES):
        f = faker.Faker(loc)
        f.seed_instance(SEED + i)
        fk[loc] = f
    cases = positives.build(rng, fk) + restricted.build(rng) + restricted.build_data_aware(rng) + negatives.build(rng, fk)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "cases.jsonl", "w", encoding="utf-8") as out:
        for i, c in enumerate(cases):
            line = {"id": f"h2-{i + 1:04d}", **c}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    config = {"restricted_keys": restricted.RESTRICTED}
    (OUT / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_counts(cases)


def table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def write_counts(cases):
    pos = [c for c in cases if c["label"] == "positive"]
    neg = [c for c in cases if c["label"] == "negative"]
    cat = collections.Counter(c["category"] for c in pos)
    by_class = collections.Counter((c["label"], c["category"], c["class"]) for c in cases)
    shapes = collections.Counter((c["shape"], c["label"]) for c in cases)
    evs = collections.Counter((c["evasion"], c["category"]) for c in pos if c["evasion"])
    text = [
        f"{len(cases)} cases: {len(pos)} positives ("
        + ", ".join(f"`{k}` {v}" for k, v in sorted(cat.items()))
        + f"), {len(neg)} negatives (`benign`, {100 * len(neg) / len(cases):.1f} %); "
        f"{sum(evs.values())} positives carry an evasion.",
        "",
        table(["label", "category", "class", "cases"], [(*k, v) for k, v in sorted(by_class.items())]),
        "",
        table(["shape", "positives", "negatives"],
              [(s, shapes[(s, "positive")], shapes[(s, "negative")]) for s in sorted({s for s, _ in shapes})]),
        "",
        table(["evasion", "category", "cases"], [(*k, v) for k, v in sorted(evs.items())]),
    ]
    readme = OUT / "README.md"
    begin, end = "<!-- counts:begin -->", "<!-- counts:end -->"
    body = readme.read_text(encoding="utf-8") if readme.exists() else f"{begin}\n{end}\n"
    head, rest = body.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + begin + "\n" + "\n".join(text) + "\n" + end + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
