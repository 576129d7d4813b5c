#!/usr/bin/env python3
"""Generate the recall tuning corpus of nmp-egress, deterministically (seeded).

Writes crates/nmp-egress/tests/tuning/{cases.jsonl,config.json}: labelled node outputs in the
schema of tests/eval (id, label, category, class, shape, evasion, input) for the classes the
third round of issue 11 works on: national ids of many countries (with their real checksums),
phone numbers in each locale's formats, health-plan member ids and record numbers, passwords and
generic secrets under the key spellings real configs and logs use, dates of birth in many
locales, payment cards of every brand Faker knows, bank accounts with routing numbers and sort
codes, provider API keys and access tokens; and the negatives that such rules must leave alone:
pagination cursors, opaque ids, organisations and places named after people, placeholders and
secret-store references, statistics and prose about the same columns.

This is a TUNING set: rules are written against it. It was written from public descriptions of
each format (and Faker's providers), not from the hold-out corpus or its generator, and uses its
own seed. Faker is pinned so the same seed gives the same bytes.

Usage: python3 generate.py [OUT_DIR]
"""

import base64
import json
import random
import string
import sys
import urllib.parse
from pathlib import Path

import faker

FAKER_VERSION = "40.63.0"
SEED = 31415926
R = random.Random(SEED)
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "crates/nmp-egress/tests/tuning"
RESTRICTED = ["salary", "dateOfBirth", "patientId", "employeeNumber", "diagnosisCode"]
LOCALES = ["en_US", "en_GB", "en_CA", "fr_FR", "de_DE", "nl_NL", "it_IT", "es_ES", "sv_SE",
           "fi_FI", "pl_PL", "pt_BR", "no_NO", "en_IN", "da_DK", "en_AU", "pt_PT", "ja_JP"]
FAKERS = {}
for i, loc in enumerate(LOCALES):
    FAKERS[loc] = faker.Faker(loc)
    FAKERS[loc].seed_instance(SEED + i)
US = FAKERS["en_US"]
if faker.VERSION != FAKER_VERSION:
    sys.exit(f"faker {FAKER_VERSION} required, found {faker.VERSION}")

CASES = []


def add(label, category, cls, shape, text, evasion=None):
    # A Markdown table often sits under a title line, not at the top of the output.
    if shape == "markdown" and R.random() < 0.5:
        text = pick(["### Query result\n\n", "Top rows:\n\n", "## Export (first 10 rows)\n"]) + text
    n = sum(1 for c in CASES if c["class"] == cls and c["label"] == label) + 1
    CASES.append({
        "id": f"tune-{'pos' if label == 'positive' else 'neg'}-{cls}-{n:03d}",
        "label": label, "category": category, "class": cls, "shape": shape,
        "evasion": evasion, "input": text,
    })


def pick(xs):
    return R.choice(xs)


def ts():
    return f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z"


def digits(n):
    return "".join(R.choice(string.digits) for _ in range(n))


# ---------------------------------------------------------------- national ids, with checksums

def luhn_digit(body):
    total = 0
    for i, d in enumerate(reversed(body)):
        d = int(d)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def rand_date(lo=1930, hi=2008):
    y = R.randint(lo, hi)
    m = R.randint(1, 12)
    d = R.randint(1, 28)
    return y, m, d


def us_ssn():
    return f"{R.randint(1, 665):03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def uk_nino(fmt=None):
    first = pick("ABCEGHJKLMNOPRSTWXYZ")
    second = pick("ABCEGHJKLMNPRSTWXYZ")
    if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
        first, second = "A", "B"
    d = digits(6)
    s = pick("ABCD")
    fmt = fmt or pick(["compact", "spaced", "pairs"])
    if fmt == "compact":
        return f"{first}{second}{d}{s}"
    if fmt == "spaced":
        return f"{first}{second} {d} {s}"
    return f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {s}"


