"""Disguises a module could put on a value before printing it (value-level evasions).

Structural evasions (a value split across keys or array elements, JSON inside a string or a
log line) are done by the renderers in `render.py`.
"""

import base64
import re
from urllib.parse import quote

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ"}


def b64(rng, v):
    raw = v.encode()
    if rng.random() < 0.5:
        return base64.b64encode(raw).decode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def percent(rng, v):
    q = quote(v, safe="")
    if q != v and rng.random() < 0.6:
        return q
    return "".join(f"%{b:02X}" for b in v.encode())


def hexenc(rng, v):
    h = v.encode().hex()
    return h if rng.random() < 0.7 else h.upper()


def fullwidth(rng, v):
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in v)


def arabic_indic(rng, v):
    base = 0x0660 if rng.random() < 0.6 else 0x06F0  # Arabic-Indic or Extended (Persian)
    return "".join(chr(base + int(c)) if c.isdigit() else c for c in v)


def zero_width(rng, v):
    z = rng.choice(ZERO_WIDTH)
    if rng.random() < 0.6:
        return z.join(v)
    return "".join(c + (z if rng.random() < 0.4 else "") for c in v)


def separators(rng, v):
    """Regroup the digits (and letters, for IBANs) with an unusual separator."""
    sep = rng.choice([".", "/", "_", "\u2013", " . ", "|", "~"])
    body = v[1:] if v.startswith("+") else v
    if re.search(r"[\s\-./]", body):
        out = re.sub(r"[\s\-./()]+", sep, body)
    else:
        n = rng.choice([3, 4])
        out = sep.join(body[i : i + n] for i in range(0, len(body), n))
    return ("+" + out) if v.startswith("+") else out


def reverse(rng, v):
    return v[::-1]


def homoglyph(rng, v):
    """Swap one or two Latin letters for Cyrillic look-alikes (in the domain, for an email)."""
    start = v.index("@") + 1 if "@" in v else 0
    spots = [i for i in range(start, len(v)) if v[i] in HOMOGLYPHS]
    if not spots:
        return None
    out = list(v)
    for i in rng.sample(spots, min(len(spots), rng.choice([1, 2]))):
        out[i] = HOMOGLYPHS[out[i]]
    return "".join(out)


def at_word(rng, v):
    local, domain = v.split("@")
    style = rng.randrange(4)
    if style == 0:
        return f"{local} at {domain.replace('.', ' dot ')}"
    if style == 1:
        return f"{local} [at] {domain.replace('.', ' [dot] ')}"
    if style == 2:
        return f"{local}(at){domain}"
    return f"{local} AT {domain}"


VALUE_EVASIONS = {
    "base64": b64,
    "percent_encoding": percent,
    "hex": hexenc,
    "fullwidth": fullwidth,
    "arabic_indic_digits": arabic_indic,
    "zero_width": zero_width,
    "separator_change": separators,
    "reversal": reverse,
    "homoglyph": homoglyph,
    "at_word": at_word,
}
STRUCTURAL_EVASIONS = ["split_keys", "split_array", "double_encoded_json", "json_in_log"]
