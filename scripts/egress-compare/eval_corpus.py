#!/usr/bin/env python3
"""Generate the independent egress evaluation corpus, deterministically (seeded).

Writes crates/nmp-egress/tests/eval/{cases.jsonl,config.json}. Each line is one realistic node
output (analytics JSON, CSV extract, log lines, prose summary, NDJSON):

    {"id": "...", "label": "positive|negative", "category": "pii|secret|restricted_key",
     "class": "name_text|ssn|...", "shape": "json|csv|log|prose|ndjson", "evasion": null|"base64"|...,
     "input": "..."}

A positive must be blocked with a finding of its category; a negative must pass. This corpus is
NOT the tuning corpus (crates/nmp-egress/tests/corpus/): it was generated once, scored, and
frozen before any rule was changed, and rules are not written from its individual failures.
Person names come from Faker's per-locale name lists (a different source from the census lists
the filter ships), streets and cities from Faker's address providers.

Faker is pinned (FAKER_VERSION) so that the same seed gives the same bytes; the compare script
installs it into its virtualenv. Usage: python3 eval_corpus.py [OUT_DIR]
"""

import base64
import json
import random
import sys
import urllib.parse
import zlib
from pathlib import Path

import faker

FAKER_VERSION = "40.54.0"
SEED = 20261207
R = random.Random(SEED)
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "crates/nmp-egress/tests/eval"
RESTRICTED = ["memberId", "claimNumber", "dateOfBirth", "patientId", "ssn"]
LOCALES = ["en_US"] * 6 + ["en_GB", "es_ES", "de_DE", "fr_FR", "it_IT", "nl_NL", "pt_BR", "pl_PL"]
FAKERS = {loc: faker.Faker(loc) for loc in set(LOCALES)}
for i, loc in enumerate(sorted(FAKERS)):
    FAKERS[loc].seed_instance(SEED + i)
US = FAKERS["en_US"]

DEPTS = ["Cardiology", "Oncology", "Radiology", "Pediatrics", "Emergency", "Neurology", "Orthopedics", "Dermatology"]
CITIES = ["Boston", "Denver", "Austin", "Seattle", "Chicago", "Atlanta", "Portland", "Phoenix", "Madison", "Raleigh"]
DRUGS = ["Metformin", "Lisinopril", "Atorvastatin", "Amoxicillin", "Warfarin", "Insulin Glargine", "Albuterol"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def fk():
    return FAKERS[R.choice(LOCALES)]


def person():
    f = fk()
    return f"{f.first_name()} {f.last_name()}"


def digits(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            return f"{a:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def luhn_complete(prefix, length):
    body = prefix + digits(length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return body + str((10 - total % 10) % 10)


def card():
    prefix, length = R.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16), ("2221", 16)])
    return luhn_complete(prefix, length)


def iban():
    country, n = R.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14), ("ES", 20)])
    if country == "GB":
        bban = "NWBK" + digits(14)
    elif country == "NL":
        bban = "ABNA" + digits(10)
    else:
        bban = digits(n)
    rearranged = bban + country + "00"
    num = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - num % 97:02d}{bban}"


def phone():
    return R.choice([
        f"({R.randint(201, 989)}) {R.randint(200, 999)}-{digits(4)}",
        f"+1 {R.randint(201, 989)}-{R.randint(200, 999)}-{digits(4)}",
        f"{R.randint(201, 989)}.{R.randint(200, 999)}.{digits(4)}",
        f"+44 20 {digits(4)} {digits(4)}",
        f"+49 30 {digits(8)}",
    ])


def email():
    f = fk()
    user = R.choice([f.user_name(), f"{f.first_name().lower()}.{f.last_name().lower()}"])
    user = "".join(c for c in user if c.isascii() and (c.isalnum() or c in "._"))
    return f"{user or 'jdoe'}@{R.choice(['gmail.com', 'yahoo.com', 'outlook.com', 'mercyhealth.org', 'uni-bonn.de', 'web.de'])}"


