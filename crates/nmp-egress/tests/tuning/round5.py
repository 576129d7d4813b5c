#!/usr/bin/env python3
"""Generate the fifth round of the nmp-egress tuning corpus (`round5.jsonl` beside this file).

Written from formats known from the world, not from the hold-out or evaluation corpora or their
generators: evasions applied to the classes the fourth round left weakest (a value split across
sibling keys or array elements, separators changed, base64 of a bare value, reversal, zero-width
characters, percent-encoding, nested paths, JSON escaped in a log line), error messages of common
stacks (Python, PostgreSQL, MySQL, Java, Go, pydantic) that quote a value, person names in running
prose and in non-English orders, postal addresses of several countries, dates of birth in many
formats, international phone numbers; and the honest outputs such rules must pass: organisation,
product and place names named after people, eponyms, statistics.

Reuses the checksummed id makers of `scripts/egress-tuning/generate.py` (its own seed is
untouched: this round draws from its own generator). Needs Faker 40.63.0, as that script does.

Usage: python3 round5.py
"""

import base64
import importlib.util
import json
import random
import string
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = importlib.util.spec_from_file_location("gen", HERE.parents[3] / "scripts/egress-tuning/generate.py")
G = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(G)
R = random.Random(27182818)
G.R = R  # the id makers draw from this round's generator
for i, f in enumerate(G.FAKERS.values()):
    f.seed_instance(27182818 + i)
FK = G.FAKERS
CASES = []


def add(label, category, cls, shape, text, evasion=None):
    n = sum(1 for c in CASES if c["class"] == cls and c["label"] == label) + 1
    CASES.append({"id": f"tune5-{'pos' if label == 'positive' else 'neg'}-{cls}-{n:03d}", "label": label,
                  "category": category, "class": cls, "shape": shape, "evasion": evasion, "input": text})


pick = R.choice
digits = G.digits
ts = G.ts


# ---------------------------------------------------------------- evasions of a value

def splits(v):
    """Two to four pieces of `v` at its separators, or at fixed widths when it has none."""
    parts = [p for p in v.replace("-", " ").replace(".", " ").replace("/", " ").split(" ") if p]
    if len(parts) < 2:
        k = R.randint(2, 3)
        w = max(1, len(v) // k)
        parts = [v[i:i + w] for i in range(0, len(v), w)]
    return parts[:4] if len(parts) <= 4 else parts[:3] + ["".join(parts[3:])]


def sep_change(v):
    s = pick([".", "/", "_", " – ", "  ", "-", " . "])
    if any(c in v for c in " -./"):
        out = v
        for c in " -./":
            out = out.replace(c, "\x00")
        return out.replace("\x00", s)
    return s.join(v[i:i + 3] for i in range(0, len(v), 3))


def zero_width(v):
    return pick(["\u200b", "\u200c", "\u2060", "\ufeff"]).join(v)


def fullwidth(v):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in v)


def pct(v):
    return "".join(f"%{b:02X}" for b in v.encode())


def b64(v):
    return base64.b64encode(v.encode()).decode()


EVASIONS = ["split_keys", "split_array", "separator_change", "base64", "reversal", "zero_width", "percent_encoding",
            "fullwidth_digits", "json_in_log", None, None]


def evade(key, v, ev, neutral=False):
    """An output that carries `v` under `key` (or a neutral key) disguised by evasion `ev`."""
    k = pick(["value", "v", "data", "field_7", "x"]) if neutral else key
    if ev == "split_keys":
        parts = splits(v)
        names = pick([[f"{key}_part{i + 1}" for i in range(len(parts))], [f"{key}_{i}" for i in range(len(parts))],
                      [f"p{i}" for i in range(len(parts))], ["a", "b", "c", "d"][:len(parts)], [f"seg{i + 1}" for i in range(len(parts))]])
        return json.dumps(dict(zip(names, parts)) | {"row": R.randint(1, 99)})
    if ev == "split_array":
        return json.dumps({"row": R.randint(1, 99), pick([key, "parts", "chunks", "segments"]): splits(v)})
    if ev == "json_in_log":
        inner = json.dumps({k: v, "row": R.randint(1, 99)})
        return f"{ts()} INFO export: payload=\"{json.dumps(inner)[1:-1]}\"\n"
    w = {"separator_change": sep_change, "base64": b64, "reversal": lambda s: s[::-1], "zero_width": zero_width,
         "percent_encoding": pct, "fullwidth_digits": fullwidth}.get(ev, lambda s: s)(v)
    return pick([json.dumps({"row": R.randint(1, 99), k: w}), f"{ts()} INFO export: row={R.randint(1, 99)} {k}={w}\n",
                 f"row,{k}\n{R.randint(1, 99)},{w}\n"])


