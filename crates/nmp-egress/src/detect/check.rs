//! Validators that turn a regex candidate into a hit: checksums, number rules, context.
//!
//! Each takes the haystack and the candidate's range, so it can also look at the bytes around
//! the match (the `regex` crate has no look-around, which keeps it linear).

use std::ops::Range;

use base64::Engine as _;

/// A validator: `true` keeps the candidate.
pub(crate) type Validator = fn(&[u8], Range<usize>) -> bool;

fn digits(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect()
}

fn byte_before(hay: &[u8], m: &Range<usize>) -> Option<u8> {
    m.start.checked_sub(1).map(|i| hay[i])
}

/// `true` when the match touches a letter or digit, or continues a dotted/dashed/spaced number.
fn inside_number(hay: &[u8], m: &Range<usize>, joiners: &[u8]) -> bool {
    let before = byte_before(hay, m);
    let before2 = m.start.checked_sub(2).map(|i| hay[i]);
    let after = hay.get(m.end).copied();
    let after2 = hay.get(m.end + 1).copied();
    let glued_before =
        before.is_some_and(|b| joiners.contains(&b)) && before2.is_some_and(|b| b.is_ascii_digit());
    let glued_after =
        after.is_some_and(|b| joiners.contains(&b)) && after2.is_some_and(|b| b.is_ascii_digit());
    before.is_some_and(|b| b.is_ascii_alphanumeric())
        || after.is_some_and(|b| b.is_ascii_alphanumeric())
        || glued_before
        || glued_after
}

/// A high-entropy token with no telling key or prefix: 32-64 characters of upper- and
/// lower-case letters and digits (base64 or base64url alphabet, at most three `+`, `/`, `-` or
/// `_`, so not a path or an identifier made of words), not hex, not glued to a word, at least 4.3 bits of entropy per character, and not base64 of text
/// (that is decoded and scanned instead).
pub(crate) fn generic_secret(hay: &[u8], m: Range<usize>) -> bool {
    let glued = byte_before(hay, &m)
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || hay
            .get(m.end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
    let start = m.start;
    let raw = &hay[m];
    let body = raw
        .strip_suffix(b"==")
        .or_else(|| raw.strip_suffix(b"="))
        .unwrap_or(raw);
    let standard = body.iter().filter(|b| matches!(b, b'+' | b'/')).count();
    let url_safe = body.iter().filter(|b| matches!(b, b'-' | b'_')).count();
    if glued
        || !(32..=64).contains(&body.len())
        || standard + url_safe > 3
        || standard > 0 && url_safe > 0
    {
        return false;
    }
    let has = |f: fn(&u8) -> bool| body.iter().any(f);
    let engine = if url_safe > 0 {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD
    };
    let text_inside = engine
        .decode(body)
        .is_ok_and(|b| std::str::from_utf8(&b).is_ok());
    !after_cursor_key(hay, start)
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
        && !body.iter().all(u8::is_ascii_hexdigit)
        && !text_inside
        && std::str::from_utf8(body).is_ok_and(|s| entropy(s) >= 4.3)
        && !in_public_pem(hay, start)
}

/// `true` when the token at `at` is the value of a `key=value`, `key: value` or query-string
/// assignment whose key names a pagination position (`page_token=...`, `"endCursor": "..."`).
fn after_cursor_key(hay: &[u8], at: usize) -> bool {
    let mut i = at;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i > 0 && set.contains(&hay[*i - 1]) {
            *i -= 1;
        }
    };
    skip(&mut i, b"\"' \t");
    if i == 0 || !matches!(hay[i - 1], b'=' | b':') {
        return false;
    }
    i -= 1;
    skip(&mut i, b"\"' \t");
    let end = i;
    while i > 0
        && end - i < 64
        && (hay[i - 1].is_ascii_alphanumeric() || matches!(hay[i - 1], b'_' | b'-' | b'.'))
    {
        i -= 1;
    }
    std::str::from_utf8(&hay[i..end])
        .is_ok_and(|key| super::field::cursor_key(&super::keys::words(key)))
}

