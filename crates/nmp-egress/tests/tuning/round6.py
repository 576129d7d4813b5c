#!/usr/bin/env python3
"""Generate the sixth round of the nmp-egress tuning corpus (`round6.jsonl` beside this file).

Aimed at the classes the fifth round left weakest on the hold-outs' summary lines (national ids,
person names, dates of birth, phones; organisations read as people, placeholders), written from
formats known from the world, not from any hold-out corpus or its generator: national ids from
Faker's locale providers (the `ssn` of 20 locales, which compute their checks) and the
checksummed id makers of `scripts/egress-tuning/generate.py`, each under the word its own
country uses; names of 14 locales under neutral keys, in CSV cells, logs, NDJSON and analytics
JSON; dates of birth and phones in more shapes; and negatives that sit close to them:
organisations and brands named after people (with and without a legal form), products, places,
version numbers, order and tracking numbers, non-birth dates, statistics. Written before the
sixth round's rules; a second batch (`gen_evasions`: the same values split across sibling keys
or array elements, regrouped with other separators, base64-encoded or reversed) was written
after the first batch's rules and before the second's, and a third (`gen_dated_names`: a date of
birth right after a name) after the second batch's rules and before the third's. Needs Faker
40.63.0.

Usage: python3 round6.py
"""

import base64
import importlib.util
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = importlib.util.spec_from_file_location("gen", HERE.parents[3] / "scripts/egress-tuning/generate.py")
G = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(G)
from faker import Faker  # noqa: E402  (after the version check of generate.py)

R = random.Random(16180339)
G.R = R
CASES = []
pick = R.choice
ts = G.ts
digits = G.digits


def faker(loc):
    f = Faker(loc)
    f.seed_instance(R.randint(0, 1 << 30))
    return f


def add(label, category, cls, shape, text, evasion=None):
    n = sum(1 for c in CASES if c["class"] == cls and c["label"] == label) + 1
    CASES.append({"id": f"tune6-{'pos' if label == 'positive' else 'neg'}-{cls}-{n:03d}", "label": label,
                  "category": category, "class": cls, "shape": shape, "evasion": evasion, "input": text})


# ---------------------------------------------------------------- shapes

def shaped(key, value, phrase):
    """`value` under `key` (structured shapes) or after `phrase` (text) in an output shape."""
    shape = pick(["analytics_json", "csv", "log", "prose", "ndjson", "nested_json"])
    row = R.randint(1, 500)
    if shape == "analytics_json":
        t = json.dumps({"query": "q" + digits(4), "rows": [{"row": row, key: value, "score": round(R.random(), 3)}],
                        "elapsed_ms": R.randint(3, 900)})
    elif shape == "csv":
        t = f"row,{key},region\n{row},{value},{pick(['north', 'south', 'EU', 'APAC'])}\n"
    elif shape == "log":
        v = f'"{value}"' if " " in value else value
        t = f"{ts()} INFO {pick(['kyc', 'intake', 'crm', 'hr-sync'])}: record {row} updated {key}={v}\n"
    elif shape == "prose":
        t = pick([f"Row {row} carries {phrase} {value}, which failed the duplicate check.",
                  f"The only record left after filtering has {phrase} {value}.",
                  f"Flagged for review: {phrase} {value} (row {row})."])
    elif shape == "ndjson":
        t = "\n".join(json.dumps({"row": i, key: (value if i == row % 3 else None)}) for i in range(3)) + "\n"
    else:
        t = json.dumps({"record": {"person": {key: value}, "source": pick(["branch", "portal", "import"])}})
    return shape, t


# ---------------------------------------------------------------- national ids

