#!/usr/bin/env python3
"""Hold-out corpus 3 for nmp-egress (`cases.jsonl` beside this file). FOR EVALUATION ONLY.

A generator of its own design, written before the sixth round's rules: personal data from
Mimesis 22.2.0 (not Faker) in 24 locales, national ids whose check digits python-stdnum 2.2
accepts (`ids.py`), and output shapes of service-desk, payroll, KYC and clinical-trial systems
that the other corpora do not use (GraphQL responses, YAML dumps, TSV exports, logfmt and syslog
lines, XML fragments, ticket and e-mail digests, NDJSON audit events). See README.md.

Usage: python3 generate.py   (rewrites cases.jsonl; same bytes every run)
"""

import base64
import json
import random
from pathlib import Path

import mimesis
import stdnum
from mimesis import Address, Datetime, Finance, Person
from mimesis.locales import Locale

import ids

assert mimesis.__version__ == "22.2.0" and stdnum.__version__ == "2.2", "pinned versions"
HERE = Path(__file__).resolve().parent
R = random.Random(31337003)
LOCALES = [Locale.EN, Locale.EN_GB, Locale.EN_AU, Locale.EN_CA, Locale.DE, Locale.DE_AT, Locale.DE_CH,
           Locale.FR, Locale.ES, Locale.ES_MX, Locale.IT, Locale.NL, Locale.NL_BE, Locale.PL, Locale.PT,
           Locale.PT_BR, Locale.SV, Locale.DA, Locale.FI, Locale.NO, Locale.CS, Locale.SK, Locale.HU,
           Locale.TR]
P = {loc: Person(loc, seed=R.randint(0, 1 << 30)) for loc in LOCALES}
A = {loc: Address(loc, seed=R.randint(0, 1 << 30)) for loc in LOCALES}
F = {loc: Finance(loc, seed=R.randint(0, 1 << 30)) for loc in LOCALES}
DT = Datetime(Locale.EN, seed=R.randint(0, 1 << 30))
CASES = []
pick = R.choice


def add(label, category, cls, shape, text, evasion=None):
    CASES.append({"id": f"h3-{len(CASES) + 1:04d}", "label": label, "category": category, "class": cls,
                  "shape": shape, "evasion": evasion, "input": text})


def until(f):
    while True:
        v = f(R)
        if v:
            return v


def loc():
    return pick(LOCALES)


def name(lc=None):
    p = P[lc or loc()]
    return f"{p.first_name()} {p.last_name()}"


def stamp():
    return f"2026-{R.randint(1, 11):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z"


def ticket():
    return f"{pick(['SD', 'INC', 'CASE', 'REQ'])}-{R.randint(1000, 99999)}"


def birth():
    return DT.date(start=1935, end=2006)


def fmt_date(d):
    return pick([d.isoformat(), d.strftime("%d.%m.%Y"), d.strftime("%d/%m/%Y"), d.strftime("%m/%d/%Y"),
                 d.strftime("%d %b %Y"), d.strftime("%B %d, %Y"), d.strftime("%Y%m%d")])


# ------------------------------------------------------------------ shapes: one value in context

def in_shape(key, value, phrase):
    """Render `value` (named by `key` in structured shapes, by `phrase` in text) in a shape."""
    shape = pick(["graphql", "yaml", "tsv", "logfmt", "syslog", "xml", "ticket", "ndjson_audit", "email"])
    t = ticket()
    if shape == "graphql":
        text = json.dumps({"data": {"case": {"id": t, "status": pick(["OPEN", "PENDING"]),
                                             "subject": {key: value, "verified": R.random() < 0.5}}}})
    elif shape == "yaml":
        text = f"case: {t}\nopened: {stamp()}\nsubject:\n  {key}: {value}\n  tier: {pick(['gold', 'basic'])}\n"
    elif shape == "tsv":
        text = f"case\t{key}\tqueue\n{t}\t{value}\t{pick(['kyc', 'payroll', 'claims'])}\n"
    elif shape == "logfmt":
        v = f'"{value}"' if " " in value else value
        text = f"ts={stamp()} level=info svc={pick(['kyc-api', 'payroll', 'intake'])} case={t} {key}={v}\n"
    elif shape == "syslog":
        text = f"<134>1 {stamp()} app01 intake 2291 - - {phrase} {value} recorded for {t}\n"
    elif shape == "xml":
        tag = "".join(w.capitalize() for w in key.replace("-", "_").split("_"))
        text = f"<Case id=\"{t}\"><Subject><{tag}>{value}</{tag}></Subject></Case>"
    elif shape == "ticket":
        text = f"[{t}] Agent note: customer confirmed {phrase} {value} on the call; escalated to tier 2."
    elif shape == "ndjson_audit":
        lines = [json.dumps({"ts": stamp(), "event": "view", "case": ticket()}) for _ in range(R.randint(0, 2))]
        lines.append(json.dumps({"ts": stamp(), "event": "update", "case": t, "field": key, "new": value}))
        text = "\n".join(lines) + "\n"
    else:
        text = (f"Subject: Re: {t}\n\nHi team,\n\nthe {phrase} on file is {value}. Please update the "
                f"record before Friday.\n\nThanks")
    return shape, text