# ---------------------------------------------------------------- error messages

def error_text(field, v):
    return pick([
        f"ValidationError: field '{field}' rejected value '{v}': duplicate",
        f"psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"people_{field.lower()}_key\"\nDETAIL:  Key ({field.lower()})=({v}) already exists.",
        f"ERROR 1062 (23000): Duplicate entry '{v}' for key 'people.{field}'",
        f"Traceback (most recent call last):\n  File \"etl.py\", line 88, in load\n    row = parse(raw)\nValueError: invalid {field} '{v}'",
        f"java.lang.IllegalArgumentException: Invalid value for {field}: {v}\n\tat com.acme.etl.Mapper.map(Mapper.java:41)",
        f"json: cannot unmarshal string \"{v}\" into Go struct field Patient.{field} of type int64",
        f"1 validation error for Patient\n{field}\n  Input should be a valid integer [type=int_type, input_value='{v}', input_type=str]",
        f"WARN mapper: dropping row 4512: unexpected {field} \"{v}\"",
        f"sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: people.{field}\n[SQL: INSERT INTO people ({field}) VALUES (?)]\n[parameters: ('{v}',)]",
        f"Error: lookup failed for {field}={v} (status 404)",
    ])


# ---------------------------------------------------------------- national ids

ID_MAKERS = [(label, make, keys) for label, make, keys in G.NATIONAL] + [
    ("Belgian national number", G.be_nn, ["rijksregisternummer", "national_number"]), ("AHV", G.ch_ahv, ["ahv", "ahv_nr"]),
    ("RUT", G.cl_rut, ["rut"]), ("resident id", G.cn_rid, ["resident_id", "shenfenzheng"]), ("RRN", G.kr_rrn, ["rrn", "jumin"]),
    ("NRIC", G.sg_nric, ["nric"]), ("SA ID", G.za_id, ["id_number", "sa_id"]), ("TC kimlik", G.tr_tckn, ["tckn"]),
    ("PPSN", G.ie_ppsn, ["ppsn"]), ("ITIN", G.us_itin, ["itin"]), ("CURP", G.mx_curp, ["curp"]), ("My Number", G.jp_mynumber, ["my_number"]),
    ("TFN", G.au_tfn, ["tfn"]), ("rodné číslo", G.cz_rc, ["rodne_cislo"]), ("CNP", G.ro_cnp, ["cnp"]), ("HKID", G.hk_hkid, ["hkid"]),
]


def gen_national(n=220):
    for i in range(n):
        label, make, keys = ID_MAKERS[i % len(ID_MAKERS)]
        v = make()
        key = pick(keys + ["national_id", "id_number", "document_number", "personal_id"])
        kind = R.randint(0, 5)
        if kind == 0:
            t, shape, ev = error_text(key, v), "error", None
        elif kind == 1:
            ev = pick(EVASIONS)
            t, shape = evade(key, v, ev), "evasion"
        elif kind == 2:
            t = json.dumps({"applicant": {pick(["id", "national_id", key]): v, "status": "review"}})
            shape, ev = "nested_json", "nested_path"
        elif kind == 3:
            t = pick([f"The applicant's {label} is {v}.", f"Checked {label} {v} against the register: no match.",
                      f"{FK['en_US'].first_name()} gave {v} as her {label} at the counter.", f"ID presented: {v} ({label})."])
            shape, ev = "prose", None
        elif kind == 4:
            t = json.dumps({"results": [{"row": j, key: (v if j == 2 else None)} for j in range(4)]})
            shape, ev = "json", None
        else:
            t = f"{ts()} WARN kyc: mismatch {key}={v} source=branch-{R.randint(1, 40)}\n"
            shape, ev = "log", None
        add("positive", "pii", "national_id", shape, t, ev)