LOCAL_IDS = [  # locale, the word its own country uses, keys
    ("fr_FR", "numéro de sécurité sociale", ["nir", "num_secu", "securite_sociale"]),
    ("de_AT", "Sozialversicherungsnummer", ["svnr", "sv_nummer"]),
    ("de_CH", "AHV-Nummer", ["ahv_nr", "avs"]),
    ("nl_NL", "BSN", ["bsn", "burgerservicenummer"]),
    ("nl_BE", "rijksregisternummer", ["rrn", "rijksregister"]),
    ("it_IT", "codice fiscale", ["codice_fiscale", "cf"]),
    ("pt_BR", "CPF", ["cpf"]),
    ("pl_PL", "numer PESEL", ["pesel"]),
    ("sv_SE", "personnummer", ["personnummer", "pnr"]),
    ("fi_FI", "henkilötunnus", ["hetu", "henkilotunnus"]),
    ("no_NO", "fødselsnummer", ["fodselsnummer", "fnr"]),
    ("et_EE", "isikukood", ["isikukood"]),
    ("lv_LV", "personas kods", ["personas_kods"]),
    ("hr_HR", "OIB", ["oib"]),
    ("ro_RO", "CNP", ["cnp"]),
    ("tr_TR", "TC Kimlik No", ["tc_kimlik", "tckn"]),
    ("he_IL", "Teudat Zehut", ["teudat_zehut", "mispar_zehut"]),
    ("zh_CN", "身份证号", ["shenfenzheng", "id_card"]),
    ("zh_TW", "身分證字號", ["twid", "id_card"]),
    ("ko_KR", "주민등록번호", ["rrn", "jumin"]),
]
FK = {loc: faker(loc) for loc, _, _ in LOCAL_IDS}
NEUTRAL_ID_KEYS = ["tax_id", "national_id", "id_number", "gov_id", "citizen_id", "document_number", "identity_no",
                   "personal_code", "taxpayer_id", "id_doc"]


def an_id():
    if R.random() < 0.6:
        loc, word, keys = pick(LOCAL_IDS)
        return word, FK[loc].ssn(), keys
    label, make, keys = pick(G.NATIONAL)
    return label, make(), keys


def evaded(v):
    ev = pick([None, None, None, "base64", "zero_width", "fullwidth", "spaced"])
    if ev == "base64":
        return base64.b64encode(v.encode()).decode(), ev
    if ev == "zero_width":
        return "\u2060".join(v), ev
    if ev == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in v), ev
    if ev == "spaced":
        return " ".join(v.replace(" ", "")), ev
    return v, None


def gen_national(n=240):
    for _ in range(n):
        word, v, keys = an_id()
        v, ev = evaded(v) if R.random() < 0.3 else (v, None)
        key = pick(keys + NEUTRAL_ID_KEYS)
        shape, t = shaped(key, v, pick([word, word, "ID number"]))
        add("positive", "pii", "national_id", shape, t, ev)


# ---------------------------------------------------------------- names

NAME_LOCS = ["en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "da_DK",
             "cs_CZ", "hu_HU"]
NF = {loc: faker(loc) for loc in NAME_LOCS}
NEUTRAL_NAME_KEYS = ["owner", "created_by", "reviewer", "approved_by", "assignee", "handled_by", "signatory", "beneficiary",
                     "contact", "requester", "agent", "submitted_by", "updated_by", "author", "driver", "recipient"]


def a_name():
    f = NF[pick(NAME_LOCS)]
    return f"{f.first_name()} {f.last_name()}"


def gen_names(n=220):
    for _ in range(n):
        nm = a_name()
        key = pick(NEUTRAL_NAME_KEYS)
        kind = R.randint(0, 6)
        if kind == 0:
            rows = "\n".join(f"{R.randint(100, 999)},{a_name()},{R.randint(1, 60)}" for _ in range(R.randint(1, 3)))
            add("positive", "pii", "person_name", "csv", f"ticket,{key},minutes\n{rows}\n")
        elif kind == 1:
            add("positive", "pii", "person_name", "log",
                f"{ts()} INFO audit: action={pick(['export', 'delete', 'approve'])} {key}=\"{nm}\" rows={R.randint(1, 999)}\n")
        elif kind == 2:
            add("positive", "pii", "person_name", "analytics_json", json.dumps(
                {"top_" + key + "s": [{key: a_name(), "count": R.randint(5, 90)} for _ in range(R.randint(1, 3))]}))
        elif kind == 3:
            add("positive", "pii", "person_name", "ndjson",
                "\n".join(json.dumps({"event": "assign", key: a_name(), "case": R.randint(1000, 9999)}) for _ in range(2)) + "\n")
        elif kind == 4:
            add("positive", "pii", "person_name", "prose", pick([
                f"Dear {nm},\n\nyour request {R.randint(1000, 9999)} was approved.",
                f"Callback requested by {nm} about a duplicate charge.",
                f"Case {R.randint(1000, 9999)} was reassigned from {nm} to {a_name()}.",
                f"Most overrides were entered by {nm} ({R.randint(10, 40)} of {R.randint(50, 90)})."]))
        elif kind == 5:
            add("positive", "pii", "person_name", "csv", f"{key}\tteam\tshift\n{nm}\t{pick(['A', 'B'])}\tnight\n")
        else:
            add("positive", "pii", "person_name", "analytics_json", json.dumps({"row": R.randint(1, 99), key: nm}))


