#!/usr/bin/env python3
"""Generate the labelled egress corpus, deterministically.

Writes crates/nmp-egress/tests/corpus/{positives,negatives,evasions}.jsonl and config.json.
Each line is one guest output to scan:

    {"id": "...", "category": "pii|secret|restricted_key", "rule": "pii.card" | null, "input": "..."}

Positives and evasions must be blocked with a finding of that category and rule (any key rule
when the rule is null); negatives
(near-misses of that category: Luhn-invalid numbers, aggregate key names, masked passwords, ...)
must pass. Values are realistic and valid where a checksum exists (Luhn cards, mod-97 IBANs,
SSN area/group/serial rules, MRZ check digits). Re-running the script reproduces the same bytes.

Usage: python3 scripts/egress-corpus.py [OUT_DIR]
"""

import base64
import json
import random
import string
import sys
import urllib.parse
from pathlib import Path

SEED = 20261122
R = random.Random(SEED)
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "crates/nmp-egress/tests/corpus"
RESTRICTED = ["patientId", "mrn", "dateOfBirth", "encounterId", "memberNumber"]

FIRST = ["Maria", "John", "Aisha", "Wei", "Olivia", "Mateo", "Sofia", "Liam", "Fatima", "Noah",
         "Elena", "Kenji", "Amara", "Lucas", "Ingrid", "Omar", "Chloe", "Ravi", "Hannah", "Diego"]
LAST = ["Alvarez", "Smith", "Khan", "Zhang", "Johnson", "Rossi", "Müller", "Okafor", "Dubois",
        "Nakamura", "Kowalski", "Silva", "Andersen", "Haddad", "O'Brien", "Novak", "Patel", "Lee"]
DOMAINS = ["example.org", "mail.example.com", "stjude-clinic.org", "gmail.com", "outlook.com",
           "uni-heidelberg.de", "nhs.net", "acme-health.co.uk", "bank.example", "proton.me"]
STREETS = ["Baker Street", "Elm Street", "Pennsylvania Avenue", "Sunset Boulevard", "Maple Drive",
           "Oak Lane", "Harbor Road", "Cedar Court", "Mission Street", "Park Place"]
WARDS = ["ICU", "Cardiology", "Oncology", "Pediatrics", "Maternity", "Neurology", "ER"]


def pick(xs):
    return R.choice(xs)


def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(R.randrange(10))
    for check in range(10):
        ds = digits + [check]
        total = 0
        for i, d in enumerate(reversed(ds)):
            if i % 2 == 1:
                d *= 2
                d = d - 9 if d > 9 else d
            total += d
        if total % 10 == 0:
            return "".join(map(str, ds))
    raise AssertionError


def luhn_valid(number):
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def card():
    kind = pick(["visa", "mc", "amex", "discover", "mc2"])
    prefix, length = {
        "visa": ("4" + str(R.randrange(100, 999)), 16),
        "mc": (str(R.randrange(51, 56)), 16),
        "mc2": (str(R.randrange(2221, 2721)), 16),
        "amex": (pick(["34", "37"]), 15),
        "discover": ("6011", 16),
    }[kind]
    return luhn_complete(prefix, length)


def group_card(n):
    sep = pick([" ", "-"])
    if len(n) == 15:
        return sep.join([n[:4], n[4:10], n[10:]])
    return sep.join(n[i:i + 4] for i in range(0, len(n), 4))


def ssn():
    while True:
        area = R.randrange(1, 900)
        if area != 666:
            break
    return f"{area:03d}-{R.randrange(1, 100):02d}-{R.randrange(1, 10000):04d}"


IBAN_SHAPES = {"DE": "8n10n", "GB": "4a14n", "FR": "10n11c2n", "NL": "4a10n", "ES": "20n", "IT": "1a10n12c", "BE": "12n", "CH": "5n12c"}


def iban():
    country = pick(sorted(IBAN_SHAPES))
    shape = IBAN_SHAPES[country]
    bban = ""
    i = 0
    while i < len(shape):
        j = i
        while shape[j].isdigit():
            j += 1
        n, kind = int(shape[i:j]), shape[j]
        alphabet = {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits + string.ascii_uppercase}[kind]
        bban += "".join(R.choice(alphabet) for _ in range(n))
        i = j + 1
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def group_iban(s):
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def mrz_check(field):
    weights = [7, 3, 1]
    total = 0
    for i, c in enumerate(field):
        v = int(c) if c.isdigit() else (ord(c) - 55 if c.isalpha() else 0)
        total += v * weights[i % 3]
    return str(total % 10)


