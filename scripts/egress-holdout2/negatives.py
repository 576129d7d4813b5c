"""Negative cases (must pass): honest answers and the text around them."""

import base64
import hashlib
import json
import string
from urllib.parse import urlencode

import render as rd
import restricted as rs
import values as vl

PII_COLS = ["email", "phone", "full_name", "home_address", "card_number", "iban", "mrn", "member_id", "date_of_birth", "national_id"]
STATS = ["null_fraction", "null_count", "distinct_count", "n_distinct", "missing_pct", "error_count", "invalid_count",
         "valid_share", "share_present", "fill_rate", "cardinality", "count", "dup_rate", "avg_length", "entropy_bits",
         "nonnull_count", "pct_masked", "format_violations"]


def camel(s):
    w = s.split("_")
    return w[0] + "".join(x.title() for x in w[1:])


def stat_value(rng, stat, col):
    if stat in ("null_fraction", "valid_share", "share_present", "fill_rate", "dup_rate", "pct_masked"):
        return round(rng.uniform(0, 1), rng.choice([3, 4]))
    if stat == "missing_pct":
        return round(rng.uniform(0, 12), 2)
    if stat in ("avg_length", "entropy_bits"):
        return round(rng.uniform(4, 40), 2)
    return rng.randint(0, 2_000_000)


def stat_key(rng, col, stat):
    form = rng.randrange(5)
    if form == 0:
        return f"{col}_{stat}"
    if form == 1:
        return f"{stat}_{col}"
    if form == 2:
        return camel(f"{col}_{stat}")
    if form == 3:
        return f"{col}.{stat}"
    return f"{stat}({col})"


def column_statistic(rng):
    col = rng.choice(rs.RESTRICTED + PII_COLS)
    kind = rng.randrange(9)
    if kind == 8:
        cols = rng.sample(rs.RESTRICTED + PII_COLS, rng.randint(2, 4))
        return "ndjson", "".join(json.dumps({"column": c, "nulls": rng.randint(0, 9000), "distinct": rng.randint(1, 90000),
                                             "valid_share": round(rng.uniform(0.9, 1), 4)}) + "\n" for c in cols)
    if kind == 0:
        obj = {stat_key(rng, col, s): stat_value(rng, s, col) for s in rng.sample(STATS, rng.randint(2, 5))}
        obj["rows"] = rng.randint(1000, 5_000_000)
        return "json", rd.dumps(obj, rng)
    if kind == 1:
        cols = rng.sample(rs.RESTRICTED + PII_COLS, rng.randint(2, 5))
        stats = rng.sample(["null_fraction", "distinct_count", "error_count", "valid_share"], 3)
        obj = {"profile": {"table": rng.choice(["claims", "members", "payroll", "loans"]),
                           "columns": [{"name": c, **{s: stat_value(rng, s, c) for s in stats}} for c in cols]}}
        return "nested_json", rd.dumps(obj, rng)
    if kind == 2:
        cols = rng.sample(rs.RESTRICTED + PII_COLS, rng.randint(2, 6))
        lines = ["column,null_fraction,distinct_count,invalid_count"]
        lines += [f"{c},{round(rng.uniform(0, 0.2), 4)},{rng.randint(1, 900000)},{rng.randint(0, 80)}" for c in cols]
        return "csv", "\n".join(lines) + "\n"
    if kind == 3:
        cols = rng.sample(rs.RESTRICTED + PII_COLS, rng.randint(2, 5))
        lines = ["| column | % null | distinct | errors |", "|---|---:|---:|---:|"]
        lines += [f"| {c} | {round(rng.uniform(0, 9), 2)} | {rng.randint(1, 900000):,} | {rng.randint(0, 80)} |" for c in cols]
        return "markdown", "\n".join(lines) + "\n"
    if kind == 4:
        stats = rng.sample(STATS, 3)
        return "kv", "\n".join(f"{stat_key(rng, col, s)}={stat_value(rng, s, col)}" for s in stats) + "\n"
    if kind == 5:
        return "log", (f"{rd.ts(rng)} INFO profiler[{rng.randint(100, 9999)}] column={col} "
                       f"nulls={rng.randint(0, 5000)} distinct={rng.randint(1, 900000)} invalid={rng.randint(0, 40)}\n")
    if kind == 6:
        num = rng.choice(["annual_salary", "credit_score", "loan_balance"])
        obj = {num: {"mean": round(rng.uniform(500, 90000), 2), "std": round(rng.uniform(10, 20000), 2),
                     "count": rng.randint(100, 90000)}, "group_min_size": 11}
        return "json", rd.dumps(obj, rng)
    return "prose", rng.choice([
        f"{col} is populated in {round(rng.uniform(90, 100), 1)} % of rows; {rng.randint(2, 60)} values failed format validation.",
        f"The {col} column has {rng.randint(1000, 900000):,} distinct values and a null fraction of {round(rng.uniform(0, 0.1), 3)}.",
        f"Data-quality summary: {col} error count {rng.randint(0, 90)}, duplicate rate {round(rng.uniform(0, 2), 2)} %.",
    ])