def dob():
    y, m, d = R.randint(1935, 2006), R.randint(1, 12), R.randint(1, 28)
    return R.choice([f"{y}-{m:02d}-{d:02d}", f"{m}/{d}/{y}", f"{d:02d}.{m:02d}.{y}", f"{d} {MONTHS[m - 1]} {y}", f"{MONTHS[m - 1]} {d}, {y}"])


def address():
    f = fk()
    return f.address().replace("\n", ", ")


def aws_key():
    return "AKIA" + "".join(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def rand_str(n, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(R.choice(alphabet) for _ in range(n))


def secret():
    return R.choice([
        ("aws", aws_key()),
        ("github", "ghp_" + rand_str(36)),
        ("slack", f"xoxb-{digits(11)}-{digits(12)}-{rand_str(24)}"),
        ("stripe", "sk_live_" + rand_str(24)),
        ("google", "AIza" + rand_str(35, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")),
        ("gitlab", "glpat-" + rand_str(20)),
        ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(json.dumps({"sub": digits(6), "iat": 1700000000 + R.randint(0, 10**7)}).encode()).decode().rstrip("=") + "." + rand_str(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")),
        ("generic", rand_str(R.choice([32, 40, 48]), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")),
    ])


# ---------------------------------------------------------------- shapes that carry a value

def ts():
    return f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z"


def carrier(value, key="note"):
    """Places a leaking string value in one of five realistic output shapes."""
    shape = R.choice(["json", "csv", "log", "prose", "ndjson"])
    dept = R.choice(DEPTS)
    if shape == "json":
        doc = {"report": "weekly_census", "department": dept, "admissions": R.randint(10, 400),
               "rows": [{"week": R.randint(1, 52), "visits": R.randint(5, 90), key: value}]}
        return shape, json.dumps(doc)
    if shape == "csv":
        rows = [f"{dept},{R.randint(1, 52)},{R.randint(5, 90)},{value if ',' not in value else json.dumps(value)}"]
        rows += [f"{R.choice(DEPTS)},{R.randint(1, 52)},{R.randint(5, 90)},ok" for _ in range(R.randint(1, 3))]
        R.shuffle(rows)
        return shape, f"department,week,visits,{key}\n" + "\n".join(rows) + "\n"
    if shape == "log":
        return shape, f"{ts()} INFO worker-{R.randint(1, 9)} job=cohort_export step=3 {key}={json.dumps(value)} elapsed_ms={R.randint(3, 900)}\n"
    if shape == "prose":
        return shape, R.choice([
            f"Summary for {dept}: {R.randint(10, 400)} admissions this week. Flagged record: {value}. No further action.",
            f"The export finished in {R.randint(2, 40)} s. One row was held back for review ({value}).",
            f"Of {R.randint(100, 900)} encounters, {R.randint(1, 40)} were readmissions; follow-up contact {value}.",
        ])
    lines = [json.dumps({"ts": ts(), "dept": R.choice(DEPTS), "count": R.randint(1, 60)}) for _ in range(R.randint(1, 3))]
    lines.insert(R.randint(0, len(lines)), json.dumps({"ts": ts(), "dept": dept, key: value}))
    return shape, "\n".join(lines) + "\n"


# ---------------------------------------------------------------- evasions of a bare value

FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@.-"}
ARABIC = {str(i): chr(0x0660 + i) for i in range(10)}
HOMOGLYPH = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р"}


def evade(value, kind):
    if kind == "fullwidth":
        return "".join(FULLWIDTH.get(c, c) for c in value)
    if kind == "zero_width":
        return "\u200b".join(value)
    if kind == "percent":
        return "".join(f"%{b:02X}" for b in value.encode())
    if kind == "base64":
        return base64.b64encode(value.encode()).decode()
    if kind == "base32":
        return base64.b32encode(value.encode()).decode()
    if kind == "base85":
        return base64.b85encode(value.encode()).decode()
    if kind == "zlib_base64":
        return base64.b64encode(zlib.compress(value.encode())).decode()
    if kind == "arabic_digits":
        return "".join(ARABIC.get(c, c) for c in value)
    if kind == "reversed":
        return value[::-1]
    if kind == "separator":
        sep = R.choice([".", "/", "_", "\u2013", " "])
        return value.replace("-", sep) if "-" in value else sep.join(value[i:i + 4] for i in range(0, len(value), 4))
    if kind == "hex":
        return value.encode().hex()
    if kind == "url_in_json":
        return urllib.parse.quote(json.dumps({"v": value}))
    raise ValueError(kind)


VALUE_EVASIONS = ["fullwidth", "zero_width", "percent", "base64", "base32", "base85", "zlib_base64",
                  "arabic_digits", "reversed", "separator", "hex"]


def split_value(value):
    """One value split across sibling keys, object values or array elements."""
    n = R.choice([2, 3, 4])
    step = -(-len(value) // n)
    parts = [value[i:i + step] for i in range(0, len(value), step)]
    how = R.choice(["siblings", "array", "digits_array", "char_per_key"])
    if how == "siblings":
        return how, json.dumps({"dept": R.choice(DEPTS), **{f"part{i + 1}": p for i, p in enumerate(parts)}})
    if how == "array":
        return how, json.dumps({"dept": R.choice(DEPTS), "chunks": parts})
    if how == "digits_array":
        return how, json.dumps({"dept": R.choice(DEPTS), "seq": [int(c) if c.isdigit() else c for c in value]})
    return how, json.dumps({f"c{i:02d}": c for i, c in enumerate(value)})


# ---------------------------------------------------------------- positives

def pos_name():
    name = person()
    how = R.choice(["prose", "csv", "neutral_key", "log", "double_json", "prose", "csv"])
    if how == "prose":
        t = R.choice([
            f"Patient {name} was readmitted to {R.choice(DEPTS)} within 30 days.",
            f"The longest stay this quarter was {name} ({R.randint(20, 90)} days).",
            f"{name} missed three follow-up appointments in {R.choice(MONTHS)}.",
            f"Top outlier by cost: {name}, ${R.randint(20, 400)}k billed.",
            f"Discharge summary reviewed with {name} and family on {R.choice(MONTHS)} {R.randint(1, 28)}.",
        ])
        return "prose", None, t
    if how == "csv":
        rows = [f"{person()},{R.choice(DEPTS)},{R.randint(1, 30)}" for _ in range(R.randint(1, 4))]
        col = R.choice(["member", "patient", "attending", "who", "contact"])
        return "csv", None, f"{col},department,los_days\n" + "\n".join(rows) + "\n"
    if how == "neutral_key":
        key = R.choice(["label", "who", "top_case", "owner", "value", "subject", "member"])
        return "json", None, json.dumps({"metric": "max_los", "department": R.choice(DEPTS), key: name, "days": R.randint(20, 90)})
    if how == "log":
        return "log", None, f"{ts()} WARN billing: claim rejected for {name} (code {R.choice(['CO-16', 'CO-97', 'PR-1'])})\n"
    inner = json.dumps({"case": R.randint(1, 999), "who": name})
    return "json", "double_json", json.dumps({"report": "outliers", "payload": json.dumps(inner)})


def pos_value(kind):
    """A pattern-shaped value (ssn, card, iban, email, phone), plain or evaded."""
    value = {"ssn": ssn, "card": card, "iban": iban, "email": email, "phone": phone}[kind]()
    evasion = None
    if R.random() < 0.45:
        if R.random() < 0.25:
            how, text = split_value(value)
            return "json", "split_" + how, text
        options = list(VALUE_EVASIONS)
        if kind == "email":
            options += ["at_word", "homoglyph_domain"]
        evasion = R.choice(options)
        if evasion == "at_word":
            local, domain = value.split("@")
            value = f"{local} at {domain.replace('.', ' dot ') if R.random() < 0.5 else domain}"
        elif evasion == "homoglyph_domain":
            local, domain = value.split("@")
            value = local + "@" + "".join(HOMOGLYPH.get(c, c) if R.random() < 0.5 else c for c in domain)
        else:
            value = evade(value, evasion)
    key = R.choice(["note", "ref", "detail", "v", "info", "comment"])
    shape, text = carrier(value, key)
    return shape, evasion, text


def pos_address():
    a = address()
    shape, text = carrier(a, R.choice(["location", "where", "note", "site"]))
    return shape, None, text


def pos_dob():
    d = dob()
    how = R.choice(["prose", "csv", "log"])
    if how == "prose":
        return "prose", None, R.choice([
            f"Oldest patient in the cohort: born {d}, admitted to {R.choice(DEPTS)}.",
            f"Record held back: DOB {d}, {R.choice(DEPTS)}.",
            f"One case (birth date {d}) was excluded from the analysis.",
        ])
    if how == "csv":
        col = R.choice(["birth_date", "born", "dob", "birthdate"])
        rows = [f"{R.choice(DEPTS)},{dob()},{R.randint(1, 20)}" for _ in range(R.randint(1, 4))]
        return "csv", None, f"department,{col},visits\n" + "\n".join(rows) + "\n"
    return "log", None, f"{ts()} DEBUG etl: row rejected dob={d} reason=future_date\n"


def pos_secret():
    kind, value = secret()
    r = R.random()
    if kind == "generic":
        key = R.choice(["value", "data", "blob", "k", "opaque"])
        shape, text = carrier(value, key)
        return shape, "no_key", text
    evasion = None
    if r < 0.3:
        evasion = R.choice(["base64", "percent", "zero_width", "fullwidth", "reversed", "hex"])
        value = evade(value, evasion)
    elif r < 0.4:
        how, text = split_value(value)
        return "json", "split_" + how, text
    if R.random() < 0.3:
        text = f"export {R.choice(['API_KEY', 'SERVICE_TOKEN', 'DEPLOY_SECRET'])}={value}\n"
        return "log", evasion, text
    shape, text = carrier(value, R.choice(["note", "header", "cfg", "detail"]))
    return shape, evasion, text


def pos_restricted():
    key = R.choice(RESTRICTED)
    val = R.choice([f"M{digits(8)}", digits(9), f"CLM-{digits(7)}", dob() if key == "dateOfBirth" else ssn()])
    how = R.choice(["plain", "nested", "aggregate_word", "double_json", "log_escaped", "csv_header", "snake", "renamed"])
    dept = R.choice(DEPTS)
    if how == "plain":
        return "json", None, json.dumps({"department": dept, "rows": [{key: val, "visits": R.randint(1, 9)}]})
    if how == "snake":
        k = "".join("_" + c.lower() if c.isupper() else c for c in key).upper()
        return "ndjson", "key_case", "\n".join(json.dumps({k: val, "dept": R.choice(DEPTS)}) for _ in range(2)) + "\n"
    if how == "nested":
        head = {"memberId": "member", "claimNumber": "claim", "patientId": "patient", "ssn": "person", "dateOfBirth": "patient"}[key]
        tail = {"memberId": "id", "claimNumber": "number", "patientId": "id", "ssn": "ssn", "dateOfBirth": "dob"}[key]
        return "json", "nested_path", json.dumps({"department": dept, head: {tail: val, "visits": R.randint(1, 9)}})
    if how == "aggregate_word":
        agg = R.choice(["max", "min", "median", "first", "last", "sample", "top"])
        k = R.choice([f"{key}_{agg}", f"{agg}_{key}", f"{agg}{key[0].upper()}{key[1:]}"])
        return "json", "aggregate_word", json.dumps({"department": dept, k: val})
    if how == "double_json":
        inner = json.dumps({key: val})
        return "json", "double_json", json.dumps({"department": dept, "result": json.dumps(inner)})
    if how == "log_escaped":
        inner = json.dumps({key: val, "status": "rejected"})
        return "log", "json_in_log", f"{ts()} ERROR validator: bad row {json.dumps(inner)}\n"
    if how == "csv_header":
        k = R.choice([key, "".join("_" + c.lower() if c.isupper() else c for c in key)])
        rows = [f"{R.choice(DEPTS)},{val},{R.randint(1, 9)}"]
        return "csv", None, f"department,{k},visits\n" + "\n".join(rows) + "\n"
    k = R.choice(["v", "pid", "id_", "ref", "x"])
    return "json", "renamed_key", json.dumps({"department": dept, "rows": [{k: val, "visits": R.randint(1, 9)}]})


# ---------------------------------------------------------------- negatives

def neg_statistics():
    col = R.choice(["ssn", "mrn", "patient_id", "member_id", "date_of_birth", "dob", "email", "phone", "claim_number", "patientId"])
    stat = R.choice([("error_count", R.randint(0, 90)), ("null_fraction", round(R.random(), 3)), ("distinct_count", R.randint(100, 90000)),
                     ("share_present", round(R.random(), 3)), ("nulls", R.randint(0, 500)), ("invalid_rows", R.randint(0, 40)),
                     ("coverage_pct", round(R.random() * 100, 1)), ("missing_rate", round(R.random(), 4)), ("completeness", round(R.random(), 3)),
                     ("dup_count", R.randint(0, 30)), ("format_errors", R.randint(0, 30)), ("length_p95", R.randint(9, 12))])
    style = R.choice(["snake", "camel", "prefix", "nested"])
    if style == "snake":
        doc = {f"{col}_{stat[0]}": stat[1], "table": "encounters", "rows": R.randint(1000, 90000)}
    elif style == "camel":
        parts = (col + "_" + stat[0]).split("_")
        doc = {parts[0] + "".join(p.title() for p in parts[1:]): stat[1], "table": "claims"}
    elif style == "prefix":
        doc = {f"{stat[0]}_{col}": stat[1], "table": "members"}
    else:
        doc = {"profile": {col: {stat[0]: stat[1], "type": R.choice(["string", "int64", "date"])}}, "table": "patients"}
    return "json", json.dumps(doc)


def neg_credential_words():
    return "json", json.dumps(R.choice([
        {"items": R.randint(1, 50), "next_page_token": f"page_{R.randint(2, 40)}", "has_more": True},
        {"results": [], "cursor_token": f"c_{digits(6)}"},
        {"pagination": {"next_token": str(R.randint(100, 99999)), "limit": 100}},
        {"key_fingerprint_algorithm": R.choice(["SHA256", "SHA-256", "MD5", "sha512"]), "keys": R.randint(1, 9)},
        {"token_rotation_period": R.choice(["90d", "30 days", "P90D", "7d"]), "policy": "default"},
        {"password_min_length": R.randint(8, 16), "password_policy": "complex"},
        {"secret_rotation": "enabled", "api_key_last_rotated": f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}"},
        {"token_type": "Bearer", "expires_in": 3600},
        {"auth": {"password_reset_required": False, "token_ttl_seconds": 900}},
        {"tokenizer": "whitespace", "max_tokens": 512, "token_count": R.randint(100, 5000)},
    ]))


def neg_placeholders():
    key = R.choice(["password", "api_key", "db_password", "secret", "auth_token", "ssn", "email", "phone"])
    val = R.choice(["{{ vault:secret/data/db#password }}", "${DB_PASSWORD}", "[REDACTED]", "<redacted>", "<your-api-key>", "",
                    "********", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db", "vault://kv/prod/api", "$(cat /run/secrets/db)",
                    "***-**-****", "XXX-XX-XXXX", "<email>", "{{PATIENT_EMAIL}}", "%(password)s", "REDACTED", "[hidden]", "n/a"])
    if R.random() < 0.5:
        return "json", json.dumps({"service": "export", "config": {key: val}})
    shown = val or '""'
    return "log", f"{ts()} INFO config loaded {key}={shown} source=env\n"


def neg_prose():
    dept = R.choice(DEPTS)
    return "prose", R.choice([
        f"The ssn column was excluded from the extract; {R.randint(1, 9)} % of mrn values were missing in {dept}.",
        f"Emails and phone numbers were removed before aggregation. Names are hashed with a per-dataset salt.",
        f"Date of birth was converted to age bands (0-17, 18-44, 45-64, 65+) for the {dept} cohort.",
        f"Patient names, addresses and social security numbers are never part of this report.",
        f"Across {R.choice(CITIES)} and {R.choice(CITIES)}, {dept} saw {R.randint(100, 900)} visits; median stay {R.randint(2, 9)} days.",
        f"{R.choice(DRUGS)} was the most prescribed drug in {R.choice(MONTHS)}, followed by {R.choice(DRUGS)}.",
        f"Dr. visits in {dept} rose {R.randint(2, 30)} % after the {R.choice(CITIES)} clinic opened on {R.choice(MONTHS)} {R.randint(1, 28)}.",
        f"The memberId field is a surrogate key; claimNumber is unique per submission.",
        f"Model accuracy: {round(R.random(), 3)} (AUC), trained on {R.randint(1000, 90000)} encounters from {R.choice(CITIES)} General Hospital.",
        f"Saint {R.choice(['Mary', 'Luke', 'Joseph', 'Vincent'])} Medical Center reported {R.randint(5, 80)} sepsis cases in {R.choice(MONTHS)}.",
        f"Per the {R.choice(['Cox', 'Kaplan-Meier', 'Wilcoxon', 'Fisher'])} analysis, survival differed between arms (p = 0.0{R.randint(1, 9)}).",
        f"Note from the {dept} lead: data quality for {R.choice(MONTHS)} is good; {R.randint(1, 40)} duplicates removed.",
    ])


def neg_analytics():
    shape = R.choice(["json", "csv", "ndjson", "log"])
    if shape == "json":
        return shape, json.dumps({"department": R.choice(DEPTS), "period": f"2026-Q{R.randint(1, 4)}",
                                  "metrics": {"visits": R.randint(100, 9000), "readmit_rate": round(R.random() / 5, 4),
                                              "mean_los": round(R.uniform(1, 9), 2), "p95_wait_min": R.randint(10, 240)},
                                  "request_id": "".join(R.choice("0123456789abcdef") for _ in range(32)),
                                  "run_sha": "".join(R.choice("0123456789abcdef") for _ in range(40)),
                                  "generated_at": ts()})
    if shape == "csv":
        rows = [f"{R.choice(DEPTS)},{R.choice(CITIES)},{R.randint(1, 900)},{round(R.uniform(1, 9), 2)},{R.randint(10 ** 7, 10 ** 9)}" for _ in range(R.randint(2, 6))]
        return shape, "department,city,visits,mean_los,cost_cents\n" + "\n".join(rows) + "\n"
    if shape == "ndjson":
        return shape, "\n".join(json.dumps({"trace_id": rand_str(32, "0123456789abcdef"), "span": rand_str(16, "0123456789abcdef"),
                                            "op": R.choice(["scan", "join", "agg"]), "ms": R.randint(1, 900), "build": f"v1.{R.randint(0, 30)}.{R.randint(0, 9)}"})
                                 for _ in range(R.randint(2, 4))) + "\n"
    return shape, f"{ts()} INFO query done rows={R.randint(1, 90000)} bytes={R.randint(1000, 10 ** 8)} cache=hit version=3.{R.randint(0, 20)}.{R.randint(0, 9)} digest=sha256:{rand_str(64, '0123456789abcdef')}\n"


def neg_ids():
    """Identifier-shaped values that are not personal: order numbers, UUIDs, hashes, dates."""
    return "json", json.dumps({
        "order_id": str(R.randint(10 ** 11, 10 ** 15)),
        "uuid": "%08x-%04x-4%03x-a%03x-%012x" % (R.getrandbits(32), R.getrandbits(16), R.getrandbits(12), R.getrandbits(12), R.getrandbits(48)),
        "admitted": f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}",
        "icd10": R.choice(["E11.9", "I10", "J45.909", "M54.5", "Z00.00"]),
        "npi_count": R.randint(1, 30),
        "batch": rand_str(10, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
    })


def neg_people_free():
    """Text with capitalised words that are not people: places, organisations, products."""
    return R.choice(["prose", "csv"]), R.choice([
        f"{R.choice(CITIES)} Regional opened a {R.choice(DEPTS)} wing; {R.choice(['Blue Cross', 'Kaiser Permanente', 'Medicare Advantage', 'United Healthcare'])} covers {R.randint(10, 80)} % of visits.",
        "payer,plan,members\n" + "\n".join(f"{R.choice(['Aetna', 'Cigna', 'Humana', 'Anthem'])},{R.choice(['Gold', 'Silver', 'Bronze'])} PPO,{R.randint(100, 9000)}" for _ in range(3)) + "\n",
        f"Weekly report for {R.choice(MONTHS)}: {R.choice(DRUGS)} shortages in {R.choice(CITIES)} and {R.choice(CITIES)}.",
        f"Source: Centers for Disease Control and Prevention, National Health Interview Survey {R.randint(2015, 2025)}.",
    ])


POSITIVES = [
    ("pii", "name_text", pos_name, 160),
    ("pii", "ssn", lambda: pos_value("ssn"), 90),
    ("pii", "card", lambda: pos_value("card"), 70),
    ("pii", "iban", lambda: pos_value("iban"), 40),
    ("pii", "email", lambda: pos_value("email"), 80),
    ("pii", "phone", lambda: pos_value("phone"), 60),
    ("pii", "address", pos_address, 60),
    ("pii", "dob_text", pos_dob, 50),
    ("secret", "secret", pos_secret, 110),
    ("restricted_key", "restricted", pos_restricted, 110),
]
NEGATIVES = [
    ("restricted_key", "statistics_key", neg_statistics, 150),
    ("secret", "credential_word_key", neg_credential_words, 80),
    ("secret", "placeholder", neg_placeholders, 80),
    ("pii", "prose_about_data", neg_prose, 150),
    ("pii", "analytics", neg_analytics, 150),
    ("pii", "identifiers", neg_ids, 60),
    ("pii", "capitalised_non_names", neg_people_free, 60),
]


def main():
    if faker.VERSION != FAKER_VERSION:
        sys.exit(f"eval_corpus.py needs Faker {FAKER_VERSION} for reproducible output, found {faker.VERSION}")
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for category, cls, make, n in POSITIVES:
        for i in range(n):
            shape, evasion, text = make()
            cases.append({"id": f"eval-pos-{cls}-{i + 1:03d}", "label": "positive", "category": category, "class": cls,
                          "shape": shape, "evasion": evasion, "input": text})
    for category, cls, make, n in NEGATIVES:
        for i in range(n):
            shape, text = make()
            cases.append({"id": f"eval-neg-{cls}-{i + 1:03d}", "label": "negative", "category": category, "class": cls,
                          "shape": shape, "evasion": None, "input": text})
    with open(OUT / "cases.jsonl", "w", encoding="utf-8") as out:
        for c in cases:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    (OUT / "config.json").write_text(json.dumps({"restricted_keys": RESTRICTED}, indent=2) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