def ca_sin():
    body = str(R.randint(1, 7)) + digits(7)
    n = body + luhn_digit(body)
    return pick([f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}", n])


def fr_nir():
    y, m, _ = rand_date()
    body = f"{R.randint(1, 2)}{y % 100:02d}{m:02d}{R.randint(1, 95):02d}{R.randint(1, 999):03d}{R.randint(1, 999):03d}"
    key = 97 - int(body) % 97
    n = f"{body}{key:02d}"
    return pick([n, f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"])


def nl_bsn():
    while True:
        d = [R.randint(0, 9) for _ in range(8)]
        s = sum(w * x for w, x in zip(range(9, 1, -1), d))
        c = s % 11
        if c < 10 and (d[0] or d[1]):
            return "".join(map(str, d)) + str(c)


CF_ODD = {c: v for c, v in zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
          [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23])}


def it_cf():
    letters = string.ascii_uppercase
    y, m, d = rand_date()
    body = ("".join(pick(letters) for _ in range(6)) + f"{y % 100:02d}" + "ABCDEHLMPRST"[m - 1]
            + f"{d + pick([0, 40]):02d}" + pick(letters) + digits(3))
    total = 0
    for i, c in enumerate(body):
        if i % 2 == 0:
            total += CF_ODD[c]
        else:
            total += int(c) if c.isdigit() else ord(c) - 65
    return body + chr(65 + total % 26)


def se_pnr():
    y, m, d = rand_date()
    body = f"{y % 100:02d}{m:02d}{d:02d}{digits(3)}"
    n = body + luhn_digit(body)
    return pick([f"{n[:6]}-{n[6:]}", f"{y // 100}{n[:6]}-{n[6:]}", n])


def fi_hetu():
    y, m, d = rand_date()
    ind = R.randint(2, 899)
    n = int(f"{d:02d}{m:02d}{y % 100:02d}{ind:03d}")
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[n % 31]
    sep = "-" if y < 2000 else "A"
    return f"{d:02d}{m:02d}{y % 100:02d}{sep}{ind:03d}{check}"


def pl_pesel():
    y, m, d = rand_date()
    mm = m + (20 if y >= 2000 else 0)
    body = f"{y % 100:02d}{mm:02d}{d:02d}{digits(4)}"
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    c = (10 - sum(int(x) * k for x, k in zip(body, w)) % 10) % 10
    return body + str(c)


def br_cpf(fmt=None):
    d = [R.randint(0, 9) for _ in range(9)]
    for n in (10, 11):
        s = sum(x * w for x, w in zip(d, range(n, 1, -1)))
        r = (s * 10) % 11
        d.append(0 if r == 10 else r)
    n = "".join(map(str, d))
    fmt = fmt or pick(["dotted", "compact"])
    return f"{n[:3]}.{n[3:6]}.{n[6:9]}-{n[9:]}" if fmt == "dotted" else n


def no_fnr():
    while True:
        y, m, d = rand_date()
        body = [int(x) for x in f"{d:02d}{m:02d}{y % 100:02d}{R.randint(0, 499):03d}"]
        k1 = 11 - sum(x * w for x, w in zip(body, [3, 7, 6, 1, 8, 9, 4, 5, 2])) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        body.append(k1)
        k2 = 11 - sum(x * w for x, w in zip(body, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2])) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return "".join(map(str, body + [k2]))


def dk_cpr():
    y, m, d = rand_date()
    return f"{d:02d}{m:02d}{y % 100:02d}-{digits(4)}"


def es_dni():
    n = R.randint(10000000, 99999999)
    return f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"


def es_nie():
    p = R.randint(0, 2)
    n = R.randint(1000000, 9999999)
    return f"{'XYZ'[p]}{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[int(str(p) + str(n)) % 23]}"


VERHOEFF_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
              [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
              [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
              [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
VERHOEFF_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
              [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
              [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def in_aadhaar():
    body = str(R.randint(2, 9)) + digits(10)
    c = 0
    for i, x in enumerate(reversed(body)):
        c = VERHOEFF_D[c][VERHOEFF_P[(i + 1) % 8][int(x)]]
    n = body + str(VERHOEFF_INV[c])
    return pick([f"{n[:4]} {n[4:8]} {n[8:]}", n, f"{n[:4]}-{n[4:8]}-{n[8:]}"])


def in_pan():
    L = string.ascii_uppercase
    return "".join(pick(L) for _ in range(3)) + pick("PCHFATBLJG") + pick(L) + digits(4) + pick(L)


def de_taxid():
    while True:
        d = [R.randint(1, 9)] + [R.randint(0, 9) for _ in range(9)]
        if max(d.count(x) for x in set(d)) not in (2, 3):
            continue
        product = 10
        for x in d:
            s = (x + product) % 10 or 10
            product = (s * 2) % 11
        c = 11 - product
        return "".join(map(str, d)) + str(0 if c == 10 else c)


NATIONAL = [
    ("US SSN", us_ssn, ["ssn", "social_security_number", "SSN", "socialSecurityNo"]),
    ("UK NINO", uk_nino, ["nino", "ni_number", "national_insurance_number", "NINumber", "nationalInsuranceNo"]),
    ("Canadian SIN", ca_sin, ["sin", "social_insurance_number", "SIN", "sin_number"]),
    ("French NIR", fr_nir, ["nir", "numero_securite_sociale", "insee", "num_secu", "NIR"]),
    ("Dutch BSN", nl_bsn, ["bsn", "burgerservicenummer", "BSN", "bsn_nummer"]),
    ("codice fiscale", it_cf, ["codice_fiscale", "codiceFiscale", "cf", "tax_code"]),
    ("Swedish personnummer", se_pnr, ["personnummer", "personal_number", "pnr"]),
    ("Finnish HETU", fi_hetu, ["hetu", "henkilotunnus", "personal_identity_code"]),
    ("PESEL", pl_pesel, ["pesel", "PESEL", "nr_pesel"]),
    ("CPF", br_cpf, ["cpf", "CPF", "numero_cpf"]),
    ("fødselsnummer", no_fnr, ["fodselsnummer", "fnr", "fødselsnummer", "personnummer"]),
    ("CPR", dk_cpr, ["cpr", "cpr_nummer", "cpr_number"]),
    ("DNI", es_dni, ["dni", "DNI", "nif", "documento"]),
    ("NIE", es_nie, ["nie", "NIE"]),
    ("Aadhaar", in_aadhaar, ["aadhaar", "aadhaar_number", "aadhaarNo", "uid"]),
    ("PAN", in_pan, ["pan", "pan_number", "PAN"]),
    ("Steuer-ID", de_taxid, ["steuer_id", "steuerid", "tax_id", "steuernummer", "idnr"]),
]
NEUTRAL_ID_KEYS = ["national_id", "nationalId", "id_number", "personal_id", "citizen_id", "government_id", "document_number", "identity_number"]


def gen_national(n=170):
    for i in range(n):
        label, make, keys = NATIONAL[i % len(NATIONAL)]
        v = make()
        key = pick(keys + NEUTRAL_ID_KEYS[:3])
        shape = pick(["json", "json", "csv", "log", "prose", "markdown", "ndjson", "error", "bare_prose"])
        if shape == "json":
            t = json.dumps({"record": R.randint(1, 9999), key: v, "country": pick(["NL", "FR", "PL", "SE"]), "score": round(R.random(), 2)})
        elif shape == "ndjson":
            t = "\n".join(json.dumps({"row": j, key: (v if j == 1 else "***")}) for j in range(3)) + "\n"
        elif shape == "csv":
            t = f"row,{key},matched\n1,{v},true\n"
        elif shape == "log":
            t = f"{ts()} INFO kyc.verify: lookup ok {key}={v} latency_ms={R.randint(3, 90)}\n"
        elif shape == "markdown":
            t = f"| case | {key} | status |\n|---|---|---|\n| {R.randint(1, 99)} | {v} | flagged |\n"
        elif shape == "error":
            t = pick([f"ValidationError: field '{key}' rejected value '{v}': duplicate",
                      f"IntegrityError: duplicate key value violates unique constraint \"people_{key.lower()}_key\"\nDETAIL:  Key ({key.lower()})=({v}) already exists."])
        elif shape == "prose":
            t = pick([f"The {label} on file is {v}; please confirm with the applicant.",
                      f"Matched the claimant by {label} {v} before merging the two records.",
                      f"Record 17 lists {label}: {v}."])
        else:
            t = pick([f"Flagged applicant {v} for manual review.",
                      f"Duplicate identity {v} found in two branches.",
                      f"id {v} appears twice"]) if make in (it_cf, fi_hetu, uk_nino, fr_nir, se_pnr, br_cpf, es_dni, es_nie, in_aadhaar) else f"The {label} {v} appears twice in the register."
        add("positive", "pii", "national_id", shape, t)


# ---------------------------------------------------------------- phone numbers

PHONE_KEYS = ["phone", "phone_number", "phoneNumber", "mobile", "cell", "tel", "telephone", "contact_phone", "callback_number", "mobile_no", "fax", "home_phone", "msisdn"]


def gen_phone(n=150):
    locs = [l for l in LOCALES if l != "ja_JP"]
    for i in range(n):
        f = FAKERS[locs[i % len(locs)]]
        v = pick([f.phone_number(), f.phone_number(), f.phone_number(), f.msisdn() if i % 7 == 0 else f.phone_number()])
        key = pick(PHONE_KEYS)
        shape = pick(["json", "csv", "log", "prose", "markdown", "ndjson", "error"])
        if shape == "json":
            t = json.dumps({"ticket": R.randint(100, 999), key: v, "status": "open"})
        elif shape == "ndjson":
            t = json.dumps({"event": "sms", "to": v, "ok": True}) + "\n"
        elif shape == "csv":
            t = f"ticket,{key},priority\n{R.randint(100, 999)},{v},high\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO notify: sms queued to={v} template=reminder\n",
                      f"{ts()} WARN ivr: callback failed {key}={v} attempts=3\n",
                      f"{ts()} INFO twilio: call from {v} routed to queue 4\n"])
        elif shape == "markdown":
            t = f"| ward | {key} |\n|---|---|\n| ICU | {v} |\n"
        elif shape == "error":
            t = f"DeliveryError: could not reach {v}: carrier rejected (code 30006)"
        else:
            t = pick([f"Please call the patient back on {v} after 5pm.",
                      f"Contact number: {v}.",
                      f"The caregiver can be reached at {v} (mobile).",
                      f"Tel. {v}"])
        add("positive", "pii", "phone", shape, t)


# ---------------------------------------------------------------- member ids and record numbers

def member_value():
    kind = R.randint(0, 9)
    L = string.ascii_uppercase
    if kind == 0:
        return pick(L) + digits(9)
    if kind == 1:
        return "".join(pick(L) for _ in range(3)) + digits(9)
    if kind == 2:
        return "MBR-" + digits(8)
    if kind == 3:  # Medicare Beneficiary Identifier
        A = "ACDEFGHJKMNPQRTUVWXY"
        m = str(R.randint(1, 9)) + pick(A) + pick(A + string.digits) + str(R.randint(0, 9)) + pick(A) + pick(A + string.digits) + str(R.randint(0, 9)) + pick(A) + pick(A) + str(R.randint(0, 9)) + str(R.randint(0, 9))
        return pick([m, f"{m[:4]}-{m[4:7]}-{m[7:]}"])
    if kind == 4:  # NHS number, mod 11
        while True:
            d = [R.randint(0, 9) for _ in range(9)]
            c = 11 - sum(x * w for x, w in zip(d, range(10, 1, -1))) % 11
            c = 0 if c == 11 else c
            if c != 10:
                n = "".join(map(str, d)) + str(c)
                return pick([n, f"{n[:3]} {n[3:6]} {n[6:]}"])
    if kind == 5:
        return "MRN" + pick(["", "-", " "]) + digits(pick([7, 8]))
    if kind == 6:
        return "CLM-" + str(R.randint(2019, 2026)) + "-" + digits(7)
    if kind == 7:
        return pick(["POL", "PLC", "HMO"]) + digits(8)
    if kind == 8:
        return digits(pick([9, 10, 11]))
    return pick(L) + pick(L) + digits(6) + "-" + digits(2)


MEMBER_KEYS = ["member_id", "memberId", "MemberID", "subscriber_id", "subscriberId", "policy_number", "policyNo", "claim_id", "claimNumber", "claim_no", "mrn", "MRN", "medical_record_number", "insurance_id", "insuranceId", "health_plan_id", "beneficiary_id", "medicare_id", "mbi", "nhs_number", "enrollee_id", "plan_member_id", "chart_number", "account_number"]
MEMBER_PHRASES = ["Member ID", "member #", "member", "subscriber", "Policy number", "policy", "claim", "Claim no.", "MRN", "medical record number", "NHS number", "Medicare ID", "insurance ID", "chart"]


def gen_member(n=120):
    for i in range(n):
        v = member_value()
        key = pick(MEMBER_KEYS)
        phrase = pick(MEMBER_PHRASES)
        shape = pick(["json", "json", "csv", "log", "prose", "markdown", "ndjson", "error"])
        if shape == "json":
            t = json.dumps({key: v, "visits": R.randint(1, 40), "cost_usd": round(R.uniform(100, 90000), 2)})
        elif shape == "ndjson":
            t = "".join(json.dumps({key: member_value(), "allowed": R.randint(1, 9)}) + "\n" for _ in range(2))
        elif shape == "csv":
            t = f"{key},visits,cost\n{v},{R.randint(1, 40)},{R.randint(100, 9000)}\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO eligibility: check ok {key}={v} plan=PPO\n",
                      f"{ts()} WARN claims: denied {phrase} {v} reason=CO-97\n"])
        elif shape == "markdown":
            t = f"| {key} | visits |\n|---|---:|\n| {v} | {R.randint(1, 40)} |\n"
        elif shape == "error":
            t = f"EligibilityError: no active coverage for {phrase} {v} on {R.randint(2024, 2026)}-01-01"
        else:
            t = pick([f"Highest-cost patient this quarter: {phrase} {v}, 14 admissions.",
                      f"{phrase}: {v} was readmitted twice.",
                      f"The outlier is {phrase} {v} with 41 inpatient days."])
        add("positive", "pii", "member_id", shape, t)


# ---------------------------------------------------------------- passwords

PASSWORD_KEYS = ["password", "pass", "pw", "pwd", "passwd", "PASSWORD", "db_pass", "DB_PASS", "user_password", "login_password", "passcode", "pass_phrase", "admin_pass", "root_password", "smtp_pass", "MYSQL_ROOT_PASSWORD", "POSTGRES_PASSWORD", "redisPass", "userPwd", "mot_de_passe", "passwort", "kennwort", "contrasena", "contraseña", "wachtwoord", "senha", "haslo", "salasana", "losenord", "passord"]


def a_password():
    f = US
    return pick([
        f.password(length=R.randint(8, 16)),
        f.password(length=R.randint(10, 14), special_chars=False),
        "".join(pick(string.ascii_letters + string.digits) for _ in range(R.randint(10, 16))),
        pick(["Summer", "Winter", "Welcome", "Hospital", "Chicago"]) + str(R.randint(2000, 2026)) + pick("!#$@"),
        f.word().capitalize() + pick("-_.") + f.word() + str(R.randint(10, 99)),
    ])


def gen_password(n=120):
    for _ in range(n):
        v = a_password()
        key = pick(PASSWORD_KEYS)
        user = US.user_name()
        shape = pick(["json", "env", "yaml", "log", "prose", "cli", "csv", "error", "ini"])
        if shape == "json":
            t = json.dumps({"user": user, key: v, "host": "db.internal"})
        elif shape == "env":
            t = f"DB_HOST=db.internal\n{key.upper()}={v}\nDB_PORT=5432\n"
        elif shape == "yaml":
            t = f"database:\n  user: {user}\n  {key}: {v}\n  port: 5432\n"
        elif shape == "ini":
            t = f"[smtp]\nhost = mail.internal\nuser = {user}\n{key} = {v}\n"
        elif shape == "log":
            t = pick([f"{ts()} DEBUG auth: login attempt user={user} {key}={v} result=fail\n",
                      f"{ts()} INFO provision: created account {user} with temporary password {v}\n",
                      f"{ts()} DEBUG connect: user '{user}' password '{v}'\n"])
        elif shape == "cli":
            t = pick([f"$ mysql -u {user} -p{v} -h db.internal\n", f"$ psql --username={user} --password={v}\n",
                      f"curl -u {user}:{v} https://api.internal/v1/export\n", f"$ htpasswd -b /etc/nginx/.htpasswd {user} {v}\n"])
        elif shape == "csv":
            t = f"username,{key},role\n{user},{v},admin\n"
        elif shape == "error":
            t = f"AuthenticationError: login failed for user \"{user}\" (password: {v})"
        else:
            t = pick([f"The temporary password for {user} is {v} and must be changed at first login.",
                      f"Reset the service account password to {v} yesterday.",
                      f"Password: {v}",
                      f"use pw {v} for the staging box"])
        add("positive", "secret", "password", shape, t)


# ---------------------------------------------------------------- generic secrets

SECRET_KEYS = ["signing_secret", "webhook_secret", "hmac_key", "hmacKey", "session_key", "master_key", "shared_key", "encryption_key", "app_key", "APP_KEY", "secret_key_base", "jwt_secret", "JWT_SECRET", "cookie_secret", "client_secret", "consumer_secret", "api_secret", "signing_key", "secret", "SECRET_KEY", "aes_key", "hmac_secret", "salt_secret", "private_token", "auth_key", "license_key", "key"]


def a_secret():
    raw = bytes(R.getrandbits(8) for _ in range(pick([16, 24, 32, 48])))
    return pick([raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                 "base64:" + base64.b64encode(raw).decode(), "".join(pick(string.ascii_letters + string.digits) for _ in range(R.randint(24, 50)))])


def gen_generic(n=120):
    for _ in range(n):
        v = a_secret()
        key = pick(SECRET_KEYS)
        shape = pick(["json", "env", "yaml", "log", "prose", "toml"])
        if shape == "json":
            t = json.dumps({"service": "billing", key: v, "enabled": True})
        elif shape == "env":
            t = f"{key.upper()}={v}\nLOG_LEVEL=info\n"
        elif shape == "yaml":
            t = f"webhooks:\n  url: https://hooks.internal/in\n  {key}: \"{v}\"\n"
        elif shape == "toml":
            t = f"[auth]\n{key} = \"{v}\"\nissuer = \"nmp\"\n"
        elif shape == "log":
            t = f"{ts()} DEBUG config: loaded {key}={v}\n"
        else:
            t = pick([f"The webhook signing secret is {v}; rotate it after the demo.",
                      f"HMAC key: {v}",
                      f"Use encryption key {v} to open the export.",
                      f"shared secret = {v}"])
        add("positive", "secret", "generic_secret", shape, t)


# ---------------------------------------------------------------- dates of birth

DOB_KEYS = ["dob", "DOB", "date_of_birth", "dateOfBirth", "birth_date", "birthDate", "birthdate", "birthday", "born_on", "d_o_b", "geburtsdatum", "fecha_nacimiento", "fecha_de_nacimiento", "data_nascita", "data_di_nascita", "date_naissance", "date_de_naissance", "geboortedatum", "fodselsdato", "fødselsdato", "syntymaaika", "data_urodzenia", "data_nascimento", "födelsedatum", "patient_dob", "member_birth_date"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def fmt_date(y, m, d):
    return pick([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d:02d}.{m:02d}.{y}",
                 f"{d} {MONTHS[m - 1]} {y}", f"{MONTHS[m - 1]} {d}, {y}", f"{d:02d}-{MONTHS[m - 1][:3]}-{y}",
                 f"{d} {MONTHS[m - 1][:3]} {y}", f"{MONTHS[m - 1][:3]} {d}, {y}", f"{y}/{m:02d}/{d:02d}", f"{m}/{d}/{y % 100:02d}",
                 f"{y}{m:02d}{d:02d}", f"{d}-{m}-{y}", f"{MONTHS[m - 1]} {d}th, {y}"])


DOB_PHRASES = ["born on {}", "born {}", "(b. {})", "DOB {}", "DOB: {}", "date of birth: {}", "Date of Birth {}", "birthday {}",
               "né le {}", "née le {}", "geboren am {}", "nacido el {}", "nacida el {}", "nato il {}", "nata il {}", "geboren op {}",
               "född {}", "syntynyt {}", "urodzony {}", "urodzona {}", "nascido em {}", "født {}", "birth date {}", "D.O.B. {}"]


def gen_dob(n=130):
    for _ in range(n):
        y, m, d = rand_date()
        v = fmt_date(y, m, d)
        key = pick(DOB_KEYS)
        who = pick([f.name() for f in (US, FAKERS["fr_FR"], FAKERS["de_DE"], FAKERS["es_ES"])] + ["the patient", "the member", "the claimant"])
        shape = pick(["json", "csv", "log", "prose", "prose", "markdown", "ndjson", "error"])
        if shape == "json":
            t = json.dumps({"case": R.randint(1, 999), key: v, "ward": "B2"})
        elif shape == "ndjson":
            t = json.dumps({"event": "admit", key: v}) + "\n"
        elif shape == "csv":
            t = f"case,{key},ward\n{R.randint(1, 999)},{v},B2\n"
        elif shape == "log":
            t = f"{ts()} INFO intake: registered patient {key}={v.replace(' ', '_') if ' ' in v else v}\n"
        elif shape == "markdown":
            t = f"| case | {key} |\n|---|---|\n| {R.randint(1, 99)} | {v} |\n"
        elif shape == "error":
            t = f"ValueError: {key} '{v}' is in the future for record {R.randint(1, 999)}"
        else:
            t = f"The oldest admission, {pick(DOB_PHRASES).format(v)}, stayed 12 days." if R.random() < 0.5 else f"{who.capitalize() if who.islower() else who} was {pick(DOB_PHRASES).format(v)} according to the intake form."
        add("positive", "pii", "date_of_birth", shape, t)


# ---------------------------------------------------------------- cards

CARD_TYPES = ["amex", "diners", "discover", "jcb15", "jcb16", "maestro", "mastercard", "visa13", "visa16", "visa19"]


def group_card(n):
    sep = pick([" ", "-", "", "", "."])
    if len(n) == 15 and n[:2] in ("34", "37"):
        return sep.join([n[:4], n[4:10], n[10:]])
    return sep.join(n[i:i + 4] for i in range(0, len(n), 4))


def gen_card(n=100):
    for i in range(n):
        v = group_card(US.credit_card_number(CARD_TYPES[i % len(CARD_TYPES)]))
        shape = pick(["json", "csv", "log", "prose", "markdown"])
        key = pick(["card_number", "pan", "cc", "cardNo", "payment_card", "number", "card"])
        if shape == "json":
            t = json.dumps({"order": R.randint(1000, 9999), key: v, "amount": round(R.uniform(5, 500), 2)})
        elif shape == "csv":
            t = f"order,{key},amount\n{R.randint(1000, 9999)},{v},{R.randint(5, 500)}.00\n"
        elif shape == "log":
            t = f"{ts()} WARN payments: charge declined card={v} code=51\n"
        elif shape == "markdown":
            t = f"| order | card |\n|---|---|\n| {R.randint(1000, 9999)} | {v} |\n"
        else:
            t = f"Refund issued to card {v} on request."
        add("positive", "pii", "card_number", shape, t)


# ---------------------------------------------------------------- bank accounts

def aba():
    while True:
        d = [R.randint(0, 9) for _ in range(8)]
        d[0] = R.choice([0, 1, 2, 3])
        c = (10 - (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])) % 10) % 10
        return "".join(map(str, d)) + str(c)