GROUPS = {
    "region": ["north", "south", "east", "west", "EMEA", "APAC"],
    "age_band": ["18-29", "30-39", "40-49", "50-59", "60-69", "70+"],
    "birth_decade": ["1950s", "1960s", "1970s", "1980s", "1990s"],
    "department": ["cardiology", "oncology", "radiology", "payroll", "retail banking", "claims"],
    "condition_group": ["diabetes", "hypertension", "asthma", "depression", "CKD"],
    "product": ["mortgage", "credit card", "personal loan", "savings"],
    "month": ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"],
    "plan_tier": ["bronze", "silver", "gold", "platinum"],
}
MEASURES = ["patients", "members", "claims", "headcount", "accounts", "admissions", "avg_annual_salary",
            "mean_credit_score", "readmission_rate", "mean_los_days", "total_paid", "default_rate"]


def measure(rng, m):
    if "rate" in m:
        return round(rng.uniform(0, 0.4), 3)
    if m == "mean_los_days":
        return round(rng.uniform(2, 14), 1)
    if m == "mean_credit_score":
        return round(rng.uniform(560, 790), 1)
    if m.startswith(("avg", "mean")):
        return round(rng.uniform(30000, 150000), 1)
    if m == "total_paid":
        return round(rng.uniform(1e4, 9e7), 2)
    return rng.randint(11, 90000)


def group_aggregate(rng):
    g = rng.choice(sorted(GROUPS))
    ms = rng.sample(MEASURES, rng.randint(1, 3))
    groups = rng.sample(GROUPS[g], rng.randint(3, len(GROUPS[g])))
    rows = [{g: x, **{m: measure(rng, m) for m in ms}} for x in groups]
    shape = rng.choice(["json", "nested_json", "csv", "markdown", "ndjson", "prose", "kv"])
    if shape == "json":
        return shape, rd.dumps({f"by_{g}": rows, "suppressed_groups": rng.randint(0, 3), "k_min": 11}, rng)
    if shape == "nested_json":
        return shape, rd.dumps({"result": {"query": f"{', '.join(ms)} by {g}", "groups": rows}}, rng)
    if shape == "ndjson":
        return shape, "".join(json.dumps(r) + "\n" for r in rows)
    if shape == "csv":
        return shape, ",".join(rows[0]) + "\n" + "".join(",".join(str(v) for v in r.values()) + "\n" for r in rows)
    if shape == "markdown":
        head = list(rows[0])
        return shape, "| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n" + "".join(
            "| " + " | ".join(str(v) for v in r.values()) + " |\n" for r in rows)
    if shape == "kv":
        return shape, "".join(f"{ms[0]}[{r[g]}]={r[ms[0]]}\n" for r in rows)
    r0, r1 = rows[0], rows[1]
    return shape, (f"{ms[0].replace('_', ' ').capitalize()} was highest in the {r0[g]} group ({r0[ms[0]]}) and "
                   f"lowest in {r1[g]} ({r1[ms[0]]}); groups smaller than 11 were suppressed.")


