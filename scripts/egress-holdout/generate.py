#!/usr/bin/env python3
"""Generate the egress hold-out corpus: crates/nmp-egress/tests/holdout/{cases.jsonl,config.json}.

Written without reading the filter (crates/nmp-egress/src), its corpora (tests/corpus, tests/eval)
or its scripts: only the public API (Config, Scanner::scan, Verdict) and the case schema of
tests/it/eval.rs were read. Personal data comes from Faker (several locales), secrets from a
seeded random generator in the documented formats of each issuer, so no value comes from the lists
the filter uses. Reproducible: fixed seed, pinned Faker version (checked below).

    python3 -m venv /tmp/holdout-venv && /tmp/holdout-venv/bin/pip install faker==40.63.0
    /tmp/holdout-venv/bin/python scripts/egress-holdout/generate.py
"""

import base64
import hashlib
import hmac
import json
import random
import string
import sys
import urllib.parse
import zlib
from pathlib import Path

import faker
from faker import Faker

FAKER_VERSION = "40.63.0"
SEED = 20261207
OUT = Path(__file__).resolve().parents[2] / "crates" / "nmp-egress" / "tests" / "holdout"

if faker.VERSION != FAKER_VERSION:
    sys.exit(f"Faker {FAKER_VERSION} required for a reproducible corpus, found {faker.VERSION}")

R = random.Random(SEED)
LOCALES = ["en_US", "en_GB", "en_CA", "fr_FR", "de_DE", "nl_NL", "it_IT", "es_ES", "sv_SE",
           "fi_FI", "pl_PL", "pt_BR", "no_NO", "en_IN", "da_DK"]
FK = {}
for i, loc in enumerate(LOCALES):
    FK[loc] = Faker(loc)
    FK[loc].seed_instance(SEED + i)

# Locales whose Faker `ssn()` is a real national-id format (others fall back to the US one).
ID_LOCALES = {"en_US": "US SSN", "en_GB": "UK NINO", "en_CA": "Canadian SIN", "fr_FR": "French NIR",
              "nl_NL": "Dutch BSN", "it_IT": "Italian codice fiscale", "sv_SE": "Swedish personnummer",
              "fi_FI": "Finnish HETU", "pl_PL": "Polish PESEL", "pt_BR": "Brazilian CPF",
              "no_NO": "Norwegian fødselsnummer"}
IBAN_LOCALES = ["fr_FR", "de_DE", "nl_NL", "it_IT", "es_ES", "fi_FI", "pl_PL", "pt_BR", "da_DK",
                "no_NO", "en_GB"]

RESTRICTED = ["patientId", "mrn", "memberId", "claimId", "ssn", "dateOfBirth", "diagnosisCode",
              "salary", "hivStatus", "employeeId"]
CONFIG = {"restricted_keys": RESTRICTED}

CASES = []


def fk(loc=None):
    return FK[loc or R.choice(LOCALES)]


def add(label, category, cls, shape, evasion, text):
    CASES.append({"label": label, "category": category, "class": cls, "shape": shape,
                  "evasion": evasion, "input": text})


# ---------------------------------------------------------------------------------------------
# Benign filler shared by both labels (never personal data, never a secret).

PLACES = ["Boston", "Lyon", "Rotterdam", "Bologna", "Gothenburg", "Tampere", "Kraków", "Recife",
          "Bergen", "Pune", "Aarhus", "Leeds", "Calgary", "Seville", "Graz", "Washington County",
          "St. Louis", "Jackson", "Lincoln", "Victoria", "Charlotte", "Florence", "Austin"]
REGIONS = ["north", "south", "east", "west", "central", "NE", "SW", "EMEA", "APAC", "LATAM"]
DEPTS = ["Radiology", "Cardiology", "Oncology", "Emergency", "Pediatrics", "Billing", "Claims",
         "Pharmacy", "Orthopedics", "Neurology"]
PRODUCTS = ["Gold PPO", "Silver HMO", "Bronze EPO", "Medicare Advantage", "Dental Plus",
            "Vision Basic", "Family Choice", "Starter Plan"]
ORGS = ["Mayo Clinic", "Kaiser Permanente", "Johnson & Johnson", "Procter & Gamble",
        "Wells Fargo", "Charles Schwab", "Siemens Healthineers", "Philips", "Roche",
        "Boehringer Ingelheim", "Ernst & Young", "Morgan Stanley", "Ben & Jerry's", "McKinsey",
        "Dell Technologies", "Ford Motor Company", "Johns Hopkins Hospital", "Mount Sinai"]
EPONYMS = ["Kaplan–Meier", "Mann–Whitney U", "Benjamini–Hochberg", "Fisher's exact test",
           "Cox proportional hazards", "Wilcoxon signed-rank", "Pearson correlation",
           "Spearman's rho", "Kruskal–Wallis", "Bonferroni correction", "Holt–Winters",
           "Welch's t-test", "Levenshtein distance", "Jaccard index", "Gini coefficient",
           "Bayesian", "Markov chain", "Poisson regression", "Box–Cox transform", "Tukey HSD"]
SERVICES = ["query-engine", "ingest", "scheduler", "api-gateway", "etl.loader", "reporting",
            "auth", "billing-sync", "export"]


def ts():
    return (f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:"
            f"{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{R.randint(0, 999):03d}Z")


def uuid():
    return str(fk().uuid4())