def gen_bank(n=100):
    for _ in range(n):
        kind = R.randint(0, 4)
        if kind == 0:
            routing, acct = aba(), digits(pick([8, 10, 12]))
            t = pick([json.dumps({"routing_number": routing, "account_number": acct, "type": "checking"}),
                      f"ACH return R03 for routing {routing} account {acct}.",
                      f"{ts()} INFO payout: sent to aba={routing} acct={acct}\n",
                      f"routing_number,account_number,amount\n{routing},{acct},1200.00\n"])
        elif kind == 1:
            sort = f"{R.randint(10, 99)}-{R.randint(10, 99)}-{R.randint(10, 99)}"
            acct = digits(8)
            t = pick([f"Pay into sort code {sort}, account number {acct}.", json.dumps({"sort_code": sort, "account_number": acct}),
                      f"sort_code,account_no\n{sort},{acct}\n", f"Bank details: {sort} {acct}"])
        elif kind == 2:
            f = FAKERS[pick(["nl_NL", "de_DE", "fr_FR", "es_ES", "pl_PL", "it_IT", "no_NO", "fi_FI", "da_DK", "en_GB"])]
            v = f.bban()
            key = pick(["bank_account", "account_number", "bban", "acct_no", "bankAccount", "kontonummer", "rekeningnummer", "numero_conto"])
            t = pick([json.dumps({"payee": "refund", key: v}), f"{key}={v}", f"{key}\n{v}\n", f"Refund sent to bank account {v}."])
        elif kind == 3:
            f = FAKERS[pick(["nl_NL", "de_DE", "fr_FR", "es_ES", "pl_PL", "it_IT", "no_NO", "fi_FI", "da_DK", "en_GB", "pt_BR"])]
            v = f.iban()
            if R.random() < 0.5:
                v = " ".join(v[i:i + 4] for i in range(0, len(v), 4))
            t = pick([json.dumps({"iban": v, "bic": US.swift()}), f"Transfer to IBAN {v} failed.", f"{ts()} INFO sepa: credit transfer to {v}\n"])
        else:
            acct = digits(pick([9, 10, 11, 12]))
            t = pick([json.dumps({"account": acct, "routing": aba()}), f"Direct deposit account #{acct}, routing {aba()}",
                      f"bank_account_number: {acct}", f"acct_no,balance\n{acct},1532.10\n"])
        add("positive", "pii", "bank_account", "mixed", t)


# ---------------------------------------------------------------- api keys and tokens

def rs(n, alphabet=string.ascii_letters + string.digits):
    return "".join(pick(alphabet) for _ in range(n))


HEX = "0123456789abcdef"


def api_key():
    return pick([
        "SG." + rs(22, string.ascii_letters + string.digits + "-_") + "." + rs(43, string.ascii_letters + string.digits + "-_"),
        "SK" + rs(32, HEX), "AC" + rs(32, HEX), "npm_" + rs(36), "hf_" + rs(34, string.ascii_letters),
        "key-" + rs(32, HEX), "shpat_" + rs(32, HEX), "shpss_" + rs(32, HEX), "sk-ant-api03-" + rs(93, string.ascii_letters + string.digits + "-_") + "AA",
        "PMAK-" + rs(24, HEX) + "-" + rs(34, HEX), "dop_v1_" + rs(64, HEX), "lin_api_" + rs(40), "pypi-AgEIcHlwaS5vcmc" + rs(60, string.ascii_letters + string.digits + "-_"),
        rs(9, string.digits) + ":AA" + rs(33, string.ascii_letters + string.digits + "-_"), "glc_" + rs(32), "dapi" + rs(32, HEX),
        "xkeysib-" + rs(64, HEX) + "-" + rs(16), "AKIA" + rs(16, string.ascii_uppercase + string.digits), "sq0atp-" + rs(22, string.ascii_letters + string.digits + "-_"),
        "EAAG" + rs(100), "ATATT3xFfGF0" + rs(180, string.ascii_letters + string.digits + "-_="),
    ])


def gen_api(n=100):
    for _ in range(n):
        v = api_key()
        key = pick(["api_key", "apiKey", "key", "SENDGRID_API_KEY", "token", "access_key", "X-Api-Key", "auth", "credential"])
        shape = pick(["json", "env", "log", "prose", "header"])
        if shape == "json":
            t = json.dumps({"provider": "mail", key: v})
        elif shape == "env":
            t = f"{key.upper().replace('-', '_')}={v}\n"
        elif shape == "header":
            t = f"GET /v3/stats HTTP/1.1\nHost: api.example.net\n{pick(['X-Api-Key', 'Authorization', 'api-key'])}: {v}\n"
        elif shape == "log":
            t = f"{ts()} DEBUG http: request to provider with key {v}\n"
        else:
            t = f"The integration uses {v} for outbound mail."
        add("positive", "secret", "api_key", shape, t)