/// Bytes of the base64 and base64url alphabets (`A-Z`, `a-z`, `0-9`, `+`, `/`, `-`, `_`).
const IS_BASE64: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric()
            || b == b'+' as usize
            || b == b'/' as usize
            || b == b'-' as usize
            || b == b'_' as usize;
        b += 1;
    }
    table
};

/// Maximal runs of at least 32 base64- or base64url-alphabet bytes in `hay`, with up to two `=` of padding:
/// the candidates of [`generic_secret`].
pub(crate) fn base64_runs(hay: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < hay.len() {
            while pos < hay.len() && !IS_BASE64[usize::from(hay[pos])] {
                pos += 1;
            }
            let start = pos;
            while pos < hay.len() && IS_BASE64[usize::from(hay[pos])] {
                pos += 1;
            }
            let body = pos;
            while pos < hay.len() && pos < body + 2 && hay[pos] == b'=' {
                pos += 1;
            }
            if body - start >= 32 {
                return Some(start..pos);
            }
        }
        None
    })
}

/// Most bytes looked back for the `-----BEGIN` line of a PEM block.
const PEM_LOOKBACK: usize = 16 << 10;

/// `true` when `at` is inside the body of a PEM block (a certificate or public key is base64 of
/// DER, not a secret; private keys have their own rule).
fn in_public_pem(hay: &[u8], at: usize) -> bool {
    let before = &hay[at.saturating_sub(PEM_LOOKBACK)..at];
    let find = |needle: &[u8]| before.windows(needle.len()).rposition(|w| w == needle);
    match (find(b"-----BEGIN "), find(b"-----END ")) {
        (Some(begin), end) => end.is_none_or(|e| e < begin),
        (None, _) => false,
    }
}

/// Luhn checksum over the digits.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Payment card: 13-19 digits, one consistent separator, a known issuer prefix, Luhn.
pub(crate) fn card(hay: &[u8], m: Range<usize>) -> bool {
    let raw = &hay[m.clone()];
    let seps: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_digit())
        .collect();
    if seps.windows(2).any(|w| w[0] != w[1]) || inside_number(hay, &m, b"-. ") {
        return false;
    }
    let d = digits(raw);
    let prefix = |n: usize| {
        d.iter()
            .take(n)
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };
    let issuer = match d.first() {
        Some(4) => matches!(d.len(), 13 | 16 | 19),
        Some(5) => (51..=55).contains(&prefix(2)) && d.len() == 16,
        Some(2) => (2221..=2720).contains(&prefix(4)) && d.len() == 16,
        Some(3) => match prefix(2) {
            34 | 37 => d.len() == 15,
            35 => (3528..=3589).contains(&prefix(4)) && (16..=19).contains(&d.len()),
            // Diners Club: 14 digits, or 16 for the North American co-brands.
            30 | 36 | 38 | 39 => matches!(d.len(), 14 | 16),
            _ => false,
        },
        Some(6) => {
            (prefix(4) == 6011 || prefix(2) == 65 || (644..=649).contains(&prefix(3)))
                && (16..=19).contains(&d.len())
                || prefix(2) == 62 && (16..=19).contains(&d.len())
        }
        // JCB's 15-digit ranges.
        Some(1) => prefix(4) == 1800 && d.len() == 15,
        _ => false,
    } || prefix(4) == 2131 && d.len() == 15
        || maestro(prefix(4)) && (12..=19).contains(&d.len());
    issuer && luhn(&d)
}

/// Maestro's issuer ranges (12-19 digits).
fn maestro(prefix4: u32) -> bool {
    matches!(
        prefix4,
        5018 | 5020 | 5038 | 5893 | 6304 | 6759 | 6761..=6763 | 604 | 6390
    ) || (5600..=5899).contains(&prefix4)
}

