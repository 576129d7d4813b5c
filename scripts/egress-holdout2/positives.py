"""Positive cases (must not leave the node): personal data, secrets, restricted values.

Each `Spec` says how to make one value, which keys name it, whether the value is recognisable
under a neutral key, prose and error templates, and which evasions fit it.
"""

import json
import string
from dataclasses import dataclass, field

import evasions as ev
import render as rd
import values as vl

ALL_VALUE = ["base64", "percent_encoding", "hex", "zero_width", "reversal"]
STRUCT = ["split_keys", "split_array", "double_encoded_json", "json_in_log"]
DIGITS_EV = ["fullwidth", "arabic_indic_digits", "separator_change"]


@dataclass
class Spec:
    cls: str
    category: str
    make: object  # rng -> (value, label, extra pairs)
    named: list
    neutral: list = field(default_factory=list)
    prose: list = field(default_factory=list)
    errors: list = None
    evasions: list = field(default_factory=list)
    shapes: list = field(default_factory=lambda: list(rd.SHAPES))


NAME_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_MX", "it_IT", "pt_BR", "pl_PL", "nl_NL", "sv_SE",
                "tr_TR", "en_IN", "hu_HU", "cs_CZ", "ro_RO", "en_IE", "en_NZ", "id_ID", "da_DK", "fi_FI"]
PHONE_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE",
                 "en_AU", "en_IN", "ja_JP", "de_CH", "tr_TR", "cs_CZ", "en_CA", "ro_RO", "ko_KR", "es_AR", "uk_UA"]
ADDR_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES", "en_CA", "en_AU", "pl_PL",
                "pt_BR", "sv_SE", "de_AT", "en_IE", "da_DK", "fi_FI", "pt_PT", "cs_CZ"]
E164 = [("+1", [3, 3, 4]), ("+44", [4, 6]), ("+49", [3, 7]), ("+33", [1, 2, 2, 2, 2]), ("+91", [5, 5]),
        ("+55", [2, 5, 4]), ("+81", [2, 4, 4]), ("+61", [3, 3, 3]), ("+34", [3, 3, 3]), ("+39", [3, 3, 4]),
        ("+31", [1, 8]), ("+46", [2, 3, 2, 2]), ("+48", [3, 3, 3]), ("+52", [2, 4, 4]), ("+27", [2, 3, 4]),
        ("+353", [2, 3, 4]), ("+971", [2, 3, 4]), ("+65", [4, 4]), ("+234", [3, 3, 4]), ("+82", [2, 4, 4])]
COMPANY_DOMAINS = ["northwind-health.com", "acmebank.co.uk", "contoso.de", "fabrikam-insurance.com", "globex.fr",
                   "initech.io", "umbrella-care.nl", "stark-hr.com", "hooli.es", "vandelay.com.au"]
WEBMAIL = ["gmail.com", "outlook.com", "yahoo.co.jp", "web.de", "orange.fr", "libero.it", "gmx.at", "proton.me",
           "hotmail.co.uk", "icloud.com", "seznam.cz", "wp.pl", "uol.com.br", "yandex.ru", "naver.com"]


def person(rng, fk):
    f = fk[rng.choice(NAME_LOCALES)]
    if rng.random() < 0.15:
        return f"{f.first_name()} {f.first_name()[0]}. {f.last_name()}"
    return f"{f.first_name()} {f.last_name()}"


def ascii_fold(s):
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and (c.isalnum() or c in ".-"))


def email(rng, fk):
    kind = rng.randrange(4)
    if kind == 0:
        return fk[rng.choice(NAME_LOCALES)].free_email()
    f = fk[rng.choice(NAME_LOCALES)]
    first, last = ascii_fold(f.first_name()).lower(), ascii_fold(f.last_name()).lower()
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}", f"{last}.{first[0]}"])
    if kind == 1:
        return f"{local}@{rng.choice(COMPANY_DOMAINS)}"
    if kind == 2:
        return f"{local}+{rng.choice(['billing', 'claims', 'hr', 'noreply'])}@{rng.choice(WEBMAIL)}"
    return f"{local}@{rng.choice(WEBMAIL)}"