def gen_token(n=80):
    for _ in range(n):
        v = pick(["ya29." + rs(120, string.ascii_letters + string.digits + "-_"), rs(40, string.ascii_letters + string.digits + "-._~"),
                  "gho_" + rs(36), "sess_" + rs(32), "EwB" + rs(100, string.ascii_letters + string.digits + "+/"),
                  "1//0" + rs(90, string.ascii_letters + string.digits + "-_"), rs(64, HEX), "atzr|" + rs(80), "s." + rs(24)])
        shape = pick(["json", "header", "log", "url", "prose"])
        if shape == "json":
            t = json.dumps({pick(["access_token", "refresh_token", "id_token", "session_token", "sessionId", "auth_token", "bearer"]): v, "expires_in": 3599, "token_type": "Bearer"})
        elif shape == "header":
            t = f"Authorization: Bearer {v}\n"
        elif shape == "log":
            t = f"{ts()} DEBUG oauth: refreshed session access_token={v}\n"
        elif shape == "url":
            t = f"GET https://api.example.net/v1/me?access_token={urllib.parse.quote(v)} 200\n"
        else:
            t = f"Use the bearer token {v} for the export job."
        add("positive", "secret", "token", shape, t)


# ---------------------------------------------------------------- emails with evasions

def gen_email(n=60):
    for i in range(n):
        f = FAKERS[LOCALES[i % (len(LOCALES) - 1)]]
        e = f.email()
        local, dom = e.split("@")
        kind = i % 6
        if kind == 0:
            v, ev = f"{local} at {dom.replace('.', ' dot ')}", "at_word"
        elif kind == 1:
            v, ev = f"{local} [at] {dom.replace('.', ' [dot] ')}", "at_word"
        elif kind == 2:
            v, ev = f"{local}(at){dom}", "at_word"
        elif kind == 3:
            v, ev = local + "@" + dom.replace("o", "о", 1).replace("a", "а", 1), "homoglyph_email_domain"
        elif kind == 4:
            v, ev = urllib.parse.quote(e, safe=""), "percent_encoding"
        else:
            v, ev = e, None
        t = pick([f"Send the results to {v} please.", json.dumps({"contact": v}), f"{ts()} INFO mail: bounce for {v}\n", f"owner,contact\nward B,{v}\n"])
        add("positive", "pii", "email", "mixed", t, ev)


# ---------------------------------------------------------------- restricted columns

def gen_restricted(n=90):
    for _ in range(n):
        col = pick(RESTRICTED)
        v = {"salary": R.randint(30000, 250000), "dateOfBirth": f"{R.randint(1940, 2005)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}",
             "patientId": "P" + digits(6), "employeeNumber": "E" + digits(5), "diagnosisCode": pick(["E11.9", "I10", "J45.909", "F32.1"])}[col]
        spell = pick([col, col.upper(), "_".join(w.lower() for w in __import__("re").findall("[a-z]+|[A-Z][a-z]*", col)), col[0].upper() + col[1:]])
        shape = pick(["json", "markdown", "log", "csv", "order", "nested", "unit"])
        if shape == "json":
            t = json.dumps({"row": R.randint(1, 99), spell: v})
        elif shape == "markdown":
            t = f"| row | {spell} |\n|---:|---|\n| 1 | {v} |\n"
        elif shape == "log":
            t = f"{ts()} INFO export: row=4 {spell}={v}\n"
        elif shape == "csv":
            t = f"row;{spell}\n1;{v}\n"
        elif shape == "order":
            t = json.dumps({pick([f"{pick(['max', 'min', 'median', 'first', 'last', 'top', 'highest'])}_{spell}", f"{spell}_{pick(['p50', 'p90', 'p99', 'max', 'percentile_95'])}"]): v})
        elif shape == "unit":
            t = json.dumps({"row": 3, f"{spell}_{pick(['usd', 'eur', 'amount', 'gross', 'iso', 'utc', 'formatted'])}": v})
        else:
            t = json.dumps({"result": [{"row": 1, spell: v}]})
        add("positive", "restricted", "restricted_value", shape, t)


# ---------------------------------------------------------------- negatives

def b64(s):
    return base64.b64encode(s.encode()).decode()