def mrz():
    surname = pick(LAST).upper().replace("'", "").replace("Ü", "UE")
    given = pick(FIRST).upper()
    country = pick(["UTO", "USA", "GBR", "DEU", "FRA", "NLD"])
    line1 = f"P<{country}{surname}<<{given}".ljust(44, "<")[:44]
    number = "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(9))
    dob = f"{R.randrange(50, 99):02d}{R.randrange(1, 13):02d}{R.randrange(1, 29):02d}"
    exp = f"{R.randrange(26, 35):02d}{R.randrange(1, 13):02d}{R.randrange(1, 29):02d}"
    sex = pick("MF")
    personal = "<" * 14
    line2 = number + mrz_check(number) + country + dob + mrz_check(dob) + sex + exp + mrz_check(exp) + personal + "<"
    line2 += mrz_check(line2[0:10] + line2[13:20] + line2[21:43])
    return line1, line2


def phone():
    return pick([
        lambda: f"+1 {R.randrange(201, 990)}-{R.randrange(200, 999)}-{R.randrange(1000, 9999)}",
        lambda: f"+1{R.randrange(201, 990)}{R.randrange(200, 999)}{R.randrange(1000, 9999)}",
        lambda: f"({R.randrange(201, 990)}) {R.randrange(200, 999)}-{R.randrange(1000, 9999)}",
        lambda: f"{R.randrange(201, 990)}-{R.randrange(200, 999)}-{R.randrange(1000, 9999)}",
        lambda: f"+44 20 {R.randrange(7000, 8999)} {R.randrange(1000, 9999)}",
        lambda: f"+49 30 {R.randrange(10000000, 99999999)}",
        lambda: f"+33 6 {R.randrange(10, 99)} {R.randrange(10, 99)} {R.randrange(10, 99)} {R.randrange(10, 99)}",
        lambda: f"020 {R.randrange(7000, 8999)} {R.randrange(1000, 9999)}",
        lambda: f"01 {R.randrange(10, 99)} {R.randrange(10, 99)} {R.randrange(10, 99)} {R.randrange(10, 99)}",
        lambda: f"+81 3-{R.randrange(1000, 9999)}-{R.randrange(1000, 9999)}",
    ])()