/// US SSN with dashes or spaces: area not 000, 666 or 900-999; group not 00; serial not 0000.
pub(crate) fn ssn(hay: &[u8], m: Range<usize>) -> bool {
    if inside_number(hay, &m, b"-. ") {
        return false;
    }
    let d = digits(&hay[m]);
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = u32::from(d[3]) * 10 + u32::from(d[4]);
    let serial = d[5..].iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// IBAN: known country length and mod-97 == 1.
pub(crate) fn iban(hay: &[u8], m: Range<usize>) -> bool {
    let compact: Vec<u8> = hay[m]
        .iter()
        .filter(|b| **b != b' ')
        .map(u8::to_ascii_uppercase)
        .collect();
    let Some(len) = iban_length(&compact[..2]) else {
        return false;
    };
    if compact.len() != len {
        return false;
    }
    let rotated = compact[4..].iter().chain(&compact[..4]);
    let mut rem: u32 = 0;
    for &b in rotated {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// IBAN length per country (ISO 13616 registry), as `CCnn` words.
const IBAN_LENGTHS: &str = "AD24 AE23 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 \
    EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IS26 IT27 \
    JO30 KW30 KZ20 LB28 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 \
    PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SE24 SI19 SK24 SM27 TN24 TR26 UA29 VG24 XK20";

fn iban_length(country: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .split_ascii_whitespace()
        .find(|w| w.as_bytes().starts_with(country))
        .and_then(|w| w[2..].parse().ok())
}

/// IPv4 not glued into a longer dotted number, excluding 0.0.0.0, loopback and broadcast.
pub(crate) fn ipv4(hay: &[u8], m: Range<usize>) -> bool {
    if inside_number(hay, &m, b".") {
        return false;
    }
    let text = String::from_utf8_lossy(&hay[m]);
    match text.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => !(ip.is_unspecified() || ip.is_loopback() || ip.is_broadcast()),
        Err(_) => false,
    }
}

/// IPv6 that parses, excluding `::` and `::1`, not glued to letters, digits, colons or dots
/// (so `Sha256::digest` in source code is not an address).
pub(crate) fn ipv6(hay: &[u8], m: Range<usize>) -> bool {
    let glued =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'.');
    if glued(byte_before(hay, &m)) || glued(hay.get(m.end).copied()) {
        return false;
    }
    let text = String::from_utf8_lossy(&hay[m]);
    match text.parse::<std::net::Ipv6Addr>() {
        Ok(ip) => !(ip.is_unspecified() || ip.is_loopback()) && text.matches(':').count() >= 2,
        Err(_) => false,
    }
}

/// Phone: 8-15 digits for E.164, 10-11 for national formats; not inside a longer number.
pub(crate) fn phone(hay: &[u8], m: Range<usize>) -> bool {
    if inside_number(hay, &m, b"-.") && !extension_after(hay, &m) {
        return false;
    }
    // `Order #769-939-9803`: a number glued to `#` is a reference.
    if byte_before(hay, &m) == Some(b'#') {
        return false;
    }
    // An extension glued to the number (`956.356.1722x5462`) is not part of it.
    let raw = hay[m].split(|&b| b == b'x').next().unwrap_or_default();
    let n = raw.iter().filter(|b| b.is_ascii_digit()).count();
    if raw.first() == Some(&b'+') {
        (8..=15).contains(&n)
    } else if raw.first() == Some(&b'0') || raw.starts_with(b"(0") {
        (10..=11).contains(&n) && !raw.starts_with(b"00") && !raw.starts_with(b"(00")
    } else {
        // North American: area code and exchange start with 2-9.
        let d = digits(raw);
        n == 10 && d[0] >= 2 && d[3] >= 2
    }
}

/// `true` when the match is followed by a phone extension (`x825`, `X12`) and preceded by no
/// letter or digit: the `x` is not a glued word.
fn extension_after(hay: &[u8], m: &Range<usize>) -> bool {
    let before = byte_before(hay, m);
    matches!(hay.get(m.end), Some(b'x' | b'X'))
        && hay.get(m.end + 1).is_some_and(u8::is_ascii_digit)
        && !before.is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A national phone number (trunk `0`, bracketed area code, `1-`/`001-` prefix, Brazilian
/// grouping): 8-13 digits, not a date, not inside a longer number (an extension may follow).
pub(crate) fn national_phone(hay: &[u8], m: Range<usize>) -> bool {
    if inside_number(hay, &m, b"-./") && !extension_after(hay, &m) {
        return false;
    }
    let raw = &hay[m];
    let n = raw.iter().filter(|b| b.is_ascii_digit()).count();
    let text = std::str::from_utf8(raw).unwrap_or_default();
    // Groups joined only by dashes after the area code have one length (`03-8502-2854`), so
    // an SSN-shaped number read backwards (`0127-58-989`) is no phone number.
    let dashed: Vec<&str> = text.split('-').collect();
    let uneven = !text.contains(' ')
        && dashed.len() >= 3
        && dashed[1..].iter().any(|g| g.len() != dashed[1].len());
    // After an international `00` prefix come a country code and a national number.
    let digits = if raw.starts_with(b"00") {
        11..=15
    } else {
        8..=13
    };
    digits.contains(&n) && !uneven && !date_like(text) && !raw.starts_with(b"00 ")
}

/// A number that a word calls a phone number: 7-15 digits written with phone separators, not a
/// date, a decimal or part of a longer number.
pub(crate) fn phrase_phone(hay: &[u8], m: Range<usize>) -> bool {
    let raw = &hay[m.clone()];
    let Some(start) = raw
        .iter()
        .position(|b| b.is_ascii_digit() || matches!(b, b'+' | b'('))
    else {
        return false;
    };
    let number = std::str::from_utf8(&raw[start..])
        .unwrap_or_default()
        .trim();
    let n = number.bytes().filter(u8::is_ascii_digit).count();
    let after = hay.get(m.end).copied();
    let decimal = number.bytes().filter(|&b| b == b'.').count() == 1
        && !number.contains(' ')
        && !number.contains('-');
    (7..=15).contains(&n)
        && !date_like(number)
        && !decimal
        && !after.is_some_and(|b| {
            b.is_ascii_alphabetic() && b != b'x'
                || b == b'%'
                || b == b',' && hay.get(m.end + 1).is_some_and(u8::is_ascii_digit)
        })
}

/// Passport MRZ second line: the document number, birth date and expiry check digits hold.
pub(crate) fn mrz_line2(hay: &[u8], m: Range<usize>) -> bool {
    let l = &hay[m];
    mrz_check(&l[0..9], l[9]) && mrz_check(&l[13..19], l[19]) && mrz_check(&l[21..27], l[27])
}

/// Passport MRZ first line: `P`, a type letter or `<`, a country, names separated by `<<`.
pub(crate) fn mrz_line1(hay: &[u8], m: Range<usize>) -> bool {
    hay[m].windows(2).any(|w| w == b"<<")
}

fn mrz_check(field: &[u8], check: u8) -> bool {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = field
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let v = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'A'..=b'Z' => u32::from(c - b'A') + 10,
                _ => 0,
            };
            v * WEIGHTS[i % 3]
        })
        .sum();
    check.is_ascii_digit() && sum % 10 == u32::from(check - b'0')
}