# ---------------------------------------------------------------- phones

PHONE_LOCS = ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "en_AU", "en_IN", "da_DK", "fi_FI"]


def a_phone():
    return pick([FK[pick(PHONE_LOCS)].phone_number(), G.intl_phone(), G.intl_phone()])


def gen_phone(n=160):
    for _ in range(n):
        v = a_phone()
        key = pick(["phone", "mobile", "tel", "contact", "contact_phone", "phoneNumber", "cell"])
        kind = R.randint(0, 5)
        ev = None
        if kind == 0:
            t, shape = error_text(key, v), "error"
        elif kind == 1:
            ev = pick(EVASIONS)
            t, shape = evade(key, v, ev), "evasion"
        elif kind == 2:
            t = json.dumps({"patient": {"contact": {pick(["phone", "mobile", "number"]): v}}, "visits": R.randint(1, 9)})
            shape, ev = "nested_json", "nested_path"
        elif kind == 3:
            t = pick([f"Reach the family on {v} after six.", f"Tel.: {v}", f"Mobil: {v}", f"tél : {v}", f"Please call me back at {v}.",
                      f"Her number is {v} if the portal is down.", f"Emergency contact ({FK['en_GB'].first_name()}): {v}"])
            shape = "prose"
        elif kind == 4:
            t = f"ward,contact\nB2,{v}\n"
            shape = "csv"
        else:
            t = f"{ts()} INFO notify: sms sent recipient={v.replace(' ', '')} template=reminder\n"
            shape = "log"
        add("positive", "pii", "phone", shape, t, ev)


# ---------------------------------------------------------------- dates of birth

def a_dob():
    y, m, d = G.rand_date()
    return y, m, d, pick([G.fmt_date(y, m, d), f"{d}/{m}/{y % 100:02d}", f"{d:02d}/{G.MONTHS[m - 1][:3]}/{y}", f"{y}年{m}月{d}日",
                          f"{d}. {['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'][m - 1]} {y}",
                          f"{d} {['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'][m - 1]} {y}",
                          f"{y}-{m:02d}-{d:02d}T00:00:00Z"])


def gen_dob(n=150):
    for _ in range(n):
        y, m, d, v = a_dob()
        key = pick(G.DOB_KEYS)
        kind = R.randint(0, 5)
        ev = None
        if kind == 0:
            t, shape = error_text(key, v), "error"
        elif kind == 1:
            ev = pick(["split_keys", "split_array", "separator_change", "base64", "reversal", "zero_width", "percent_encoding", "json_in_log"])
            t, shape = evade(key, f"{y}-{m:02d}-{d:02d}", ev), "evasion"
        elif kind == 2:
            t = json.dumps({"patient": {pick(["birth", "dob", "birthDate", "born"]): v, "sex": pick("MF")}})
            shape, ev = "nested_json", "nested_path"
        elif kind == 3:
            name = FK[pick(["en_US", "de_DE", "fr_FR", "es_ES"])].name()
            t = pick([f"{name}, DOB {v}, was admitted on Tuesday.", f"Patient (born {v}) reported chest pain.", f"{name} ({v}) - follow-up in 2 weeks",
                      f"Date of birth of the claimant: {v}.", f"The member was born on {v} in Leeds.", f"Geburtsdatum: {v}", f"Fecha de nacimiento: {v}",
                      f"age {2026 - y} (DOB {v})", f"d.o.b. {v}"])
            shape = "prose"
        elif kind == 4:
            t = f"{pick(['Name', 'name', 'patient'])},{pick(['DOB', 'Date of Birth', 'birth_date', 'Birthdate'])}\n{FK['en_US'].name()},{v}\n"
            shape = "csv"
        else:
            t = f"{ts()} INFO intake: new patient mrn={digits(7)} {pick(['dob', 'birthdate', 'birth_date'])}={v.replace(' ', '-')}\n"
            shape = "log"
        add("positive", "pii", "date_of_birth", shape, t, ev)


