"""Values of the data owner's restricted columns (`config.json`), under their key in many
spellings, nested paths and order statistics; and (data-aware, scored apart) under a renamed key.
"""

import json
import string

import evasions as ev
import render as rd
import values as vl

RESTRICTED = ["patient_id", "employee_id", "ssn", "birth_date", "diagnosis_code", "annual_salary",
              "credit_score", "ethnicity", "hiv_status", "loan_balance"]
ICD10 = ["E11.9", "E11.65", "I10", "J45.909", "F32.1", "C50.911", "B20", "O24.419", "M54.5", "K21.9", "N18.3", "Z21"]
NESTED = {"patient_id": ("patient", "id"), "employee_id": ("employee", "id"), "birth_date": ("birth", "date"),
          "diagnosis_code": ("diagnosis", "code"), "credit_score": ("credit", "score"), "loan_balance": ("loan", "balance"),
          "hiv_status": ("hiv", "status"), "annual_salary": ("salary", "annual")}


def value_of(rng, col):
    if col == "patient_id":
        return rng.choice([f"P-{rng.randint(100000, 9999999):07d}", rng.randint(100000, 9999999), f"PT{vl.rand(rng, string.digits, 8)}"])
    if col == "employee_id":
        return rng.choice([f"E{rng.randint(10000, 99999)}", rng.randint(1000, 99999), f"EMP-{rng.randint(1000, 9999)}"])
    if col == "ssn":
        return vl.us_ssn(rng)
    if col == "birth_date":
        return f"{rng.randint(1935, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if col == "diagnosis_code":
        return rng.choice(ICD10)
    if col == "annual_salary":
        return rng.choice([rng.randint(28, 240) * 500, round(rng.uniform(30000, 190000), 2)])
    if col == "credit_score":
        return rng.randint(420, 850)
    if col == "ethnicity":
        return rng.choice(["Hispanic or Latino", "Not Hispanic or Latino", "Asian", "Black or African American", "White"])
    if col == "hiv_status":
        return rng.choice(["positive", "negative", "reactive"])
    return round(rng.uniform(500, 480000), 2)


def spell(rng, col):
    words = col.split("_")
    return rng.choice([
        words[0] + "".join(w.title() for w in words[1:]),  # camelCase
        "".join(w.title() for w in words),  # PascalCase
        col.upper(),
        "-".join(words),
        " ".join(w.title() for w in words),
        ".".join(words),
    ])


def key_obfuscate(rng, col):
    if rng.random() < 0.5:
        i = rng.randint(1, len(col) - 1)
        return col[:i] + rng.choice(ev.ZERO_WIDTH) + col[i:]
    return ev.homoglyph(rng, col) or col[:1] + "\u200b" + col[1:]


def order_stat_key(rng, col):
    stat = rng.choice(["max", "min", "first", "last", "top"])
    return rng.choice([f"{col}_{stat}", f"{stat}_{col}", f"{stat.upper()}({col})", f"{stat}({col})"])


SHAPES = ["json", "nested_json", "ndjson", "csv", "markdown", "kv", "log", "error"]
PLAN = [(None, 22), ("key_variant", 12), ("nested_path", 8), ("order_statistic", 10), ("key_obfuscation", 6),
        ("double_encoded_json", 7), ("json_in_log", 7)]


def build(rng):
    cases = []
    for evasion, n in PLAN:
        for i in range(n):
            col = RESTRICTED[(i + len(cases)) % len(RESTRICTED)]
            if evasion == "nested_path" and col not in NESTED:
                col = rng.choice(sorted(NESTED))
            if evasion == "order_statistic" and col in ("ethnicity", "hiv_status"):
                col = rng.choice(["annual_salary", "credit_score", "loan_balance", "birth_date"])
            vals = [value_of(rng, col) for _ in range(rng.choice([1, 2, 3]))]
            cases.append(one(rng, col, evasion, vals))
    return cases


def one(rng, col, evasion, vals):
    shape = rng.choice(SHAPES)
    key = col
    if evasion == "key_variant":
        key = spell(rng, col)
    elif evasion == "key_obfuscation":
        key = key_obfuscate(rng, col)
        shape = rng.choice(["json", "ndjson", "csv", "kv"])
    elif evasion == "order_statistic":
        key = order_stat_key(rng, col)
        vals = vals[:1]
    if evasion == "nested_path":
        outer, inner = NESTED[col]
        fill = rd.filler(rng, 2)
        obj = dict(fill) | {outer: {inner: vals[0], "source": "ehr"}}
        if rng.random() < 0.5:
            obj = {"records": [dict(fill) | {outer: {inner: v}} for v in vals]}
        text, shape = rd.dumps(obj, rng), "nested_json"
    elif evasion in ("double_encoded_json", "json_in_log"):
        inner = json.dumps(dict(rd.filler(rng, 2)) | {key: vals[0]})
        if evasion == "double_encoded_json":
            text, shape = json.dumps({"ok": True, "payload": inner}), "json"
        else:
            text = f"{rd.ts(rng)} DEBUG {rng.choice(rd.SERVICES)}[{rng.randint(100, 9999)}] emitted row={json.dumps(inner)}\n"
            shape = "log"
    else:
        text = rd.render(rng, shape, key, vals)
    return {"label": "positive", "category": "restricted", "class": "restricted_value", "shape": shape,
            "evasion": evasion, "input": text}


def build_data_aware(rng, n=20):
    cases = []
    cols = ["patient_id", "employee_id", "diagnosis_code", "annual_salary", "credit_score", "loan_balance", "ethnicity"]
    for i in range(n):
        col = cols[i % len(cols)]
        key = rng.choice(["v", "pid", "ref", "x1", "field_3", "val", "code", "amt"])
        shape = rng.choice(["json", "ndjson", "csv", "kv", "log"])
        text = rd.render(rng, shape, key, [value_of(rng, col) for _ in range(rng.choice([1, 2]))])
        cases.append({"label": "positive", "category": "data_aware", "class": "renamed_restricted_key",
                      "shape": shape, "evasion": "renamed_key", "input": text})
    return cases
