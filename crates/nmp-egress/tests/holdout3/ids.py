"""National ids for hold-out 3: a random body in each format, the check digits found by asking
python-stdnum's `is_valid` (every candidate check character is tried until stdnum accepts one),
so the checks come from stdnum and not from this project's code or its other generators."""

import importlib
import itertools
import string

DIG = string.digits
ALNUM = string.digits + string.ascii_uppercase


def _valid(module, value):
    return importlib.import_module("stdnum." + module).is_valid(value)


def _fmt(module, value):
    mod = importlib.import_module("stdnum." + module)
    return mod.format(value) if hasattr(mod, "format") else value


def _complete(module, body, tail_len, alphabet=DIG, after=""):
    """`body` + the first tail of `tail_len` characters of `alphabet` that stdnum accepts."""
    for tail in itertools.product(alphabet, repeat=tail_len):
        cand = body + "".join(tail) + after
        if _valid(module, cand):
            return cand
    return None


def _date(r, century=19):
    y = r.randint(40, 99) if century == 19 else r.randint(0, 5)
    return y, r.randint(1, 12), r.randint(1, 28)


def _n(r, k):
    return "".join(r.choice(DIG) for _ in range(k))


def ssn(r):
    while True:
        a = r.randint(1, 899)
        if a != 666:
            return f"{a:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"


def nino(r):
    first = r.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = r.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in ("GB", "BG", "NK", "KN", "TN", "NT", "ZZ"):
        second = "A"
    body = _n(r, 6)
    return f"{first}{second} {body[:2]} {body[2:4]} {body[4:]} {r.choice('ABCD')}"


def sin(r):
    v = _complete("ca.sin", r.choice("1234567") + _n(r, 7), 1)
    return _fmt("ca.sin", v)


def nir(r):
    y, m, _ = _date(r)
    body = f"{r.choice('12')}{y:02d}{m:02d}{r.randint(1, 95):02d}{r.randint(1, 990):03d}{r.randint(1, 999):03d}"
    return _fmt("fr.nir", _complete("fr.nir", body, 2))


def steuer_id(r):
    while True:
        d = r.sample("123456789", 8) + [r.choice("0123456789")]
        d.insert(r.randint(1, 9), d[r.randint(0, 8)])
        body = "".join(d)[:10]
        v = _complete("de.idnr", body, 1)
        if v:
            return _fmt("de.idnr", v)


def dni(r):
    return _complete("es.dni", _n(r, 8), 1, string.ascii_uppercase)


def nie(r):
    return _complete("es.nie", r.choice("XYZ") + _n(r, 7), 1, string.ascii_uppercase)


def codice_fiscale(r):
    cons = "BCDFGHLMNPRSTVZ"
    y, m, d = _date(r)
    day = d + (40 if r.random() < 0.5 else 0)
    body = ("".join(r.choice(cons) for _ in range(6)) + f"{y:02d}" + "ABCDEHLMPRST"[m - 1]
            + f"{day:02d}" + r.choice("ABCDEFGHILM") + _n(r, 3))
    return _complete("it.codicefiscale", body, 1, string.ascii_uppercase)


def bsn(r):
    while True:
        v = _complete("nl.bsn", r.choice("123456789") + _n(r, 7), 1)
        if v:
            return v


def aadhaar(r):
    while True:
        v = _complete("in_.aadhaar", r.choice("23456789") + _n(r, 10), 1)
        if v:
            return _fmt("in_.aadhaar", v)


def pesel(r):
    y, m, d = _date(r)
    return _complete("pl.pesel", f"{y:02d}{m:02d}{d:02d}" + _n(r, 4), 1)


def cpf(r):
    return _fmt("br.cpf", _complete("br.cpf", _n(r, 9), 2))


def fodselsnummer(r):
    y, m, d = _date(r)
    while True:
        v = _complete("no.fodselsnummer", f"{d:02d}{m:02d}{y:02d}" + f"{r.randint(0, 499):03d}", 2)
        if v:
            return v


def personnummer(r):
    y, m, d = _date(r)
    return _fmt("se.personnummer", _complete("se.personnummer", f"{y:02d}{m:02d}{d:02d}-" + _n(r, 3), 1))


def hetu(r):
    y, m, d = _date(r)
    return _complete("fi.hetu", f"{d:02d}{m:02d}{y:02d}-{r.randint(2, 899):03d}", 1, ALNUM)


def cpr(r):
    y, m, d = _date(r)
    return _fmt("dk.cpr", f"{d:02d}{m:02d}{y:02d}" + _n(r, 4))


def belgian_nn(r):
    y, m, d = _date(r)
    return _fmt("be.nn", _complete("be.nn", f"{y:02d}{m:02d}{d:02d}{r.randint(1, 997):03d}", 2))