# ---------------------------------------------------------------- names

NAME_LOCS = ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "fi_FI", "da_DK", "no_NO"]
EXTRA_NAMES = ["Nguyen Van An", "Tanaka Hiroshi", "Kim Min-jun", "Wang Xiuying", "Mohammed Al-Rashid", "Priya Raghunathan", "Oluwaseun Adeyemi",
               "Chidi Okonkwo", "Aisha Bello", "Siobhán Ní Bhriain", "Dmitri Volkov", "Yuki Yamamoto", "Hamid Karimi", "Fatma Yılmaz",
               "María del Carmen Ruiz", "João Pedro Almeida", "Zhang Wei", "Lakshmi Venkatesan", "Bongani Dlamini", "Tomasz Wiśniewski"]


def a_name():
    if R.random() < 0.25:
        return pick(EXTRA_NAMES)
    f = FK[pick(NAME_LOCS)]
    return f"{f.first_name()} {f.last_name()}"


def gen_names(n=170):
    for _ in range(n):
        name = a_name()
        first, last = name.split(" ", 1)
        kind = R.randint(0, 8)
        ev = None
        if kind == 0:
            t = pick([f"Spoke with {name} about the missed appointment.", f"{name} called twice on Monday about the invoice.",
                      f"According to {name}, the referral was never received.", f"Thanks, {name}, for the quick turnaround.",
                      f"I met {name} at the clinic; she asked for the lab results.", f"Escalated by {name} (night shift)."])
            shape = "prose"
        elif kind == 1:
            t = pick([f"{last.upper()} {first}", f"{last}, {first}", f"{last.upper()}, {first}"])
            t = json.dumps({"row": R.randint(1, 99), pick(["who", "holder", "party", "entry", "label"]): t})
            shape = "json"
        elif kind == 2:
            t = f"ticket,opened_by,minutes\n{R.randint(100, 999)},{name},{R.randint(1, 90)}\n"
            shape = "csv"
        elif kind == 3:
            t = error_text(pick(["full_name", "holder", "owner", "patient"]), name)
            shape = "error"
        elif kind == 4:
            t = json.dumps({"visit": {"patient": {"name": name}, "ward": "B2"}})
            shape, ev = "nested_json", "nested_path"
        elif kind == 5:
            ev = pick(["split_keys", "base64", "reversal", "zero_width", "percent_encoding", "json_in_log"])
            t, shape = evade("name", name, ev), "evasion"
        elif kind == 6:
            t = f"{ts()} INFO auth: login ok user=\"{name}\" ip=10.0.{R.randint(0, 9)}.{R.randint(1, 250)}\n"
            shape = "log"
        elif kind == 7:
            t = f"| ticket | assignee |\n|---|---|\n| {R.randint(100, 999)} | {name} |\n"
            shape = "markdown"
        else:
            t = pick([f"Herr {name} wurde am Montag entlassen.", f"Mme {name} a appelé le service.", f"La paciente {name} no acudió a la cita.",
                      f"Mr {name} was discharged on Monday.", f"Ms. {name} requested a copy of her records."])
            shape = "prose"
        add("positive", "pii", "person_name", shape, t, ev)


# ---------------------------------------------------------------- addresses

ADDR_LOCS = ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "en_AU", "en_CA", "sv_SE", "da_DK", "fi_FI"]


def an_address():
    f = FK[pick(ADDR_LOCS)]
    return f.address().replace("\n", ", ")


def gen_address(n=150):
    for _ in range(n):
        v = an_address()
        kind = R.randint(0, 6)
        ev = None
        if kind == 0:
            t = pick([f"The patient lives at {v}.", f"Ship the replacement meter to {v} by Friday.", f"Moved to {v} in March.",
                      f"Home visit scheduled: {v}", f"Correspondence returned from {v} (addressee unknown)."])
            shape = "prose"
        elif kind == 1:
            t = f"ticket,location,minutes\n{R.randint(100, 999)},\"{v}\",{R.randint(1, 90)}\n"
            shape = "csv"
        elif kind == 2:
            t = json.dumps({"row": R.randint(1, 99), pick(["location", "where", "destination", "ship_to", "residence", "mailing"]): v})
            shape = "json"
        elif kind == 3:
            t = error_text(pick(["address", "street", "mailing_address"]), v)
            shape = "error"
        elif kind == 4:
            t = f"{ts()} INFO geo: geocoded \"{v}\" confidence=0.{R.randint(50, 99)}\n"
            shape = "log"
        elif kind == 5:
            t = json.dumps({"patient": {"home": {"street": v.split(",")[0], "city": FK["en_US"].city()}}})
            shape, ev = "nested_json", "nested_path"
        else:
            ev = pick(["base64", "percent_encoding", "json_in_log"])
            t, shape = evade("address", v, ev), "evasion"
        add("positive", "pii", "postal_address", shape, t, ev)