def email():
    f, l = pick(FIRST).lower(), pick(LAST).lower().replace("'", "").replace("ü", "u")
    local = pick([f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}{R.randrange(1, 99)}", f"{f}+lab"])
    return f"{local}@{pick(DOMAINS)}"


def ipv4():
    return pick([
        lambda: f"203.0.113.{R.randrange(1, 255)}",
        lambda: f"198.51.100.{R.randrange(1, 255)}",
        lambda: f"{R.randrange(11, 223)}.{R.randrange(0, 256)}.{R.randrange(0, 256)}.{R.randrange(1, 255)}",
        lambda: f"10.{R.randrange(0, 256)}.{R.randrange(0, 256)}.{R.randrange(1, 255)}",
        lambda: f"192.168.{R.randrange(0, 256)}.{R.randrange(1, 255)}",
    ])()


def ipv6():
    groups = [f"{R.randrange(0, 65536):x}" for _ in range(8)]
    return pick([
        lambda: "2001:db8:" + ":".join(groups[2:]),
        lambda: f"2001:db8::{groups[6]}:{groups[7]}",
        lambda: f"fe80::{groups[4]}:{groups[5]}:{groups[6]}:{groups[7]}",
        lambda: f"2a00:1450:4001:{groups[3]}::{groups[7]}",
    ])()


def dob():
    y, m, d = R.randrange(1930, 2010), R.randrange(1, 13), R.randrange(1, 29)
    return pick([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{d} {pick(['March', 'July', 'Jan', 'October'])} {y}"])


def rand(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"


def jwt(claims):
    def seg(obj):
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(claims)}.{rand(ALNUM + '-_', 43)}"


def pem():
    body = "\n".join(rand(B64, 64) for _ in range(R.randrange(4, 9)))
    kind = pick(["RSA ", "EC ", "OPENSSH ", ""])
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"


def password():
    return rand(string.ascii_letters, R.randrange(4, 8)) + rand(string.digits, 2) + pick("!#%*?@") + rand(ALNUM, R.randrange(3, 8))


SECRETS = {
    "secret.aws_access_key_id": lambda: pick(["AKIA", "ASIA"]) + rand(string.ascii_uppercase + "234567", 16),
    "secret.github_token": lambda: pick(["ghp_", "gho_", "ghs_"]) + rand(ALNUM, 36),
    "secret.gitlab_token": lambda: "glpat-" + rand(ALNUM + "-_", 20),
    "secret.slack_token": lambda: pick(["xoxb-", "xoxp-"]) + f"{R.randrange(10**10, 10**11)}-{R.randrange(10**10, 10**11)}-" + rand(ALNUM, 24),
    "secret.stripe_key": lambda: pick(["sk_live_", "rk_live_", "sk_test_"]) + rand(ALNUM, 24),
    "secret.openai_key": lambda: pick(["sk-proj-" + rand(ALNUM + "-_", 48), "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20)]),
    "secret.google_api_key": lambda: "AIza" + rand(ALNUM + "-_", 35),
    "secret.jwt": lambda: jwt({"sub": str(R.randrange(10**6)), "iat": 1700000000 + R.randrange(10**6)}),
    "secret.private_key": pem,
}


def wrap_json(key, value, extra=None):
    doc = {"ward": pick(WARDS), "count": R.randrange(5, 400)}
    doc[key] = value
    if extra:
        doc.update(extra)
    return json.dumps(doc, ensure_ascii=False)


def in_text(value):
    return pick([
        lambda: f"2026-11-22T10:{R.randrange(10, 59)}:00Z INFO job finished for {value} in 42ms",
        lambda: f"ward,count,contact\n{pick(WARDS)},{R.randrange(5, 99)},{value}\n",
        lambda: json.dumps({"summary": f"Follow-up needed: {value}, see notes."}),
        lambda: json.dumps({"rows": [{"ward": pick(WARDS), "note": f"ref {value}"}]}),
    ])()


def positives():
    out = []
    gens = [
        ("pii.email", email), ("pii.phone", phone), ("pii.ssn", ssn), ("pii.card", card),
        ("pii.card", lambda: group_card(card())), ("pii.iban", iban), ("pii.iban", lambda: group_iban(iban())),
        ("pii.ipv4", ipv4), ("pii.ipv6", ipv6),
    ]
    for rule, gen in gens:
        for i in range(18):
            value = gen()
            text = pick([lambda: wrap_json(pick(["contact", "value", "ref", "detail"]), value), lambda: in_text(value)])()
            out.append(("pii", rule, text))
    for _ in range(12):
        l1, l2 = mrz()
        out.append(("pii", "pii.mrz", pick([json.dumps({"scan": l1 + "\n" + l2}), f"MRZ:\n{l1}\n{l2}\n"])))
    for _ in range(12):
        out.append(("pii", "pii.dob", pick([wrap_json(pick(["dob", "birthDate", "birth_date", "DOB"]), dob()),
                                            f"patient record: DOB: {dob()} admitted"])))
    for _ in range(12):
        addr = f"{R.randrange(1, 9999)} {pick(STREETS)}"
        out.append(("pii", "pii.address", pick([wrap_json(pick(["address", "street_address", "homeAddress"]), addr + ", Springfield"),
                                                f"shipped to {addr}, Springfield IL"])))
    for _ in range(12):
        key, val = pick([("firstName", pick(FIRST)), ("last_name", pick(LAST)), ("name", f"{pick(FIRST)} {pick(LAST)}"),
                         ("fullName", f"{pick(FIRST)} {pick(LAST)}")])
        out.append(("pii", "pii.name", wrap_json(key, val)))
    for rule, gen in SECRETS.items():
        for _ in range(11):
            value = gen()
            text = pick([lambda: wrap_json(pick(["output", "debug", "config_dump"]), value), lambda: in_text(value)])()
            out.append(("secret", rule, text))
    for _ in range(12):
        key = pick(["password", "db_password", "apiKey", "client_secret", "AUTH_TOKEN", "secret_key"])
        out.append(("secret", "secret.credential", pick([wrap_json(key, password()), f"connecting with {key}={password()} to db"])))
    for _ in range(8):
        out.append(("secret", "secret.aws_secret_key", pick([
            wrap_json("aws_secret_access_key", rand(B64, 40)),
            f"aws_secret_access_key = {rand(B64, 40)}\nregion = eu-west-1"])))
    for _ in range(8):
        out.append(("secret", "secret.url_credentials", json.dumps({"dsn": f"postgres://admin:{password()}@db.internal:5432/app"})))
    keys = ["patientId", "patient_id", "PatientID", "patient-id", "PATIENT_ID", "mrn", "MRN", "Mrn", "patient.mrn",
            "dateOfBirth", "date_of_birth", "encounterId", "encounter_id", "memberNumber", "member_number",
            "ssn", "SSN", "social_security_number", "passportNumber", "patientIds", "primaryPatientId"]
    for i in range(60):
        key = keys[i % len(keys)]
        value = pick([R.randrange(10**5, 10**7), f"P-{R.randrange(10**5, 10**6)}", [R.randrange(100, 999) for _ in range(3)]])
        body = pick([lambda: wrap_json(key, value), lambda: json.dumps({"rows": [{key: value, "los": 3}]}),
                     lambda: f"{key},ward,los\n{R.randrange(10**5, 10**6)},ICU,3\n", lambda: f"exported {key}={R.randrange(10**5, 10**6)} ok"])()
        out.append(("restricted_key", None, body))
    return out


def b64(s, url=False):
    f = base64.urlsafe_b64encode if url else base64.b64encode
    return f(s.encode()).decode()


def u_escape(s):
    return "".join(f"\\u{ord(c):04x}" if c in "@.-" or R.random() < 0.3 else c for c in s)


def evasions():
    out = []
    def hidden():
        return pick([("pii", "pii.email", email()), ("pii", "pii.ssn", ssn()), ("pii", "pii.card", card()),
                     ("secret", "secret.aws_access_key_id", SECRETS["secret.aws_access_key_id"]()),
                     ("secret", "secret.github_token", SECRETS["secret.github_token"]()), ("pii", "pii.iban", iban())])
    encoders = [
        ("base64", lambda s: b64(s)),
        ("base64url", lambda s: b64(s, url=True).rstrip("=")),
        ("hex", lambda s: s.encode().hex()),
        ("url", lambda s: urllib.parse.quote(s, safe="")),
        ("uescape", u_escape),
        ("json", lambda s: json.dumps({"inner": s})),
        ("json2", lambda s: json.dumps(json.dumps({"inner": s}))),
        ("b64json", lambda s: b64(json.dumps({"v": s}))),
        ("b64url_enc", lambda s: b64(urllib.parse.quote(s, safe=""))),
        ("hex_b64", lambda s: b64(s).encode().hex()),
        ("html", lambda s: "".join(f"&#{ord(c)};" if c in "@." else c for c in s)),
        ("json3", lambda s: json.dumps(json.dumps(json.dumps({"x": {"y": s}})))),
    ]
    for i in range(72):
        cat, rule, value = hidden()
        name, enc = encoders[i % len(encoders)]
        payload = enc(value)
        out.append((cat, rule, pick([wrap_json("blob", payload), f"debug payload={payload} end",
                                     json.dumps({"data": [{"attachment": payload}]})])))
    for _ in range(10):
        cat, rule, value = pick([("pii", "pii.email", email()), ("pii", "pii.card", card()),
                                 ("secret", "secret.aws_access_key_id", SECRETS["secret.aws_access_key_id"]())])
        cut = R.randrange(3, len(value) - 3)
        out.append((cat, rule, json.dumps({"parts": ["ok", value[:cut], value[cut:], "done"]})))
    lookalikes = ["p\u0430tientId", "patient\u200bId", "\uff50\uff41\uff54\uff49\uff45\uff4e\uff54\uff29\uff44", "PATIENT\u200d_ID",
                  "\u041cRN", "mr\u200bn", "encounter\u2060Id", "patient\u00adid",
                  "d\u0430te_of_birth", "member\u200cNumber", "\u0440atient_id", "patient\uff3fid"]
    for key in lookalikes:
        out.append(("restricted_key", None, json.dumps({key: R.randrange(10**5, 10**6), "ward": pick(WARDS)}, ensure_ascii=R.random() < 0.5)))
    return out


def negatives():
    out = []
    for _ in range(25):
        n = card()
        bad = n[:-1] + str((int(n[-1]) + R.randrange(1, 10)) % 10)
        assert not luhn_valid(bad)
        out.append(("pii", pick([wrap_json("order_id", bad), f"invoice {bad} settled"])))
    for _ in range(15):
        bad = pick([f"000-{R.randrange(10, 99)}-{R.randrange(1000, 9999)}", f"666-{R.randrange(10, 99)}-{R.randrange(1000, 9999)}",
                    f"9{R.randrange(10, 99)}-{R.randrange(10, 99)}-{R.randrange(1000, 9999)}", f"{R.randrange(100, 899)}-00-{R.randrange(1000, 9999)}"])
        out.append(("pii", wrap_json("ref", bad)))
    for _ in range(15):
        i = iban()
        bad = i[:2] + f"{(int(i[2:4]) + R.randrange(1, 90)) % 97 + 2:02d}" + i[4:]
        out.append(("pii", wrap_json("account_ref", bad)))
    benign_text = [
        lambda: f"2026-11-{R.randrange(10, 30)}T{R.randrange(10, 23)}:{R.randrange(10, 59)}:{R.randrange(10, 59)}Z",
        lambda: f"v{R.randrange(1, 9)}.{R.randrange(0, 20)}.{R.randrange(0, 50)}",
        lambda: f"1.3.6.1.4.1.{R.randrange(1000, 60000)}.{R.randrange(1, 9)}",
        lambda: "127.0.0.1", lambda: "0.0.0.0", lambda: "::1",
        lambda: f"978-{R.randrange(0, 9)}-{R.randrange(10, 99)}-{R.randrange(100000, 999999)}-{R.randrange(0, 9)}",
        lambda: f"{R.randrange(10**7, 10**8):08x}-{R.randrange(4096, 65535):04x}-4{R.randrange(256, 4095):03x}-a{R.randrange(256, 4095):03x}-{R.randrange(10**11, 10**12):012x}",
        lambda: rand("0123456789abcdef", 64), lambda: rand("0123456789abcdef", 40),
        lambda: pick(["icon@2x.png", "logo@3x.webp", "user@localhost", "@channel", "name at example dot com"]),
        lambda: f"${R.randrange(1, 99)},{R.randrange(100, 999)}.{R.randrange(10, 99)}",
        lambda: f"{R.randrange(30, 48)}.{R.randrange(1000, 9999)}, -{R.randrange(70, 122)}.{R.randrange(1000, 9999)}",
        lambda: f"{R.randrange(10000, 99999)}", lambda: f"{R.randrange(1, 12)}:{R.randrange(10, 59)}:{R.randrange(10, 59)}",
        lambda: f"std::vec::Vec<u8> at src/lib.rs:{R.randrange(1, 500)}:{R.randrange(1, 80)}",
        lambda: f"ORD-2026-{R.randrange(100000, 999999)}", lambda: f"{R.randrange(1, 99)}.{R.randrange(1, 99)}%",
        lambda: f"1{R.randrange(10, 99)}-{R.randrange(100, 999)}-{R.randrange(1000, 9999)}",
        lambda: f"{R.randrange(1, 28)}/{R.randrange(1, 12)}/2026", lambda: "00:1a:2b:3c:4d:5e",
    ]
    for _ in range(80):
        v = pick(benign_text)()
        out.append(("pii", pick([lambda: wrap_json(pick(["ts", "version", "oid", "note", "ref", "value"]), v), lambda: f"INFO {v} processed", lambda: json.dumps({"items": [v, pick(WARDS)]})])()))
    for _ in range(25):
        out.append(("pii", json.dumps({"name": pick(["Cohort A", "mean age by ward", "ICU readmissions", "Q3 summary", "model-v2"]),
                                        "count": R.randrange(5, 500), "histogram": [R.randrange(0, 9999) for _ in range(R.randrange(4, 12))]})))
    for _ in range(25):
        out.append(("pii", pick([
            lambda: f"ward,count,mean_age\n" + "".join(f"{w},{R.randrange(5, 99)},{R.randrange(20, 90)}.{R.randrange(0, 9)}\n" for w in WARDS),
            lambda: json.dumps({"query": "select count(*) from visits", "rows": R.randrange(1, 10**6), "elapsed_ms": R.randrange(1, 999)}),
            lambda: json.dumps({"encoded": b64(pick(["aggregate ok", "{\"count\": 12}", "no personal data here", "ward=ICU&n=4"]))}),
            lambda: json.dumps({"link": "https://example.org/search?q=" + urllib.parse.quote(pick(["mean age", "icu beds", "a+b=c"]))}),
        ])()))
    for _ in range(60):
        out.append(("secret", pick([
            lambda: wrap_json("password", pick(["********", "<redacted>", "", "REDACTED", "•••••••"])),
            lambda: wrap_json("api_key", pick(["${API_KEY}", "$OPENAI_API_KEY", "%API_KEY%", "<your-api-key>", None])),
            lambda: wrap_json("token_type", "Bearer"), lambda: wrap_json("password_min_length", 12),
            lambda: wrap_json("commit", rand("0123456789abcdef", 40)),
            lambda: wrap_json("note", "AKIA" + rand(string.ascii_uppercase, 8)),
            lambda: wrap_json("cert", "-----BEGIN CERTIFICATE-----\n" + rand(B64, 64) + "\n-----END CERTIFICATE-----"),
            lambda: wrap_json("pubkey", "-----BEGIN PUBLIC KEY-----\n" + rand(B64, 64) + "\n-----END PUBLIC KEY-----"),
            lambda: wrap_json("tokens_used", R.randrange(100, 99999)), lambda: wrap_json("passwordPolicy", "min 12 chars, 1 digit"),
            lambda: f"auth ok for service account, token expires in {R.randrange(60, 3600)}s",
            lambda: wrap_json("secret_santa", pick(["enabled", "disabled", "draw on friday"])),
            lambda: wrap_json("is_secret", pick([True, False])), lambda: wrap_json("sk", "sk-" + rand(string.ascii_lowercase, 6)),
            lambda: wrap_json("model", pick(["gpt-4o", "claude-sonnet", "llama-3.1-70b"])),
        ])()))
    aggregate_keys = ["patientCount", "patient_count", "numPatients", "distinctPatientIds", "uniqueMrnCount", "mrnCount",
                      "avgPatientIdLength", "patients", "patientAgeMean", "encounterCount", "encounters_total", "memberCount",
                      "birthYear", "patient_id_count", "totalEncounterIds", "mrn_pct_missing", "identifier", "patientType"]
    for i in range(75):
        key = aggregate_keys[i % len(aggregate_keys)]
        out.append(("restricted_key", pick([lambda: wrap_json(key, R.randrange(1, 5000)),
                                            lambda: f"ward,{key}\nICU,{R.randrange(1, 99)}\n",
                                            lambda: json.dumps({"stats": [{key: R.randrange(1, 5000), "ward": pick(WARDS)}]})])()))
    return out


def write(name, rows, labelled):
    OUT.mkdir(parents=True, exist_ok=True)
    counters = {}
    with open(OUT / name, "w", encoding="utf-8") as f:
        for row in rows:
            if labelled:
                cat, rule, text = row
            else:
                (cat, text), rule = row, None
            counters[cat] = counters.get(cat, 0) + 1
            ident = f"{name.split('.')[0]}-{cat}-{counters[cat]:03d}"
            f.write(json.dumps({"id": ident, "category": cat, "rule": rule, "input": text}, ensure_ascii=False) + "\n")
    return len(rows)


def main():
    n_pos = write("positives.jsonl", positives(), True)
    n_eva = write("evasions.jsonl", evasions(), True)
    n_neg = write("negatives.jsonl", negatives(), False)
    (OUT / "config.json").write_text(json.dumps({"restricted_keys": RESTRICTED}, indent=2) + "\n")
    print(f"egress corpus: {n_pos} positives, {n_eva} evasions, {n_neg} negatives -> {OUT}")


if __name__ == "__main__":
    main()
