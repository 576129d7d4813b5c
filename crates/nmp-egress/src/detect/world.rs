//! Validators of more countries' national identifiers (fourth round of issue 11): each one's
//! published check digit and, where the number encodes one, its date of birth. A bare number is
//! reported only in a format of its own (`756.1234.5678.97`, `12.345.678-5`, `900101-1234567`)
//! or with a check strong enough that a random number rarely passes; the rest (Turkish, Japanese,
//! Australian numbers written as bare digits) need a key or a word naming them.

use std::ops::Range;

use super::ids::{digits, glued, luhn};

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn num(d: &[u32]) -> u64 {
    d.iter().fold(0, |n, &x| n * 10 + u64::from(x))
}

fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

/// Belgian national register number (`85.07.30-033.28`, `85073003328`): a birth date and
/// 97 - (number mod 97), with `2` before it for births from 2000.
pub(crate) fn belgian(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    if glued(hay, &m) || d.len() != 11 {
        return false;
    }
    let body = num(&d[..9]);
    let check = u64::from(d[9] * 10 + d[10]);
    let month = d[2] * 10 + d[3];
    (month <= 12)
        && (97 - body % 97 == check || 97 - (2_000_000_000 + body) % 97 == check)
        && d[4] * 10 + d[5] <= 31
}

/// Swiss AHV/AVS number (`756.1234.5678.97`): country prefix 756 and an EAN-13 check digit.
pub(crate) fn ahv(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    let sum: u32 = d[..12]
        .iter()
        .enumerate()
        .map(|(i, &x)| if i % 2 == 1 { 3 * x } else { x })
        .sum();
    !glued(hay, &m) && d.len() == 13 && (10 - sum % 10) % 10 == d[12]
}

/// Chilean RUT/RUN (`12.345.678-5`, `12345678-K`): modulus 11 with weights 2-7.
pub(crate) fn rut(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let Some((check, body)) = s.split_last() else {
        return false;
    };
    let d = digits(body);
    let sum: u32 = d
        .iter()
        .rev()
        .zip([2, 3, 4, 5, 6, 7].iter().cycle())
        .map(|(a, b)| a * b)
        .sum();
    let expected = match 11 - sum % 11 {
        11 => b'0',
        10 => b'K',
        n => b'0' + u8::try_from(n).unwrap_or(0),
    };
    !glued(hay, &m) && check.to_ascii_uppercase() == expected
}

/// Chinese resident identity card number (18 characters): a birth date and the ISO 7064
/// MOD 11-2 check character.
pub(crate) fn china(hay: &[u8], m: Range<usize>) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s = &hay[m.clone()];
    let d = digits(&s[..17]);
    let year = num(&d[6..10]) as u32;
    let check = b"10X98765432"[(weighted(&d, &W) % 11) as usize];
    !glued(hay, &m)
        && valid_date(year, d[10] * 10 + d[11], d[12] * 10 + d[13])
        && s[17].to_ascii_uppercase() == check
}

/// South Korean resident registration number (`900101-1234568`): a birth date, a sex and
/// century digit 1-4, and the weighted check digit.
pub(crate) fn rrn(hay: &[u8], m: Range<usize>) -> bool {
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let d = digits(&hay[m.clone()]);
    !glued(hay, &m)
        && d.len() == 13
        && valid_date(2000, d[2] * 10 + d[3], d[4] * 10 + d[5])
        && (1..=4).contains(&d[6])
        && (11 - weighted(&d, &W) % 11) % 10 == d[12]
}

/// Singapore NRIC/FIN (`S1234567D`): the weighted check letter of its series.
pub(crate) fn nric(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let d = digits(&s[1..8]);
    let offset = if matches!(s[0], b'T' | b'G') { 4 } else { 0 };
    let r = ((weighted(&d, &[2, 7, 6, 5, 4, 3, 2]) + offset) % 11) as usize;
    let letters: &[u8] = match s[0] {
        b'S' | b'T' => b"JZIHGFEDCBA",
        b'F' | b'G' => b"XWUTRQPNMLK",
        _ => b"XWUTRQPNJLK",
    };
    !glued(hay, &m) && s[8] == letters[r]
}