# ---------------------------------------------------------------- restricted values

RESTRICTED = ["salary", "dateOfBirth", "patientId", "employeeNumber", "diagnosisCode"]


def restricted_value(col):
    return {"salary": str(R.randint(30000, 250000)), "dateOfBirth": f"{R.randint(1940, 2005)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}",
            "patientId": "P" + digits(6), "employeeNumber": "E" + digits(5), "diagnosisCode": pick(["E11.9", "I10", "J45.909", "F32.1", "C50.911"])}[col]


def spell(col):
    words = __import__("re").findall("[a-z]+|[A-Z][a-z]*", col)
    return pick([col, col.upper(), "_".join(w.lower() for w in words), "-".join(w.lower() for w in words), col[0].upper() + col[1:],
                 " ".join(w.capitalize() for w in words)])


def gen_restricted(n=150):
    for _ in range(n):
        col = pick(RESTRICTED)
        v = restricted_value(col)
        s = spell(col)
        kind = R.randint(0, 6)
        ev = None
        if kind == 0:
            t, shape = error_text(s, v), "error"
        elif kind == 1:
            words = __import__("re").findall("[a-z]+|[A-Z][a-z]*", col)
            if len(words) == 2:
                t = json.dumps({"rows": [{words[0].lower(): {words[1].lower(): v}}]})
            else:
                t = json.dumps({"employee": {col: v}})
            shape, ev = "nested_json", "nested_path"
        elif kind == 2:
            ev = pick(["split_keys", "split_array", "separator_change", "base64", "reversal", "zero_width", "percent_encoding", "json_in_log"])
            t, shape = evade(s, v, ev), "evasion"
        elif kind == 3:
            t = json.dumps({pick([f"{s}_{w}", f"{w}_{s}"]): v for w in [pick(["max", "min", "median", "top", "lowest", "highest", "p95", "latest"])]})
            shape, ev = "json", "order_statistic"
        elif kind == 4:
            t = f"{ts()} INFO export: row={R.randint(1, 99)} {s.replace(' ', '_')}={v}\n"
            shape = "log"
        elif kind == 5:
            t = f"{s.replace(' ', '_')}: {v}\nrow: {R.randint(1, 99)}\n"
            shape = "kv"
        else:
            t = "\n".join(json.dumps({"row": j, s: v if j == 1 else None}) for j in range(3)) + "\n"
            shape = "ndjson"
        add("positive", "restricted", "restricted_value", shape, t, ev)


# ---------------------------------------------------------------- negatives

ORGS = ["Johns Hopkins University", "Stanford Health Care", "Vanderbilt University Medical Center", "Carnegie Mellon University",
        "Emory Healthcare", "Cedars Sinai", "Sloan Kettering", "Lockheed Martin", "Northrop Grumman", "Booz Allen Hamilton",
        "Edward Jones", "Raymond James", "Charles River Laboratories", "Baker Hughes", "Estée Lauder", "Calvin Klein",
        "Ralph Lauren", "Tommy Hilfiger", "Louis Vuitton", "Christian Dior", "Hugo Boss", "Carl Zeiss", "Robert Bosch",
        "Max Planck Society", "Karolinska Institutet", "Henry Ford Health", "Beth Israel Deaconess", "Mount Sinai",
        "Kaiser Permanente", "Mayo Clinic", "Walt Disney", "Warner Bros", "Dell Technologies", "Michael Kors", "Kate Spade",
        "Marks Spencer", "Sainsbury", "John Lewis", "Wells Fargo", "Morgan Stanley", "Goldman Sachs", "Charles Schwab",
        "Sutter Health", "Ochsner Health", "Geisinger", "Brigham Health", "Duke Health", "Baylor Scott White", "Jackson Health",
        "Alfred Health", "Peter MacCallum Cancer Centre", "Hugh Greenwood", "Ernst Young", "Grant Thornton", "Deloitte Touche",
        "Arthur Andersen", "Johnson Controls", "Emerson Electric", "Gilead Sciences", "Eli Lilly", "Bayer", "Roche"]