def ulid():
    return "01" + rs(24, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def gen_cursor(n=120):
    keys = ["next_cursor", "cursor", "nextCursor", "endCursor", "startCursor", "after", "before", "next_page_token", "nextPageToken", "pageToken", "continuation", "continuationToken", "scroll_id", "_scroll_id", "next", "nextToken", "NextToken", "marker", "next_marker", "resume_token", "page_after", "since_id", "offset_token", "last_evaluated_key", "paginationToken", "next_link_token", "sync_token"]
    for _ in range(n):
        kind = R.randint(0, 7)
        if kind == 0:
            v = b64(json.dumps({"offset": R.randint(0, 5000), "limit": 100}))
        elif kind == 1:
            v = b64(f"arrayconnection:{R.randint(0, 9999)}")
        elif kind == 2:
            v = ulid()
        elif kind == 3:
            v = "FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFk" + rs(40, string.ascii_letters + string.digits + "-_") + "AAAAAAAA" + rs(8)
        elif kind == 4:
            v = rs(R.randint(32, 60), string.ascii_letters + string.digits + "-_")
        elif kind == 5:
            v = rs(R.randint(32, 48)) + "=="
        elif kind == 6:
            v = "c_" + rs(40)
        else:
            v = base64.urlsafe_b64encode(bytes(R.getrandbits(8) for _ in range(R.randint(24, 40)))).decode().rstrip("=")
        key = pick(keys)
        shape = pick(["json", "json", "url", "log", "graphql"])
        if shape == "json":
            t = json.dumps({"data": [{"id": R.randint(1, 999), "count": R.randint(1, 50)}], key: v, "has_more": True})
        elif shape == "url":
            t = json.dumps({"next": f"https://api.example.net/v2/visits?limit=100&{pick(['cursor', 'page_token', 'after', 'starting_after'])}={urllib.parse.quote(v)}"})
        elif shape == "log":
            t = f"{ts()} INFO sync: fetched page 7 {key}={v} rows=100\n"
        else:
            t = json.dumps({"data": {"visits": {"pageInfo": {"hasNextPage": True, "endCursor": v}, "totalCount": R.randint(100, 9999)}}})
        add("negative", "benign", "cursor", shape, t)


ORGS = ["Johnson & Johnson", "Morgan Stanley", "Goldman Sachs", "Procter & Gamble", "Ernst & Young", "Wells Fargo", "Charles Schwab",
        "Marks and Spencer", "Rolls-Royce", "Ben & Jerry's", "Merck Sharp & Dohme", "Eli Lilly and Company", "Abbott Laboratories",
        "Kaiser Permanente", "Johns Hopkins Hospital", "Mayo Clinic", "Cedars-Sinai Medical Center", "Mount Sinai Hospital", "Boston Children's Hospital",
        "Cleveland Clinic", "Brigham and Women's Hospital", "Dana-Farber Cancer Institute", "Hewlett Packard Enterprise", "Dow Jones", "Baker McKenzie",
        "Sherwin-Williams", "Harley-Davidson", "Dolce & Gabbana", "Bristol-Myers Squibb", "Bausch & Lomb", "Smith & Nephew", "Freshfields Bruckhaus Deringer"]
PLACES = ["St. Louis", "Lincoln", "Washington", "San Francisco", "Fort Collins", "Port Elizabeth", "Jacksonville", "Santa Clara", "Mount Vernon",
          "Houston", "Charlotte", "Victoria", "Columbus", "Cleveland", "St. Petersburg", "San José", "Lake Charles", "Austin", "Georgetown", "Hamilton"]


def gen_public(n=120):
    for _ in range(n):
        kind = R.randint(0, 4)
        if kind == 0:
            v = pick(ORGS)
        elif kind == 1:
            v = FAKERS[pick(["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT"])].company()
        elif kind == 2:
            v = pick(PLACES)
        else:
            v = f"{US.last_name()} {pick(['Inc.', 'LLC', 'Group', 'Holdings', 'Foundation', 'Institute', 'Partners', 'Associates', '& Co.'])}"
        shape = pick(["json", "csv", "prose", "markdown"])
        if shape == "json":
            t = json.dumps({pick(["payer", "vendor", "sponsor", "site", "organization", "org", "supplier", "city"]): v, "claims": R.randint(10, 9000), "share": round(R.random(), 3)})
        elif shape == "csv":
            t = f"payer,claims\n\"{v}\",{R.randint(10, 9000)}\n"
        elif shape == "markdown":
            t = f"| sponsor | trials |\n|---|---:|\n| {v} | {R.randint(1, 40)} |\n"
        else:
            t = pick([f"Most claims this quarter were paid by {v} (34 %).", f"The trial sites include {v} and two community hospitals.",
                      f"{v} accounted for 1,204 referrals.", f"Named after {v}, the award went to the oncology ward."])
        add("negative", "benign", "public_name", shape, t)


PLACEHOLDERS = ["<EMAIL>", "[REDACTED]", "***", "${SECRET}", "{{ secrets.API_KEY }}", "op://Production/db/password", "op://vault/Stripe/credential",
                "vault:secret/data/db#password", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                "projects/my-proj/secrets/db-password/versions/latest", "•••• 4242", "**** **** **** 4242", "sk_live_...", "sk_live_••••••••",
                "xxxx-xxxx-xxxx-4242", "", "<your-api-key>", "${{ secrets.GITHUB_TOKEN }}", "%(db_password)s", "ENV[DB_PASSWORD]",
                "azure-keyvault://kv-prod/secrets/sql-password", "gcp-secret://billing-key", "<password>", "[hidden]", "********", "(not set)",
                "***-**-1234", "XXX-XX-XXXX", "ghp_************************************", "REDACTED", "<redacted>", "{{PATIENT_PHONE}}",
                "$DB_PASSWORD", "env:API_TOKEN", "secretRef:db-credentials/password", "k8s://secret/db/password", "AKIA****************",
                "+1 (XXX) XXX-XXXX", "NNN-NN-NNNN", "MM/DD/YYYY", "<phone>"]


def gen_placeholder(n=90):
    for _ in range(n):
        v = pick(PLACEHOLDERS)
        key = pick(["password", "api_key", "token", "secret", "email", "phone", "ssn", "card", "dob", "client_secret", "db_password", "member_id"])
        shape = pick(["json", "env", "yaml", "log"])
        if shape == "json":
            t = json.dumps({key: v, "note": "set at deploy time"})
        elif shape == "env":
            t = f"{key.upper()}={v}\n"
        elif shape == "yaml":
            t = f"{key}: \"{v}\"\n"
        else:
            t = f"{ts()} INFO config: {key}={v}\n"
        add("negative", "benign", "placeholder", shape, t)


def gen_about(n=150):
    """Prose, statistics and schemas about the same kinds of values the new rules look for."""
    about = [
        "BSN validation failed for {n} records (11-proof).", "NINO format: two letters, six digits and a letter A-D.",
        "The member_id column has {p} % nulls.", "Claims per member: {f}.", "Password rotation every 90 days; minimum length 12.",
        "Phone numbers were normalised to E.164 for {n} contacts.", "{n} members were born after 1990.", "PESEL checksums invalid: {n}.",
        "CPF field is 11 digits with two check digits.", "Dates of birth are stored as ISO 8601 dates.", "Policy numbers are issued by the payer.",
        "Distinct subscriber ids: {n}.", "Sort code and account number were validated for {n} payees.", "Average claims per policy: {f}",
        "Codice fiscale present for {p} % of Italian members.", "MRN format: MRN- followed by 7 digits.", "Routing numbers failing the ABA checksum: {n}.",
        "Secrets are stored in Vault; the app reads them at start-up.", "Token lifetime is 3600 seconds.", "{n} passwords were reset this week.",
        "The tax_id column is masked for {p} % of rows.", "Personnummer is present for Swedish members only.", "Patients aged 40-49: {n}.",
    ]
    stats = [
        {"member_id_distinct_count": "N", "member_id_null_fraction": "F"}, {"phone_valid_share": "F", "phone_count": "N"},
        {"password_min_length": 12, "password_max_age_days": 90}, {"bsn_invalid_count": "N"}, {"national_id_coverage": "F"},
        {"dob_missing": "N", "dob_year_min": 1931, "dob_year_max": 2008}, {"claims_per_member": "F", "members": "N"},
        {"policy_number_format": "POL########"}, {"phone_format": "E.164"}, {"secret_rotation_days": 30, "secret_version": 7},
        {"account_number_length": 10, "routing_number_valid_pct": "F"}, {"token_count": "N", "prompt_tokens": "N", "completion_tokens": "N"},
        {"age_bucket": "40-49", "count": "N"}, {"birth_decade": "1980s", "members": "N"}, {"zip3": "021", "members": "N"},
        {"bytes_total": 12884901888, "requests": 4294967296}, {"order_total_cents": 183422910, "orders": 99812},
    ]
    for i in range(n):
        if i % 2 == 0:
            t = pick(about).format(n=R.randint(2, 9000), p=round(R.uniform(0.1, 30), 1), f=round(R.uniform(1, 9), 2))
            shape = "prose"
        else:
            d = {k: (R.randint(100, 999999) if v == "N" else round(R.random(), 4) if v == "F" else v) for k, v in pick(stats).items()}
            t = json.dumps(d)
            shape = "json"
        add("negative", "benign", "about_data", shape, t)


def gen_numbers(n=80):
    for _ in range(n):
        v = pick([str(R.randint(100000000, 9999999999)), f"{R.randint(1, 999):,}".replace(",", " ") + f" {R.randint(100, 999)} {R.randint(100, 999)}",
                  str(R.randint(10**10, 10**11 - 1)), str(R.randint(10**11, 10**12 - 1)), f"{R.randint(1000000000, 1999999999)}",
                  f"{R.randint(1600000000000, 1800000000000)}", f"v{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)}",
                  f"{R.randint(2019, 2026)}.{R.randint(1, 12)}.{R.randint(1, 28)}.{R.randint(1, 9999)}"])
        key = pick(["bytes", "rows_scanned", "duration_ns", "total_cents", "ts_ms", "build", "version", "count", "request_id", "trace_seq", "order_id", "invoice_no"])
        shape = pick(["json", "log", "prose"])
        if shape == "json":
            t = json.dumps({key: v, "ok": True})
        elif shape == "log":
            t = f"{ts()} INFO job: done {key}={v.replace(' ', '')}\n"
        else:
            t = f"The export processed {v} rows in 41 s."
        add("negative", "benign", "id_like_number", shape, t)


def gen_ids(n=80):
    for _ in range(n):
        v = pick([str(__import__("uuid").UUID(int=R.getrandbits(128))), rs(32, HEX), rs(40, HEX), rs(64, HEX), "sha256:" + rs(64, HEX),
                  f"W/\"{rs(16, HEX)}\"", f"web-{rs(10, string.ascii_lowercase + string.digits)}-{rs(5, string.ascii_lowercase + string.digits)}",
                  "run_" + rs(24, string.ascii_lowercase + string.digits), ulid(), "req_" + rs(24), "evt_" + rs(24), "cus_" + rs(14), "pi_" + rs(24)])
        key = pick(["run_id", "request_id", "trace_id", "digest", "etag", "pod", "commit", "event_id", "customer_ref", "payment_intent", "object_id", "id"])
        shape = pick(["json", "log"])
        t = json.dumps({key: v, "status": "ok"}) if shape == "json" else f"{ts()} INFO api: {key}={v} status=200\n"
        add("negative", "benign", "identifier", shape, t)


def gen_bold(n=80):
    """Markdown bullet lists with bold labels, as chat-style answers write them."""
    for _ in range(n):
        kind = R.randint(0, 5)
        if kind == 0:
            label, v, cls, cat = pick(["Member ID", "Policy number", "MRN", "Subscriber ID"]), member_value(), "member_id", "pii"
        elif kind == 1:
            y, m, d = rand_date()
            label, v, cls, cat = pick(["DOB", "Date of birth", "Birth date"]), fmt_date(y, m, d), "date_of_birth", "pii"
        elif kind == 2:
            label, v, cls, cat = pick(["Password", "Temporary password", "DB password"]), a_password(), "password", "secret"
        elif kind == 3:
            label, v, cls, cat = pick(["Phone", "Mobile", "Tel"]), FAKERS[pick(LOCALES[:15])].phone_number(), "phone", "pii"
        elif kind == 4:
            lab, make, _ = pick(NATIONAL)
            label, v, cls, cat = lab, make(), "national_id", "pii"
        else:
            label, v, cls, cat = pick(["API key", "Secret", "Signing secret"]), a_secret(), "generic_secret", "secret"
        t = pick([f"**Patient summary**\n- **{label}:** {v}\n- **Ward:** B2\n", f"- **{label}**: {v}\n", f"**{label}:** {v}"])
        add("positive", cat, cls, "markdown", t)
    for _ in range(n // 2):
        label, v = pick([("Members", f"{R.randint(100, 99999):,}"), ("Median age", str(R.randint(30, 70))), ("Phone coverage", f"{R.randint(1, 99)} %"),
                         ("Password policy", "12 characters, rotated every 90 days"), ("DOB completeness", f"{R.uniform(80, 100):.1f} %"),
                         ("Member ID format", "three letters and nine digits"), ("Top payer", pick(ORGS))])
        add("negative", "benign", "about_data", "markdown", f"**Cohort summary**\n- **{label}:** {v}\n- **Rows:** {R.randint(100, 9000)}\n")


# ---------------------------------------------------------------- fourth round (issue 11, accuracy)
# New shapes per weak class, written from public descriptions of each format before any rule for
# them: national ids of more countries (with their checksums), member ids as health plans print
# them, passwords in config dumps, command lines and CSV extracts, secrets under encoded or
# versioned key names, dates of birth in prose, logs and CSV headers with a format hint,
# international phone formats, and the look-alikes that must pass (public figures and eponyms,
# products, timestamps, versions, hashes, order numbers, masked password columns).

def be_nn():
    y, m, d = rand_date()
    seq = R.randint(1, 997)
    body = f"{y % 100:02d}{m:02d}{d:02d}{seq:03d}"
    c = 97 - int(("2" if y >= 2000 else "") + body) % 97
    n = f"{body}{c:02d}"
    return pick([n, f"{n[:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]}"])


def ch_ahv():
    body = "756" + digits(9)
    s = sum(int(x) * (3 if i % 2 else 1) for i, x in enumerate(body))
    n = body + str((10 - s % 10) % 10)
    return pick([f"{n[:3]}.{n[3:7]}.{n[7:11]}.{n[11:]}", n])


def cl_rut():
    n = R.randint(5000000, 25999999)
    s, w = 0, 2
    for x in reversed(str(n)):
        s += int(x) * w
        w = 2 if w == 7 else w + 1
    c = 11 - s % 11
    c = "0" if c == 11 else "K" if c == 10 else str(c)
    t = str(n)
    return pick([f"{int(t[:-6])}.{t[-6:-3]}.{t[-3:]}-{c}", f"{t}-{c}"])


def cn_rid():
    y, m, d = rand_date()
    body = f"{R.randint(110000, 659000)}{y}{m:02d}{d:02d}{digits(3)}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(x) * k for x, k in zip(body, w)) % 11]


def kr_rrn():
    y, m, d = rand_date()
    g = pick("12") if y < 2000 else pick("34")
    body = f"{y % 100:02d}{m:02d}{d:02d}{g}{digits(5)}"
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    c = (11 - sum(int(x) * k for x, k in zip(body, w)) % 11) % 10
    return f"{body[:6]}-{body[6:]}{c}"


def sg_nric():
    p = pick("STFG")
    d = digits(7)
    s = sum(int(x) * k for x, k in zip(d, [2, 7, 6, 5, 4, 3, 2])) + (4 if p in "TG" else 0)
    return p + d + ("JZIHGFEDCBA" if p in "ST" else "XWUTRQPNMLK")[s % 11]


def za_id():
    y, m, d = rand_date()
    body = f"{y % 100:02d}{m:02d}{d:02d}{digits(4)}{pick('01')}8"
    return body + luhn_digit(body)


def tr_tckn():
    d = [R.randint(1, 9)] + [R.randint(0, 9) for _ in range(8)]
    d.append(((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10)
    d.append(sum(d) % 10)
    return "".join(map(str, d))


def ie_ppsn():
    d = digits(7)
    s = sum(int(x) * k for x, k in zip(d, range(8, 1, -1)))
    c = s % 23
    return d + ("W" if c == 0 else chr(64 + c))


def us_itin():
    return f"9{digits(2)}-{pick([R.randint(70, 88), R.randint(90, 92), R.randint(94, 99)])}-{digits(4)}"


CURP_CHARS = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def mx_curp():
    L = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    y, m, d = rand_date()
    body = (pick("BCDFGHJKLMNPRSTVZ") + pick("AEIOU") + pick(L) + pick(L) + f"{y % 100:02d}{m:02d}{d:02d}" + pick("HM")
            + pick(["DF", "JC", "NL", "MC", "PL", "VZ", "YN", "GT"]) + "".join(pick("BCDFGHJKLMNPRSTVZ") for _ in range(3))
            + (str(R.randint(0, 9)) if y < 2000 else pick(L)))
    s = sum(CURP_CHARS.index(c) * (18 - i) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def jp_mynumber():
    body = digits(11)
    p = [int(x) for x in reversed(body)]
    s = sum(x * (n + 1 if n <= 6 else n - 5) for n, x in enumerate(p, start=1))
    r = s % 11
    n = body + str(0 if r <= 1 else 11 - r)
    return pick([n, f"{n[:4]} {n[4:8]} {n[8:]}"])


def au_tfn():
    while True:
        d = digits(9)
        if sum(int(x) * k for x, k in zip(d, [1, 4, 3, 7, 5, 8, 6, 9, 10])) % 11 == 0:
            return pick([d, f"{d[:3]} {d[3:6]} {d[6:]}"])


def cz_rc():
    while True:
        y, m, d = rand_date(1954, 2008)
        body = f"{y % 100:02d}{m + pick([0, 50]):02d}{d:02d}{digits(3)}"
        c = int(body) % 11
        if c != 10:
            return f"{body[:6]}/{body[6:]}{c}"


def ro_cnp():
    y, m, d = rand_date()
    body = f"{pick('12') if y < 2000 else pick('56')}{y % 100:02d}{m:02d}{d:02d}{R.randint(1, 46):02d}{digits(3)}"
    c = sum(int(x) * int(k) for x, k in zip(body, "279146358279")) % 11
    return body + ("1" if c == 10 else str(c))


def hk_hkid():
    L = pick("ACDEGHKMPRVWYZ")
    d = digits(6)
    s = 9 * 36 + 8 * (ord(L) - 55) + sum(int(x) * k for x, k in zip(d, range(7, 1, -1)))
    c = (11 - s % 11) % 11
    return f"{L}{d}({'A' if c == 10 else c})"


NATIONAL4 = [
    ("Belgian national number", be_nn, ["rijksregisternummer", "national_register_number", "nn", "numero_national", "insz"]),
    ("AHV number", ch_ahv, ["ahv", "ahv_nummer", "avs", "social_security_no", "ahvn13"]),
    ("RUT", cl_rut, ["rut", "RUT", "run", "rut_cliente"]),
    ("resident ID", cn_rid, ["resident_id", "shenfenzheng", "id_card_no", "citizen_id_number"]),
    ("RRN", kr_rrn, ["rrn", "resident_registration_number", "jumin_number"]),
    ("NRIC", sg_nric, ["nric", "NRIC", "nric_fin", "fin"]),
    ("SA ID number", za_id, ["id_number", "sa_id", "rsa_id_number", "identity_number"]),
    ("TC Kimlik No", tr_tckn, ["tckn", "tc_kimlik_no", "tcKimlikNo", "kimlik_no"]),
    ("PPSN", ie_ppsn, ["ppsn", "pps_number", "PPSN", "ppsNo"]),
    ("ITIN", us_itin, ["itin", "ITIN", "taxpayer_id", "tin"]),
    ("CURP", mx_curp, ["curp", "CURP", "clave_curp"]),
    ("My Number", jp_mynumber, ["my_number", "mynumber", "kojin_bango", "individual_number"]),
    ("TFN", au_tfn, ["tfn", "tax_file_number", "TFN", "taxFileNumber"]),
    ("rodné číslo", cz_rc, ["rodne_cislo", "rodneCislo", "birth_number", "rc"]),
    ("CNP", ro_cnp, ["cnp", "CNP", "cod_numeric_personal"]),
    ("HKID", hk_hkid, ["hkid", "HKID", "hkid_number", "hk_identity_card"]),
]


def gen_national4(n=160):
    for i in range(n):
        label, make, keys = NATIONAL4[i % len(NATIONAL4)]
        v = make()
        key = pick(keys)
        shape = pick(["json", "csv", "log", "prose", "error", "bare", "markdown", "ndjson"])
        if shape == "json":
            t = json.dumps({"applicant": R.randint(1, 9999), key: v, "status": pick(["verified", "pending"])})
        elif shape == "ndjson":
            t = "".join(json.dumps({"i": j, key: (v if j == 1 else None)}) + "\n" for j in range(3))
        elif shape == "csv":
            t = f"case_id,{key},branch\n{R.randint(100, 999)},{v},{pick(['north', 'south', 'central'])}\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO kyc: verified {key}={v} score=0.{R.randint(10, 99)}\n",
                      f"{ts()} WARN onboarding: duplicate {label} {v} for customer {R.randint(1000, 9999)}\n"])
        elif shape == "markdown":
            t = f"| applicant | {label} |\n|---|---|\n| {R.randint(1, 99)} | {v} |\n"
        elif shape == "error":
            t = pick([f"ValidationError: field '{key}' rejected value '{v}': already registered",
                      f"ValueError: invalid {key} {v!r} for customer {R.randint(100, 999)}"])
        elif shape == "prose":
            t = pick([f"The applicant's {label} is {v}.", f"Identity confirmed with {label} {v} at the branch.",
                      f"{label}: {v} (checked against the registry)"])
        else:
            t = pick([f"Flagged applicant {v} for manual review.", f"Duplicate identity {v} found in two branches."])
        add("positive", "pii", "national_id", shape, t)


# Health plans print member ids as a prefix of letters and nine to twelve digits, sometimes a
# two-digit suffix for the dependant; Medicaid ids, German KVNR, Canadian health card numbers.
def member_value4():
    L = string.ascii_uppercase
    return pick([
        pick(L) + digits(8) + pick(["", "01", " 02"]),
        "".join(pick(L) for _ in range(3)) + digits(9) + pick(["", "01"]),
        digits(9) + "-" + pick(["00", "01", "02"]),
        pick(L) + pick(L) + digits(5) + pick(L),  # NY Medicaid CIN
        pick(L) + digits(9),  # German KVNR shape
        f"{digits(4)}-{digits(3)}-{digits(3)}-{pick(L)}{pick(L)}",  # Ontario health card
        "ZGP" + digits(10),
        "U" + digits(8) + " " + digits(2),
        pick(["MBR", "MEM", "SUB"]) + pick(["", "-", "#"]) + digits(7),
    ])


MEMBER_KEYS4 = ["member", "subscriber", "insured_id", "member_ref", "memberRef", "member_code", "mbr_id", "mbrId", "memb_id", "subscriber_no", "ins_member_id",
                "payer_member_id", "unique_member_id", "health_card_number", "healthCardNo", "kvnr", "versichertennummer", "medicaid_no", "cin", "patient_account_no",
                "insurance_card_number", "plan_subscriber_id", "Member ID", "Member #", "Subscriber No"]
MEMBER_PHRASES4 = ["member", "Member #", "ID#", "subscriber", "insured", "mbr", "Member No.", "health card", "membership no.", "plan member"]


def gen_member4(n=110):
    for _ in range(n):
        v = member_value4()
        key = pick(MEMBER_KEYS4)
        phrase = pick(MEMBER_PHRASES4)
        shape = pick(["json", "nested", "csv", "log", "prose", "markdown", "error", "ndjson"])
        if shape == "json":
            t = json.dumps({key: v, "claims": R.randint(1, 60), "paid": round(R.uniform(10, 50000), 2)})
        elif shape == "nested":
            t = json.dumps({pick(["member", "subscriber", "insured"]): {"id": v, "plan": pick(["PPO", "HMO", "EPO"])}, "claims": R.randint(1, 60)})
        elif shape == "ndjson":
            t = "".join(json.dumps({"claim": R.randint(10000, 99999), key: member_value4()}) + "\n" for _ in range(2))
        elif shape == "csv":
            t = f"{key},claims,paid\n{v},{R.randint(1, 60)},{R.randint(10, 9000)}.00\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO claims: adjudicated claim={R.randint(10000, 99999)} {key.replace(' ', '_').replace('#', 'no')}={v.replace(' ', '')} status=paid\n",
                      f"{ts()} WARN eligibility: no coverage for {phrase} {v}\n",
                      f"{ts()} ERROR 270/271: AAA*N**75 subscriber {v} not found\n"])
        elif shape == "markdown":
            t = f"| {key} | claims |\n|---|---:|\n| {v} | {R.randint(1, 60)} |\n"
        elif shape == "error":
            t = f"CoverageError: {phrase} {v} terminated on {R.randint(2024, 2026)}-0{R.randint(1, 9)}-01"
        else:
            t = pick([f"The highest spender was {phrase} {v} with {R.randint(20, 90)} claims.",
                      f"Please re-check {phrase} {v}; the card on file expired.",
                      f"{phrase} {v} switched plans in March."])
        add("positive", "pii", "member_id", shape, t)


PASSWORD_KEYS4 = ["Password", "DB_PASSWORD", "spring.datasource.password", "mail.smtp.password", "db.password", "admin_password", "ldap_bind_password",
                  "bind_pw", "pass_word", "new_password", "old_password", "temp_password", "initial_password", "default_password", "PGPASSWORD",
                  "MYSQL_PASSWORD", "RABBITMQ_DEFAULT_PASS", "REDIS_PASSWORD", "keystore_password", "truststore.password", "wifi_password", "vpn_password"]


def gen_password4(n=120):
    for _ in range(n):
        v = a_password()
        user = US.user_name()
        key = pick(PASSWORD_KEYS4)
        shape = pick(["properties", "xml", "docker", "connstr", "cli", "csv", "prose", "netrc", "log", "yaml"])
        if shape == "properties":
            t = f"spring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.username={user}\n{key}={v}\n"
        elif shape == "xml":
            t = f"<datasource>\n  <user>{user}</user>\n  <password>{v}</password>\n</datasource>\n"
        elif shape == "docker":
            t = pick([f"docker run -d -e {key.upper().replace('.', '_')}={v} postgres:16\n",
                      f"services:\n  db:\n    environment:\n      - {key.upper().replace('.', '_')}={v}\n"])
        elif shape == "connstr":
            t = pick([f"Server=sql01;Database=claims;User Id={user};Password={v};Encrypt=true",
                      f"jdbc:sqlserver://sql01:1433;databaseName=claims;user={user};password={v}",
                      f"host=db.internal port=5432 dbname=app user={user} password={v} sslmode=require"])
        elif shape == "cli":
            t = pick([f"$ htpasswd -b /etc/nginx/.htpasswd {user} {v}\n", f"$ sshpass -p '{v}' ssh {user}@10.0.0.5\n",
                      f"$ redis-cli -h cache -a '{v}' ping\n", f"$ net user {user} {v} /add\n", f"$ echo '{v}' | sudo -S systemctl restart app\n",
                      f"$ wget --user={user} --password={v} https://files.internal/export.csv\n", f"$ mongo -u {user} -p '{v}' --authenticationDatabase admin\n"])
        elif shape == "csv":
            t = f"{pick(['username', 'user', 'login', 'email'])},{pick(['password', 'pass', 'pwd', 'Password', 'temp_password'])},{pick(['role', 'last_login'])}\n{user},{v},{pick(['admin', 'viewer', '2026-01-04'])}\n{US.user_name()},{a_password()},{pick(['admin', 'viewer'])}\n"
        elif shape == "netrc":
            t = pick([f"machine files.internal login {user} password {v}\n", f"db.internal:5432:claims:{user}:{v}\n"])
        elif shape == "log":
            t = pick([f"{ts()} WARN auth: login failed for user {user} with password '{v}'\n",
                      f"{ts()} DEBUG ldap: bind dn=cn={user},dc=corp pw={v}\n",
                      f"{ts()} INFO setup: admin credentials {user} / {v}\n"])
        elif shape == "yaml":
            t = f"auth:\n  username: {user}\n  {key}: '{v}'\n"
        else:
            t = pick([f"Login for the shared mailbox: {user} / {v}", f"creds: {user}:{v}", f"The wifi password is {v}.",
                      f"Temporary credentials — user: {user}, pass: {v}", f"His password was {v} until the reset."])
        add("positive", "secret", "password", shape, t)


SECRET_KEYS4 = ["secret_key_base", "SECRET_KEY_BASE", "encryption_key_b64", "jwt_secret_base64", "hmac_sha256_key", "HMAC_SHA256_SECRET", "signing_key_hex",
                "webhook_signing_secret_v2", "client_secret_value", "app_secret_2", "STRIPE_WEBHOOK_SECRET", "django_secret_key", "flask_secret",
                "NEXTAUTH_SECRET", "session_secret", "cookie_signing_key", "aes256_key", "master_key_hex", "kek", "dek", "data_encryption_key", "secretKey"]


def gen_generic4(n=110):
    for _ in range(n):
        raw = bytes(R.getrandbits(8) for _ in range(pick([16, 32, 32, 48, 64])))
        v = pick([raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                  "whsec_" + base64.b64encode(raw).decode()[:32], rs(R.randint(40, 64), string.ascii_letters + string.digits + "!@#$%^&*-_")])
        key = pick(SECRET_KEYS4)
        shape = pick(["json", "env", "yaml", "k8s", "log", "prose", "python", "keyless"])
        if shape == "json":
            t = json.dumps({"name": "billing-webhook", key: v, "active": True})
        elif shape == "env":
            t = f"# generated {ts()}\n{key}={v}\n"
        elif shape == "yaml":
            t = f"security:\n  {key}: {v}\n  issuer: nmp\n"
        elif shape == "k8s":
            t = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\ntype: Opaque\ndata:\n  {pick(['signing-key', 'webhook-secret', 'api-secret', 'hmac'])}: {base64.b64encode(v.encode()).decode()}\n"
        elif shape == "python":
            t = f"{key.upper()} = \"{v}\"\n"
        elif shape == "log":
            t = f"{ts()} DEBUG boot: settings loaded {key}={v}\n"
        elif shape == "keyless":
            v = pick([base64.b64encode(raw).decode(), rs(R.randint(40, 60))])
            t = pick([f"rotated credential: {v}", f"{ts()} WARN leaked value {v} found in build log\n", json.dumps({"value": v, "rotated": False})])
        else:
            t = pick([f"The new signing secret is {v}.", f"Set the webhook secret to {v} in the dashboard.", f"secret={v} (do not share)"])
        add("positive", "secret", "generic_secret", shape, t)


def gen_dob4(n=110):
    for _ in range(n):
        y, m, d = rand_date()
        v = fmt_date(y, m, d)
        who = pick([f.name() for f in (US, FAKERS["en_GB"], FAKERS["it_IT"], FAKERS["nl_NL"])])
        shape = pick(["prose", "prose", "csv", "log", "json", "markdown"])
        if shape == "prose":
            t = pick([f"{who}'s date of birth is {v}.", f"Date of birth was {v} per the referral letter.", f"{who} (DOB - {v}) was discharged.",
                      f"{who}, geb. {d:02d}.{m:02d}.{y}, wurde entlassen.", f"{who}, born on {MONTHS[m - 1]} {d} {y}, attends the clinic.",
                      f"{who} was born {d} {MONTHS[m - 1]}, {y}.", f"DOB/Age: {m:02d}/{d:02d}/{y} ({2026 - y})", f"birthdate of {v} on the intake form",
                      f"Patient: {who}; D.O.B.: {v}; MRN pending", f"{who} (born {y}-{m:02d}-{d:02d}) was seen twice."])
        elif shape == "csv":
            t = f"{pick(['patient', 'member', 'name'])},{pick(['DOB (YYYY-MM-DD)', 'Date of Birth (MM/DD/YYYY)', 'Birth Date', 'Date Of Birth', 'birth', 'Birthdate'])},{pick(['visits', 'ward'])}\n{who},{y}-{m:02d}-{d:02d},{R.randint(1, 9)}\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO intake: patient registered birth={y}-{m:02d}-{d:02d} sex={pick('MF')}\n",
                      f"{ts()} WARN match: demographics mismatch dob_iso={y}-{m:02d}-{d:02d} expected other\n",
                      f"{ts()} INFO hl7: PID|1||{R.randint(100000, 999999)}||{who.split()[-1].upper()}^{who.split()[0].upper()}||{y}{m:02d}{d:02d}|{pick('MF')}\n"])
        elif shape == "json":
            t = json.dumps({"patient": {pick(["birth", "born", "dob_iso", "birthDateIso", "date_of_birth_str", "dobFormatted"]): f"{y}-{m:02d}-{d:02d}"}, "visits": R.randint(1, 9)})
        else:
            t = f"| Patient | DOB (MM/DD/YYYY) |\n|---|---|\n| {who} | {m:02d}/{d:02d}/{y} |\n"
        add("positive", "pii", "date_of_birth", shape, t)