# ------------------------------------------------------------------ evasions (a few)

def evade(value):
    ev = pick([None, None, None, "zero_width", "fullwidth", "base64", "spaced"])
    if ev == "zero_width":
        return "\u200b".join(value), ev
    if ev == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value), ev
    if ev == "base64":
        return base64.b64encode(value.encode()).decode(), ev
    if ev == "spaced" and any(c.isdigit() for c in value):
        return " ".join(value.replace(" ", "")), ev
    return value, None


# ------------------------------------------------------------------ positives

ID_KEYS = ["national_id", "tax_id", "id_number", "citizen_id", "document_number", "personal_code",
           "identity_no", "gov_id"]


def national_ids(n):
    for _ in range(n):
        label, maker, distinctive = pick(ids.KINDS)
        value = until(maker)
        value, ev = evade(value) if R.random() < 0.3 else (value, None)
        if ev is None and distinctive and R.random() < 0.3:
            shape, text = "prose", f"Reconciled {R.randint(2, 9)} records; the duplicate was {value} ({ticket()})."
            add("positive", "pii", "national_id", shape, text)
            continue
        key = pick(ID_KEYS + [label.lower().replace(" ", "_").replace("-", "_")])
        shape, text = in_shape(key, value, label)
        add("positive", "pii", "national_id", shape, text, ev)


NAME_KEYS = ["owner", "created_by", "reviewer", "handled_by", "contact", "signatory", "beneficiary",
             "requester", "assignee", "approved_by"]


def names(n):
    for _ in range(n):
        nm = name()
        kind = R.randint(0, 5)
        if kind == 0:
            shape, text = in_shape(pick(NAME_KEYS), nm, "contact")
            add("positive", "pii", "person_name", shape, text)
        elif kind == 1:
            rows = "\n".join(f"{ticket()}\t{name()}\t{R.randint(1, 40)}" for _ in range(R.randint(1, 3)))
            add("positive", "pii", "person_name", "tsv", f"ticket\t{pick(NAME_KEYS)}\tage_days\n{rows}\n")
        elif kind == 2:
            add("positive", "pii", "person_name", "email",
                f"Dear {nm},\n\nyour claim {ticket()} has been approved. The payment will arrive within "
                f"{R.randint(3, 10)} working days.")
        elif kind == 3:
            add("positive", "pii", "person_name", "ticket",
                f"[{ticket()}] Callback requested by {nm} regarding a duplicate charge.")
        elif kind == 4:
            add("positive", "pii", "person_name", "logfmt",
                f'ts={stamp()} level=warn msg="login failed" user="{nm}" attempts={R.randint(3, 9)}\n')
        else:
            add("positive", "pii", "person_name", "graphql",
                json.dumps({"data": {"employees": {"edges": [{"node": {"displayName": nm, "team": pick(
                    ["Payroll", "Claims", "Support"])}}]}}}))


def dobs(n):
    for _ in range(n):
        d = fmt_date(birth())
        kind = R.randint(0, 3)
        if kind == 0:
            key = pick(["birthdate", "date_of_birth", "dob", "birth_date", "geburtsdatum", "born_on"])
            shape, text = in_shape(key, d, pick(["date of birth", "DOB", "birth date"]))
        elif kind == 1:
            shape, text = "ticket", f"[{ticket()}] Identity check passed (DOB {d}, postcode matched)."
        elif kind == 2:
            shape, text = "email", f"The applicant, born {d}, requested a copy of the policy."
        else:
            shape, text = "tsv", f"member\tbirth_date\tplan\n{R.randint(10000, 99999)}\t{d}\tPPO\n"
        add("positive", "pii", "date_of_birth", shape, text)