/// JWT: the header segment is base64url JSON naming an `alg`.
pub(crate) fn jwt(hay: &[u8], m: Range<usize>) -> bool {
    let header = hay[m].split(|b| *b == b'.').next().unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.strip_suffix(b"=").unwrap_or(header))
        .ok()
        .and_then(|h| serde_json::from_slice::<serde_json::Value>(&h).ok())
        .is_some_and(|v| v.get("alg").is_some())
}

/// `true` when the last four-digit number of the match is a year someone now alive and of age
/// was born in (1900-2011): a date after a name is then a date of birth, not an event's.
pub(super) fn birth_year(hay: &[u8], m: Range<usize>) -> bool {
    hay[m]
        .split(|b| !b.is_ascii_digit())
        .rfind(|run| run.len() == 4)
        .and_then(|run| std::str::from_utf8(run).ok()?.parse::<u32>().ok())
        .is_some_and(|year| (1900..=2011).contains(&year))
}

/// `true` for a date written with separators (`2024-01-05`, `05/01/2024`, `5.1.24`) or a time
/// (`12:30`): numbers that are no identifier.
pub(crate) fn date_like(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let numeric = |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    let n = |i: usize| parts[i].parse::<u32>().unwrap_or(99);
    let date = parts.len() == 3
        && parts.iter().all(numeric)
        && (parts[0].len() == 4
            && parts[1].len() <= 2
            && parts[2].len() <= 2
            && (1..=12).contains(&n(1))
            && (1..=31).contains(&n(2))
            || parts[0].len() <= 2
                && parts[1].len() <= 2
                && matches!(parts[2].len(), 2 | 4)
                && (1..=31).contains(&n(0))
                && (1..=31).contains(&n(1))
                && (n(0) <= 12 || n(1) <= 12));
    date || s.contains(':') && s.bytes().all(|b| b.is_ascii_digit() || b == b':')
}