def hexs(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def rand_str(n, alphabet=string.ascii_letters + string.digits):
    return "".join(R.choice(alphabet) for _ in range(n))


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def pct(x):
    return round(x, R.choice([2, 3, 4]))


# ---------------------------------------------------------------------------------------------
# Positive values: (class, category, natural key, phrase, value).

def person_name():
    f = fk()
    return R.choice([f.name(), f.first_name() + " " + f.last_name(), f.last_name() + ", " + f.first_name()])


def pos_value(cls):
    if cls == "person_name":
        return "pii", R.choice(["name", "full_name", "customer", "patient_name", "contact", "insured"]), \
            R.choice(["patient", "member", "customer", "caller", "subscriber"]), person_name()
    if cls == "postal_address":
        loc = R.choice(["en_US", "en_GB", "en_CA", "fr_FR", "de_DE", "nl_NL", "it_IT", "es_ES",
                        "sv_SE", "pl_PL", "en_IN", "da_DK"])
        f = fk(loc)
        addr = f.address().replace("\n", ", ")
        if loc == "en_US" and R.random() < 0.5:
            addr = f.street_address() + ", " + f.city() + ", " + f.state_abbr() + " " + f.zipcode()
        return "pii", R.choice(["address", "home_address", "mailing_address", "addr", "location"]), \
            "home address", addr
    if cls == "date_of_birth":
        d = fk().date_of_birth(minimum_age=1, maximum_age=95)
        v = R.choice([d.isoformat(), d.strftime("%m/%d/%Y"), d.strftime("%d.%m.%Y"),
                      d.strftime("%d %B %Y"), d.strftime("%B %d, %Y")])
        return "pii", R.choice(["dob", "birth_date", "birthdate", "date_of_birth", "born"]), \
            "date of birth", v
    if cls == "national_id":
        loc = R.choice(list(ID_LOCALES))
        return "pii", R.choice(["national_id", "tax_id", "id_number", "ssn_value", "nin"]), \
            ID_LOCALES[loc], fk(loc).ssn()
    if cls == "email":
        return "pii", R.choice(["email", "contact_email", "mail", "user", "reply_to"]), "email", \
            fk().email(safe=False)
    if cls == "phone":
        return "pii", R.choice(["phone", "mobile", "tel", "contact_number", "callback"]), "phone", \
            fk().phone_number()
    if cls == "card_number":
        t = R.choice(["visa16", "mastercard", "amex", "discover", "jcb16", "diners", "visa16"])
        n = fk("en_US").credit_card_number(card_type=t)
        if R.random() < 0.4 and len(n) == 16:
            n = " ".join(n[i:i + 4] for i in range(0, 16, 4))
        return "pii", R.choice(["card", "card_number", "pan", "payment_card", "cc"]), "card", n
    if cls == "bank_account":
        if R.random() < 0.75:
            v = fk(R.choice(IBAN_LOCALES)).iban()
            if R.random() < 0.4:
                v = " ".join(v[i:i + 4] for i in range(0, len(v), 4))
            return "pii", R.choice(["iban", "account", "payout_account", "bank"]), "IBAN", v
        f = fk("en_US")
        return "pii", R.choice(["account_number", "acct", "bank_account"]), "account", \
            f"routing {f.aba()} account {f.bban()[4:]}"
    if cls == "member_id":
        kind = R.choice(["member ID", "MRN", "claim number", "policy number", "patient ID"])
        v = R.choice([f"{rand_str(3, string.ascii_uppercase)}{R.randint(100000000, 999999999)}",
                      f"{R.randint(10000000, 99999999)}",
                      f"CLM-{R.randint(2019, 2026)}-{R.randint(1000000, 9999999)}",
                      f"M{R.randint(1000000, 9999999)}-{R.randint(10, 99)}",
                      f"W{R.randint(100000000, 999999999)}"])
        return "pii", R.choice(["member_ref", "claim_ref", "policy", "subscriber_no"]), kind, v
    if cls == "api_key":
        kind, v = R.choice([
            ("AWS access key", lambda: "AKIA" + rand_str(16, string.ascii_uppercase + "234567")),
            ("AWS secret key", lambda: rand_str(40, string.ascii_letters + string.digits + "/+")),
            ("GitHub token", lambda: "ghp_" + rand_str(36)),
            ("GitHub token", lambda: "github_pat_" + rand_str(22) + "_" + rand_str(59)),
            ("Slack token", lambda: f"xoxb-{R.randint(10**11, 10**12)}-{R.randint(10**12, 10**13)}-{rand_str(24)}"),
            ("Stripe key", lambda: "sk_live_" + rand_str(R.choice([24, 99]))),
            ("Google API key", lambda: "AIza" + rand_str(35, string.ascii_letters + string.digits + "-_")),
            ("OpenAI key", lambda: "sk-proj-" + rand_str(48, string.ascii_letters + string.digits + "-_")),
            ("GitLab token", lambda: "glpat-" + rand_str(20, string.ascii_letters + string.digits + "-_")),
            ("SendGrid key", lambda: "SG." + rand_str(22) + "." + rand_str(43)),
            ("Twilio key", lambda: "SK" + hexs(32)),
            ("npm token", lambda: "npm_" + rand_str(36)),
            ("Azure storage key", lambda: base64.b64encode(R.randbytes(64)).decode()),
            ("HF token", lambda: "hf_" + rand_str(34)),
        ])
        return "secret", R.choice(["api_key", "apiKey", "key", "token", "access_key", "x-api-key"]), \
            kind, v()
    if cls == "token":
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64url(json.dumps({"sub": str(R.randint(1000, 99999)), "iat": 1760000000 + R.randint(0, 10**7),
                                  "scope": R.choice(["read", "read write", "admin"])}).encode())
        sig = b64url(hmac.new(R.randbytes(32), f"{header}.{body}".encode(), hashlib.sha256).digest())
        jwt = f"{header}.{body}.{sig}"
        v = R.choice([jwt, jwt, "Bearer " + jwt, "ya29." + rand_str(120, string.ascii_letters + string.digits + "-_"),
                      "Bearer " + rand_str(40)])
        return "secret", R.choice(["authorization", "access_token", "session", "id_token", "auth"]), \
            "bearer token", v
    if cls == "private_key":
        kind = R.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        body = base64.b64encode(R.randbytes(R.choice([121, 256, 600]))).decode()
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return "secret", R.choice(["private_key", "key_pem", "signing_key", "tls_key"]), "private key", \
            f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----"
    if cls == "password":
        pw = fk().password(length=R.randint(10, 20), special_chars=R.random() < 0.7)
        return "secret", R.choice(["password", "passwd", "db_password", "pwd", "admin_pass"]), "password", pw
    if cls == "connection_string":
        f = fk()
        user, pw = f.user_name(), f.password(length=R.randint(10, 18), special_chars=False)
        host = R.choice(["db.internal", "10.2.14.7", "pg-prod.cluster-ro.local", "mongo-0.svc"])
        v = R.choice([
            f"postgresql://{user}:{pw}@{host}:5432/claims",
            f"mysql://{user}:{pw}@{host}:3306/ehr",
            f"mongodb+srv://{user}:{pw}@{host}/members?retryWrites=true",
            f"redis://:{pw}@{host}:6379/0",
            f"Server={host};Database=Billing;User Id={user};Password={pw};",
            f"jdbc:sqlserver://{host}:1433;databaseName=ehr;user={user};password={pw}",
            f"amqp://{user}:{pw}@{host}:5672/",
        ])
        return "secret", R.choice(["dsn", "database_url", "conn", "connection_string", "uri"]), \
            "connection string", v
    if cls == "generic_secret":
        v = R.choice([hexs(64), hexs(40), base64.b64encode(R.randbytes(32)).decode(),
                      rand_str(R.randint(32, 48)), b64url(R.randbytes(24))])
        return "secret", R.choice(["secret", "client_secret", "signing_secret", "webhook_secret", "hmac_key"]), \
            "secret", v
    raise ValueError(cls)


RESTRICTED_VALUE = {
    "patientId": lambda: R.choice([f"P{R.randint(1000000, 9999999)}", f"{R.randint(100000, 999999)}",
                                   f"PT-{R.randint(10000, 99999)}-{rand_str(2, string.ascii_uppercase)}"]),
    "mrn": lambda: f"{R.randint(10**7, 10**8 - 1)}",
    "memberId": lambda: f"{rand_str(3, string.ascii_uppercase)}{R.randint(10**8, 10**9 - 1)}",
    "claimId": lambda: f"CLM{R.randint(10**9, 10**10 - 1)}",
    "ssn": lambda: fk("en_US").ssn(),
    "dateOfBirth": lambda: fk().date_of_birth().isoformat(),
    "diagnosisCode": lambda: R.choice(["E11.9", "I10", "F32.1", "J45.909", "C50.911", "B20", "O24.410", "Z21"]),
    "salary": lambda: R.choice([R.randint(31000, 240000), f"{R.randint(31, 240)},{R.randint(100, 999)}"]),
    "hivStatus": lambda: R.choice(["positive", "negative", "reactive", "non-reactive", True, False]),
    "employeeId": lambda: R.choice([f"E{R.randint(10000, 99999)}", R.randint(100000, 999999)]),
}


def key_variant(k):
    """The same restricted column spelled as another system would."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in k)
    return R.choice([snake, snake.upper(), k[0].upper() + k[1:], k.lower(), snake.replace("_", "-"),
                     k.replace("Id", "ID")])


# ---------------------------------------------------------------------------------------------
# Shapes: embed a (key, value) in realistic output.

def filler_record():
    return {"region": R.choice(REGIONS), "department": R.choice(DEPTS), "visits": R.randint(1, 40),
            "last_visit": f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}"}


def shape_json(key, value):
    rec = filler_record()
    items = list(rec.items())
    items.insert(R.randint(0, len(items)), (key, value))
    row = dict(items)
    wrap = R.choice(["rows", "result", "data", "records", None])
    if wrap is None:
        return json.dumps(row, ensure_ascii=R.random() < 0.3)
    return json.dumps({"query_id": uuid(), "row_count": 1, wrap: [row]}, ensure_ascii=R.random() < 0.3)


def csv_cell(v):
    s = str(v)
    return f'"{s}"' if ("," in s or "\n" in s or '"' in s) else s


def shape_csv(key, value):
    rec = filler_record()
    cols = list(rec) + [key]
    R.shuffle(cols)
    lines = [",".join(cols)]
    for _ in range(R.randint(1, 3)):
        rec = filler_record()
        lines.append(",".join(csv_cell(rec[c]) if c in rec else csv_cell(value) for c in cols))
    return "\n".join(lines) + "\n"


def shape_ndjson(key, value):
    lines = []
    hit = R.randint(0, 2)
    for i in range(3):
        ev = {"ts": ts(), "event": R.choice(["lookup", "export", "match", "update"]), "job": uuid()}
        if i == hit:
            ev[key] = value
        lines.append(json.dumps(ev))
    return "\n".join(lines) + "\n"


# Classes whose bare value is not recognisable without its key or a phrase naming it (a bare
# date, a bare 8-10 digit number): their cases always carry that context, so the label is fair.
NEEDS_CONTEXT = {"date_of_birth", "member_id", "national_id", "phone", "password", "generic_secret"}


def shape_log(key, value, phrase, bare=True):
    lvl = R.choice(["INFO", "WARN", "DEBUG", "ERROR"])
    svc = R.choice(SERVICES)
    msg = R.choice([f"{phrase} {value} matched", f"processing {key}={value}", f"{key}: {value}",
                    f"lookup ok ({phrase}: {value})"] + ([f"updated record for {value}"] if bare else []))
    pre = f"{ts()} {lvl:<5} [{svc}] request_id={uuid()} " if R.random() < 0.6 else f"[{ts()}] {svc} {lvl}: "
    return pre + msg + "\n"


PROSE = [
    "Of the {n} flagged records, the outlier is {phrase} {v}, whose costs were {k}x the median.",
    "Follow-up: {phrase} {v} appears twice in the {d} extract; please deduplicate before the rerun.",
    "Summary for {d}: {n} encounters reviewed. Notable case — {v} ({phrase}) was readmitted within 30 days.",
    "The join failed for one row only; its {phrase} is {v}.",
    "I checked the mismatch by hand: {v} is listed under {d} in March but not in April.",
]


def shape_prose(key, value, phrase, bare=True):
    return R.choice(PROSE if bare else [t for t in PROSE if "{phrase}" in t]).format(n=R.randint(20, 5000), phrase=phrase, v=value, k=R.randint(3, 12),
                                  d=R.choice(DEPTS)) + "\n"


def shape_error(key, value, phrase, bare=True):
    if not bare:
        return f"ValidationError: field '{key}' has invalid value '{value}' (row {R.randint(2, 90000)})\n"
    return R.choice([
        f"ValidationError: field '{key}' has invalid value '{value}' (row {R.randint(2, 90000)})",
        f"IntegrityError: duplicate key value violates unique constraint \"{key}_uniq\"\nDETAIL:  Key ({key})=({value}) already exists.",
        f"Traceback (most recent call last):\n  File \"job.py\", line {R.randint(10, 400)}, in <module>\n    rows = lookup({value!r})\nKeyError: {value!r}",
        f"error: could not parse {phrase} \"{value}\" at line {R.randint(2, 5000)}",
    ]) + "\n"


def shape_markdown(key, value, phrase):
    rows = [filler_record() for _ in range(R.randint(1, 3))]
    hit = R.randrange(len(rows))
    out = f"| department | {key} | visits |\n|---|---|---:|\n"
    for i, r in enumerate(rows):
        out += f"| {r['department']} | {value if i == hit else '—'} | {r['visits']} |\n"
    return R.choice(["", "### Matches\n\n", "Results:\n\n"]) + out


SHAPES = ["json", "csv", "ndjson", "log", "prose", "error", "markdown"]


def render(shape, key, value, phrase, cls=None):
    bare = cls not in NEEDS_CONTEXT
    if shape == "json":
        return shape_json(key, value)
    if shape == "csv":
        return shape_csv(key, value)
    if shape == "ndjson":
        return shape_ndjson(key, value)
    if shape == "log":
        return shape_log(key, value, phrase, bare)
    if shape == "prose":
        return shape_prose(key, value, phrase, bare)
    if shape == "error":
        return shape_error(key, value, phrase, bare)
    return shape_markdown(key, value, phrase)


NEUTRAL_KEYS = ["value", "v", "result", "out", "field_7", "col3", "match", "payload", "data", "x"]


# ---------------------------------------------------------------------------------------------
# Evasions of a value (each its own label).

ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
HOMO = {"a": "\u0430", "o": "\u043e", "e": "\u0435", "c": "\u0441", "p": "\u0440", "x": "\u0445",
        "i": "\u0456", "l": "\u04cf"}


def fullwidth_digits(s):
    return s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def arabic_indic_digits(s):
    return s.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def fullwidth_letters(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def zero_width(s):
    z = R.choice(ZW)
    return z.join(s) if R.random() < 0.6 else "".join(c + (z if R.random() < 0.5 else "") for c in s)


def percent_encoding(s):
    if R.random() < 0.6 or s.isalnum():
        return "".join(f"%{b:02X}" for b in s.encode())
    return urllib.parse.quote(s, safe="")


def groups(s):
    d = "".join(c for c in s if c.isalnum())
    if any(c in s for c in "- ./"):
        parts, cur = [], ""
        for c in s:
            if c in "- ./":
                if cur:
                    parts.append(cur)
                cur = ""
            else:
                cur += c
        parts.append(cur)
        return [p for p in parts if p]
    step = 4 if len(d) > 10 else 3
    return [d[i:i + step] for i in range(0, len(d), step)]


def separator(sep):
    return lambda s: sep.join(groups(s))


def homoglyph_email_domain(s):
    user, dom = s.split("@")
    idx = [i for i, c in enumerate(dom) if c in HOMO]
    i = R.choice(idx) if idx else 0
    return user + "@" + dom[:i] + HOMO.get(dom[i], dom[i]) + dom[i + 1:]


def at_word(s):
    user, dom = s.split("@")
    style = R.choice(["at", "[at]", "(at)", "AT"])
    if R.random() < 0.5:
        return f"{user} {style} {dom.replace('.', ' dot ')}"
    return f"{user} {style} {dom}"


VALUE_EVASIONS = {
    "fullwidth_digits": fullwidth_digits,
    "arabic_indic_digits": arabic_indic_digits,
    "fullwidth_letters": fullwidth_letters,
    "zero_width": zero_width,
    "percent_encoding": percent_encoding,
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "base32": lambda s: base64.b32encode(s.encode()).decode(),
    "base85": lambda s: base64.b85encode(s.encode()).decode(),
    "zlib_base64": lambda s: base64.b64encode(zlib.compress(s.encode())).decode(),
    "separator_dot": separator("."),
    "separator_slash": separator("/"),
    "separator_underscore": separator("_"),
    "separator_en_dash": separator("–"),
    "reversal": lambda s: s[::-1],
    "homoglyph_email_domain": homoglyph_email_domain,
    "at_word": at_word,
}

DIGITS = ["national_id", "phone", "card_number", "date_of_birth", "bank_account"]
EVASION_CLASSES = {
    "fullwidth_digits": DIGITS,
    "arabic_indic_digits": DIGITS,
    "fullwidth_letters": ["email", "api_key", "bank_account", "person_name"],
    "zero_width": ["email", "national_id", "card_number", "phone", "api_key", "person_name"],
    "percent_encoding": ["email", "national_id", "card_number", "phone", "api_key", "postal_address"],
    "base64": ["email", "national_id", "card_number", "api_key", "phone", "bank_account", "person_name"],
    "base32": ["email", "national_id", "card_number", "api_key", "phone"],
    "base85": ["email", "national_id", "card_number", "api_key", "phone"],
    "zlib_base64": ["email", "national_id", "card_number", "api_key", "postal_address"],
    "separator_dot": DIGITS[:4],
    "separator_slash": DIGITS[:3],
    "separator_underscore": DIGITS[:3],
    "separator_en_dash": DIGITS[:3],
    "reversal": ["email", "national_id", "card_number", "phone", "api_key"],
    "homoglyph_email_domain": ["email"],
    "at_word": ["email"],
    "json_unicode_escape": ["email", "national_id", "person_name", "card_number", "api_key"],
    "one_char_per_key": ["national_id", "card_number", "email", "api_key"],
    "digit_array": ["national_id", "card_number", "phone"],
    "split_sibling_keys": ["national_id", "card_number", "email", "phone", "bank_account", "api_key"],
    "split_array_elements": ["national_id", "card_number", "email", "phone", "api_key"],
    "json_in_log": ["email", "national_id", "person_name", "api_key", "card_number", "phone",
                    "postal_address", "password", "date_of_birth"],
    "double_encoded_json": ["email", "national_id", "person_name", "api_key", "card_number",
                            "phone", "connection_string", "date_of_birth"],
}
PER_EVASION = 14


def digit_heavy(cls):
    """A positive value of `cls` with at least 8 digits (for digit-level evasions)."""
    for _ in range(100):
        cat, key, phrase, v = pos_value(cls)
        if cls == "bank_account" and not v[:2].isalpha():
            continue
        if cls == "date_of_birth" and not v[:4].isdigit():
            continue
        if sum(c.isdigit() for c in v) >= 8:
            return cat, key, phrase, v
    raise RuntimeError(cls)


def split_parts(v, n):
    cut = sorted(R.sample(range(1, len(v)), n - 1))
    return [v[i:j] for i, j in zip([0] + cut, cut + [len(v)])]


def structural(ev, cls, key, phrase, v):
    """Return (shape, text) for a structural evasion of value v."""
    shape, text = structural_bare(ev, cls, key, phrase, v)
    if cls in NEEDS_CONTEXT and ev not in ("json_in_log", "double_encoded_json", "json_unicode_escape"):
        inner = json.loads(text)
        text = json.dumps({key: inner} if not isinstance(inner, dict) or len(inner) != 1
                          else {key: next(iter(inner.values()))})
    return shape, text


def structural_bare(ev, cls, key, phrase, v):
    if ev == "json_unicode_escape":
        esc = "".join(f"\\u{ord(c):04x}" for c in v)
        k = key if cls in NEEDS_CONTEXT else R.choice(NEUTRAL_KEYS)
        return "json", '{"run": "%s", "%s": "%s", "n": %d}' % (uuid(), k, esc,
                                                                 R.randint(1, 9))
    if ev == "one_char_per_key":
        obj = {f"{R.choice(['c', 'k', 'f', '_'])}{i}": c for i, c in enumerate(v)} if R.random() < 0.5 \
            else {str(i): c for i, c in enumerate(v)}
        return "json", json.dumps({"result": obj})
    if ev == "digit_array":
        digits = [int(c) for c in v if c.isdigit()]
        return "json", json.dumps({R.choice(NEUTRAL_KEYS): digits, "ok": True})
    if ev == "split_sibling_keys":
        if cls == "email":
            u, d = v.split("@")
            obj = R.choice([{"user": u, "domain": d}, {"local": u, "host": d}, {"a": u + "@", "b": d}])
        else:
            parts = groups(v) if len(groups(v)) > 1 else split_parts(v, 3)
            names = R.choice([["a", "b", "c", "d", "e", "f"], ["p1", "p2", "p3", "p4", "p5", "p6"],
                              ["first", "second", "third", "fourth", "fifth", "sixth"]])
            obj = {names[i % 6] + ("" if i < 6 else str(i)): p for i, p in enumerate(parts)}
        return "json", json.dumps({"match": obj, "score": round(R.random(), 3)})
    if ev == "split_array_elements":
        parts = groups(v) if (cls != "email" and len(groups(v)) > 1) else split_parts(v, R.randint(2, 4))
        return "json", json.dumps({R.choice(NEUTRAL_KEYS): parts})
    if ev == "json_in_log":
        inner = json.dumps({key: v, "status": R.choice(["ok", "retry"])})
        return "log", (f"{ts()} INFO [{R.choice(SERVICES)}] payload=" + json.dumps(inner) + "\n"
                       if R.random() < 0.5 else
                       json.dumps({"ts": ts(), "level": "info", "msg": "request body: " + inner}) + "\n")
    if ev == "double_encoded_json":
        inner = json.dumps({key: v})
        outer = json.dumps({"body": inner}) if R.random() < 0.6 else json.dumps(inner)
        return "json", json.dumps({"job": uuid(), "output": outer}) if R.random() < 0.5 else outer
    raise ValueError(ev)


def gen_positives():
    plain_classes = ["person_name", "postal_address", "date_of_birth", "national_id", "email",
                     "phone", "card_number", "bank_account", "member_id", "api_key", "token",
                     "private_key", "password", "connection_string", "generic_secret"]
    # Names and addresses in free text are the hardest plain classes (issue 11): twice as many.
    per_class = {"person_name": 72, "postal_address": 54}
    for cls in plain_classes:
        for i in range(per_class.get(cls, 36)):
            cat, key, phrase, v = pos_value(cls)
            shape = SHAPES[i % len(SHAPES)]
            if cls in ("password", "generic_secret") and shape == "prose":
                text = R.choice([f"For the rerun use {key} {v} (it is rotated weekly).",
                                 f"The export job authenticates with {phrase} {v}."]) + "\n"
            elif cls in ("private_key",) and shape in ("csv", "markdown", "prose"):
                shape = "json"
                text = shape_json(key, v)
            else:
                text = render(shape, key, v, phrase, cls)
            add("positive", cat, cls, shape, None, text)
    for ev, classes in EVASION_CLASSES.items():
        for i in range(PER_EVASION):
            cls = classes[i % len(classes)]
            if ev in VALUE_EVASIONS and ev not in ("homoglyph_email_domain", "at_word") and cls in DIGITS \
                    or ev in ("digit_array", "one_char_per_key", "split_sibling_keys", "split_array_elements") \
                    and cls != "email" and cls != "api_key":
                cat, key, phrase, v = digit_heavy(cls)
            else:
                cat, key, phrase, v = pos_value(cls)
            if ev in VALUE_EVASIONS:
                shape = R.choice(["json", "log", "prose", "csv", "ndjson", "error", "markdown"])
                ev_v = VALUE_EVASIONS[ev](v)
                k = R.choice(NEUTRAL_KEYS) if R.random() < 0.6 and cls not in NEEDS_CONTEXT else key
                encoded = ev in ("base64", "base32", "base85", "zlib_base64")
                text = render(shape, k, ev_v, phrase if not encoded or cls in NEEDS_CONTEXT
                              else R.choice(["blob", "encoded", "ref"]), cls)
            else:
                shape, text = structural(ev, cls, key, phrase, v)
            add("positive", cat, cls, shape, ev, text)
    gen_restricted()


NESTED = {"patientId": ("patient", "id"), "memberId": ("member", "id"), "claimId": ("claim", "id"),
          "employeeId": ("employee", "id"), "diagnosisCode": ("diagnosis", "code"),
          "hivStatus": ("hiv", "status"), "dateOfBirth": ("birth", "date")}


def restricted_row(k, v):
    r = filler_record()
    r[k] = v
    return r


def gen_restricted():
    cols = list(RESTRICTED_VALUE)
    for i in range(70):
        k = cols[i % len(cols)]
        v = RESTRICTED_VALUE[k]()
        shape = ["json", "csv", "ndjson", "markdown", "log", "json", "csv"][i % 7]
        if shape == "json":
            text = json.dumps({"rows": [restricted_row(k, RESTRICTED_VALUE[k]()) for _ in range(R.randint(1, 3))]})
        elif shape == "csv":
            text = shape_csv(k, v)
        elif shape == "ndjson":
            text = shape_ndjson(k, v)
        elif shape == "markdown":
            text = shape_markdown(k, v, k)
        else:
            text = f"{ts()} DEBUG [{R.choice(SERVICES)}] row {R.randint(1, 9999)}: {k}={v} visits={R.randint(1, 30)}\n"
        add("positive", "restricted", "restricted_value", shape, None, text)
    # The issue: MIN/MAX/MEDIAN of a restricted column is one person's value.
    for i in range(16):
        k = R.choice(["salary", "dateOfBirth", "mrn", "patientId", "employeeId"])
        agg = R.choice(["max", "min", "median", "first", "last"])
        key = R.choice([f"{k}_{agg}", f"{agg}_{k}", f"{k}{agg.capitalize()}"])
        text = json.dumps({"department": R.choice(DEPTS), key: RESTRICTED_VALUE[k](), "n": R.randint(20, 900)})
        add("positive", "restricted", "restricted_value", "json", "order_statistic_key", text)
    evs = ["nested_restricted_path", "key_variant", "key_zero_width", "key_homoglyph",
           "double_encoded_json", "json_in_log"]
    for i in range(14 * len(evs)):
        ev = evs[i % len(evs)]
        k = R.choice(list(NESTED)) if ev == "nested_restricted_path" else R.choice(cols)
        v = RESTRICTED_VALUE[k]()
        shape = "json"
        if ev == "nested_restricted_path":
            a, b = NESTED[k]
            text = json.dumps({"rows": [{a: {b: v}, "visits": R.randint(1, 20)}]})
        elif ev == "key_variant":
            kv = key_variant(k)
            if R.random() < 0.5:
                text = json.dumps({"result": [{kv: v, "region": R.choice(REGIONS)}]})
            else:
                shape, text = "csv", f"region,{kv},visits\n{R.choice(REGIONS)},{v},{R.randint(1, 30)}\n"
        elif ev == "key_zero_width":
            p = R.randint(1, len(k) - 1)
            text = json.dumps({k[:p] + R.choice(ZW) + k[p:]: v, "n": 1}, ensure_ascii=False)
        elif ev == "key_homoglyph":
            idx = [j for j, c in enumerate(k) if c in HOMO] or [0]
            j = R.choice(idx)
            text = json.dumps({k[:j] + HOMO.get(k[j], k[j]) + k[j + 1:]: v, "n": 1}, ensure_ascii=False)
        elif ev == "double_encoded_json":
            inner = json.dumps({k: v})
            text = json.dumps({"result": json.dumps(inner) if R.random() < 0.3 else inner})
        else:
            shape = "log"
            text = f"{ts()} WARN [{R.choice(SERVICES)}] slow row body=" + json.dumps(json.dumps({k: v})) + "\n"
        add("positive", "restricted", "restricted_value", shape, ev, text)
    # Renamed restricted keys: only the data-aware value index can know these values.
    for i in range(30):
        k = R.choice(["patientId", "mrn", "memberId", "claimId", "employeeId", "salary"])
        v = RESTRICTED_VALUE[k]()
        nk = R.choice(["v", "pid", "id", "ref", "x", "key", "item"])
        shape = R.choice(["json", "csv", "ndjson"])
        if shape == "json":
            text = json.dumps({"result": [{nk: v, "visits": R.randint(1, 20)}]})
        elif shape == "csv":
            text = f"{nk},visits\n{csv_cell(v)},{R.randint(1, 20)}\n"
        else:
            text = json.dumps({"ts": ts(), nk: v}) + "\n"
        add("positive", "data_aware", "renamed_restricted_key", shape, "renamed_key", text)


# ---------------------------------------------------------------------------------------------
# Negatives: honest output, heavy on the shapes that resemble the positives.

PII_COLS = ["email", "phone", "address", "dob", "name", "ssn", "patientId", "mrn", "memberId",
            "claimId", "dateOfBirth", "salary", "hivStatus", "employeeId", "diagnosisCode",
            "card_number", "iban", "zip"]
QUALIFIERS = ["null_fraction", "null_count", "distinct_count", "error_count", "share_present",
              "missing_rate", "valid_pct", "cardinality", "nullFraction", "DistinctCount",
              "ErrorCount", "_is_null_share", "invalid_format_count", "duplicate_count",
              "completeness", "uniqueness"]


def qual_key(col):
    q = R.choice(QUALIFIERS)
    if q[0].isupper():
        return col + q
    if q.startswith("_"):
        return col + q
    return R.choice([f"{col}_{q}", f"{col}.{q}", f"{q}_{col}" if R.random() < 0.3 else f"{col}_{q}"])


def stat_value(key):
    if any(w in key.lower() for w in ("fraction", "rate", "share", "completeness", "uniqueness")):
        return round(R.random() * R.choice([0.1, 1]), 4)
    if "pct" in key.lower():
        return round(R.uniform(50, 100), 1)
    return R.randint(0, 250000)


def neg_column_stat(i):
    shape = ["json", "csv", "markdown", "ndjson", "json", "prose"][i % 6]
    cols = R.sample(PII_COLS, R.randint(2, 5))
    if shape == "json":
        style = R.randrange(4)
        if style == 0:
            obj = {qual_key(c): None for c in cols}
            obj = {k: stat_value(k) for k in obj}
            obj["rows"] = R.randint(1000, 900000)
        elif style == 1:
            obj = {"dataset": R.choice(["claims_2025", "encounters", "members", "payroll"]),
                   "columns": {c: {"null_fraction": round(R.random() * 0.2, 4),
                                   "distinct_count": R.randint(10, 500000),
                                   "dtype": R.choice(["string", "int64", "date32"])} for c in cols}}
        elif style == 2:
            c = R.choice(["salary", "age", "length_of_stay", "paid_amount"])
            obj = {c: {"count": R.randint(100, 90000), "mean": round(R.uniform(10, 90000), 2),
                       "std": round(R.uniform(1, 20000), 2)}, "group": R.choice(DEPTS)}
        else:
            obj = [{"column": c, "nulls": R.randint(0, 5000), "distinct": R.randint(1, 100000),
                    "pattern": R.choice(["NNN-NN-NNNN", "AAA999999999", "####-##-##", "email", "E.164"])}
                   for c in cols]
        return shape, json.dumps(obj)
    if shape == "csv":
        lines = ["column,null_fraction,distinct_count,error_count"]
        for c in cols:
            lines.append(f"{c},{round(R.random() * 0.3, 4)},{R.randint(1, 400000)},{R.randint(0, 900)}")
        return shape, "\n".join(lines) + "\n"
    if shape == "markdown":
        out = "| column | % null | distinct | invalid |\n|---|---:|---:|---:|\n"
        for c in cols:
            out += f"| `{c}` | {round(R.random() * 30, 1)} | {R.randint(1, 400000):,} | {R.randint(0, 900)} |\n"
        return shape, out
    if shape == "ndjson":
        return shape, "".join(json.dumps({"column": c, "check": R.choice(["not_null", "format", "unique"]),
                                          "failed": R.randint(0, 400), "total": R.randint(1000, 90000)}) + "\n"
                              for c in cols)
    c1, c2 = cols[0], cols[1]
    return shape, R.choice([
        f"`{c1}` is {round(R.random() * 10, 1)}% null and `{c2}` has {R.randint(100, 90000):,} distinct values; "
        f"{R.randint(0, 300)} rows failed the format check.\n",
        f"The {c1} column is complete (0 nulls); {c2} is missing for {R.randint(1, 40)} of {R.randint(1000, 9000)} rows.\n",
    ])


def neg_group_aggregate(i):
    shape = ["json", "csv", "markdown", "ndjson", "json", "prose"][i % 6]
    kind = R.randrange(5)
    if kind == 0:
        rows = [{"department": d, "patients": R.randint(5, 4000), "mean_salary": round(R.uniform(40000, 160000), 2),
                 "mean_los_days": round(R.uniform(1, 9), 2)} for d in R.sample(DEPTS, 4)]
    elif kind == 1:
        rows = [{"zip3": f"{R.randint(0, 999):03d}", "members": R.randint(11, 9000)} for _ in range(4)]
    elif kind == 2:
        rows = [{"zip": f"{R.randint(1000, 99999):05d}", "patients": R.randint(11, 400),
                 "readmit_rate": round(R.random() * 0.3, 3)} for _ in range(4)]
    elif kind == 3:
        start = R.randint(1930, 1990)
        rows = [{"birth_decade": f"{y}s", "count": R.randint(10, 9000)} for y in range(start - start % 10, 2010, 10)][:5]
    else:
        rows = [{"month": f"2026-{m:02d}", "claims": R.randint(100, 90000), "paid_total": round(R.uniform(1e4, 9e6), 2)}
                for m in range(1, R.randint(3, 7))]
    if shape == "json":
        return shape, json.dumps({"query_id": uuid(), "group_by": list(rows[0])[0], "rows": rows})
    if shape == "ndjson":
        return shape, "".join(json.dumps(r) + "\n" for r in rows)
    if shape == "csv":
        cols = list(rows[0])
        return shape, ",".join(cols) + "\n" + "".join(",".join(str(r[c]) for c in cols) + "\n" for r in rows)
    if shape == "markdown":
        cols = list(rows[0])
        out = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
        return shape, out + "".join("| " + " | ".join(str(r[c]) for c in cols) + " |\n" for r in rows)
    r = rows[0]
    k = list(r)
    return shape, (f"Grouped by {k[0]}, the largest group is {r[k[0]]} with {r[k[1]]} "
                   f"({len(rows)} groups shown, small cells under 11 suppressed).\n")


def neg_schema(i):
    shape = ["json", "csv", "markdown", "prose", "json", "error"][i % 6]
    cols = R.sample(PII_COLS, R.randint(3, 7))
    types = {"email": "VARCHAR(254)", "phone": "VARCHAR(20)", "ssn": "CHAR(11)", "dob": "DATE",
             "dateOfBirth": "DATE", "salary": "NUMERIC(10,2)", "hivStatus": "BOOLEAN", "zip": "CHAR(5)"}
    if shape == "json":
        if R.random() < 0.5:
            return shape, json.dumps({"table": R.choice(["members", "encounters", "claims", "staff"]),
                                      "columns": [{"name": c, "type": types.get(c, "VARCHAR(32)"),
                                                   "nullable": R.random() < 0.5,
                                                   "restricted": c in RESTRICTED,
                                                   "pii": c in ("email", "phone", "ssn", "dob", "name", "address")}
                                                  for c in cols]})
        props = {c: {"type": "string", **({"format": "email"} if c == "email" else {}),
                     **({"pattern": "^\\d{3}-\\d{2}-\\d{4}$"} if c == "ssn" else {}),
                     **({"format": "date"} if c in ("dob", "dateOfBirth") else {})} for c in cols}
        return shape, json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                                  "properties": props, "required": cols[:2]})
    if shape == "csv":
        return shape, "column,type,nullable,restricted\n" + "".join(
            f"{c},{types.get(c, 'VARCHAR(32)')},{R.choice(['yes', 'no'])},{str(c in RESTRICTED).lower()}\n" for c in cols)
    if shape == "markdown":
        return shape, "| column | type | description |\n|---|---|---|\n" + "".join(
            f"| {c} | {types.get(c, 'string')} | {R.choice(['identifier, restricted', 'free text', 'PII', 'nullable'])} |\n"
            for c in cols)
    if shape == "error":
        return shape, f"SchemaError: expected columns [{', '.join(cols)}] but found [{', '.join(cols[:-1])}]\n"
    return shape, ("CREATE TABLE " + R.choice(["members", "encounters", "claims"]) + " (\n  " +
                   ",\n  ".join(f"{c} {types.get(c, 'VARCHAR(32)')}" for c in cols) + "\n);\n")


METHODS = [
    "Direct identifiers (names, SSNs, email addresses and phone numbers) were dropped before aggregation.",
    "The patientId and mrn columns were hashed with salted SHA-256 on the node; only counts leave.",
    "Dates of birth were coarsened to birth year and ages above 89 were top-coded.",
    "Survival was estimated with the {e} method and groups compared with a log-rank test.",
    "Differences between departments were tested with {e} (p < 0.05).",
    "Cells with fewer than 11 patients are suppressed, following the CMS small-cell policy.",
    "Addresses were geocoded to ZIP3 before any join; street-level data never left the node.",
    "Card numbers and IBANs in the payments table are tokenised upstream; we only counted them.",
    "The memberId column is restricted, so the analysis uses the member count per plan instead.",
    "Free-text notes may contain names and phone numbers, so they were excluded from this run.",
    "Claims from {o} were reconciled against the {p} plan totals for Q{q}.",
    "Salary figures are means per department; no individual salary is reported.",
    "We report the email domain distribution only at the level of 'corporate' vs 'webmail'.",
    "The SSN field is 2.1% null and 0.4% fails the NNN-NN-NNNN format check.",
    "Readmission rates in {c} were {r}% compared with {r2}% in {c2}.",
]


def neg_prose(i):
    n = R.randint(1, 3)
    text = " ".join(R.choice(METHODS).format(e=R.choice(EPONYMS), o=R.choice(ORGS), p=R.choice(PRODUCTS),
                                             q=R.randint(1, 4), c=R.choice(PLACES), c2=R.choice(PLACES),
                                             r=round(R.uniform(5, 20), 1), r2=round(R.uniform(5, 20), 1))
                    for _ in range(n))
    if i % 3 == 0:
        return "markdown", f"## Methods\n\n{text}\n\n- rows scanned: {R.randint(10**5, 10**8):,}\n- run: {uuid()}\n"
    return "prose", text + "\n"


def cursor_value():
    return R.choice([
        lambda: b64url(json.dumps({"offset": R.randint(1, 90) * 100, "sort": "ts"}).encode()),
        lambda: base64.b64encode(f"cursor:{R.randint(1, 99999)}".encode()).decode(),
        lambda: "01J" + rand_str(23, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
        lambda: str(R.randint(100, 900000)),
        lambda: b64url(json.dumps({"last_id": R.randint(1, 10**6), "v": 2}).encode()),
        lambda: base64.b64encode(R.randbytes(R.choice([24, 48]))).decode(),
        lambda: "DXF1ZXJ5QW5kRmV0Y2gB" + base64.b64encode(R.randbytes(30)).decode(),
        lambda: f"page_{R.randint(2, 400)}",
    ])()


def neg_cursor(i):
    key = R.choice(["next_page_token", "nextToken", "cursor", "continuation_token", "page_token",
                    "next_cursor", "after", "scroll_id", "nextPageToken"])
    shape = ["json", "json", "ndjson", "log", "json"][i % 5]
    v = cursor_value()
    if shape == "json":
        return shape, json.dumps({"rows": [{"department": R.choice(DEPTS), "patients": R.randint(1, 900)}],
                                  key: v, "has_more": True})
    if shape == "ndjson":
        return shape, json.dumps({"page": R.randint(1, 50), key: v}) + "\n"
    return shape, (f"{ts()} INFO [api-gateway] GET /v1/datasets/claims/stats?{key}={urllib.parse.quote(v)} "
                   f"200 {R.randint(2, 900)}ms\n")


def neg_credential_word(i):
    pairs = [
        ("fingerprint_algorithm", lambda: R.choice(["SHA-256", "SHA256", "sha1", "MD5", "BLAKE3"])),
        ("token_type", lambda: R.choice(["Bearer", "bearer", "DPoP", "mac"])),
        ("key_rotation_period", lambda: R.choice(["P90D", "90d", "30 days", "quarterly"])),
        ("password_hash_algorithm", lambda: R.choice(["argon2id", "bcrypt", "scrypt", "pbkdf2_sha256"])),
        ("api_key_last_rotated", lambda: f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}"),
        ("secret_count", lambda: R.randint(0, 40)),
        ("tokens_used", lambda: R.randint(100, 900000)),
        ("max_tokens", lambda: R.choice([256, 1024, 4096, 8192])),
        ("tokenizer", lambda: R.choice(["cl100k_base", "o200k_base", "bert-base-uncased"])),
        ("signature_algorithm", lambda: R.choice(["RS256", "ES256", "EdDSA", "HS512"])),
        ("auth_method", lambda: R.choice(["client_secret_post", "private_key_jwt", "mtls"])),
        ("password_min_length", lambda: R.choice([8, 12, 14, 16])),
        ("key_type", lambda: R.choice(["ed25519", "rsa-4096", "ecdsa-p256"])),
        ("expires_in", lambda: R.choice([300, 3600, 86400])),
        ("token_ttl_seconds", lambda: R.choice([300, 900, 3600])),
        ("secret_backend", lambda: R.choice(["vault", "aws-secretsmanager", "sops"])),
        ("passwordless", lambda: R.random() < 0.5),
        ("key_id", lambda: R.choice([f"key-2026-{R.randint(1, 11):02d}", f"k{R.randint(1, 30)}"])),
        ("api_version", lambda: R.choice(["2024-06-01", "v2", "2026-01"])),
        ("credential_status", lambda: R.choice(["valid", "expired", "revoked"])),
    ]
    sel = R.sample(pairs, R.randint(2, 4))
    obj = {k: f() for k, f in sel}
    shape = ["json", "json", "log", "ndjson", "markdown"][i % 5]
    if shape == "json":
        return shape, json.dumps(obj)
    if shape == "ndjson":
        return shape, json.dumps({"ts": ts(), **obj}) + "\n"
    if shape == "markdown":
        return shape, "| setting | value |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in obj.items())
    return shape, f"{ts()} INFO [auth] " + " ".join(f"{k}={v}" for k, v in obj.items()) + "\n"


PLACEHOLDERS = ["<EMAIL>", "<PERSON>", "<PHONE_NUMBER>", "<US_SSN>", "[REDACTED]", "***", "********",
                "${DB_PASSWORD}", "${SECRET}", "{{ secrets.API_KEY }}", "{{patient_name}}",
                "vault:secret/data/ehr/db#password", "op://Production/Postgres/password",
                "env:STRIPE_SECRET_KEY", "", None, "XXX-XX-XXXX", "***-**-****", "REDACTED_EMAIL",
                "%(password)s", "$API_TOKEN", "•••• 4242", "**** **** **** 1881", "[email protected]",
                "<redacted>", "<YOUR_API_KEY>", "sk_live_...", "ghp_XXXXXXXXXXXX",
                "secretRef: db-credentials/password", "arn:aws:secretsmanager:eu-west-1:000000000000:secret:prod/db"]


def neg_placeholder(i):
    key = R.choice(["email", "password", "api_key", "ssn", "name", "token", "secret", "phone",
                    "db_password", "client_secret", "card", "value"])
    v = PLACEHOLDERS[i % len(PLACEHOLDERS)]
    shape = ["json", "log", "csv", "prose", "ndjson", "markdown"][i % 6]
    if shape == "json":
        return shape, json.dumps({key: v, "rows_redacted": R.randint(0, 900)})
    if shape == "ndjson":
        return shape, json.dumps({"ts": ts(), "field": key, "replacement": v}) + "\n"
    if shape == "csv":
        return shape, f"department,{key},visits\n{R.choice(DEPTS)},{csv_cell(v if v is not None else '')},{R.randint(1, 30)}\n"
    if shape == "markdown":
        return shape, f"| field | shown as |\n|---|---|\n| {key} | `{v}` |\n"
    if shape == "log":
        return shape, f"{ts()} INFO [export] masked {key} -> {v!r}\n"
    return shape, f"In the export, every {key} is replaced by {v!r} before the file is written.\n"


def neg_identifier(i):
    kind = i % 8
    if kind == 0:
        return "json", json.dumps({"run_id": uuid(), "status": "succeeded", "rows": R.randint(1, 10**6)})
    if kind == 1:
        return "log", f"{ts()} INFO [query-engine] traceparent=00-{hexs(32)}-{hexs(16)}-01 duration_ms={R.randint(1, 9000)}\n"
    if kind == 2:
        return "json", json.dumps({"artifact": f"exports/2026/run-{uuid()}.parquet", "sha256": hexs(64),
                                   "bytes": R.randint(10**3, 10**9)})
    if kind == 3:
        return "json", json.dumps({"commit": hexs(40), "image": f"registry.local/nmp/query@sha256:{hexs(64)}",
                                   "built": ts()})
    if kind == 4:
        return "ndjson", "".join(json.dumps({"request_id": uuid(), "status": R.choice([200, 200, 404, 429]),
                                             "ms": R.randint(1, 900)}) + "\n" for _ in range(3))
    if kind == 5:
        return "log", (f"{ts()} INFO [scheduler] job {uuid()} pod=query-engine-{hexs(10)}-{rand_str(5, string.ascii_lowercase + string.digits)} "
                       f"etag=\"{hexs(32)}\"\n")
    if kind == 6:
        return "csv", "run_id,dataset,rows,md5\n" + "".join(
            f"{uuid()},claims_{y},{R.randint(10**4, 10**7)},{hexs(32)}\n" for y in (2024, 2025))
    return "markdown", f"| run | dataset digest |\n|---|---|\n| {uuid()} | `sha256:{hexs(64)}` |\n"


def neg_time_version(i):
    kind = i % 6
    if kind == 0:
        return "json", json.dumps({"started": ts(), "finished": ts(), "epoch_s": R.randint(1.70e9, 1.80e9),
                                   "epoch_ms": R.randint(1.70e12, 1.80e12)})
    if kind == 1:
        return "json", json.dumps({"nmp": f"{R.randint(0, 3)}.{R.randint(0, 40)}.{R.randint(0, 20)}",
                                   "wasmtime": f"{R.randint(30, 50)}.0.{R.randint(0, 3)}",
                                   "python": f"3.{R.randint(9, 13)}.{R.randint(0, 12)}",
                                   "os_build": f"10.0.{R.randint(17000, 26000)}.{R.randint(100, 6000)}",
                                   "rules": f"2026.{R.randint(1, 11)}.{R.randint(1, 28)}"})
    if kind == 2:
        return "log", f"{ts()} INFO [ingest] snapshot as of 2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}, schema v{R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}-rc.{R.randint(1, 4)}\n"
    if kind == 3:
        return "csv", "period_start,period_end,claims\n" + "".join(
            f"2026-{m:02d}-01,2026-{m:02d}-28,{R.randint(100, 90000)}\n" for m in range(1, 4))
    if kind == 4:
        return "prose", (f"Data covers {R.randint(2015, 2020)}–{R.randint(2021, 2026)}; the extract was taken on "
                         f"{R.choice(['3 March 2026', 'March 3, 2026', '03/03/2026', '2026-03-03'])} at 14:05 UTC "
                         f"with release {R.randint(1, 4)}.{R.randint(0, 20)}.{R.randint(0, 9)}.\n")
    return "ndjson", "".join(json.dumps({"t": R.randint(1.70e9, 1.80e9), "p50_ms": R.randint(1, 90),
                                         "p99_ms": R.randint(90, 2000)}) + "\n" for _ in range(3))


def neg_public_name(i):
    kind = i % 5
    if kind == 0:
        return "json", json.dumps({"payer": R.choice(ORGS), "plan": R.choice(PRODUCTS), "members": R.randint(11, 90000)})
    if kind == 1:
        vendors = [fk("en_US").company() for _ in range(3)]
        return "csv", "vendor,invoices,total_usd\n" + "".join(
            f"{csv_cell(v)},{R.randint(1, 400)},{round(R.uniform(1e3, 1e6), 2)}\n" for v in vendors)
    if kind == 2:
        return "prose", (f"Top facilities by volume: {R.choice(ORGS)} ({R.randint(100, 900)}), {R.choice(ORGS)} "
                         f"({R.randint(100, 900)}) and the {R.choice(PLACES)} campus ({R.randint(10, 99)}).\n")
    if kind == 3:
        return "markdown", "| city | patients | mean age |\n|---|---:|---:|\n" + "".join(
            f"| {c} | {R.randint(11, 9000)} | {round(R.uniform(20, 80), 1)} |\n" for c in R.sample(PLACES, 3))
    return "json", json.dumps({"method": R.choice(EPONYMS), "software": R.choice(["R 4.4.1", "statsmodels 0.14", "SAS 9.4"]),
                               "site": R.choice(PLACES), "p_value": round(R.random() * 0.1, 4)})


def neg_id_like_number(i):
    kind = i % 6
    if kind == 0:
        return "json", json.dumps({"rows_scanned": R.randint(10**8, 10**9 - 1), "bytes_read": R.randint(10**12, 10**13),
                                   "ms": R.randint(100, 99999)})
    if kind == 1:
        return "json", json.dumps({"year": R.randint(1990, 2026), "total_paid": round(R.uniform(1e6, 9e9), 2),
                                   "claims": R.randint(10**6, 10**7)})
    if kind == 2:
        return "prose", (f"Across {R.randint(10**6, 10**8):,} claims we paid ${R.randint(10**6, 10**9):,}.{R.randint(10, 99)} "
                         f"between {R.randint(2015, 2020)} and {R.randint(2021, 2026)}; {R.randint(100, 999)} "
                         f"providers in {R.randint(10, 99)} ZIP3 areas.\n")
    if kind == 3:
        return "csv", "bucket_start,bucket_end,count\n" + "".join(
            f"{a},{a + 999},{R.randint(0, 900)}\n" for a in range(0, 4000, 1000))
    if kind == 4:
        return "log", (f"{ts()} INFO [reporting] wrote {R.randint(10**6, 10**9)} bytes in {R.randint(1, 9999)} ms "
                       f"(port {R.choice([5432, 8080, 443, 9000])}, pid {R.randint(1000, 99999)})\n")
    return "markdown", (f"| metric | value |\n|---|---:|\n| members | {R.randint(10**5, 10**7):,} |\n"
                        f"| claims | {R.randint(10**6, 10**8)} |\n| paid | {R.randint(10**6, 10**9):,} |\n")


def neg_error(i):
    col = R.choice(PII_COLS)
    return "error", R.choice([
        f"KeyError: '{col}'",
        f"psycopg.errors.UndefinedColumn: column \"{col}\" does not exist\nLINE 1: SELECT {col}, count(*) FROM members GROUP BY 1",
        f"PermissionError: column '{col}' is restricted and cannot be selected; aggregate it instead",
        f"ValueError: invalid literal for int() with base 10: 'N/A' (column {col}, row {R.randint(2, 99999)})",
        "401 Unauthorized: access token expired at " + ts(),
        "invalid api_key format: expected 32 hex characters",
        f"error: {R.randint(1, 400)} values in column {col} failed validation (expected {R.choice(['E.164', 'NNN-NN-NNNN', 'RFC 5322'])})",
        "ssl.SSLCertVerificationError: certificate verify failed: unable to get local issuer certificate",
        f"TimeoutError: query {uuid()} exceeded {R.choice([30, 60, 120])} s",
        "RuntimeError: password authentication is disabled for this role; use a client certificate",
    ]) + "\n"


def neg_log(i):
    return "log", "".join(R.choice([
        f"{ts()} INFO [{R.choice(SERVICES)}] connected to postgresql://db.internal:5432/claims (pool={R.randint(2, 32)})\n",
        f"{ts()} INFO [auth] token refreshed, expires_in=3600 key_id=key-2026-{R.randint(1, 11):02d}\n",
        f"{ts()} WARN [ingest] {R.randint(1, 400)} rows with malformed email skipped\n",
        f"{ts()} DEBUG [query-engine] plan: scan(members) -> filter(age>=18) -> agg(count by zip3)\n",
        f"{ts()} INFO [export] wrote {R.randint(10, 9000)} aggregate rows to s3://exports/{uuid()}.csv\n",
        f"{ts()} INFO [scheduler] retry {R.randint(1, 5)}/5 for job {uuid()} after 429\n",
    ]) for _ in range(R.randint(1, 3)))


def neg_encoded_benign(i):
    stats = {"department": R.choice(DEPTS), "patients": R.randint(11, 9000), "mean_age": round(R.uniform(20, 80), 1)}
    kind = i % 6
    if kind == 0:
        return "json", json.dumps({"encoding": "base64", "payload": base64.b64encode(json.dumps(stats).encode()).decode()})
    if kind == 1:
        return "json", json.dumps({"encoding": "zlib+base64",
                                   "payload": base64.b64encode(zlib.compress(json.dumps(stats).encode())).decode()})
    if kind == 2:
        return "log", (f"{ts()} INFO [api-gateway] GET /v1/stats?group_by=department&filter="
                       f"{urllib.parse.quote('age >= 18 AND region = ' + repr(R.choice(REGIONS)))} 200\n")
    if kind == 3:
        n = fullwidth_digits(str(R.randint(100, 99999)))
        return "prose", f"２０２６年{fullwidth_digits(str(R.randint(1, 11)))}月の患者数は{n}人でした（平均年齢{fullwidth_digits(str(R.randint(20, 80)))}歳）。\n"
    if kind == 4:
        return "prose", f"عدد المرضى في قسم الأشعة: {arabic_indic_digits(str(R.randint(100, 99999)))} (سنة {arabic_indic_digits(str(R.randint(2019, 2026)))})\n"
    return "json", json.dumps({"summary": json.dumps(stats), "format": "json-in-string"})


NEGATIVES = [("column_statistic", neg_column_stat, 160), ("group_aggregate", neg_group_aggregate, 120),
             ("schema", neg_schema, 80), ("prose_method", neg_prose, 100), ("cursor", neg_cursor, 80),
             ("credential_word", neg_credential_word, 90), ("placeholder", neg_placeholder, 93),
             ("identifier", neg_identifier, 96), ("time_version", neg_time_version, 72),
             ("public_name", neg_public_name, 80), ("id_like_number", neg_id_like_number, 72),
             ("error_message", neg_error, 70), ("log_line", neg_log, 60), ("encoded_benign", neg_encoded_benign, 60)]


def gen_negatives():
    for cls, fn, n in NEGATIVES:
        for i in range(n):
            shape, text = fn(i)
            add("negative", "benign", cls, shape, None, text)


def main():
    gen_positives()
    gen_negatives()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "cases.jsonl", "w", encoding="utf-8") as f:
        for n, c in enumerate(CASES):
            f.write(json.dumps({"id": f"h{n:05d}", **c}, ensure_ascii=False) + "\n")
    (OUT / "config.json").write_text(json.dumps(CONFIG, indent=2) + "\n", encoding="utf-8")
    counts = {}
    for c in CASES:
        for k in ("label", "class", "shape", "evasion"):
            key = (c["label"], k, c[k])
            counts[key] = counts.get(key, 0) + 1
    for k in sorted(counts, key=str):
        print(*k, counts[k], sep="\t")
    print("total", len(CASES), sep="\t")


if __name__ == "__main__":
    main()