# ---------------------------------------------------------------- dates of birth, phones

def gen_dob(n=120):
    for _ in range(n):
        y, m, d = G.rand_date()
        v = pick([G.fmt_date(y, m, d), f"{d:02d}.{m:02d}.{y}", f"{y}/{m:02d}/{d:02d}", f"{m}/{d}/{y}", f"{d}-{G.MONTHS[m - 1][:3]}-{y}"])
        key = pick(["dob", "birth_date", "birthdate", "date_of_birth", "born", "birthday", "fecha_nac", "geb_datum"])
        shape, t = shaped(key, v, pick(["date of birth", "DOB", "birth date"]))
        add("positive", "pii", "date_of_birth", shape, t)


PHONE_LOCS = ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "en_AU", "en_IN",
              "ja_JP", "ko_KR", "tr_TR", "hu_HU", "cs_CZ", "el_GR"]
PF = {loc: faker(loc) for loc in PHONE_LOCS}


def gen_phone(n=180):
    for _ in range(n):
        v = PF[pick(PHONE_LOCS)].phone_number()
        v, ev = evaded(v) if R.random() < 0.25 else (v, None)
        key = pick(["phone", "mobile", "tel", "contact_number", "callback", "msisdn", "sms_to", "phone_home"])
        shape, t = shaped(key, v, pick(["phone", "mobile number", "callback number", "tel."]))
        add("positive", "pii", "phone", shape, t, ev)


# ---------------------------------------------------------------- negatives

ORGS = ["Dow Jones", "Harley Davidson", "Rolls Royce", "Louis Vuitton", "Christian Dior", "Paul Smith", "Ted Baker",
        "Kate Spade", "Michael Kors", "Marc Jacobs", "Tory Burch", "Vera Wang", "Jimmy Choo", "Brooks Brothers",
        "Allen Edmonds", "Fisher Price", "Black Decker", "Sherwin Williams", "Jack Daniels", "Johnnie Walker",
        "Hilton Worldwide", "Marriott International", "Booz Allen Hamilton", "Deloitte Touche", "Arthur Andersen",
        "Baker McKenzie", "Clifford Chance", "Allen Overy", "Kaiser Permanente", "Mayo Clinic", "Cedars Sinai",
        "Johns Hopkins", "Henry Ford Health", "Dana Farber", "Sloan Kettering", "Walgreens Boots"]
PRODUCTS = ["Visual Studio", "Power BI", "Google Analytics", "Amazon Redshift", "Adobe Photoshop", "Tableau Desktop",
            "Salesforce Marketing Cloud", "Epic Hyperspace", "Cerner Millennium", "Zendesk Suite"]
PLACES = ["Port Louis", "San Antonio", "Santa Monica", "Fort Lauderdale", "Saint Paul", "Mount Holly", "Glen Ellyn",
          "Lake Forest", "Baton Rouge", "Grand Prairie", "Charles Town", "Jefferson City"]
CF = {loc: faker(loc) for loc in ["en_US", "de_DE", "fr_FR", "it_IT", "nl_NL", "es_ES", "pl_PL", "sv_SE"]}


def an_org():
    if R.random() < 0.5:
        return pick(ORGS)
    return CF[pick(list(CF))].company()