PRODUCTS = ["Johnnie Walker", "Jack Daniels", "Ford Mustang", "Ford Focus", "Dodge Charger", "Toyota Camry", "Audrey Hepburn Edition",
            "Martha Stewart Living", "Betty Crocker", "Aunt Jemima", "Uncle Ben", "Ben Jerry", "Tim Hortons", "Wendy Burgers",
            "Dr Pepper", "Mrs Fields", "Victoria Secret", "Harley Davidson", "Rolls Royce", "Aston Martin", "Alfa Romeo"]
PLACES = ["Santa Monica", "Port Elizabeth", "Saint Louis", "Mount Vernon", "Lake Tahoe", "Fort Collins", "Alice Springs", "Palm Springs",
          "Elizabeth City", "Charlotte Amalie", "Victoria Falls", "Grand Rapids", "Cape Town", "San Antonio", "Jefferson City",
          "Carson City", "Salt Lake City", "Baton Rouge", "Glen Burnie", "Harper Woods", "Madison Heights", "Georgetown",
          "Washington Heights", "Lincoln Park", "Kings Cross", "Camden Town", "Princeton Junction", "Warren County", "Jackson Hole"]
EPONYMS = ["Hodgkin lymphoma", "Parkinson disease", "Crohn disease", "Alzheimer disease", "Guillain Barre syndrome", "Kaplan Meier estimate",
           "Hardy Weinberg equilibrium", "Michaelis Menten kinetics", "Bland Altman plot", "Mann Whitney U", "Cox proportional hazards",
           "Fisher exact test", "Pearson correlation", "Bonferroni correction", "Kruskal Wallis test", "Glasgow Coma Scale",
           "Apgar score", "Nobel Prize", "Pulitzer Prize", "Carnegie Hall", "Lincoln Center", "Madison Square Garden"]