def phone(rng, fk):
    if rng.random() < 0.55:
        cc, groups = rng.choice(E164)
        parts = [vl.rand(rng, string.digits, g) for g in groups]
        parts[0] = str(rng.randint(2, 9)) + parts[0][1:]
        style = rng.randrange(3)
        if style == 0:
            return cc + " " + " ".join(parts), True
        if style == 1:
            return cc + "".join(parts), True
        return cc + "-" + "-".join(parts), True
    return fk[rng.choice(PHONE_LOCALES)].phone_number(), False


def address(rng, fk):
    return fk[rng.choice(ADDR_LOCALES)].address().replace("\n", ", ")


def dob(rng, fk):
    d = fk["en_US"].date_of_birth(minimum_age=1, maximum_age=95)
    fmt = rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%B %d, %Y", "%d %b %Y", "%Y/%m/%d",
                      "%Y%m%d", "%d-%b-%y", "%-d %B %Y", "%m-%d-%Y"])
    return d.strftime(fmt)


def chunks(rng, s):
    n = rng.choice([2, 3, 4])
    size = max(1, -(-len(s) // n))
    return [s[i : i + size] for i in range(0, len(s), size)]


def specs(fk):
    def v(f):
        return lambda rng: (f(rng), None, ())

    name_prose = [
        "Follow-up note: {v} missed the 14:00 cardiology appointment and asked to reschedule.",
        "{v} (claimant) disputes the denial of the March invoice; see ticket 4411.",
        "Largest overdraft this week: {v}, with three returned payments.",
        "Spoke with {v} about the missing W-2 and escalated it to payroll.",
        "The longest inpatient stay in the cohort was {v}'s, 41 days after admission in February.",
        "Reviewer comment: I re-checked the file of {v}; the stated income is correct.",
        "Outlier: the salary record of {v} is 4.1 standard deviations above the department mean.",
        "Summary: 42 claims reviewed; the only fraud referral concerns {v}.",
        "Der Antrag von {v} wurde am Montag abgelehnt.",
        "Le dossier de {v} a été transmis au service contentieux.",
        "Cohort check: {v}, {a}, was enrolled twice under different plans.",
        "Top 3 borrowers by exposure: 1. {v}",
    ]
    email_prose = [
        "Statements bounced for {v}; the customer has been asked to update it.",
        "Send the corrected EOB to {v} before Friday.",
        "Duplicate accounts share the address {v}.",
        "Contact for the appeal: {v}",
        "The only respondent who opted out was {v}.",
    ]
    phone_prose = [
        "Please call the member back on {v} after 5 pm.",
        "Member asked us to use {v} instead of the landline on file.",
        "Emergency contact: {v} (sister).",
        "Two applicants gave the same mobile number, {v}.",
        "Rückruf erbeten unter {v}.",
    ]
    addr_prose = [
        "Home visit scheduled at {v} on Tuesday.",
        "Returned mail: the statement sent to {v} was undeliverable.",
        "The claimant moved to {v} in June.",
        "Three policies list the same risk address: {v}.",
    ]
    dob_prose = [
        "The patient, born {v}, was the youngest admission this quarter.",
        "Member's date of birth ({v}) does not match the ID card.",
        "DOB {v} -- eligibility confirmed.",
        "Applicant born on {v} exceeds the age limit for the junior account.",
        "Geburtsdatum: {v}",
    ]
    nid_prose = [
        "The {label} {v} appears on two separate loan applications.",
        "KYC mismatch: {label} {v} belongs to a different customer.",
        "Reported {label}: {v}.",
        "Please verify {label} {v} against the registry.",
    ]
    card_prose = [
        "Chargeback filed on card {v} for the March premium.",
        "The duplicate payment was made with {v}.",
        "Card on file: {v}, exp 08/29.",
        "Flagged transaction: PAN {v}, amount 1,240.00 EUR.",
    ]
    bank_prose = [
        "Refund goes to {label} {v}.",
        "Salary is paid into {label} {v}.",
        "The payee's {label} is {v}; please update the vendor record.",
    ]
    member_prose = [
        "Eligibility check failed for {label} {v}.",
        "Prior authorisation approved for {label} {v}.",
        "Claim resubmitted under {label} {v}.",
    ]
    mrn_prose = [
        "MRN {v} was readmitted within 30 days.",
        "Chart for medical record number {v} is missing the discharge summary.",
        "Patient (MRN: {v}) transferred to ICU.",
    ]
    key_prose = [
        "Use {v} for the {label} until it is rotated.",
        "Found a {label} in the config dump: {v}",
        "export API_TOKEN={v}",
        "The {label} leaked in build 8812 is {v}.",
    ]
    token_prose = [
        "Authorization: Bearer {v}",
        "The session cookie for the admin user is {v}.",
        "Replay the request with access token {v}.",
    ]
    pw_prose = [
        "Temporary password for the SFTP drop is {v}",
        "Login: svc_reporting / password {v}",
        "The database password was changed to {v} on Monday.",
        "pw for the shared mailbox: {v}",
    ]
    pk_prose = ["The deploy key is below.\n{v}", "Signing key (do not share):\n{v}"]
    gen_prose = [
        "The HMAC signing secret is {v}",
        "client_secret for the reporting app: {v}",
        "Encryption key used for the backup: {v}",
        "Webhook secret: {v}",
    ]
    conn_prose = ["Connect with {v}", "DATABASE_URL was set to {v} in the failing job.", "dsn: {v}"]

    def card_make(rng):
        c, brand = vl.card(rng)
        return c, brand, ()

    def nid_make(rng):
        val, label, keys, distinctive = vl.national_id(rng, fk)
        return val, label, (("__keys", keys), ("__distinctive", distinctive))

    def bank_make(rng):
        val, label = vl.bank_account(rng, fk)
        if isinstance(val, tuple):
            routing, acct = val
            extra = (("routing_number", routing),) if label == "US account" else (("sort_code", routing),)
            keys = ["account_number", "acct_no", "bank_account", "account", "deposit_account"]
            return acct, label, extra + (("__keys", keys), ("__distinctive", False))
        return val, label, ()

    def member_make(rng):
        val, label = vl.member_id(rng)
        return val, label, ()

    def api_make(rng):
        val, label = vl.api_key(rng)
        return val, label, (("__distinctive", label != "AWS secret access key"),)

    def token_make(rng):
        val, label = vl.token(rng, fk)
        return val, label, (("__distinctive", label != "session token"),)

    def pk_make(rng):
        val, label = vl.private_key(rng)
        return val, label, ()

    def conn_make(rng):
        return vl.connection_string(rng, fk, vl.password(rng, fk)), None, ()

    def name_make(rng):
        return person(rng, fk), None, (("__a", rng.choice(["aged 52", "a retired teacher", "employee since 2014", "policy holder"])),)

    def phone_make(rng):
        p, intl = phone(rng, fk)
        return p, None, (("__distinctive", intl),)

    return [
        Spec("person_name", "pii", name_make,
             ["patient_name", "full_name", "employee_name", "customer_name", "account_holder", "insured", "name", "Name"],
             ["assigned_to", "owner", "requested_by", "contact", "label", "who", "subject", "reviewer", "note_author", "v"],
             name_prose, None, ["homoglyph", "zero_width", "reversal", "base64", "fullwidth", "percent_encoding"] + STRUCT),
        Spec("email", "pii", v(lambda r: email(r, fk)),
             ["email", "contact_email", "e_mail", "mail", "emailAddress", "Email"],
             ["contact", "recipient", "login", "user", "owner", "v", "to"],
             email_prose, None, ["at_word", "homoglyph", "at_word", "fullwidth", "at_word"] + ALL_VALUE + STRUCT),
        Spec("phone", "pii", phone_make,
             ["phone", "mobile", "tel", "phone_number", "contact_number", "telefon", "telefono", "celular", "msisdn"],
             ["contact", "callback", "v", "reach"],
             phone_prose, None, DIGITS_EV + ["fullwidth", "zero_width", "base64", "reversal", "percent_encoding"] + STRUCT),
        Spec("postal_address", "pii", v(lambda r: address(r, fk)),
             ["address", "home_address", "mailing_address", "ship_to", "street_address", "adresse", "direccion", "anschrift"],
             ["location", "line", "dest", "v", "where"],
             addr_prose, None, ["base64", "percent_encoding", "zero_width", "reversal", "homoglyph", "fullwidth", "split_keys", "double_encoded_json", "json_in_log"]),
        Spec("date_of_birth", "pii", v(lambda r: dob(r, fk)),
             ["dob", "DOB", "date_of_birth", "dateOfBirth", "birthdate", "born", "geburtsdatum", "fecha_de_nacimiento", "date_naissance", "data_nascita"],
             [], dob_prose, None, DIGITS_EV + ["base64", "zero_width", "reversal", "split_keys", "double_encoded_json", "json_in_log"],
             ),
        Spec("national_id", "pii", nid_make, [], [], nid_prose, None,
             DIGITS_EV + ["zero_width", "base64", "reversal", "hex", "percent_encoding"] + STRUCT),
        Spec("bank_account", "pii", bank_make,
             ["iban", "IBAN", "bank_iban", "payout_iban", "account_iban", "kontonummer", "bank_account", "acct_no"],
             ["v", "dest", "to_account"], bank_prose, None,
             DIGITS_EV + ["zero_width", "base64", "reversal", "fullwidth", "percent_encoding"] + STRUCT),
        Spec("card_number", "pii", card_make,
             ["card_number", "pan", "cc_number", "card", "credit_card", "cardNumber"],
             ["v", "ref", "instrument", "payment"], card_prose, None,
             DIGITS_EV + ["zero_width", "base64", "hex", "reversal", "percent_encoding"] + STRUCT),
        Spec("member_id", "pii", member_make,
             ["subscriber_id", "memberId", "member_no", "insured_id", "mbi", "plan_member_id", "medicare_id", "member_id"],
             [], member_prose, None, ["zero_width", "base64", "reversal", "fullwidth", "double_encoded_json", "json_in_log", "split_keys"]),
        Spec("mrn", "pii", v(vl.mrn),
             ["mrn", "MRN", "medical_record_number", "chart_no", "hospital_number", "patient_mrn"],
             [], mrn_prose, None, ["zero_width", "base64", "reversal", "fullwidth", "arabic_indic_digits", "double_encoded_json", "json_in_log"]),
        Spec("api_key", "secret", api_make,
             ["api_key", "apiKey", "key", "token", "secret", "credentials", "auth_key", "X-Api-Key"],
             ["v", "value", "data", "note", "blob"], key_prose, None,
             ["base64", "hex", "reversal", "zero_width", "fullwidth", "percent_encoding"] + STRUCT),
        Spec("token", "secret", token_make,
             ["access_token", "authorization", "session", "id_token", "refresh_token", "cookie", "bearer"],
             ["v", "value", "data", "hdr"], token_prose, None,
             ["base64", "reversal", "zero_width", "split_keys", "split_array", "double_encoded_json", "json_in_log"]),
        Spec("password", "secret", v(lambda r: vl.password(r, fk)),
             ["password", "pwd", "passwd", "db_password", "PGPASSWORD", "temp_password", "user_pass", "Passwort", "contrasena"],
             [], pw_prose, None, ["base64", "reversal", "zero_width", "hex", "double_encoded_json", "json_in_log", "split_keys"]),
        Spec("connection_string", "secret", conn_make,
             ["DATABASE_URL", "dsn", "conn_str", "connection_string", "sqlalchemy_url"],
             ["url", "v", "target"], conn_prose, None, ["base64", "percent_encoding", "double_encoded_json", "json_in_log", "zero_width"],
             ["json", "nested_json", "ndjson", "kv", "log", "prose", "error", "csv"]),
        Spec("private_key", "secret", pk_make,
             ["private_key", "ssh_key", "tls_key", "signing_key_pem", "key_pem", "privateKey"],
             ["v", "data", "attachment"], pk_prose, None, ["base64", "hex", "double_encoded_json", "json_in_log"],
             ["json", "nested_json", "ndjson", "prose", "log"]),
        Spec("generic_secret", "secret", v(vl.generic_secret),
             ["client_secret", "webhook_secret", "hmac_key", "encryption_key", "signing_secret", "SECRET_KEY", "jwt_secret", "master_key"],
             [], gen_prose, None, ["base64", "reversal", "zero_width", "split_keys", "double_encoded_json", "json_in_log"]),
    ]


COUNTS = {
    "person_name": (44, 24), "email": (26, 24), "phone": (28, 22), "postal_address": (26, 14), "date_of_birth": (22, 14),
    "national_id": (38, 24), "bank_account": (22, 14), "card_number": (24, 20), "member_id": (16, 8), "mrn": (16, 8),
    "api_key": (28, 20), "token": (14, 10), "password": (16, 10), "connection_string": (8, 6), "private_key": (10, 6),
    "generic_secret": (14, 10),
}  # (plain, evaded)


def structural(rng, spec, ev_name, key, vals, label, extra):
    v0 = vals[0]
    fill = rd.filler(rng, rng.randint(1, 2))
    if ev_name == "split_keys":
        parts = chunks(rng, v0)
        style = rng.randrange(3)
        fill = fill + list(extra)
        if style == 0:
            obj = dict(fill)
            for i, p in enumerate(parts):
                obj[f"{key}_{i + 1}"] = p
        elif style == 1:
            obj = dict(fill) | {key: {f"p{i}": p for i, p in enumerate(parts)}}
        else:
            obj = dict(fill) | {k: p for k, p in zip(["a", "b", "c", "d"], parts)} | {"kind": key}
        return rd.dumps(obj, rng), "nested_json" if style == 1 else "json"
    if ev_name == "split_array":
        digits = "".join(c for c in v0 if c.isdigit())
        draw = rng.random() if len(digits) >= 9 else 1.0
        bare = v0.lstrip("+").replace(" ", "").replace("-", "").replace(".", "")
        if bare.isdigit() and draw < 0.4:  # one digit per element, only for all-digit values
            arr = (["+"] if v0.startswith("+") else []) + [int(c) for c in digits]
        elif draw < 0.4:  # a value with letters: three chunks, drawing nothing more
            size = -(-len(v0) // 3)
            arr = [v0[i : i + size] for i in range(0, len(v0), size)]
        else:
            arr = chunks(rng, v0)
        obj = dict(fill) | dict(extra) | {key: arr}
        if rng.random() < 0.5:
            obj = {"result": obj}
        return rd.dumps(obj, rng), "json"
    if ev_name == "double_encoded_json":
        inner = json.dumps(dict(fill) | dict((k, x) for k, x in extra) | {key: v0}, ensure_ascii=False)
        if rng.random() < 0.35:
            inner = json.dumps(inner, ensure_ascii=False)
        outer = {"status": "ok", rng.choice(["body", "payload", "result", "data"]): inner}
        if rng.random() < 0.4:
            return json.dumps(outer, ensure_ascii=False) + "\n" + json.dumps({"status": "ok", "payload": "{}"}) + "\n", "ndjson"
        return json.dumps(outer, ensure_ascii=False), "json"
    if ev_name == "json_in_log":
        inner = json.dumps(dict(fill) | dict((k, x) for k, x in extra) | {key: v0}, ensure_ascii=False)
        style = rng.randrange(3)
        if style == 0:
            tail = f"response={json.dumps(inner, ensure_ascii=False)}"
        elif style == 1:
            tail = "body=" + json.dumps(inner, ensure_ascii=False)[1:-1]
        else:
            tail = json.dumps({"level": "info", "msg": "upstream reply", "raw": inner}, ensure_ascii=False)
        return f"{rd.ts(rng)} INFO {rng.choice(rd.SERVICES)}[{rng.randint(100, 9999)}] {tail}\n", "log"
    raise ValueError(ev_name)


# evasions that the cyclic schedule above leaves thin get a few more cases
EXTRA = [("email", "at_word", 6), ("email", "homoglyph", 3), ("person_name", "homoglyph", 3),
         ("postal_address", "homoglyph", 2), ("phone", "separator_change", 2), ("card_number", "separator_change", 2),
         ("national_id", "separator_change", 2), ("bank_account", "separator_change", 2), ("card_number", "hex", 2),
         ("api_key", "hex", 2), ("card_number", "split_array", 2), ("bank_account", "split_array", 2),
         ("phone", "split_array", 2)]


def build(rng, fk):
    cases = []
    extra = {}
    for cls, e, n in EXTRA:
        extra.setdefault(cls, []).extend([e] * n)
    for spec in specs(fk):
        plain, evaded = COUNTS[spec.cls]
        start = rng.randrange(len(spec.evasions))
        schedule = [None] * plain + [spec.evasions[(start + i) % len(spec.evasions)] for i in range(evaded)]
        for ev_name in schedule + extra.get(spec.cls, []):
            while True:
                c = one(rng, spec, ev_name)
                if c:
                    cases.append(c)
                    break
    return cases


def one(rng, spec, ev_name):
    value, label, extra = spec.make(rng)
    meta = dict(extra)
    extra = tuple((k, x) for k, x in extra if not k.startswith("__"))
    distinctive = meta.get("__distinctive", bool(spec.neutral))
    named = meta.get("__keys", spec.named)
    vals = [value]
    n = rng.choice([1, 1, 1, 2, 3])
    for _ in range(n - 1):
        x, lab2, _e = spec.make(rng)
        if lab2 == label:
            vals.append(x)
    neutral = spec.neutral or ["v", "ref", "value", "data"]
    # a reversed or regrouped value is recognisable only with a telling key
    plain_enough = ev_name not in ("reversal", "separator_change")
    key = rng.choice(neutral) if distinctive and plain_enough and rng.random() < 0.35 else rng.choice(named)
    prose = [p.replace("{label}", label or "") for p in spec.prose]
    if "__a" in meta:
        prose = [p.replace("{a}", meta["__a"]) for p in prose]
    if ev_name in ev.VALUE_EVASIONS:
        f = ev.VALUE_EVASIONS[ev_name]
        vals = [f(rng, x) for x in vals]
        if any(x is None or x == v for x, v in zip(vals, [value])):
            return None
        shapes = [s for s in spec.shapes if not (ev_name == "fullwidth" and s == "csv")] or spec.shapes
        shape = rng.choice(shapes)
        text = rd.render(rng, shape, key, vals, prose, spec.errors, extra)
    elif ev_name in STRUCT:
        text, shape = structural(rng, spec, ev_name, key, vals, label, extra)
    else:
        shape = rng.choice(spec.shapes)
        text = rd.render(rng, shape, key, vals, prose, spec.errors, extra)
    return {"label": "positive", "category": spec.category, "class": spec.cls, "shape": shape, "evasion": ev_name, "input": text}