def gen_negatives():
    for _ in range(80):  # organisations, products, places where a person might be
        org = an_org()
        kind = R.randint(0, 5)
        if kind == 0:
            t = json.dumps({"top_vendors": [{"vendor": org, "spend": R.randint(1000, 99999)}, {"vendor": an_org(), "spend": R.randint(100, 999)}]})
            shape = "analytics_json"
        elif kind == 1:
            t = f"partner,contracts,value\n{org},{R.randint(1, 30)},{R.randint(1000, 99999)}\n"
            shape = "csv"
        elif kind == 2:
            t = pick([f"Most referrals came from {org} this quarter.", f"Spend with {org} rose {R.randint(2, 30)} %.",
                      f"The pilot ran in {pick(PLACES)} on {pick(PRODUCTS)}."])
            shape = "prose"
        elif kind == 3:
            t = f"{ts()} INFO sync: connector=\"{pick(PRODUCTS)}\" account=\"{org}\" rows={R.randint(1, 9999)}\n"
            shape = "log"
        elif kind == 4:
            t = json.dumps({"row": R.randint(1, 99), pick(["owner", "account", "client", "customer"]): org, "tier": "gold"})
            shape = "analytics_json"
        else:
            t = json.dumps({"site": pick(PLACES), "tool": pick(PRODUCTS)})
            shape = "ndjson"
        add("negative", "benign", "public_name", shape, t)
    for _ in range(40):  # placeholders
        v = pick(["John Doe", "Jane Doe", "John Q. Public", "Max Mustermann", "Erika Mustermann", "Jean Dupont", "Mario Rossi",
                  "<full name>", "{{ user.name }}", "XXX-XX-XXXX", "000-00-0000", "QQ 12 34 56 A", "AA 00 00 00 A", "123-45-6789",
                  "YYYY-MM-DD", "dd/mm/yyyy", "+1 555 0100", "(555) 555-5555", "[REDACTED]", "<tax id>", "n/a", "TBD"])
        key = pick(["example", "placeholder", "sample", "format", "template", "default_value", "hint"])
        shape, t = shaped(key, v, "for example")
        add("negative", "benign", "placeholder", shape, t)
    for _ in range(60):  # numbers shaped like ids or phones
        kind = R.randint(0, 6)
        if kind == 0:
            t = f"Order #{R.randint(100, 999)}-{R.randint(100, 999)}-{R.randint(1000, 9999)} shipped on {ts()[:10]}."
        elif kind == 1:
            t = json.dumps({"order_number": digits(11), "items": R.randint(1, 9), "total": round(R.uniform(5, 500), 2)})
        elif kind == 2:
            t = f"{ts()} INFO scan: bytes={R.randint(10 ** 9, 10 ** 12)} rows={R.randint(10 ** 6, 10 ** 9)} files={R.randint(1, 999)}\n"
        elif kind == 3:
            t = f"sku,stock\n{R.randint(100, 999)}-{R.randint(10, 99)}-{R.randint(1000, 9999)},{R.randint(0, 999)}\n"
        elif kind == 4:
            t = json.dumps({"tracking": f"1Z{digits(3)}W{digits(11)}", "carrier": "UPS"})
        elif kind == 5:
            t = f"Build {R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 99)}.{R.randint(1000, 99999)} passed {R.randint(100, 9999)} tests."
        else:
            t = json.dumps({"batch_id": digits(9), "records": R.randint(100, 99999), "rejected": R.randint(0, 99)})
        add("negative", "benign", "id_like_number", "mixed", t)
    for _ in range(40):  # dates that are not birth dates, statistics
        d = f"20{R.randint(15, 26)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}"
        t = pick([json.dumps({"admission_date": d, "ward": "B2"}), f"report_date,count\n{d},{R.randint(11, 999)}\n",
                  f"Policy renewed on {d}.", json.dumps({"dob_null_fraction": round(R.random() / 10, 3), "national_id_distinct": R.randint(10, 9999)}),
                  json.dumps({"phone_valid_pct": round(R.uniform(80, 99), 1), "name_missing": R.randint(0, 99)})])
        add("negative", "benign", "statistic_date", "mixed", t)


# ---------------------------------------------------------------- second batch: evasions

