"""Output shapes a module really prints: JSON, nested JSON, NDJSON, CSV, markdown tables,
key=value dumps, log lines, prose and error messages. `render` puts one labelled field
(`key`, one value per row) among ordinary filler fields in the chosen shape.
"""

import csv
import io
import json
import uuid

SHAPES = ["json", "nested_json", "ndjson", "csv", "markdown", "kv", "log", "prose", "error"]

FILLER = [
    ("region", lambda r: r.choice(["north", "south", "EMEA", "APAC", "midwest", "Île-de-France", "Bavaria"])),
    ("visits", lambda r: r.randint(0, 40)),
    ("status", lambda r: r.choice(["active", "closed", "pending", "denied", "approved"])),
    ("plan", lambda r: r.choice(["gold", "silver", "bronze", "HMO-2", "PPO Plus"])),
    ("department", lambda r: r.choice(["cardiology", "oncology", "payroll", "retail banking", "claims", "HR ops"])),
    ("score", lambda r: round(r.uniform(0, 1), 3)),
    ("segment", lambda r: r.choice(["A", "B", "C", "high-value", "new"])),
    ("amount", lambda r: round(r.uniform(10, 9000), 2)),
    ("channel", lambda r: r.choice(["web", "branch", "phone", "mobile"])),
]
SERVICES = ["claims-api", "etl-worker", "records-svc", "payroll-batch", "kyc-check", "reporting", "ingest"]
LEVELS = ["INFO", "INFO", "DEBUG", "WARN", "ERROR"]


def ts(rng):
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


def uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def filler(rng, n):
    picked = rng.sample(FILLER, n)
    return [(k, f(rng)) for k, f in picked]


def row(rng, fill, key, value, extra=()):
    items = [(k, f(rng)) for k, f in fill]
    items.insert(rng.randint(0, len(items)), (key, value))
    for k, v in extra:
        items.insert(items.index((key, value)), (k, v))
    return dict(items)


def aligned(rows):
    """Rows of a table all in the first row's column order."""
    head = list(rows[0])
    return [{k: r[k] for k in head} for r in rows]


def dumps(obj, rng, indent=None):
    return json.dumps(obj, ensure_ascii=False, indent=indent if indent is not None else rng.choice([None, None, 2]))


def cell(v):
    return "" if v is None else str(v)


def kv_value(v):
    s = cell(v)
    return f'"{s}"' if (" " in s or "=" in s or s == "") else s


def render(rng, shape, key, vals, prose=None, errors=None, extra=()):
    """Text of `shape` holding `key` with each of `vals` (one per row; single-value shapes use
    the first). `prose` / `errors` are templates with `{v}` and `{key}`."""
    fill = rng.sample(FILLER, rng.randint(1, 3))
    v0 = vals[0]
    if shape == "json":
        return dumps(row(rng, fill, key, v0, extra), rng)
    if shape == "nested_json":
        rows = [row(rng, fill, key, v, extra) for v in vals]
        wrap = rng.randrange(3)
        if wrap == 0:
            obj = {"query_id": uid(rng), "result": {"rows": rows, "row_count": len(rows)}, "elapsed_ms": rng.randint(3, 900)}
        elif wrap == 1:
            obj = {"data": {"items": rows, "page": {"number": 1, "size": 50}}, "meta": {"generated_at": ts(rng)}}
        else:
            obj = {"report": {"name": "weekly extract", "sections": [{"title": "matches", "records": rows}]}}
        return dumps(obj, rng)
    if shape == "ndjson":
        return "\n".join(json.dumps(row(rng, fill, key, v, extra), ensure_ascii=False) for v in vals) + "\n"
    if shape == "csv":
        rows = aligned([row(rng, fill, key, v, extra) for v in vals])
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(list(rows[0].keys()))
        for r in rows:
            w.writerow([cell(x) for x in r.values()])
        return out.getvalue()
    if shape == "markdown":
        rows = aligned([row(rng, fill, key, v, extra) for v in vals])
        head = list(rows[0].keys())
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for r in rows:
            lines.append("| " + " | ".join(cell(x).replace("|", "\\|") for x in r.values()) + " |")
        return "\n".join(lines) + "\n"
    if shape == "kv":
        r = row(rng, fill, key, v0, extra)
        sep = rng.choice(["=", ": "])
        return "\n".join(f"{k}{sep}{kv_value(v)}" for k, v in r.items()) + "\n"
    if shape == "log":
        lines = []
        for v in vals:
            svc = rng.choice(SERVICES)
            more = " ".join(f"{k}={kv_value(x)}" for k, x in [(k, f(rng)) for k, f in fill] + list(extra))
            lines.append(
                f"{ts(rng)} {rng.choice(LEVELS)} {svc}[{rng.randint(100, 9999)}] "
                f"{rng.choice(['record loaded', 'lookup ok', 'row emitted', 'match', 'update applied'])} "
                f"{key}={kv_value(v)} {more}"
            )
        return "\n".join(lines) + "\n"
    if shape == "prose":
        return rng.choice(prose).format(v=v0, key=key, **dict(extra))
    if shape == "error":
        return rng.choice(errors or ERRORS).format(v=v0, key=key, n=rng.randint(2, 90000))
    raise ValueError(shape)


ERRORS = [
    "ValidationError: field '{key}' rejected value '{v}' at row {n}",
    "ERROR 1062 (23000): Duplicate entry '{v}' for key 'records.{key}'",
    "psycopg.errors.UniqueViolation: duplicate key value violates unique constraint \"people_{key}_key\"\nDETAIL:  Key ({key})=({v}) already exists.",
    "Traceback (most recent call last):\n  File \"/app/job.py\", line {n}, in <module>\n    emit(rec)\nValueError: cannot serialise {key}={v!r}",
    "error: failed to parse record {n}: unexpected {key} \"{v}\"",
    "WARN schema drift in batch {n}: {key} has non-conforming value {v}",
]
