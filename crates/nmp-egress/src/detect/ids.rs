//! Validators of national identifiers and bank numbers: each format's own checksum and the
//! date it encodes, so a bare number is reported only when it is one (about one random number
//! in ten to a hundred passes a single check digit; the dates and the second check narrow it).

use std::ops::Range;

pub(super) fn digits(bytes: &[u8]) -> Vec<u32> {
    bytes
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
        .collect()
}

/// `true` when the match touches a letter or digit, or continues a dotted/dashed number.
pub(super) fn glued(hay: &[u8], m: &Range<usize>) -> bool {
    let before = m.start.checked_sub(1).map(|i| hay[i]);
    let before2 = m.start.checked_sub(2).map(|i| hay[i]);
    let after = hay.get(m.end).copied();
    let after2 = hay.get(m.end + 1).copied();
    let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    let joined = |b: Option<u8>, b2: Option<u8>| {
        b.is_some_and(|b| matches!(b, b'-' | b'.' | b'/' | b'+')) && word(b2)
    };
    word(before) || word(after) || joined(before, before2) || joined(after, after2)
}

/// The separators of a grouped number are all the same (`123 456 782`, not `123 456-782`).
fn one_separator(s: &[u8]) -> bool {
    let mut seps = s.iter().filter(|b| !b.is_ascii_alphanumeric());
    let first = seps.next();
    seps.all(|b| Some(b) == first)
}

fn date_ok(day: u32, month: u32) -> bool {
    (1..=31).contains(&day) && (1..=12).contains(&month)
}

/// Luhn over decimal digits.
pub(super) fn luhn(d: &[u32]) -> bool {
    let bytes: Vec<u8> = d.iter().filter_map(|&x| u8::try_from(x).ok()).collect();
    super::check::luhn(&bytes)
}

/// UK National Insurance number: HMRC's prefix rules (first letter not D, F, I, Q, U, V; second
/// not also O; not BG, GB, KN, NK, NT, TN, ZZ), suffix A-D, written compact or grouped.
pub(crate) fn nino(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let prefix = &s[..2];
    let bad = [b"BG", b"GB", b"KN", b"NK", b"NT", b"TN", b"ZZ"];
    !glued(hay, &m) && !bad.iter().any(|b| prefix == *b) && one_separator(s)
}

/// Canadian SIN, grouped 3-3-3 with one separator: Luhn.
pub(crate) fn sin(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    !glued(hay, &m) && one_separator(s) && luhn(&digits(s))
}

/// French NIR (INSEE number): sex 1-2, month 01-12 or 20-99, key = 97 - (number mod 97), with
/// Corsica's `2A`/`2B` read as 19/18; compact or grouped by spaces.
pub(crate) fn nir(hay: &[u8], m: Range<usize>) -> bool {
    let s: Vec<u8> = hay[m.clone()]
        .iter()
        .copied()
        .filter(|b| *b != b' ')
        .collect();
    if glued(hay, &m) || s.len() != 15 {
        return false;
    }
    let month = u32::from(s[3] - b'0') * 10 + u32::from(s[4] - b'0');
    let body: String = s[..13].iter().map(|&b| char::from(b)).collect();
    let body = body.replacen("2A", "19", 1).replacen("2B", "18", 1);
    let (Ok(n), Ok(key)) = (
        body.parse::<u64>(),
        std::str::from_utf8(&s[13..]).unwrap_or("x").parse::<u64>(),
    ) else {
        return false;
    };
    ((1..=12).contains(&month) || month >= 20) && 97 - n % 97 == key
}

/// Italian codice fiscale: the check letter over the 15 characters before it.
pub(crate) fn codice_fiscale(hay: &[u8], m: Range<usize>) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let s = &hay[m.clone()];
    let value = |b: u8| -> u32 {
        if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A')
        }
    };
    let sum: u32 = s[..15]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if i % 2 == 0 {
                ODD[value(b) as usize]
            } else {
                value(b)
            }
        })
        .sum();
    !glued(hay, &m) && u32::from(s[15] - b'A') == sum % 26
}