def pieces(v):
    parts = [p for p in v.replace("-", " ").replace(".", " ").replace("/", " ").split(" ") if p]
    if len(parts) < 2:
        w = max(2, len(v) // R.randint(2, 4))
        parts = [v[i:i + w] for i in range(0, len(v), w)]
    return parts[:5]


def regroup(v):
    sep = pick(["_", ".", "/", "~", "|", " \u2013 ", "__", " / "])
    out = v
    for c in " -./":
        out = out.replace(c, "\x00")
    if "\x00" not in out:
        out = "\x00".join(out[i:i + 3] for i in range(0, len(out), 3))
    return out.replace("\x00", sep)


def gen_evasions(n=240):
    """A national id, phone or date of birth under its key or phrase, split across sibling keys
    or array elements, regrouped with other separators, base64-encoded or reversed."""
    for _ in range(n):
        cls = pick(["national_id", "national_id", "phone", "date_of_birth"])
        if cls == "national_id":
            word, v, keys = an_id()
            key = pick(keys + NEUTRAL_ID_KEYS)
        elif cls == "phone":
            v, word = PF[pick(PHONE_LOCS)].phone_number(), pick(["phone", "mobile", "tel."])
            key = pick(["phone", "mobile", "contact_number", "msisdn"])
        else:
            y, m, d = G.rand_date()
            v, word = pick([f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{m:02d}/{d:02d}/{y}"]), pick(["DOB", "date of birth", "born"])
            key = pick(["dob", "birth_date", "date_of_birth"])
        ev = pick(["split_keys", "split_array", "separator_change", "base64", "reversal"])
        shape = pick(["json", "log", "prose", "error"]) if ev in ("separator_change", "base64", "reversal") else "json"
        if ev == "split_keys":
            parts = pieces(v)
            names = pick([[f"{key}_{i + 1}" for i in range(len(parts))], [f"{key}_part{i}" for i in range(len(parts))],
                          [f"{key}{i}" for i in range(len(parts))]])
            t = json.dumps({"row": R.randint(1, 99)} | dict(zip(names, parts)))
        elif ev == "split_array":
            t = json.dumps({"row": R.randint(1, 99), key: pieces(v)})
        else:
            w = {"separator_change": regroup, "base64": lambda s: base64.b64encode(s.encode()).decode(),
                 "reversal": lambda s: s[::-1]}[ev](v)
            if shape == "json":
                t = json.dumps({"row": R.randint(1, 99), key: w})
            elif shape == "log":
                t = f"{ts()} WARN {pick(['kyc', 'intake'])}: mismatch {key}={w} row={R.randint(1, 99)}\n"
            elif shape == "prose":
                t = pick([f"The {word} on the rejected row was {w}.", f"{word.capitalize()} {w} did not match the register."])
            else:
                t = pick([f"ValueError: invalid {key} '{w}'", f"ERROR 1062 (23000): Duplicate entry '{w}' for key 'people.{key}'",
                          f"ValidationError: field '{key}' rejected value '{w}'"])
        add("positive", "pii", cls, shape, t, ev)


# ---------------------------------------------------------------- third batch: dates after names

def gen_dated_names(n=80):
    """A date of birth in brackets or after a comma right after a person's name, as registers and
    clinic lists write it (`Anna Kowalska (1984-03-14)`, `MÜLLER, Jörg, 03.04.1961`); and the
    honest near-misses: an event or organisation with a year or date after it."""
    for _ in range(n):
        y, m, d = G.rand_date()
        v = pick([f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}", f"{d:02d}/{m:02d}/{y}", f"{d} {G.MONTHS[m - 1]} {y}"])
        nm = a_name()
        first, last = nm.split(" ", 1)
        t = pick([f"{nm} ({v}) - follow-up in two weeks", f"Seen today: {nm} ({v}), referred by the GP.",
                  f"{last.upper()}, {first}, {v}", f"{nm}, {v}, ward B2", f"Patient list:\n- {nm} ({v})\n- {a_name()} ({v})"])
        add("positive", "pii", "date_of_birth", pick(["prose", "log", "csv"]), t)
    for _ in range(40):
        y = R.randint(1990, 2025)
        d = f"{y}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}"
        t = pick([f"{an_org()} ({y}) annual report", f"Release notes ({d}): fixed the export.", f"{pick(PLACES)} ({y}) census",
                  f"Merger of {an_org()} ({d}) closed.", f"{pick(PRODUCTS)} ({d}) rollout finished."])
        add("negative", "benign", "statistic_date", "mixed", t)


def main():
    gen_national()
    gen_names()
    gen_dob()
    gen_phone()
    gen_negatives()
    gen_evasions()
    gen_dated_names()
    with open(HERE / "round6.jsonl", "w", encoding="utf-8") as out:
        for c in CASES:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    pos = sum(c["label"] == "positive" for c in CASES)
    print(f"{len(CASES)} cases ({pos} positives, {len(CASES) - pos} negatives)")


if __name__ == "__main__":
    main()