def phones(n):
    for _ in range(n):
        lc = loc()
        ph = P[lc].phone_number()
        ph, ev = evade(ph) if R.random() < 0.25 else (ph, None)
        key = pick(["phone", "mobile", "contact_number", "callback_number", "tel", "msisdn"])
        shape, text = in_shape(key, ph, pick(["phone number", "mobile", "callback number"]))
        add("positive", "pii", "phone", shape, text, ev)


def addresses(n):
    for _ in range(n):
        lc = loc()
        a = A[lc]
        full = f"{a.address()}, {a.postal_code()} {a.city()}"
        shape, text = in_shape(pick(["address", "home_address", "mailing_address"]), full, "home address")
        add("positive", "pii", "postal_address", shape, text)


def emails(n):
    for _ in range(n):
        e = P[loc()].email(domains=["gmail.com", "outlook.com", "web.de", "orange.fr", "libero.it"])
        shape, text = in_shape(pick(["email", "contact", "login"]), e, "email")
        add("positive", "pii", "email", shape, text)


def cards(n):
    from stdnum import luhn
    for _ in range(n):
        body = pick(["4", "51", "52", "37", "6011"])
        ln = 15 if body == "37" else 16
        num = body + "".join(R.choice("0123456789") for _ in range(ln - len(body) - 1))
        num += luhn.calc_check_digit(num)
        grouped = " ".join(num[i:i + 4] for i in range(0, len(num), 4))
        shape, text = in_shape(pick(["card", "pan", "card_number"]), pick([num, grouped]), "card")
        add("positive", "pii", "card_number", shape, text)


# ------------------------------------------------------------------ negatives

ORGS = ["Johnson & Johnson", "Procter & Gamble", "Ernst & Young", "Hewlett Packard Enterprise",
        "Wells Fargo", "Charles Schwab", "Morgan Stanley", "Goldman Sachs", "Eli Lilly", "Ralph Lauren",
        "Tommy Hilfiger", "Calvin Klein", "Estée Lauder", "Marks & Spencer", "John Lewis Partnership",
        "Philip Morris International", "Robert Bosch", "Boehringer Ingelheim", "Ferrero Rocher",
        "Henry Schein", "Edward Jones", "Raymond James", "Arthur D. Little", "Walt Disney", "Warner Bros",
        "Charles River Laboratories", "Thermo Fisher", "Baker Hughes", "Dr. Oetker", "Carl Zeiss"]
PLACES = ["Fort Collins", "Santa Clara", "Mount Vernon", "Lake Placid", "Port Elizabeth", "San Jose",
          "Saint Petersburg", "Palo Alto", "Glen Burnie", "Cape Coral", "Grand Rapids", "Mount Pleasant"]
PRODUCTS = ["Adobe Acrobat", "Microsoft Teams", "Google Sheets", "Apple Watch", "Tesla Model", "Jira Service",
            "Oracle Fusion", "Workday Payroll", "Zoom Rooms", "Slack Connect"]