def gen_negatives(n=260):
    for _ in range(n):
        kind = R.randint(0, 7)
        if kind == 0:
            v = pick(ORGS)
            t = pick([json.dumps({"name": v, "claims": R.randint(10, 9000)}), json.dumps({"organization": {"name": v}, "referrals": R.randint(1, 400)}),
                      json.dumps({"facility": v, "beds": R.randint(50, 900)}), json.dumps({"label": v, "share": round(R.random(), 3)}),
                      f"Referrals from {v} rose 12 % in the quarter.", f"{v} reported 1,204 admissions.", f"Partner: {v}",
                      f"The grant was awarded to {v} in 2024.", f"site,patients\n{v},{R.randint(10, 999)}\n",
                      f"| site | enrolled |\n|---|---:|\n| {v} | {R.randint(1, 400)} |\n"])
            cls, shape = "public_name", "mixed"
        elif kind == 1:
            v = pick(PRODUCTS)
            t = pick([json.dumps({"product": v, "units": R.randint(1, 900)}), json.dumps({"name": v, "sku": f"SKU-{digits(6)}"}),
                      f"Top seller in March: {v} ({R.randint(100, 999)} units).", f"item,units\n{v},{R.randint(1, 999)}\n"])
            cls, shape = "public_name", "mixed"
        elif kind == 2:
            v = pick(PLACES)
            t = pick([json.dumps({"region": v, "visits": R.randint(1, 9000)}), json.dumps({"name": v, "population": R.randint(1000, 900000)}),
                      f"Visits from {v} doubled after the clinic opened.", f"region,visits\n{v},{R.randint(1, 999)}\n", f"Most cases were in {v} and nearby towns."])
            cls, shape = "public_name", "mixed"
        elif kind == 3:
            v = pick(EPONYMS)
            t = pick([f"We used the {v} for the comparison (p = 0.0{R.randint(1, 9)}).", json.dumps({"method": v, "n": R.randint(30, 3000)}),
                      json.dumps({"name": v, "value": round(R.random(), 3)}), f"{v.split(' ')[0]} {v.split(' ')[1]} was significant in {R.randint(2, 9)} of 12 cohorts."])
            cls, shape = "about_data", "mixed"
        elif kind == 4:
            t = pick([json.dumps({"mean_age": round(R.uniform(30, 70), 1), "n": R.randint(100, 9999), "p_value": round(R.random() / 10, 4)}),
                      f"n = {R.randint(100, 9999)}, mean age {round(R.uniform(30, 70), 1)} (SD {round(R.uniform(5, 15), 1)}), 95 % CI {round(R.uniform(1, 2), 2)}–{round(R.uniform(2, 3), 2)}",
                      f"Admissions fell from {R.randint(1000, 5000)} in 2023 to {R.randint(500, 999)} in 2024 (-{R.randint(10, 40)} %).",
                      json.dumps({"salary_band_count": {"40-60k": R.randint(1, 99), "60-80k": R.randint(1, 99)}, "median_age": R.randint(30, 60)}),
                      f"Codes E11.9 and I10 were the most frequent diagnoses ({R.randint(10, 40)} % and {R.randint(5, 20)} %)."])
            cls, shape = "about_data", "mixed"
        elif kind == 5:
            t = pick([json.dumps({"patient": {"id": "<redacted>"}}), json.dumps({"ssn": "***-**-****"}), "Name: [REDACTED]", json.dumps({"phone": "+1 (XXX) XXX-XXXX"}),
                      json.dumps({"name": "{{patient_name}}", "dob": "{{dob}}"}), "DOB: <hidden>", json.dumps({"address": "<ADDRESS>"}),
                      json.dumps({"dateOfBirth": "YYYY-MM-DD"}), "phone=<redacted> email=<redacted>", json.dumps({"name": "", "phone": None}),
                      json.dumps({"national_id": "[MASKED]"}), "Patient: ■■■■ ■■■■■■"])
            cls, shape = "placeholder", "mixed"
        elif kind == 6:
            t = pick([f"{ts()} INFO build: version 2.{R.randint(0, 9)}.{R.randint(0, 30)} deployed in {R.randint(10, 300)} ms\n",
                      json.dumps({"order_id": f"ORD-{digits(8)}", "total": round(R.uniform(5, 500), 2), "items": R.randint(1, 9)}),
                      json.dumps({"zip_codes": [digits(5) for _ in range(3)], "visits": R.randint(1, 99)}),
                      f"Invoice {digits(7)} paid on 2026-0{R.randint(1, 9)}-1{R.randint(0, 9)}.", json.dumps({"trace_id": "".join(R.choice("0123456789abcdef") for _ in range(32))})])
            cls, shape = "identifier", "mixed"
        else:
            t = pick([f"The {pick(['dateOfBirth', 'patientId', 'salary', 'phone', 'address'])} column is {round(R.random() * 10, 1)} % null.",
                      json.dumps({"column": pick(["dateOfBirth", "patientId", "salary"]), "distinct": R.randint(10, 9999), "nulls": R.randint(0, 99)}),
                      f"We dropped the name and address fields before export; {R.randint(100, 999)} rows remain.",
                      json.dumps({"salary_mean": R.randint(40000, 90000), "salary_stddev": R.randint(5000, 20000), "employees": R.randint(10, 999)})])
            cls, shape = "about_data", "mixed"
        add("negative", "benign", cls, shape, t)


def main():
    gen_national()
    gen_phone()
    gen_dob()
    gen_names()
    gen_address()
    gen_restricted()
    gen_negatives()
    with open(HERE / "round5.jsonl", "w", encoding="utf-8") as out:
        for c in CASES:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    pos = sum(c["label"] == "positive" for c in CASES)
    print(f"{len(CASES)} cases ({pos} positives, {len(CASES) - pos} negatives)")


if __name__ == "__main__":
    main()