COMPANIES = ["Johnson & Johnson", "Goldman Sachs", "Morgan Stanley", "Wells Fargo", "Ernst & Young", "Charles Schwab",
             "Procter & Gamble", "Siemens Healthineers", "Roche", "Merck & Co.", "Eli Lilly and Company", "Allianz",
             "Deloitte", "McKinsey & Company", "Marks & Spencer", "Ben & Jerry's", "Dow Jones", "Barclays", "Lloyds Banking Group"]
PRODUCTS = ["Microsoft Excel", "Tableau", "Apache Spark", "Epic Hyperspace", "Cerner Millennium", "Power BI", "Snowflake",
            "PostgreSQL 16", "Ozempic", "Humira", "Lipitor", "iPhone 15", "Workday HCM", "SAP S/4HANA", "Salesforce Health Cloud"]
PLACES = ["St. Louis", "San Jose", "Fort Worth", "Washington, D.C.", "Lincoln, Nebraska", "Jackson, Mississippi",
          "Charlotte", "Victoria", "Frankfurt am Main", "Saint-Étienne", "Santa Clara County", "Houston"]
HOSPITALS = ["Massachusetts General Hospital", "Mayo Clinic", "Johns Hopkins Hospital", "Charité – Universitätsmedizin Berlin",
             "Mount Sinai", "Cleveland Clinic", "Great Ormond Street Hospital", "Karolinska University Hospital"]
FIGURES = [
    "Florence Nightingale's polar-area diagrams", "John Snow's 1854 cholera map", "the Kaplan–Meier estimator",
    "a Cox proportional-hazards model", "Fisher's exact test", "the Mann–Whitney U test", "the Benjamini–Hochberg procedure",
    "Pearson's correlation", "the Kruskal–Wallis test", "Bonferroni correction", "Hans Rosling's bubble charts",
    "Edward Tufte's small multiples", "the Gini coefficient", "Simpson's paradox", "the Wilson score interval",
    "the Charlson comorbidity index", "Alan Turing's 1950 paper", "Ada Lovelace's notes on the Analytical Engine",
]


def public_name(rng, fk):
    kind = rng.randrange(6)
    if kind == 0:
        rows = [{"vendor": c, "spend_eur": round(rng.uniform(1e4, 5e6), 2), "invoices": rng.randint(11, 900)}
                for c in rng.sample(COMPANIES, 4)]
        rng.choice(["json", "csv"])  # a draw kept so that the cases after this one stay as they were
        if rng.random() < 0.5:
            return "json", rd.dumps({"top_vendors": rows}, rng).strip() + "\n"
        return "csv", "vendor,spend_eur,invoices\n" + "".join(f"\"{r['vendor']}\",{r['spend_eur']},{r['invoices']}\n" for r in rows)
    if kind == 1:
        return "prose", f"Results were plotted in {rng.choice(PRODUCTS)} following {rng.choice(FIGURES)}; we also report {rng.choice(FIGURES)}."
    if kind == 2:
        p = rng.sample(PLACES, 3)
        return "markdown", "| metro | admissions |\n|---|---:|\n" + "".join(f"| {x} | {rng.randint(200, 9000)} |\n" for x in p)
    if kind == 3:
        return "json", rd.dumps({"referral_centres": rng.sample(HOSPITALS, 3), "share_referred": round(rng.uniform(0, 0.3), 3)}, rng)
    if kind == 4:
        comp = fk[rng.choice(["en_US", "de_DE", "fr_FR", "nl_NL"])].company()
        return "prose", f"The reinsurance panel is led by {comp}, which took {rng.randint(5, 40)} % of ceded premium in 2025."
    return "json", rd.dumps({"drug": rng.choice(PRODUCTS[8:12]), "manufacturer": rng.choice(COMPANIES[8:12]),
                             "prescriptions": rng.randint(100, 90000), "method": rng.choice(FIGURES)}, rng)


