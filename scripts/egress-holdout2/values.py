"""Value makers for the second hold-out corpus: personal data, secrets and restricted values.

Every maker takes the seeded `random.Random` (and the seeded Faker instances) and returns a
string in a format a real system prints. Checksums are computed where the format has one.
Nothing here was derived from the filter's rules: formats follow the issuers' and
administrations' own documentation.
"""

import base64
import hashlib
import hmac
import json
import string

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def luhn_digit(partial):
    """Check digit that makes `partial + digit` pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# ---------------------------------------------------------------------------- payment cards

CARD_BRANDS = [
    # (brand, prefixes, length, grouping)
    ("visa", ["4"], 16, (4, 4, 4, 4)),
    ("visa", ["4"], 16, (4, 4, 4, 4)),
    ("mastercard", ["51", "52", "53", "54", "55", "2221", "2720", "2500"], 16, (4, 4, 4, 4)),
    ("amex", ["34", "37"], 15, (4, 6, 5)),
    ("discover", ["6011", "65", "644"], 16, (4, 4, 4, 4)),
    ("jcb", ["3528", "3566", "3589"], 16, (4, 4, 4, 4)),
    ("diners", ["36", "300", "305"], 14, (4, 6, 4)),
    ("unionpay", ["62"], 16, (4, 4, 4, 4)),
    ("unionpay", ["62"], 19, (4, 4, 4, 4, 3)),
    ("maestro", ["6759", "5018"], 16, (4, 4, 4, 4)),
]


def card(rng):
    brand, prefixes, length, groups = rng.choice(CARD_BRANDS)
    p = rng.choice(prefixes)
    body = p + rand(rng, string.digits, length - len(p) - 1)
    num = body + luhn_digit(body)
    assert luhn_ok(num)
    style = rng.random()
    if style < 0.4:
        return num, brand
    sep = " " if style < 0.75 else "-"
    out, i = [], 0
    for g in groups:
        out.append(num[i : i + g])
        i += g
    return sep.join(out), brand


# ---------------------------------------------------------------------------- national ids


def nino(rng):
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    while first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
        second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    digits = rand(rng, string.digits, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{first}{second}{digits}{suffix}"


def us_ssn(rng):
    area = rng.randint(1, 899)
    while area == 666:
        area = rng.randint(1, 899)
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def es_dni(rng):
    n = rng.randint(10000000, 99999999)
    letter = "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]
    return f"{n}{letter}" if rng.random() < 0.7 else f"{n}-{letter}"


def es_nie(rng):
    pre = rng.choice("XYZ")
    n = rng.randint(1000000, 9999999)
    full = int(str("XYZ".index(pre)) + str(n))
    return f"{pre}{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[full % 23]}"


def de_steuer_id(rng):
    # 11 digits, first not 0, in the first ten one digit appears twice (or three times),
    # check digit ISO 7064 MOD 11,10.
    while True:
        digits = rng.sample(string.digits, 9)
        dup = rng.choice(digits)
        digits.append(dup)
        rng.shuffle(digits)
        if digits[0] != "0":
            break
    product = 10
    for d in digits:
        s = (int(d) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    check = (11 - product) % 10
    n = "".join(digits) + str(check)
    return n if rng.random() < 0.6 else f"{n[:2]} {n[2:5]} {n[5:8]} {n[8:]}"


def za_id(rng, dob):
    body = dob.strftime("%y%m%d") + f"{rng.randint(0, 9999):04d}" + rng.choice("01") + "8"
    return body + luhn_digit(body)


def au_tfn(rng):
    weights = [1, 4, 3, 7, 5, 8, 6, 9, 10]
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        if d[0] != 0 and sum(a * b for a, b in zip(d, weights)) % 11 == 0:
            n = "".join(map(str, d))
            return f"{n[:3]} {n[3:6]} {n[6:]}"


def jp_my_number(rng):
    d = [rng.randint(0, 9) for _ in range(11)]
    total = 0
    for n in range(1, 12):
        p = d[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    check = 0 if r <= 1 else 11 - r
    s = "".join(map(str, d)) + str(check)
    return f"{s[:4]} {s[4:8]} {s[8:]}"


def ie_ppsn(rng):
    d = [rng.randint(0, 9) for _ in range(7)]
    total = sum(x * w for x, w in zip(d, [8, 7, 6, 5, 4, 3, 2]))
    letter = "WABCDEFGHIJKLMNOPQRSTUV"[total % 23]
    return "".join(map(str, d)) + letter


def pt_nif(rng):
    d = [rng.choice([1, 2])] + [rng.randint(0, 9) for _ in range(7)]
    total = sum(x * w for x, w in zip(d, range(9, 1, -1)))
    r = total % 11
    check = 0 if r < 2 else 11 - r
    return "".join(map(str, d)) + str(check)


def br_cpf_fmt(raw):
    return f"{raw[:3]}.{raw[3:6]}.{raw[6:9]}-{raw[9:]}"


def dk_cpr(rng, dob):
    return dob.strftime("%d%m%y") + "-" + f"{rng.randint(0, 9999):04d}"


def national_id(rng, fk):
    """(value, name of the id in its country, telling keys, distinctive format?)"""
    kind = rng.choice(
        [
            "us", "us", "uk", "ca", "fr", "nl", "it", "es", "es_nie", "se", "fi", "pl", "br",
            "no", "dk", "de", "ch", "be", "cn", "in", "kr", "tw", "tr", "ro", "gr", "il",
            "za", "au", "mx", "jp", "ie", "pt", "hr", "ee", "ar",
        ]
    )
    dob = fk["en_US"].date_of_birth(minimum_age=18, maximum_age=90)
    table = {
        "us": (lambda: us_ssn(rng), "SSN", ["ssn_full", "social_security_number", "SSN", "tin"], True),
        "uk": (lambda: nino(rng), "National Insurance number", ["nino", "ni_number", "NINumber"], True),
        "ca": (lambda: fk["en_CA"].ssn(), "SIN", ["sin", "social_insurance_no"], False),
        "fr": (lambda: fk["fr_FR"].ssn(), "numéro de sécurité sociale (NIR)", ["nir", "numero_secu", "insee"], False),
        "nl": (lambda: fk["nl_NL"].ssn(), "BSN", ["bsn", "burgerservicenummer"], False),
        "it": (lambda: fk["it_IT"].ssn(), "codice fiscale", ["codice_fiscale", "cf", "codiceFiscale"], True),
        "es": (lambda: es_dni(rng), "DNI", ["dni", "nif", "documento"], False),
        "es_nie": (lambda: es_nie(rng), "NIE", ["nie", "documento_extranjero"], True),
        "se": (lambda: fk["sv_SE"].ssn(), "personnummer", ["personnummer", "pnr"], False),
        "fi": (lambda: fk["fi_FI"].ssn(), "henkilötunnus (HETU)", ["hetu", "henkilotunnus"], True),
        "pl": (lambda: fk["pl_PL"].ssn(), "PESEL", ["pesel"], False),
        "br": (lambda: br_cpf_fmt(fk["pt_BR"].ssn()), "CPF", ["cpf", "cpf_titular"], True),
        "no": (lambda: fk["no_NO"].ssn(), "fødselsnummer", ["fodselsnummer", "fnr"], False),
        "dk": (lambda: dk_cpr(rng, dob), "CPR-nummer", ["cpr", "cpr_nr"], False),
        "de": (lambda: de_steuer_id(rng), "Steuer-ID", ["steuer_id", "steuerliche_idnr", "tax_identification_number"], False),
        "ch": (lambda: fk["de_CH"].ssn(), "AHV-Nummer", ["ahv_nr", "avs", "ahv13"], True),
        "be": (lambda: fk["nl_BE"].ssn(), "rijksregisternummer", ["rijksregisternummer", "niss", "national_number"], False),
        "cn": (lambda: fk["zh_CN"].ssn(), "居民身份证号码 (resident identity card number)", ["sfzh", "id_card_no", "resident_id"], True),
        "in": (lambda: " ".join(fk["en_IN"].aadhaar_id()[i : i + 4] for i in (0, 4, 8)), "Aadhaar number", ["aadhaar", "aadhaar_no", "uid"], False),
        "kr": (lambda: fk["ko_KR"].ssn(), "resident registration number", ["rrn", "jumin_no"], True),
        "tw": (lambda: fk["zh_TW"].ssn(), "national identification card number", ["tw_id", "national_id_no"], True),
        "tr": (lambda: fk["tr_TR"].ssn(), "TC Kimlik No", ["tc_kimlik_no", "tckn"], False),
        "ro": (lambda: fk["ro_RO"].ssn(), "CNP", ["cnp", "cod_numeric_personal"], False),
        "gr": (lambda: fk["el_GR"].ssn(), "AMKA", ["amka"], False),
        "il": (lambda: fk["he_IL"].ssn(), "Teudat Zehut", ["teudat_zehut", "tz"], False),
        "za": (lambda: za_id(rng, dob), "South African ID number", ["sa_id_number", "id_number"], False),
        "au": (lambda: au_tfn(rng), "TFN", ["tfn", "tax_file_number"], False),
        "mx": (lambda: fk["es_MX"].curp(), "CURP", ["curp"], True),
        "jp": (lambda: jp_my_number(rng), "My Number (個人番号)", ["my_number", "kojin_bango"], False),
        "ie": (lambda: ie_ppsn(rng), "PPS number", ["ppsn", "pps_no"], True),
        "pt": (lambda: pt_nif(rng), "NIF", ["nif", "numero_contribuinte"], False),
        "hr": (lambda: fk["hr_HR"].ssn(), "OIB", ["oib"], False),
        "ee": (lambda: fk["et_EE"].ssn(), "isikukood", ["isikukood"], False),
        "ar": (lambda: fk["es_AR"].ssn(), "CUIL", ["cuil", "cuit"], True),
    }
    make, label, keys, distinctive = table[kind]
    return make(), label, keys, distinctive


# ---------------------------------------------------------------------------- bank accounts

IBAN_LOCALES = [
    "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES", "pl_PL", "pt_PT", "nl_BE", "de_CH", "no_NO",
    "fi_FI", "da_DK", "tr_TR", "ro_RO", "el_GR", "cs_CZ", "sk_SK", "en_IE", "de_AT", "en_GB",
]


def aba_routing(rng):
    while True:
        d = [rng.randint(0, 9) for _ in range(8)]
        d[0], d[1] = map(int, rng.choice(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
                                          "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32"]))
        s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
        check = (10 - s % 10) % 10
        return "".join(map(str, d)) + str(check)


def bank_account(rng, fk):
    """(value or (routing, account) pair, description)"""
    kind = rng.random()
    if kind < 0.65:
        iban = fk[rng.choice(IBAN_LOCALES)].iban()
        if rng.random() < 0.5:
            iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return iban, "IBAN"
    if kind < 0.85:
        return (aba_routing(rng), rand(rng, string.digits, rng.randint(8, 12))), "US account"
    sort = f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    return (sort, rand(rng, string.digits, 8)), "UK account"


# ---------------------------------------------------------------------------- health ids


def member_id(rng):
    kind = rng.randrange(6)
    if kind == 0:  # Medicare Beneficiary Identifier: C A AN N A AN N A A N N
        letters = "ACDEFGHJKMNPQRTUVWXY"
        an = letters + string.digits
        m = (
            rng.choice("123456789") + rng.choice(letters) + rng.choice(an) + rng.choice(string.digits)
            + rng.choice(letters) + rng.choice(an) + rng.choice(string.digits)
            + rng.choice(letters) + rng.choice(letters) + rng.choice(string.digits) + rng.choice(string.digits)
        )
        return (m if rng.random() < 0.5 else f"{m[:4]}-{m[4:7]}-{m[7:]}"), "Medicare MBI"
    if kind == 1:
        return "W" + rand(rng, string.digits, 9), "member ID"
    if kind == 2:
        return rand(rng, string.ascii_uppercase, 3) + rand(rng, string.digits, 9), "subscriber ID"
    if kind == 3:
        return rand(rng, string.ascii_uppercase, 3) + "M" + rand(rng, string.digits, 8) + "01", "member number"
    if kind == 4:
        return f"{rng.randint(100, 999)}{rand(rng, string.digits, 6)}-{rng.randint(1, 4):02d}", "member/dependent ID"
    return "ZGP" + rand(rng, string.digits, 9), "health plan ID"


def mrn(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return rand(rng, string.digits, 8)
    if kind == 1:
        return "MRN-" + rand(rng, string.digits, 7)
    if kind == 2:
        return rng.choice("AEKMT") + rand(rng, string.digits, 7)
    if kind == 3:
        return f"{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"
    return rand(rng, string.digits, 10)


# ---------------------------------------------------------------------------- secrets


def api_key(rng):
    """(key, provider)"""
    kind = rng.randrange(22)
    r = rng
    if kind == 0:
        return "AKIA" + rand(r, string.ascii_uppercase + "234567", 16), "AWS access key id"
    if kind == 1:
        return rand(r, B64, 40), "AWS secret access key"
    if kind == 2:
        return "ghp_" + rand(r, ALNUM, 36), "GitHub personal access token"
    if kind == 3:
        return "github_pat_11" + rand(r, UPPER_ALNUM, 20) + "_" + rand(r, ALNUM, 59), "GitHub fine-grained token"
    if kind == 4:
        return "glpat-" + rand(r, ALNUM + "-_", 20), "GitLab token"
    if kind == 5:
        return f"xoxb-{rand(r, string.digits, 12)}-{rand(r, string.digits, 13)}-{rand(r, ALNUM, 24)}", "Slack bot token"
    if kind == 6:
        return "sk_live_" + rand(r, ALNUM, 99), "Stripe secret key"
    if kind == 7:
        return "AIza" + rand(r, ALNUM + "-_", 35), "Google API key"
    if kind == 8:
        return "sk-proj-" + rand(r, ALNUM + "-_", 156), "OpenAI project key"
    if kind == 9:
        return "sk-ant-api03-" + rand(r, ALNUM + "-_", 93) + "AA", "Anthropic API key"
    if kind == 10:
        return "SG." + rand(r, ALNUM + "-_", 22) + "." + rand(r, ALNUM + "-_", 43), "SendGrid API key"
    if kind == 11:
        return "SK" + rand(r, HEX, 32), "Twilio API key"
    if kind == 12:
        return "npm_" + rand(r, ALNUM, 36), "npm token"
    if kind == 13:
        return "hf_" + rand(r, string.ascii_letters, 34), "Hugging Face token"
    if kind == 14:
        return "shpat_" + rand(r, HEX, 32), "Shopify access token"
    if kind == 15:
        return "dop_v1_" + rand(r, HEX, 64), "DigitalOcean token"
    if kind == 16:
        return "key-" + rand(r, HEX, 32), "Mailgun API key"
    if kind == 17:
        return "dapi" + rand(r, HEX, 32), "Databricks token"
    if kind == 18:
        return "pypi-AgEIcHlwaS5vcmc" + rand(r, B64URL, 150), "PyPI upload token"
    if kind == 19:
        return f"{r.randint(100000000, 9999999999)}:AA{rand(r, ALNUM + '-_', 33)}", "Telegram bot token"
    if kind == 20:
        return f"PMAK-{rand(r, HEX, 24)}-{rand(r, HEX, 34)}", "Postman API key"
    return "lin_api_" + rand(r, ALNUM, 40), "Linear API key"


def jwt(rng, fk):
    header = {"alg": "HS256", "typ": "JWT"}
    now = 1796000000 + rng.randint(0, 5000000)
    payload = {
        "sub": str(rng.randint(10000, 999999)),
        "email": fk["en_US"].email() if rng.random() < 0.3 else None,
        "scope": rng.choice(["read:claims", "openid profile", "admin", "records:write"]),
        "iat": now,
        "exp": now + 3600,
        "iss": rng.choice(["https://auth.northwind-health.example", "https://login.acme-bank.example"]),
    }
    payload = {k: v for k, v in payload.items() if v is not None}

    def b64(d):
        return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=").decode()

    signing_input = b64(header) + "." + b64(payload)
    key = bytes(rng.getrandbits(8) for _ in range(32))
    sig = base64.urlsafe_b64encode(hmac.new(key, signing_input.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    return signing_input + "." + sig


def token(rng, fk):
    kind = rng.randrange(5)
    if kind <= 1:
        return jwt(rng, fk), "JWT"
    if kind == 2:
        return "ya29." + rand(rng, ALNUM + "-_", 160), "Google OAuth access token"
    if kind == 3:
        return "gho_" + rand(rng, ALNUM, 36), "GitHub OAuth token"
    return rand(rng, ALNUM, 40), "session token"


def password(rng, fk):
    kind = rng.randrange(4)
    if kind == 0:
        return fk["en_US"].password(length=rng.randint(10, 18))
    if kind == 1:
        words = ["Winter", "Harbor", "Falcon", "Maple", "Orbit", "Copper", "Tango", "Violet"]
        return rng.choice(words) + rng.choice(words) + str(rng.randint(10, 2030)) + rng.choice("!#$%&*?")
    if kind == 2:
        return rand(rng, ALNUM + "!@#$%^&*", rng.randint(12, 24))
    return fk["de_DE"].password(length=14, special_chars=True)


def private_key(rng):
    kind = rng.randrange(5)
    if kind == 0:
        label, n = "RSA PRIVATE KEY", 1190
    elif kind == 1:
        label, n = "EC PRIVATE KEY", 164
    elif kind == 2:
        label, n = "PRIVATE KEY", 1624
    elif kind == 3:
        label, n = "OPENSSH PRIVATE KEY", 540
    else:
        label, n = "ENCRYPTED PRIVATE KEY", 1700
    body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n * 3 // 4))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n", label


def generic_secret(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return rand(rng, HEX, 64)
    if kind == 1:
        return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()
    if kind == 2:
        return rand(rng, ALNUM, 48)
    return base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(24))).decode().rstrip("=")


def connection_string(rng, fk, pw):
    user = rng.choice(["svc_reporting", "etl", "app", "analytics_ro", "postgres", "admin"])
    host = rng.choice(["db-prod-3.internal", "10.20.4.17", "claims-db.cluster-c9x.eu-west-1.rds.amazonaws.com", "sql01.corp.local"])
    from urllib.parse import quote

    kind = rng.randrange(4)
    if kind == 0:
        return f"postgresql://{user}:{quote(pw, safe='')}@{host}:5432/claims"
    if kind == 1:
        return f"mysql://{user}:{quote(pw, safe='')}@{host}:3306/hr"
    if kind == 2:
        return f"Server={host};Database=Payroll;User Id={user};Password={pw};"
    return f"mongodb+srv://{user}:{quote(pw, safe='')}@{host}/members?retryWrites=true"