def intl_phone():
    return pick([
        f"+44 (0){R.randint(20, 20)} {digits(4)} {digits(4)}", f"0044 {R.randint(7400, 7999)} {digits(6)}", f"(+44) 20 {digits(4)} {digits(4)}",
        f"+49 (0)30 {digits(8)}", f"0049 171 {digits(7)}", f"+33 (0)6 {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
        f"06.{digits(2)}.{digits(2)}.{digits(2)}.{digits(2)}", f"07.{digits(2)}.{digits(2)}.{digits(2)}.{digits(2)}",
        f"+86 138 {digits(4)} {digits(4)}", f"139 {digits(4)} {digits(4)}",
        f"+81 90-{digits(4)}-{digits(4)}", f"+91-{R.randint(70000, 99999)}-{digits(5)}", f"+55 (11) 9{digits(4)}-{digits(4)}",
        f"+61 4{digits(2)} {digits(3)} {digits(3)}", f"+1.{R.randint(201, 989)}.{R.randint(201, 989)}.{digits(4)}",
        f"{R.randint(201, 989)}.{R.randint(201, 989)}.{digits(4)}x{digits(3)}", f"({R.randint(201, 989)}) {R.randint(201, 989)}-{digits(4)} ext. {digits(3)}",
        f"+39 3{digits(2)} {digits(3)} {digits(4)}", f"+34 6{digits(2)} {digits(2)} {digits(2)} {digits(2)}", f"+31 (0)6 {digits(8)}",
        f"+7 (9{digits(2)}) {digits(3)}-{digits(2)}-{digits(2)}", f"+52 1 55 {digits(4)} {digits(4)}", f"+27 (0)82 {digits(3)} {digits(4)}",
    ])