def time_version(rng):
    kind = rng.randrange(7)
    t = rd.ts(rng)
    if kind == 0:
        return "json", rd.dumps({"generated_at": t, "window": {"from": "2025-01-01", "to": "2025-12-31"}, "rows": rng.randint(1, 9e6)}, rng)
    if kind == 1:
        return "kv", f"started={rng.randint(1_750_000_000, 1_800_000_000)}\nfinished_ms={rng.randint(1_750_000_000_000, 1_800_000_000_000)}\nexit=0\n"
    if kind == 2:
        return "json", rd.dumps({"engine": "nmp-guest", "version": f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 30)}",
                                 "build": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}.{rng.randint(1000, 9999)}",
                                 "schema_version": f"2026.{rng.randint(1, 12)}.{rng.randint(1, 9)}"}, rng)
    if kind == 3:
        return "log", f"{t} INFO runner[{rng.randint(100, 9999)}] python=3.11.{rng.randint(1, 9)} numpy=1.26.{rng.randint(0, 4)} pandas=2.2.{rng.randint(0, 3)} ok\n"
    if kind == 4:
        return "prose", f"Report covers admissions between 1 January 2025 and 30 June 2025, refreshed on {t[:10]} at {t[11:16]} UTC."
    if kind == 5:
        return "csv", "month,claims\n" + "".join(f"2025-{m:02d}-01,{rng.randint(100, 9000)}\n" for m in range(1, rng.randint(4, 13)))
    return "json", rd.dumps({"last_modified": "Mon, 07 Dec 2026 10:12:44 GMT", "etag_age_s": rng.randint(0, 9999),
                             "image": f"registry.local/analytics:v{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}-rc.{rng.randint(1, 4)}"}, rng)