/// Swedish personnummer (`YYMMDD-NNNN`, optionally with the century): a valid date (day + 60
/// for a coordination number) and Luhn over the ten digits.
pub(crate) fn personnummer(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    let d = &d[d.len() - 10..];
    let day = d[4] * 10 + d[5];
    !glued(hay, &m) && date_ok(day % 60, d[2] * 10 + d[3]) && luhn(d)
}

/// Finnish HETU (`DDMMYYCNNNQ`): a valid date and the mod-31 check character.
pub(crate) fn hetu(hay: &[u8], m: Range<usize>) -> bool {
    const CHECK: &[u8] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    let s = &hay[m.clone()];
    let d = digits(&s[..6]);
    let n: u64 = s[..6]
        .iter()
        .chain(&s[7..10])
        .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'));
    !glued(hay, &m)
        && date_ok(d[0] * 10 + d[1], d[2] * 10 + d[3])
        && CHECK[(n % 31) as usize] == s[10]
}

/// An 11-digit national number: Polish PESEL (date and weighted check), Norwegian
/// fødselsnummer (date and two mod-11 checks) or Brazilian CPF (two mod-11 checks), compact or
/// (CPF) as `000.000.000-00`.
pub(crate) fn eleven_digits(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    if glued(hay, &m) || d.len() != 11 || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    pesel(&d) || fodselsnummer(&d) || cpf(&d) || super::world::baltic_or_cuil(&d)
}

fn pesel(d: &[u32]) -> bool {
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = d.iter().zip(W).map(|(x, w)| x * w).sum();
    let month = (d[2] * 10 + d[3]) % 20;
    date_ok(d[4] * 10 + d[5], month) && (10 - sum % 10) % 10 == d[10]
}