def ahv(r):
    return _fmt("ch.ssn", _complete("ch.ssn", "756" + _n(r, 9), 1))


def rut(r):
    return _fmt("cl.rut", _complete("cl.rut", str(r.randint(5_000_000, 25_000_000)), 1, DIG + "K"))


def china_ric(r):
    y, m, d = _date(r)
    body = r.choice(["110101", "310104", "440305", "510107"]) + f"19{y:02d}{m:02d}{d:02d}" + _n(r, 3)
    return _complete("cn.ric", body, 1, DIG + "X")


def korea_rrn(r):
    y, m, d = _date(r)
    while True:
        v = _complete("kr.rrn", f"{y:02d}{m:02d}{d:02d}{r.choice('12')}" + _n(r, 5), 1)
        if v:
            return _fmt("kr.rrn", v)


def ppsn(r):
    return _complete("ie.pps", _n(r, 7), 1, string.ascii_uppercase)


def cnp(r):
    y, m, d = _date(r)
    return _complete("ro.cnp", f"{r.choice('12')}{y:02d}{m:02d}{d:02d}{r.randint(1, 46):02d}" + _n(r, 3), 1)


def za_id(r):
    y, m, d = _date(r)
    return _complete("za.idnr", f"{y:02d}{m:02d}{d:02d}" + _n(r, 4) + "08", 1)


def tckimlik(r):
    return _complete("tr.tckimlik", r.choice("123456789") + _n(r, 8), 2)


def israel_id(r):
    return _complete("il.idnr", _n(r, 8), 1)


def curp(r):
    y, m, d = _date(r)
    body = ("".join(r.choice("BCDFGHJKLMNPRSTVZ") for _ in range(1)) + r.choice("AEIOU")
            + "".join(r.choice("BCDFGHJKLMNPRSTVZ") for _ in range(2)) + f"{y:02d}{m:02d}{d:02d}"
            + r.choice("HM") + r.choice(["DF", "JC", "NL", "MC", "PL"])
            + "".join(r.choice("BCDFGHJKLMNPRSTVZ") for _ in range(3)) + r.choice("0123456789"))
    return _complete("mx.curp", body, 1)


def estonia_ik(r):
    y, m, d = _date(r)
    return _complete("ee.ik", f"{r.choice('34')}{y:02d}{m:02d}{d:02d}" + _n(r, 3), 1)


def oib(r):
    return _complete("hr.oib", r.choice("123456789") + _n(r, 9), 1)


def amka(r):
    y, m, d = _date(r)
    return _complete("gr.amka", f"{d:02d}{m:02d}{y:02d}" + _n(r, 4), 1)


def tfn(r):
    while True:
        v = _complete("au.tfn", r.choice("1234567") + _n(r, 7), 1)
        if v:
            return _fmt("au.tfn", v)


def my_number(r):
    return _fmt("jp.in_", _complete("jp.in_", _n(r, 11), 1))


def egn(r):
    y, m, d = _date(r)
    return _complete("bg.egn", f"{y:02d}{m:02d}{d:02d}" + _n(r, 3), 1)


def kennitala(r):
    y, m, d = _date(r)
    while True:
        v = _complete("is_.kennitala", f"{d:02d}{m:02d}{y:02d}" + _n(r, 2), 1, after="9")
        if v:
            return _fmt("is_.kennitala", v)


# name the id as a person would write it, the id maker, and whether its format is distinctive
# enough to stand with no word naming it
KINDS = [
    ("SSN", ssn, True), ("National Insurance number", nino, True), ("SIN", sin, False),
    ("numéro de sécurité sociale", nir, True), ("Steuer-ID", steuer_id, False), ("DNI", dni, True),
    ("NIE", nie, True), ("codice fiscale", codice_fiscale, True), ("BSN", bsn, False),
    ("Aadhaar", aadhaar, False), ("PESEL", pesel, False), ("CPF", cpf, True),
    ("fødselsnummer", fodselsnummer, False), ("personnummer", personnummer, False),
    ("henkilötunnus", hetu, True), ("CPR-nummer", cpr, False), ("rijksregisternummer", belgian_nn, True),
    ("AHV-Nummer", ahv, True), ("RUT", rut, False), ("身份证号", china_ric, True),
    ("주민등록번호", korea_rrn, True), ("PPS number", ppsn, False), ("CNP", cnp, False),
    ("SA ID number", za_id, False), ("TC Kimlik No", tckimlik, False), ("Teudat Zehut", israel_id, False),
    ("CURP", curp, True), ("isikukood", estonia_ik, False), ("OIB", oib, False), ("AMKA", amka, False),
    ("TFN", tfn, False), ("My Number", my_number, False), ("EGN", egn, False),
    ("kennitala", kennitala, False),
]
