#!/usr/bin/env python3
"""Compare nmp-egress with detect-secrets and presidio-analyzer on the labelled egress corpus.

Run through scripts/egress-compare.sh, which prepares a virtualenv with both tools and builds
the `scan_corpus` example. All tools scan the same cases in the same run; the table gives
throughput (MB/s over the whole corpus), recall per category (a positive counts when the tool
flags it at all) and the false-positive rate over all negatives.

presidio-analyzer runs its regex/rule recognizers directly (email, phone, US SSN, credit card,
IBAN, IP), with no NLP engine and no spaCy model: `recognizer.analyze(text, entities, None)`.
detect-secrets runs its default plugin set line by line (`scan_line`).

Usage: egress-compare.py SCAN_CORPUS_BINARY CORPUS_DIR [--repeat N]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

FILES = ["positives.jsonl", "evasions.jsonl", "negatives.jsonl"]


def load(corpus):
    cases = []
    for name in FILES:
        for line in (corpus / name).read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            case["file"] = name
            cases.append(case)
    return cases


def run_ours(binary, corpus, repeat):
    cmd = [binary, "--repeat", str(repeat), "--config", str(corpus / "config.json")] + [str(corpus / f) for f in FILES]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    flags, timing = {}, None
    for line in out:
        row = json.loads(line)
        if "timing" in row:
            timing = row["timing"]
        else:
            flags[row["id"]] = row["flagged"]
    return flags, timing["bytes"] / timing["seconds"] / 1e6


def timed(cases, flag, repeat):
    flags = {c["id"]: flag(c["input"]) for c in cases}
    total = sum(len(c["input"].encode()) for c in cases)
    start = time.perf_counter()
    for _ in range(repeat):
        for c in cases:
            flag(c["input"])
    seconds = time.perf_counter() - start
    return flags, total * repeat / seconds / 1e6


def detect_secrets_flagger():
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    # Enter the default plugin settings once, so the timing covers scanning only.
    settings = default_settings()
    settings.__enter__()

    def flag(text, _settings=settings):
        return any(True for line in text.splitlines() for _ in scan_line(line))

    return flag


def presidio_flagger(threshold):
    import tldextract

    # The email recognizer checks TLDs with tldextract; use its bundled suffix list, offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer, PhoneRecognizer, UsSsnRecognizer)

    recognizers = [EmailRecognizer(), PhoneRecognizer(), UsSsnRecognizer(), CreditCardRecognizer(),
                   IbanRecognizer(), IpRecognizer()]

    def flag(text):
        for r in recognizers:
            for result in r.analyze(text, r.supported_entities, None):
                if result.score >= threshold:
                    return True
        return False

    return flag


def summarize(name, cases, flags, mbps):
    def recall(pred):
        pos = [c for c in cases if c["file"] != "negatives.jsonl" and pred(c)]
        return 100.0 * sum(flags[c["id"]] for c in pos) / max(1, len(pos))

    negatives = [c for c in cases if c["file"] == "negatives.jsonl"]
    fpr = 100.0 * sum(flags[c["id"]] for c in negatives) / max(1, len(negatives))
    return [name, f"{mbps:.2f}",
            f"{recall(lambda c: c['category'] == 'pii' and c['file'] == 'positives.jsonl'):.1f}%",
            f"{recall(lambda c: c['category'] == 'secret' and c['file'] == 'positives.jsonl'):.1f}%",
            f"{recall(lambda c: c['category'] == 'restricted_key' and c['file'] == 'positives.jsonl'):.1f}%",
            f"{recall(lambda c: c['file'] == 'evasions.jsonl'):.1f}%",
            f"{recall(lambda c: True):.1f}%", f"{fpr:.1f}%"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = load(args.corpus)
    size = sum(len(c["input"].encode()) for c in cases)
    print(f"corpus: {len(cases)} cases, {size} bytes; repeat {args.repeat}", file=sys.stderr)
    rows = []
    flags, mbps = run_ours(args.binary, args.corpus, args.repeat * 10)
    rows.append(summarize("nmp-egress", cases, flags, mbps))
    flags, mbps = timed(cases, detect_secrets_flagger(), args.repeat)
    rows.append(summarize("detect-secrets", cases, flags, mbps))
    for threshold, label in [(0.0, "presidio (any score)"), (0.5, "presidio (score>=0.5)")]:
        flags, mbps = timed(cases, presidio_flagger(threshold), args.repeat)
        rows.append(summarize(label, cases, flags, mbps))
    header = ["tool", "MB/s", "recall pii", "recall secret", "recall keys", "recall evasion", "recall all", "FPR"]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(v).ljust(w) for v, w in zip(r, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


if __name__ == "__main__":
    main()