/// Mexican CURP (18 characters): a birth date and the weighted check digit.
pub(crate) fn curp(hay: &[u8], m: Range<usize>) -> bool {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ";
    let s = &hay[m.clone()];
    let sum: usize = s[..17]
        .iter()
        .enumerate()
        .map(|(i, c)| ALPHABET.iter().position(|a| a == c).unwrap_or(0) * (18 - i))
        .sum();
    let d = digits(&s[4..10]);
    !glued(hay, &m)
        && valid_date(2000, d[2] * 10 + d[3], d[4] * 10 + d[5])
        && usize::from(s[17].wrapping_sub(b'0')) == (10 - sum % 10) % 10
}

/// Taiwanese national id (`A123456789`): the letter's two-digit code and the nine digits,
/// weighted 1, 9, 8, ..., 1, 1, sum to a multiple of ten.
pub(crate) fn taiwan_id(hay: &[u8], m: Range<usize>) -> bool {
    const CODES: &[u8; 26] = &[
        10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32,
        30, 31, 33,
    ];
    let s = &hay[m.clone()];
    let code = u32::from(CODES[usize::from(s[0] - b'A')]);
    let d = digits(&s[1..]);
    let sum = code / 10 + (code % 10) * 9 + weighted(&d[..8], &[8, 7, 6, 5, 4, 3, 2, 1]) + d[8];
    !glued(hay, &m) && sum.is_multiple_of(10)
}

/// Hong Kong identity card number (`A123456(7)`): the weighted check digit (`A` for ten).
pub(crate) fn hkid(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let letters: Vec<u32> = s
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .map(|&b| u32::from(b - b'A') + 10)
        .collect();
    let n = letters.len();
    let first = if n == 1 { 36 * 9 } else { letters[0] * 9 };
    let d = digits(&s[n..n + 6]);
    let sum = first + letters[n - 1] * 8 + weighted(&d, &[7, 6, 5, 4, 3, 2]);
    let check = match (11 - sum % 11) % 11 {
        10 => b'A',
        c => b'0' + u8::try_from(c).unwrap_or(0),
    };
    s.get(n + 7) == Some(&check)
}

/// Czech or Slovak birth number (`785312/1234`): a birth date (month + 50 for women) and the
/// whole number divisible by 11 (or the remainder 10 written as 0).
pub(crate) fn birth_number(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    let month = (d[2] * 10 + d[3]) % 50;
    let ok = valid_date(2000, month, d[4] * 10 + d[5]);
    let n = num(&d);
    let check = d.len() == 10 && (n.is_multiple_of(11) || (num(&d[..9]) % 11 == 10 && d[9] == 0));
    !glued(hay, &m) && ok && check
}