def identifier(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return "json", rd.dumps({"request_id": rd.uid(rng), "run_id": rd.uid(rng), "status": "done"}, rng)
    if kind == 1:
        h = hashlib.sha256(str(rng.random()).encode()).hexdigest()
        return "kv", f"dataset_sha256={h}\ncommit={hashlib.sha1(str(rng.random()).encode()).hexdigest()}\n"
    if kind == 2:
        return "csv", "order_number,items,total\n" + "".join(
            f"ORD-2026-{rng.randint(1, 999999):06d},{rng.randint(1, 9)},{round(rng.uniform(5, 900), 2)}\n" for _ in range(3))
    if kind == 3:
        return "json", rd.dumps({"invoice": f"INV-{rng.randint(2024, 2026)}-{rng.randint(1, 99999):05d}",
                                 "ticket": f"OPS-{rng.randint(100, 9999)}", "amount": round(rng.uniform(10, 9999), 2)}, rng)
    if kind == 4:
        return "log", (f"{rd.ts(rng)} INFO gateway trace_id={vl.rand(rng, vl.HEX, 32)} span_id={vl.rand(rng, vl.HEX, 16)} "
                       f"pod=reporting-{vl.rand(rng, 'bcdfghjklmnpqrstvwxz2456789', 10)}-{vl.rand(rng, 'bcdfghjklmnpqrstvwxz2456789', 5)} status=200\n")
    if kind == 5:
        return "json", rd.dumps({"etag": '"' + hashlib.md5(str(rng.random()).encode()).hexdigest() + '"',
                                 "image_digest": "sha256:" + hashlib.sha256(str(rng.random()).encode()).hexdigest()}, rng)
    if kind == 6:
        return "ndjson", "".join(json.dumps({"batch_id": rd.uid(rng), "rows": rng.randint(1, 99999)}) + "\n" for _ in range(3))
    return "markdown", "| job | run |\n|---|---|\n" + "".join(f"| nightly-{i} | {rd.uid(rng)} |\n" for i in range(3))


def cursor(rng):
    kind = rng.randrange(7)
    off = rng.randint(50, 90000)
    if kind == 0:
        tok = base64.b64encode(json.dumps({"offset": off, "limit": 50}).encode()).decode()
        return "json", rd.dumps({"next_page_token": tok, "items": rng.randint(0, 50)}, rng)
    if kind == 1:
        return "json", rd.dumps({"pageInfo": {"endCursor": base64.b64encode(f"cursor:{off}".encode()).decode(), "hasNextPage": True}}, rng)
    if kind == 2:
        return "json", rd.dumps({"continuation_token": vl.rand(rng, vl.ALNUM, 32), "page": rng.randint(2, 40)}, rng)
    if kind == 3:
        return "json", rd.dumps({"_scroll_id": "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAA" + vl.rand(rng, vl.ALNUM, 30), "hits": rng.randint(0, 999)}, rng)
    if kind == 4:
        return "kv", f"nextToken={vl.rand(rng, vl.ALNUM + '+/', 44)}=\nresults=100\n"
    if kind == 5:
        return "json", rd.dumps({"sync_token": f"st_{rng.randint(10**6, 10**9)}", "resume_token": {"_data": vl.rand(rng, vl.HEX.upper(), 48)}}, rng)
    return "log", f"{rd.ts(rng)} INFO export page=7 cursor={vl.rand(rng, vl.B64URL, 24)} page_token_ttl=300 rows=500\n"


ANY_PLACEHOLDER = ["[REDACTED]", "***", "", None, "REPLACE_ME", "********", "<redacted>", "[withheld]"]
PLACEHOLDERS = {
    "password": ["${DB_PASSWORD}", "vault:secret/data/app#password", "%(password)s", "$PGPASSWORD", "<password>"],
    "api_key": ["{{ secrets.API_KEY }}", "op://Prod/Stripe/credential", "sk_live_...", "<your-api-key>", "YOUR_API_KEY"],
    "client_secret": ["arn:aws:secretsmanager:eu-west-1:000000000000:secret:prod/oauth", "${CLIENT_SECRET}", "env:OAUTH_SECRET"],
    "token": ["Bearer <token>", "{{ .Values.token }}", "ghp_XXXXXXXXXXXXXXXXXXXX"],
    "private_key": ["-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----", "file:///run/secrets/tls.key", "k8s://secret/tls#tls.key"],
    "email": ["<EMAIL>", "<redacted:email>", "{{ user.email }}"],
    "phone": ["[PHONE]", "+1 (XXX) XXX-XXXX", "<PHONE_NUMBER>"],
    "ssn": ["***-**-****", "XXX-XX-XXXX", "<SSN>"],
    "card_number": ["xxxx-xxxx-xxxx-4242", "•••• 4242", "************1881", "<CARD>"],
    "name": ["<PERSON>", "[NAME]", "Jane Doe (placeholder)", "{{ patient.name }}"],
}


def placeholder(rng):
    key = rng.choice(sorted(PLACEHOLDERS))
    val = rng.choice(PLACEHOLDERS[key] + ANY_PLACEHOLDER[:3])
    shape = rng.choice(["json", "kv", "nested_json", "log", "prose"])
    if shape == "json":
        return shape, rd.dumps({key: val, "note": "value withheld by policy"}, rng)
    if shape == "nested_json":
        return shape, rd.dumps({"config": {"db": {"host": "db.internal", key: val}}}, rng)
    if shape == "kv":
        return shape, f"{key.upper()}={'' if val is None else val}\nENV=production\n"
    if shape == "log":
        return shape, f"{rd.ts(rng)} WARN loader masked field {key}={rd.kv_value(val)} before emit\n"
    return shape, f"Fields such as {key} are returned as {val or 'an empty string'} in this extract."


def prose_schema(rng):
    cols = rng.sample(rs.RESTRICTED + PII_COLS, rng.randint(3, 6))
    kind = rng.randrange(5)
    if kind == 0:
        return "prose", (f"The extract has {rng.randint(10, 5000)}k rows and {rng.randint(8, 40)} columns, including "
                         f"{', '.join(cols[:-1])} and {cols[-1]}. Restricted columns were only aggregated.")
    if kind == 1:
        types = ["string", "date", "integer", "decimal(12,2)", "varchar(11)", "char(10)"]
        return "json", rd.dumps({"schema": [{"name": c, "type": rng.choice(types), "pii": True} for c in cols]}, rng)
    if kind == 2:
        return "prose", ("CREATE TABLE members (\n" + ",\n".join(f"  {c} {rng.choice(['TEXT', 'DATE', 'NUMERIC(12,2)', 'VARCHAR(32)'])}" for c in cols)
                         + "\n);")
    if kind == 3:
        return "markdown", "| column | description |\n|---|---|\n" + "".join(
            f"| {c} | {rng.choice(['restricted: aggregates only', 'masked on export', 'hashed at ingest', 'excluded from extracts', 'PII: counts only'])} |\n" for c in cols)
    return "prose", (f"Note: emails live in contact_email and phone numbers in {cols[0]}; neither was returned. "
                     f"Dates of birth were bucketed into decades and {cols[1]} was reduced to counts.")


def credential_word(rng):
    pool = {"token_count": rng.randint(100, 90000), "max_tokens": 4096, "auth_method": "oauth2", "password_policy": "min 12 chars, 1 symbol",
            "key_rotation_days": 90, "secret_version": rng.randint(1, 40), "api_key_last_rotated": "2026-10-01",
            "signing_algorithm": rng.choice(["RS256", "ES256", "HS512"]), "token_type": "Bearer", "key_id": f"kid-2026-{rng.randint(1, 12):02d}",
            "fingerprint_algorithm": "SHA256", "password_reset_requests": rng.randint(0, 500), "session_timeout_s": 1800,
            "tokens_per_second": round(rng.uniform(10, 200), 1), "secret_rotation": "P30D", "credential_type": "service_account",
            "passwords_expired": rng.randint(0, 90), "mfa_enrolled_share": round(rng.uniform(0.5, 1), 3)}
    obj = {k: pool[k] for k in rng.sample(sorted(pool), rng.randint(2, 5))}
    shape = rng.choice(["json", "kv", "log", "nested_json"])
    if shape == "json":
        return shape, rd.dumps(obj, rng)
    if shape == "nested_json":
        return shape, rd.dumps({"security_summary": obj}, rng)
    if shape == "kv":
        return shape, "".join(f"{k}={v}\n" for k, v in obj.items())
    return shape, f"{rd.ts(rng)} INFO auth-audit " + " ".join(f"{k}={v}" for k, v in obj.items()) + "\n"


def log_line(rng):
    kind = rng.randrange(3)
    if kind == 0:
        return "log", "".join(f"{rd.ts(rng)} INFO job=daily-agg stage={s} rows_in={rng.randint(1000, 9_000_000)} rows_out={rng.randint(1, 400)} duration_ms={rng.randint(10, 90000)}\n"
                              for s in ["load", "group", "emit"])
    if kind == 1:
        inner = json.dumps({"by_region": {r: rng.randint(11, 9000) for r in ["north", "south"]}, "k_min": 11})
        return "log", f"{rd.ts(rng)} INFO emitter result={json.dumps(inner)}\n"
    return "log", f"{rd.ts(rng)} WARN guest memory={rng.randint(1, 60)}MiB fuel_used={rng.randint(10**6, 10**9)} groups_suppressed={rng.randint(0, 5)}\n"


def error_message(rng):
    col = rng.choice(rs.RESTRICTED)
    return "error", rng.choice([
        f"Error: column \"{col}\" is restricted; return an aggregate (count, mean) instead",
        f"KeyError: '{col}'",
        f"TypeError: unsupported operand type(s) for +: 'int' and 'str' (while summing {col})",
        f"guest trapped: out of fuel after {rng.randint(10**6, 10**9)} instructions",
        f"ValueError: group size {rng.randint(1, 10)} below the minimum of 11 for {col}",
        f"timeout: query on {col} exceeded {rng.randint(5, 60)} s",
        f"ERROR: relation \"members\" does not exist\nLINE 1: SELECT count(*) FROM members WHERE {col} IS NULL",
    ])


def encoded_benign(rng):
    agg = {"patients": rng.randint(11, 9000), "mean_age": round(rng.uniform(20, 80), 1)}
    kind = rng.randrange(5)
    if kind == 0:
        return "json", rd.dumps({"encoding": "base64", "body": base64.b64encode(json.dumps(agg).encode()).decode()}, rng)
    if kind == 1:
        return "prose", "GET /api/report?" + urlencode({"metric": "mean length of stay", "group": "age band", "from": "2025-01-01"})
    if kind == 2:
        return "json", json.dumps({"result": json.dumps(agg)})
    if kind == 3:
        n = str(rng.randint(100, 99999))
        return "prose", "患者数は" + "".join(chr(ord(c) + 0xFEE0) for c in n) + "人でした（前年比＋３％）。"
    n = str(rng.randint(100, 99999))
    return "prose", "عدد المرضى " + "".join(chr(0x0660 + int(c)) for c in n) + " في عام ٢٠٢٥"


def id_like_number(rng):
    pool = {"total_bytes": rng.randint(10**9, 10**11), "rows_scanned": rng.randint(10**8, 10**9 - 1),
            "population": rng.randint(10**7, 4 * 10**8), "sum_paid_cents": rng.randint(10**9, 10**12),
            "fiscal_years": "2019\u20132025", "port": rng.randint(1024, 65535), "pid": rng.randint(100, 99999),
            "npi_count": rng.randint(10**5, 10**6), "census_tract_count": rng.randint(1000, 80000)}
    obj = {k: pool[k] for k in rng.sample(sorted(pool), rng.randint(2, 4))}
    shape = rng.choice(["json", "kv", "prose"])
    if shape == "json":
        return shape, rd.dumps(obj, rng)
    if shape == "kv":
        return shape, "".join(f"{k}: {v}\n" for k, v in obj.items())
    n = rng.randint(10**8, 10**10)
    return shape, rng.choice([f"The job scanned {n:,} rows ({rng.randint(10**9, 10**11)} bytes) in total.",
                              f"Total paid in fiscal years 2019\u20132025: {n} cents.",
                              f"Census population covered: {n}."])


PLAN = [("column_statistic", column_statistic, 90), ("group_aggregate", group_aggregate, 56),
        ("public_name", None, 36), ("time_version", time_version, 34), ("identifier", identifier, 40),
        ("cursor", cursor, 36), ("placeholder", placeholder, 36), ("prose_schema", prose_schema, 34),
        ("credential_word", credential_word, 26), ("log_line", log_line, 24), ("error_message", error_message, 20),
        ("encoded_benign", encoded_benign, 16), ("id_like_number", id_like_number, 20)]


def build(rng, fk):
    cases, seen = [], set()
    for cls, f, n in PLAN:
        for _ in range(n):
            text = None
            while text is None or text in seen:  # every negative is a distinct output
                shape, text = public_name(rng, fk) if f is None else f(rng)
            seen.add(text)
            cases.append({"label": "negative", "category": "benign", "class": cls, "shape": shape, "evasion": None, "input": text})
    return cases