def negatives():
    for _ in range(45):  # organisations, products and places where a person would be
        org = pick(ORGS + [F[loc()].company() for _ in range(3)])
        kind = R.randint(0, 4)
        if kind == 0:
            add("negative", "benign", "public_name", "graphql", json.dumps(
                {"data": {"vendors": [{"name": org, "spend_usd": R.randint(1000, 90000)}]}}))
        elif kind == 1:
            add("negative", "benign", "public_name", "tsv",
                f"vendor\tinvoices\ttotal\n{org}\t{R.randint(2, 40)}\t{R.randint(1000, 90000)}.00\n")
        elif kind == 2:
            add("negative", "benign", "public_name", "email",
                f"Q3 spend was led by {org} ({R.randint(10, 40)} %), followed by {pick(ORGS)}.")
        elif kind == 3:
            add("negative", "benign", "public_name", "yaml",
                f"site:\n  city: {pick(PLACES)}\n  tool: {pick(PRODUCTS)}\n  partner: {org}\n")
        else:
            add("negative", "benign", "public_name", "logfmt",
                f'ts={stamp()} level=info msg="sync done" integration="{pick(PRODUCTS)}" rows={R.randint(10, 9999)}\n')
    for _ in range(25):  # placeholders and documented examples
        v = pick(["John Doe", "Jane Doe", "<first name> <last name>", "{{ customer.full_name }}", "XXX-XX-XXXX",
                  "QQ 12 34 56 C", "000-00-0000", "AB123456C (example format)", "+1 555 0100 (placeholder)",
                  "YYYY-MM-DD", "DD.MM.YYYY", "[REDACTED]", "${TAX_ID}", "<national_id>", "n/a"])
        shape, text = in_shape(pick(["example", "placeholder", "format", "template", "sample_value"]), v, "example value")
        add("negative", "benign", "placeholder", shape, text)
    for _ in range(35):  # numbers shaped like ids or phones that are not
        n = R.randint(0, 6)
        if n == 0:
            v = f"{R.randint(100, 999)}-{R.randint(100, 999)}-{R.randint(1000, 9999)}"
            add("negative", "benign", "id_like_number", "ticket", f"[{ticket()}] Replacement part SKU {v} shipped.")
        elif n == 1:
            add("negative", "benign", "id_like_number", "graphql", json.dumps(
                {"data": {"order": {"orderNumber": f"{R.randint(10 ** 10, 10 ** 11 - 1)}", "items": R.randint(1, 9)}}}))
        elif n == 2:
            add("negative", "benign", "id_like_number", "logfmt",
                f"ts={stamp()} level=info msg=scan bytes={R.randint(10 ** 9, 10 ** 12)} rows={R.randint(10 ** 6, 10 ** 9)}\n")
        elif n == 3:
            add("negative", "benign", "id_like_number", "tsv",
                f"invoice\tamount\nINV-{R.randint(2020, 2026)}-{R.randint(100000, 999999)}\t{R.randint(10, 9999)}.{R.randint(10, 99)}\n")
        elif n == 4:
            add("negative", "benign", "id_like_number", "yaml",
                f"shipment:\n  tracking: 1Z{R.randint(100, 999)}AA1{R.randint(10 ** 9, 10 ** 10 - 1)}\n  weight_kg: {R.randint(1, 40)}\n")
        elif n == 5:
            add("negative", "benign", "id_like_number", "email",
                f"Hotline volumes: {R.randint(1000, 9999)} calls, {R.randint(10, 99)}.{R.randint(0, 9)} % abandoned, "
                f"median wait {R.randint(30, 400)} s.")
        else:
            add("negative", "benign", "id_like_number", "xml",
                f"<Batch><Id>{R.randint(10 ** 8, 10 ** 9 - 1)}</Id><Records>{R.randint(100, 99999)}</Records></Batch>")
    for _ in range(30):  # dates that are not birth dates
        d = fmt_date(DT.date(start=2015, end=2026))
        key = pick(["created_at", "valid_from", "admission_date", "report_date", "renewal_date", "last_login"])
        shape, text = in_shape(key, d, pick(["renewal date", "report date", "effective date"]))
        add("negative", "benign", "date_not_dob", shape, text)
    for _ in range(25):  # versions, statistics, group aggregates
        k = R.randint(0, 2)
        if k == 0:
            add("negative", "benign", "statistic", "graphql", json.dumps(
                {"data": {"stats": {"national_id_null_fraction": round(R.random() / 10, 4),
                                    "phone_distinct": R.randint(100, 9999), "dob_min_year": R.randint(1930, 1950)}}}))
        elif k == 1:
            add("negative", "benign", "statistic", "tsv",
                f"age_band\tmembers\tavg_claims\n30-39\t{R.randint(11, 999)}\t{R.random() * 5:.2f}\n"
                f"40-49\t{R.randint(11, 999)}\t{R.random() * 5:.2f}\n")
        else:
            add("negative", "benign", "statistic", "syslog",
                f"<134>1 {stamp()} app01 deploy 77 - - release {R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)} "
                f"build {R.randint(1000, 99999)} rolled out to {R.randint(2, 40)} pods\n")


national_ids(90)
names(60)
dobs(35)
phones(40)
addresses(20)
emails(15)
cards(15)
negatives()
with open(HERE / "cases.jsonl", "w", encoding="utf-8") as out:
    for c in CASES:
        out.write(json.dumps(c, ensure_ascii=False) + "\n")
print(f"{len(CASES)} cases, {sum(c['label'] == 'positive' for c in CASES)} positives")