def gen_phone4(n=110):
    for _ in range(n):
        v = intl_phone()
        shape = pick(["json", "csv", "log", "prose", "vcard", "markdown"])
        if shape == "json":
            t = json.dumps({pick(["contact", "phone", "mobile", "whatsapp", "emergency_contact_phone", "tel"]): v, "ward": pick(["A1", "B2"])})
        elif shape == "csv":
            t = f"name,{pick(['Phone', 'Mobile', 'Telephone', 'Contact No', 'phone_e164'])},city\n{US.last_name()},{v},{US.city()}\n"
        elif shape == "log":
            t = pick([f"{ts()} INFO sms: delivered to {v}\n", f"{ts()} WARN voice: no answer from {v} (attempt 2)\n",
                      f"{ts()} INFO crm: updated contact phone={v.replace(' ', '')}\n"])
        elif shape == "vcard":
            t = f"BEGIN:VCARD\nVERSION:3.0\nFN:{US.name()}\nTEL;TYPE=CELL:{v}\nEND:VCARD\n"
        elif shape == "markdown":
            t = f"| contact | number |\n|---|---|\n| next of kin | {v} |\n"
        else:
            t = pick([f"Reach the family on {v} in the evening.", f"Her mobile is {v}.", f"Emergency contact: {v}", f"Phone {v} (daughter)"])
        add("positive", "pii", "phone", shape, t)


PUBLIC_FIGURES = ["Barack Obama", "Angela Merkel", "Marie Curie", "Albert Einstein", "Florence Nightingale", "Taylor Swift", "Elon Musk", "Serena Williams",
                  "Jane Austen", "Martin Luther King", "Alexander Fleming", "Louis Pasteur", "Ada Lovelace", "Alan Turing", "Nelson Mandela", "Jonas Salk"]
PRODUCTS = ["Microsoft Teams", "Google Chrome", "Adobe Acrobat", "Apple Watch", "Amazon Redshift", "Epic Hyperspace", "Cerner Millennium", "Power BI",
            "Tableau Desktop", "Jira Service Management", "Salesforce Health Cloud", "Oracle Database", "Visual Studio Code", "Windows Server"]
EPONYMS = ["Kaplan-Meier curve", "Cox proportional hazards model", "Fisher exact test", "Bonferroni correction", "Wilcoxon signed-rank test",
           "Parkinson disease", "Alzheimer disease", "Hodgkin lymphoma", "Crohn disease", "Apgar score", "Glasgow Coma Scale", "Mann-Whitney U test"]