fn mod11(d: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = d.iter().zip(weights).map(|(x, w)| x * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

fn fodselsnummer(d: &[u32]) -> bool {
    let k1 = mod11(&d[..9], &[3, 7, 6, 1, 8, 9, 4, 5, 2]);
    let k2 = mod11(&d[..10], &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    // D-numbers add 40 to the day.
    date_ok((d[0] * 10 + d[1]) % 40, d[2] * 10 + d[3]) && k1 == Some(d[9]) && k2 == Some(d[10])
}

fn cpf(d: &[u32]) -> bool {
    let check = |n: usize| {
        let sum: u32 = d[..n]
            .iter()
            .zip((2..=n as u32 + 1).rev())
            .map(|(x, w)| x * w)
            .sum();
        (sum * 10 % 11) % 10
    };
    check(9) == d[9] && check(10) == d[10]
}

/// Spanish DNI (8 digits) or NIE (`X`/`Y`/`Z` + 7 digits) and its mod-23 control letter.
pub(crate) fn dni(hay: &[u8], m: Range<usize>) -> bool {
    const LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let s = &hay[m.clone()];
    let lead = match s[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => 0,
    };
    let n = digits(s)
        .iter()
        .fold(lead, |acc, &x| acc * 10 + u64::from(x));
    !glued(hay, &m) && s.last() == Some(&LETTERS[(n % 23) as usize])
}

/// Indian Aadhaar, grouped 4-4-4 with one separator: Verhoeff check.
pub(crate) fn aadhaar(hay: &[u8], m: Range<usize>) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let s = &hay[m.clone()];
    let c = digits(s).iter().rev().enumerate().fold(0u8, |c, (i, &x)| {
        D[c as usize][P[i % 8][x as usize] as usize]
    });
    !glued(hay, &m) && one_separator(s) && c == 0
}

/// A sort code and account, or an ABA routing number (3-7-1 weighted checksum) and account.
pub(crate) fn bank(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    if glued(hay, &m) {
        return false;
    }
    if s[2] == b'-' {
        return true;
    }
    let d = digits(&s[..9]);
    let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8];
    sum.is_multiple_of(10)
}

/// A keyword-introduced identifier (`Member ID XEH123456789`, `Dutch BSN 378246598`, `routing
/// 021000021`): at least five digits (six when it is digits only), not a date.
pub(crate) fn id_phrase(hay: &[u8], m: Range<usize>) -> bool {
    let s = std::str::from_utf8(&hay[m.clone()]).unwrap_or_default();
    // The value: the trailing words made of upper-case letters, digits and separators.
    let tokens: Vec<&str> = s.split_ascii_whitespace().collect();
    let keep = tokens
        .iter()
        .rev()
        .take_while(|t| {
            t.bytes().all(|b| {
                b.is_ascii_uppercase() || b.is_ascii_digit() || b"./-#:=\"'([".contains(&b)
            })
        })
        .count();
    let joined = tokens[tokens.len() - keep..].join(" ");
    let value = joined
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .as_bytes();
    let n = value.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = value.iter().any(u8::is_ascii_uppercase);
    let text = std::str::from_utf8(value).unwrap_or_default().trim();
    let after = hay.get(m.end).copied();
    (n >= if letters { 5 } else { 6 } || super::field::pan_shaped(text))
        && !super::check::date_like(text)
        && !after.is_some_and(|b| {
            b.is_ascii_alphanumeric()
                || b == b'%'
                || b == b'.' && hay.get(m.end + 1).is_some_and(u8::is_ascii_digit)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(v: fn(&[u8], Range<usize>) -> bool, s: &str) -> bool {
        v(s.as_bytes(), 0..s.len())
    }

    #[test]
    fn checksums_hold_and_fail() {
        assert!(whole(nino, "AB123456C"));
        assert!(!whole(nino, "GB123456C"));
        assert!(whole(sin, "046 454 286"));
        assert!(!whole(sin, "046 454 287"));
        assert!(whole(nir, "2 84 07 58 024 243 60"));
        assert!(whole(nir, "239096548141362"));
        assert!(!whole(nir, "239096548141363"));
        assert!(whole(codice_fiscale, "RSSMRA85T10A562S"));
        assert!(!whole(codice_fiscale, "RSSMRA85T10A562T"));
        assert!(whole(personnummer, "811218-9876"));
        assert!(!whole(personnummer, "811218-9875"));
        assert!(whole(hetu, "131052-308T"));
        assert!(!whole(hetu, "131052-308U"));
        assert!(whole(eleven_digits, "44051401359"));
        assert!(whole(eleven_digits, "529.982.247-25"));
        assert!(!whole(eleven_digits, "529.982.247-26"));
        assert!(!whole(eleven_digits, "11111111111"));
        assert!(whole(dni, "12345678Z"));
        assert!(!whole(dni, "12345678A"));
        assert!(whole(dni, "X1234567L"));
        assert!(whole(aadhaar, "4775-2631-2324"));
        assert!(!whole(aadhaar, "4775-2631-2325"));
        assert!(!whole(aadhaar, "4775-2631 2324"));
        assert!(whole(personnummer, "19750503-4020"));
        assert!(whole(hetu, "100846-825C"));
        assert!(whole(eleven_digits, "46070378043"));
        assert!(whole(eleven_digits, "22015121568"));
        assert!(whole(codice_fiscale, "PBDYPD54L21Z722J"));
        assert!(whole(dni, "Y9046578W"));
    }

    #[test]
    fn phrases() {
        let hit = |s: &str| id_phrase(s.as_bytes(), 0..s.len());
        assert!(hit("Member ID XEH123456789"));
        assert!(hit("BSN 378246598"));
        assert!(!hit("member: 4.2"));
        assert!(!hit("claim 2024-01-05"));
        assert!(!hit("account 1234"));
    }
}