/// A bearer token: the value after `Bearer` is token-shaped (letters and digits, at least 20
/// characters, 3 bits/character), not a placeholder.
pub(crate) fn bearer(hay: &[u8], m: Range<usize>) -> bool {
    let s = std::str::from_utf8(&hay[m]).unwrap_or_default();
    let token = s.rsplit([' ', '\t']).next().unwrap_or_default();
    s.starts_with("ya29.") || s.starts_with("1//0") || token_shaped(token)
}

fn token_shaped(token: &str) -> bool {
    let digits = token.bytes().any(|b| b.is_ascii_digit());
    let letters = token.bytes().any(|b| b.is_ascii_alphabetic());
    token.len() >= 16 && digits && letters && entropy(token) >= 3.0
}

/// The password of a password phrase or command line: the last word of the match is
/// credential-shaped ([`super::field::credential_value`]).
pub(crate) fn password_phrase(hay: &[u8], m: Range<usize>) -> bool {
    let s = std::str::from_utf8(&hay[m]).unwrap_or_default().trim();
    let value = if let Some(p) = s.rfind(" -p") {
        &s[p + 3..]
    } else if s.starts_with("-u") || s.starts_with("--user") {
        s.rsplit_once(':').map_or("", |(_, v)| v)
    } else {
        s.trim_end_matches('=')
            .rsplit([' ', '\t', ':', '=', '"', '\'', '`'])
            .next()
            .unwrap_or_default()
    };
    let value = value.trim_end_matches(['.', ',', ';', ')']);
    super::field::credential_value(value)
}

/// The password of a command line or credentials file ([`super::secret::RULES`]): the word
/// after `echo`, the fifth field of a `.pgpass` line, or the last word (after `user:` or
/// `user /` in a credentials phrase), credential-shaped ([`super::field::credential_value`]).
pub(crate) fn cli_password(hay: &[u8], m: Range<usize>) -> bool {
    let s = std::str::from_utf8(&hay[m]).unwrap_or_default().trim();
    let lower = s.to_ascii_lowercase();
    let value = if s.starts_with("echo") {
        s.split_ascii_whitespace().nth(1).unwrap_or_default()
    } else if !s.contains([' ', '\t']) {
        s.splitn(5, ':').nth(4).unwrap_or_default()
    } else {
        let last = s.split_ascii_whitespace().last().unwrap_or_default();
        if ["cred", "login"].iter().any(|w| lower.starts_with(w)) {
            last.rsplit([':', '/'])
                .find(|v| !v.is_empty())
                .unwrap_or_default()
        } else {
            last
        }
    };
    let value = value.trim_matches(['"', '\'']).trim_start_matches('=');
    super::field::credential_value(value)
}