/// Romanian CNP (13 digits): sex and century 1-8, a birth date, a county 01-52, and the
/// weighted check digit (`279146358279`, remainder 10 written as 1).
fn cnp(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    let r = weighted(&d, &[2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
    let county = d[7] * 10 + d[8];
    !glued(hay, &m)
        && (1..=8).contains(&d[0])
        && valid_date(2000, d[3] * 10 + d[4], d[5] * 10 + d[6])
        && (1..=52).contains(&county)
        && (if r == 10 { 1 } else { r }) == d[12]
}

/// South African identity number (13 digits): a birth date, citizenship 0-1, the digit 8 or 9,
/// and Luhn.
fn south_africa(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    !glued(hay, &m)
        && valid_date(2000, d[2] * 10 + d[3], d[4] * 10 + d[5])
        && d[10] <= 1
        && d[11] >= 8
        && luhn(&d)
}

/// Irish PPS number (`1234567FA`, `1234567T`): the mod-23 check letter over the seven digits
/// (and the second letter, when there is one).
pub(crate) fn ppsn(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let d = digits(&s[..7]);
    let second = s.get(8).map_or(0, |&b| u32::from(b - b'A') + 1);
    let r = (weighted(&d, &[8, 7, 6, 5, 4, 3, 2]) + 9 * second) % 23;
    let check = if r == 0 { b'W' } else { b'A' + (r as u8) - 1 };
    !glued(hay, &m) && s[7] == check
}

/// 13 digits that are a Romanian CNP or a South African identity number.
pub(crate) fn thirteen_digits(hay: &[u8], m: Range<usize>) -> bool {
    cnp(hay, m.clone()) || south_africa(hay, m)
}

/// A MyKad (a birth date), a CUIL (modulus 11), an Austrian social insurance number (a birth
/// date and its check digit) or a Medicare MBI (its shape is in the pattern), standing alone.
pub(crate) fn formatted(hay: &[u8], m: Range<usize>) -> bool {
    let s = &hay[m.clone()];
    let d = digits(s);
    if glued(hay, &m) {
        return false;
    }
    if s.iter().any(u8::is_ascii_uppercase) {
        return true;
    }
    match (s.get(6), s.get(2), s.get(4)) {
        (Some(b'-'), _, _) => valid_date(2000, d[2] * 10 + d[3], d[4] * 10 + d[5]),
        (_, Some(b'-'), _) => cuil(&d),
        _ => svnr(&d),
    }
}

/// Argentine CUIL/CUIT: weights 5432765432, check 11 - (sum mod 11), 11 written as 0.
fn cuil(d: &[u32]) -> bool {
    let c = match 11 - weighted(d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11 {
        11 => 0,
        c => c,
    };
    d.len() == 11 && c == d[10]
}

/// Austrian social insurance number: a serial, a check digit (weights 3790584216 mod 11) and
/// a birth date `DDMMYY`.
fn svnr(d: &[u32]) -> bool {
    let body: Vec<u32> = d[..3].iter().chain(&d[4..]).copied().collect();
    d.len() == 10
        && weighted(&body, &[3, 7, 9, 5, 8, 4, 2, 1, 6]) % 11 == d[3]
        && valid_date(2000, d[6] * 10 + d[7], d[4] * 10 + d[5])
}

/// 11 digits that are an Estonian or Lithuanian personal code (sex and century 1-6, a birth
/// date, a two-stage modulus-11 check) or an Argentine CUIL (prefix 20, 23, 24 or 27).
pub(crate) fn baltic_or_cuil(d: &[u32]) -> bool {
    let isikukood = || {
        let r = weighted(d, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
        let r = if r == 10 {
            weighted(d, &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11 % 10
        } else {
            r
        };
        (1..=6).contains(&d[0])
            && valid_date(2000, d[3] * 10 + d[4], d[5] * 10 + d[6])
            && r == d[10]
    };
    let prefix = d[0] * 10 + d[1];
    d.len() == 11 && (isikukood() || matches!(prefix, 20 | 23 | 24 | 27) && cuil(d))
}

/// A Japanese Individual Number (My Number) grouped 4-4-4: its weighted check digit.
pub(crate) fn my_number(hay: &[u8], m: Range<usize>) -> bool {
    let d = digits(&hay[m.clone()]);
    let sum: u32 = d[..11]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let n = i as u32 + 1;
            x * if n <= 6 { n + 1 } else { n - 5 }
        })
        .sum();
    let r = sum % 11;
    !glued(hay, &m) && d.len() == 12 && (if r <= 1 { 0 } else { 11 - r }) == d[11]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(v: fn(&[u8], Range<usize>) -> bool, s: &str) -> bool {
        v(s.as_bytes(), 0..s.len())
    }

    #[test]
    fn checksums_hold_and_fail() {
        assert!(whole(belgian, "85.07.30-033.28"));
        assert!(!whole(belgian, "85.07.30-033.29"));
        assert!(whole(ahv, "756.9217.0769.85"));
        assert!(!whole(ahv, "756.9217.0769.86"));
        assert!(whole(rut, "12.345.678-5"));
        assert!(!whole(rut, "12.345.678-4"));
        assert!(whole(china, "11010519491231002X"));
        assert!(!whole(china, "110105194912310021"));
        assert!(whole(nric, "S1234567D"));
        assert!(!whole(nric, "S1234567E"));
        assert!(whole(hkid, "A123456(3)"));
        assert!(!whole(hkid, "A123456(4)"));
        assert!(whole(ppsn, "1234567T"));
        assert!(!whole(ppsn, "1234567A"));
        assert!(whole(cnp, "1800101221144"));
        assert!(!whole(cnp, "1800101221145"));
        assert!(whole(formatted, "750923-71-5294"));
        assert!(!whole(formatted, "751323-71-5294"));
        assert!(whole(formatted, "20-12345678-6"));
        assert!(!whole(formatted, "20-12345678-5"));
        assert!(whole(formatted, "1EG4-TE5-MK73"));
        assert!(whole(formatted, "1237 010180"));
        assert!(!whole(formatted, "1238 010180"));
        assert!(baltic_or_cuil(&digits(b"35701064265")));
        assert!(!baltic_or_cuil(&digits(b"35701064266")));
        assert!(whole(taiwan_id, "A123456789"));
        assert!(!whole(taiwan_id, "A123456788"));
    }
}