def gen_negatives4(n=160):
    for i in range(n):
        kind = i % 8
        if kind == 0:
            v = pick(PUBLIC_FIGURES)
            t = pick([f"The {v} Fellowship funded {R.randint(2, 9)} of the trials.", f"Quote of the week, from {v}: keep going.",
                      json.dumps({"award": f"{v} Prize", "winners": R.randint(1, 5)}), f"Ward renamed after {v} in {R.randint(1990, 2020)}."])
            cls = "public_name"
        elif kind == 1:
            v = pick(PRODUCTS)
            t = pick([f"Exported from {v} on {ts()[:10]}.", json.dumps({"source_system": v, "rows": R.randint(100, 99999)}), f"tool,rows\n{v},{R.randint(10, 9999)}\n"])
            cls = "public_name"
        elif kind == 2:
            v = pick(EPONYMS)
            t = pick([f"Survival was estimated with the {v} (p = 0.0{R.randint(1, 9)}).", f"Outcome analysed by {v}; n = {R.randint(50, 900)}.", json.dumps({"method": v, "p_value": round(R.random() / 10, 4)})])
            cls = "public_name"
        elif kind == 3:
            t = pick([f"{ts()} INFO build: version={R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)}+{rs(7, HEX)} commit={rs(40, HEX)}\n",
                      json.dumps({"created_at": ts(), "updated_at": ts(), "epoch_ms": R.randint(1600000000000, 1800000000000), "build": f"{R.randint(2020, 2026)}{R.randint(1, 12):02d}{R.randint(1, 28):02d}.{R.randint(1, 9)}"}),
                      f"Report generated {ts()} (run {R.randint(1000, 9999)}, {R.randint(1, 9)}.{R.randint(0, 9)} s)."])
            cls = "time_version"
        elif kind == 4:
            t = pick([json.dumps({"order_id": f"ORD-{R.randint(2020, 2026)}-{digits(6)}", "invoice": f"INV{digits(8)}", "sku": f"SKU-{digits(5)}-{pick('ABC')}", "qty": R.randint(1, 9)}),
                      f"Shipment {digits(12)} left the warehouse; tracking 1Z{rs(16, string.ascii_uppercase + string.digits)}.",
                      f"{ts()} INFO orders: order_no={digits(10)} total={R.randint(5, 900)}.{R.randint(0, 99):02d} currency=EUR\n"])
            cls = "id_like_number"
        elif kind == 5:
            t = pick([f"username,password_set,password_last_changed,role\n{US.user_name()},true,{ts()[:10]},admin\n",
                      f"user,password,role\n{US.user_name()},********,admin\n{US.user_name()},[REDACTED],viewer\n",
                      f"metric,value\npassword_resets,{R.randint(1, 99)}\npassword_min_length,12\n",
                      json.dumps({"password_strength": pick(["weak", "strong"]), "password_changed": True, "pass_count": R.randint(1, 9)})])
            cls = "placeholder"
        elif kind == 6:
            t = pick([json.dumps({"sha256": rs(64, HEX), "md5": rs(32, HEX), "uuid": str(__import__("uuid").UUID(int=R.getrandbits(128)))}),
                      f"{ts()} INFO cache: key=user:{R.randint(1, 99999)}:profile etag={rs(32, HEX)} hit=true\n",
                      f"Integrity: sha512-{base64.b64encode(bytes(R.getrandbits(8) for _ in range(64))).decode()}"])
            cls = "identifier"
        else:
            t = pick([f"Members born in {R.randint(1940, 2005)}: {R.randint(10, 900)}.", f"Median birth year {R.randint(1950, 1990)}; {R.randint(10, 90)} % female.",
                      json.dumps({"birth_year": R.randint(1940, 2005), "members": R.randint(10, 900)}), f"Call volume peaked at {R.randint(1000, 9000)} calls on {ts()[:10]}.",
                      f"phone_country,members\n+44,{R.randint(10, 900)}\n+1,{R.randint(10, 900)}\n", json.dumps({"member_count": R.randint(1000, 99999), "members_with_id": R.randint(100, 9999)})])
            cls = "about_data"
        add("negative", "benign", cls, "mixed", t)


def gen_names4(n=90):
    """Person names where systems write them: HL7 PID-5 (`DOE^JANE`), upper-case `SURNAME, GIVEN`
    cells, log lines with a role word before the name, assignment and sign-off lines."""
    locs = ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "sv_SE"]
    for i in range(n):
        f = FAKERS[locs[i % len(locs)]]
        first, last = f.first_name(), f.last_name()
        kind = i % 6
        if kind == 0:
            t = f"MSH|^~\\&|EPIC|HOSP|||{ts()[:10].replace('-', '')}||ADT^A01|{digits(8)}|P|2.5\rPID|1||{digits(7)}^^^HOSP^MR||{last.upper()}^{first.upper()}^{pick(['A', 'B', ''])}||{pick(['19', '20'])}{digits(2)}0{R.randint(1, 9)}1{R.randint(0, 9)}|{pick('MF')}\r"
            shape = "hl7"
        elif kind == 1:
            t = f"patient,visits\n\"{last.upper()}, {first.upper()}\",{R.randint(1, 9)}\n"
            shape = "csv"
        elif kind == 2:
            t = f"{ts()} INFO triage: case {R.randint(100, 999)} assigned to nurse {first} {last}\n"
            shape = "log"
        elif kind == 3:
            t = f"{ts()} INFO discharge: summary signed by Dr. {first} {last} ward={pick(['A1', 'B2'])}\n"
            shape = "log"
        elif kind == 4:
            t = json.dumps({"event": "visit", "attending": f"{first} {last}", "minutes": R.randint(5, 90)})
            shape = "json"
        else:
            t = f"Follow-up call with {first} {last} is booked for Tuesday."
            shape = "prose"
        add("positive", "pii", "person_name", shape, t)


def my_mykad():
    y, m, d = rand_date()
    return f"{y % 100:02d}{m:02d}{d:02d}-{pick(['01', '05', '08', '10', '14', '71'])}-{digits(4)}"


def ar_cuil():
    while True:
        body = pick(["20", "23", "24", "27"]) + digits(8)
        c = 11 - sum(int(x) * k for x, k in zip(body, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2])) % 11
        if c == 10:
            continue
        c = 0 if c == 11 else c
        return pick([f"{body[:2]}-{body[2:]}-{c}", f"{body}{c}"])


def at_svnr():
    while True:
        y, m, d = rand_date()
        serial = str(R.randint(100, 999))
        date = f"{d:02d}{m:02d}{y % 100:02d}"
        c = sum(int(x) * k for x, k in zip(serial + date, [3, 7, 9, 5, 8, 4, 2, 1, 6])) % 11
        if c < 10:
            return pick([f"{serial}{c} {date}", f"{serial}{c}{date}"])


def ee_isikukood():
    while True:
        y, m, d = rand_date()
        body = f"{pick('34') if y < 2000 else pick('56')}{y % 100:02d}{m:02d}{d:02d}{digits(3)}"
        w1, w2 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1], [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]
        c = sum(int(x) * k for x, k in zip(body, w1)) % 11
        if c == 10:
            c = sum(int(x) * k for x, k in zip(body, w2)) % 11
        if c != 10:
            return body + str(c)


def mbi():
    A = "ACDEFGHJKMNPQRTUVWXY"
    m = str(R.randint(1, 9)) + pick(A) + pick(A + string.digits) + str(R.randint(0, 9)) + pick(A) + pick(A + string.digits) + str(R.randint(0, 9)) + pick(A) + pick(A) + str(R.randint(0, 9)) + str(R.randint(0, 9))
    return pick([m, f"{m[:4]}-{m[4:7]}-{m[7:]}"])


def gen_more4(n=80):
    """More countries' ids in their own formats, Medicare MBIs written bare, phone numbers
    under telephony keys (`to_number`, `caller_id`, `contact_number`)."""
    ids = [("MyKad", my_mykad, "mykad"), ("CUIL", ar_cuil, "cuil"), ("SVNR", at_svnr, "svnr"), ("isikukood", ee_isikukood, "isikukood"), ("MBI", mbi, "mbi")]
    for i in range(n):
        if i % 2 == 0:
            label, make, key = ids[(i // 2) % len(ids)]
            v = make()
            t = pick([f"Flagged applicant {v} for manual review.", json.dumps({key: v, "status": "ok"}), f"{label} {v} verified at the branch.",
                      f"{ts()} INFO kyc: match on {v}\n"])
            add("positive", "pii", "national_id" if label != "MBI" else "member_id", "mixed", t)
        else:
            v = pick([US.phone_number(), FAKERS["en_GB"].phone_number(), FAKERS["de_DE"].phone_number(), f"+1{R.randint(201, 989)}{R.randint(201, 989)}{digits(4)}"])
            key = pick(["to_number", "from_number", "caller_id", "callerId", "contact_number", "contactNo", "recipient_number", "sms_to", "destination_number", "ani"])
            t = pick([json.dumps({"event": "call", key: v, "duration_s": R.randint(5, 900)}), f"{ts()} INFO voice: {key}={v.replace(' ', '')} status=completed\n"])
            add("positive", "pii", "phone", "mixed", t)


def gen_last4(n=40):
    """Member and patient numbers in prose with a possessive, Chinese landlines, Indian mobiles
    written 5-5, and the negatives of the same shapes (counts, zip code pairs)."""
    for i in range(n):
        kind = i % 4
        if kind == 0:
            v = member_value4()
            t = pick([f"The member's ID is {v}.", f"Patient {v} was readmitted twice.", f"the subscriber's number {v} is on file"])
            add("positive", "pii", "member_id", "prose", t)
        elif kind == 1:
            v = pick([f"010-{digits(8)}", f"021-{digits(8)}", f"0755-{digits(8)}"])
            t = pick([f"Office line: {v}", json.dumps({"office_phone": v}), f"Call the clinic at {v}."])
            add("positive", "pii", "phone", "mixed", t)
        elif kind == 2:
            v = f"{R.randint(6, 9)}{digits(4)} {digits(5)}"
            t = pick([f"Her mobile is {v}.", f"{ts()} INFO sms: delivered to {v}\n", f"name,mobile\n{FAKERS['en_IN'].name()},{v}\n"])
            add("positive", "pii", "phone", "mixed", t)
        else:
            t = pick([f"Patients 1-{R.randint(20, 90)} were enrolled in {R.randint(2019, 2025)}.", f"Zip codes {digits(5)} {digits(5)} and {digits(5)} had the most visits.",
                      f"The member count rose to {R.randint(10000, 99999)} in {R.randint(2019, 2025)}.", f"Patient 3 of {R.randint(5, 40)} withdrew consent."])
            add("negative", "benign", "about_data", "prose", t)


def gen_round4():
    gen_national4()
    gen_member4()
    gen_password4()
    gen_generic4()
    gen_dob4()
    gen_phone4()
    gen_negatives4()
    gen_names4()
    gen_more4()
    gen_last4()



def main():
    gen_national()
    gen_phone()
    gen_member()
    gen_password()
    gen_generic()
    gen_dob()
    gen_card()
    gen_bank()
    gen_api()
    gen_token()
    gen_email()
    gen_restricted()
    gen_bold()
    gen_cursor()
    gen_public()
    gen_placeholder()
    gen_about()
    gen_numbers()
    gen_ids()
    gen_round4()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "config.json").write_text(json.dumps({"restricted_keys": RESTRICTED}, indent=2) + "\n")
    with open(OUT / "cases.jsonl", "w", encoding="utf-8") as out:
        for c in CASES:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    pos = sum(c["label"] == "positive" for c in CASES)
    print(f"{len(CASES)} cases ({pos} positives, {len(CASES) - pos} negatives) in {OUT}")


if __name__ == "__main__":
    main()