/// The secret of a secret phrase: token-shaped (letters and digits, 16 or more characters, 3
/// bits/character; hex and `base64:` keys count), not a reference or URL, and the phrase not
/// about a page or cursor (`next page token is ...`).
pub(crate) fn secret_phrase(hay: &[u8], m: Range<usize>) -> bool {
    let s = std::str::from_utf8(&hay[m.clone()]).unwrap_or_default();
    let value = s
        .trim_end_matches(['.', ',', ';', ')'])
        .trim_end_matches('=')
        .rsplit([' ', '\t', ':', '=', '"', '\'', '`'])
        .next()
        .unwrap_or_default()
        .trim_end_matches(['.', ',', ';', ')']);
    let value = value.strip_prefix("base64:").unwrap_or(value);
    let before = &hay[m.start.saturating_sub(24)..m.start];
    let before = String::from_utf8_lossy(before).to_ascii_lowercase();
    let cursor = [
        "page",
        "cursor",
        "next",
        "continuation",
        "pagination",
        "sync",
        "resume",
    ]
    .iter()
    .any(|w| before.contains(w));
    !cursor && token_shaped(value) && !value.contains("://") && !super::field::is_mask(value)
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = text.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(v: Validator, s: &str) -> bool {
        v(s.as_bytes(), 0..s.len())
    }

    #[test]
    fn cards() {
        assert!(whole(card, "4111111111111111"));
        assert!(whole(card, "4111 1111 1111 1111"));
        assert!(whole(card, "4111.1111.1111.1111"));
        assert!(whole(card, "4111/1111/1111/1111"));
        assert!(whole(card, "378282246310005"));
        assert!(!whole(card, "4111111111111112"));
        assert!(!whole(card, "4111-1111 1111-1111"));
        assert!(!whole(card, "1234567812345670"));
    }

    #[test]
    fn generic_secrets() {
        assert!(whole(generic_secret, "x7Kp2QvR9sLm4TnW8yZb3HcJ6fGd1AeU"));
        assert!(whole(
            generic_secret,
            "Y3ZxJgzzt26geU5baBObvRFdvmy975_G9Ria"
        ));
        assert!(!whole(
            generic_secret,
            "cohort_export_Step_3_worker_9_Batch_12"
        ));
        assert!(!whole(
            generic_secret,
            "dbbce525-efed-4b4a-aaa9-4bec9ffab048"
        ));
        assert!(!whole(generic_secret, "0123456789abcdef0123456789abcdef"));
        assert!(!whole(
            generic_secret,
            "/api/v1/Patients/123/Observations/abc"
        ));
        assert!(!whole(
            generic_secret,
            "UGF0aWVudCBjb3VudCBieSB3YXJkIGFuZCB3ZWVr"
        ));
        assert!(!whole(
            generic_secret,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA1"
        ));
    }

    #[test]
    fn ssns() {
        assert!(whole(ssn, "123-45-6789"));
        assert!(whole(ssn, "123.45.6789"));
        assert!(!whole(ssn, "666-45-6789"));
        assert!(!whole(ssn, "923-45-6789"));
        assert!(!whole(ssn, "123-00-6789"));
        assert!(!whole(ssn, "123-45-0000"));
    }

    #[test]
    fn ibans() {
        assert!(whole(iban, "GB82WEST12345698765432"));
        assert!(whole(iban, "DE89 3704 0044 0532 0130 00"));
        assert!(!whole(iban, "GB82WEST12345698765433"));
    }

    #[test]
    fn ips() {
        assert!(whole(ipv4, "203.0.113.7"));
        assert!(!whole(ipv4, "127.0.0.1"));
        assert!(!ipv4(b"1.2.3.4.5", 0..7));
        assert!(whole(ipv6, "2001:db8::8a2e:370:7334"));
        assert!(!whole(ipv6, "::1"));
        assert!(!ipv6(b"Sha256::digest", 2..7));
    }

    #[test]
    fn mrz() {
        let line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        assert!(whole(mrz_line2, line2));
        assert!(!whole(mrz_line2, &line2.replace("C36", "C37")));
    }

    #[test]
    fn phones() {
        assert!(whole(phone, "+1 415 555 0132"));
        assert!(whole(phone, "(415) 555-0132"));
        assert!(!whole(phone, "123-456-7890"));
        assert!(whole(phone, "020 7946 0958"));
        assert!(whole(phone, "(020) 7946 0958"));
    }

    #[test]
    fn entropy_orders_strings() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("x8#Lq2!vZ0pR") > 3.4);
    }
}
