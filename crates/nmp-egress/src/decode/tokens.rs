//! Disguises of one value inside a longer text (a log line, a sentence, a CSV cell): the value
//! read backwards, written with unusual separators, or an email with `at` for `@`. Each works on
//! the text's fields (runs between whitespace, quotes and `,;|=`) and never expands.

use std::ops::Range;

use super::Candidate;
use crate::report::Decoding;

/// Longest field (in bytes) that is looked at.
const MAX_FIELD: usize = 64;

/// Fewest digits of a value worth a second reading (an SSN has nine).
const MIN_DIGITS: usize = 9;

/// Bytes that separate the groups of a number or identifier (`499./897./8962`, `NL53_ABNA`).
fn separator(b: u8) -> bool {
    kind(b) != 0
}

/// A bit for each separator byte, 0 for the others.
fn kind(b: u8) -> u8 {
    match b {
        b' ' => 1,
        b'.' => 2,
        b'/' => 4,
        b'_' => 8,
        b'-' => 16,
        _ => 0,
    }
}

/// The bytes that end a field: ASCII whitespace, quotes, `,`, `;`, `|` and `=`.
const CUT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b',' | b';' | b'|' | b'=');
        b += 1;
    }
    table
};

/// The fields of `text`: maximal runs without whitespace, quotes, `,`, `;`, `|` or `=`, with a
/// trailing `.`, `:` or `)` and a leading `(` trimmed, each with its [`Summary`] (the trimmed
/// bytes change none of it), from one pass over the bytes.
fn fields(text: &[u8]) -> impl Iterator<Item = (Range<usize>, Summary)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos <= text.len() {
            let start = pos;
            let mut summary = Summary::default();
            while let Some(&b) = text.get(pos).filter(|&&b| !CUT[usize::from(b)]) {
                summary.add(b);
                pos += 1;
            }
            let mut range = start..pos;
            pos += 1;
            while range.end > range.start && matches!(text[range.end - 1], b'.' | b':' | b')') {
                range.end -= 1;
            }
            while range.start < range.end && text[range.start] == b'(' {
                range.start += 1;
            }
            if !range.is_empty() && range.len() <= MAX_FIELD {
                return Some((range, summary));
            }
        }
        None
    })
}

/// `true` when `value` starts like an ISO date or timestamp (`2026-03-14`, `2026/03/14T...`).
fn iso_date(value: &[u8]) -> bool {
    value.len() >= 10
        && value[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => matches!(b, b'-' | b'/' | b'.'),
            _ => b.is_ascii_digit(),
        })
        && !value.get(10).is_some_and(u8::is_ascii_digit)
}

/// `true` for a value worth reading backwards: an `@` without whitespace (`gro.elpmaxe@nna`), or
/// at least nine digits in groups (not one bare number), not starting or ending as an ISO date,
/// and either no letters (`4994 0937 2183 8818`, `2493 7684 02 44+`) or a `-` and no whitespace
/// (`9876-54-321X`).
pub(super) fn worth_reversing(value: &[u8]) -> bool {
    // Nine digits need nine bytes; shorter values need their `@`.
    if value.len() < MIN_DIGITS && !value.contains(&b'@') {
        return false;
    }
    let (mut digits, mut letters, mut spaced, mut at, mut dash) = (0, false, false, false, false);
    for &b in value {
        digits += usize::from(b.is_ascii_digit());
        letters |= b.is_ascii_alphabetic();
        spaced |= b.is_ascii_whitespace();
        at |= b == b'@';
        dash |= b == b'-';
    }
    // A bare run of digits is not reversed: an order number read backwards passes the card
    // checksum one time in ten.
    let grouped = digits < value.len();
    let number = digits >= MIN_DIGITS
        && grouped
        && (!letters || dash && !spaced)
        && !iso_date(value)
        && !iso_date(&reverse(value));
    at && !spaced || number
}

fn reverse(value: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(value)
        .chars()
        .rev()
        .collect::<String>()
        .into_bytes()
}

/// What one pass over a field learns, so fields that can hide nothing cost no second look: a
/// value read backwards or regrouped needs nine digits or an `@`.
#[derive(Debug, Clone, Copy, Default)]
struct Summary {
    digits: usize,
    at: bool,
    letters: bool,
}

impl Summary {
    fn add(&mut self, b: u8) {
        self.digits += usize::from(b.is_ascii_digit());
        self.at |= b == b'@';
        self.letters |= b.is_ascii_alphabetic();
    }

    /// `false` when neither [`worth_reversing`] nor [`separate`] can take the field.
    fn may_hide(self) -> bool {
        self.at || self.digits >= MIN_DIGITS
    }
}

/// What the fields of `text` may hide, from one pass over them ([`fields`]): the fields read
/// backwards (when `reverse`), and the fields with unusual separators, each list in field order.
pub(super) fn field_candidates(text: &[u8], reverse: bool) -> (Vec<Candidate>, Vec<Candidate>) {
    let (mut reversed, mut separated) = (Vec::new(), Vec::new());
    // A short value with spaces is also taken whole (`1 2 3 - 4 5 - 6 7 8 9`).
    if text.len() <= MAX_FIELD && text.contains(&b' ') {
        separated.extend(separate(text, 0..text.len()));
    }
    let mut previous = None;
    for (r, summary) in fields(text) {
        if reverse {
            reversed_field(text, &mut previous, (r.clone(), summary), &mut reversed);
        }
        if summary.may_hide() {
            separated.extend(separate(text, r));
        }
    }
    (reversed, separated)
}

/// The field `r` read backwards when it is worth it (at most [`MAX_FIELD`] bytes), then the pair
/// of it and the `previous` field when both are letter-free and one space apart (`1342-283
/// )777(`, a phone number read backwards); `r` becomes the previous field. Each comes with its
/// [`Summary`]; a pair's is the sum of its fields' (only spaces and brackets lie between).
fn reversed_field(
    text: &[u8],
    previous: &mut Option<(Range<usize>, Summary)>,
    (r, summary): (Range<usize>, Summary),
    out: &mut Vec<Candidate>,
) {
    let pair = previous
        .take()
        .filter(|(p, p_summary)| {
            r.end - p.start <= MAX_FIELD
                && text[p.end..r.start]
                    .iter()
                    .all(|b| matches!(b, b' ' | b'(' | b')'))
                && !p_summary.letters
                && !summary.letters
        })
        .map(|(p, p_summary)| {
            let joined = Summary {
                digits: p_summary.digits + summary.digits,
                at: p_summary.at || summary.at,
                letters: false,
            };
            (p.start..r.end, joined)
        });
    *previous = Some((r.clone(), summary));
    for (range, summary) in [Some((r, summary)), pair].into_iter().flatten() {
        let value = &text[range.clone()];
        if summary.may_hide() && worth_reversing(value) && std::str::from_utf8(value).is_ok() {
            out.push(Candidate {
                via: Decoding::Reversed,
                bytes: reverse(value),
                range,
            });
        }
    }
}

/// The field `range` with unusual separators, normalised: runs of separators become one space
/// when a run is longer than one byte, two kinds are mixed, or letters and digits are grouped
/// by anything but a space (`499./897./8962` → `499 897 8962`, `NL53_ABNA_9237` → `NL53 ABNA
/// 9237`); an email whose domain holds `_` loses every `_` (`vict_oria@m_ercy.o_rg` →
/// `victoria@mercy.org`).
fn separate(text: &[u8], range: Range<usize>) -> Option<Candidate> {
    let field = &text[range.clone()];
    let bytes = if let Some(at) = field.iter().position(|&b| b == b'@') {
        field[at..]
            .contains(&b'_')
            .then(|| field.iter().copied().filter(|&b| b != b'_').collect())?
    } else {
        regroup(field)?
    };
    Some(Candidate {
        via: Decoding::Separators,
        range,
        bytes,
    })
}

/// `field` with its separator runs made single spaces, when its separators are unusual.
fn regroup(field: &[u8]) -> Option<Vec<u8>> {
    if field.len() < MIN_DIGITS
        || field.iter().filter(|b| b.is_ascii_digit()).count() < MIN_DIGITS
        || !field
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || separator(b))
    {
        return None;
    }
    // One pass over the groups (runs of letters and digits) and the separator runs between.
    let (mut groups, mut longest, mut kinds, mut long_run, mut run) = (0, 0, 0u8, false, 0);
    let mut group = 0;
    for &b in field {
        if separator(b) {
            kinds |= kind(b);
            run += 1;
            long_run |= run > 1;
            group = 0;
        } else {
            run = 0;
            groups += usize::from(group == 0);
            group += 1;
            longest = longest.max(group);
        }
    }
    // Groups of at most six characters, at least three of them: a number or code written in
    // groups, not base64 with a `/` or words joined by `_`.
    if groups < 3 || longest > 6 {
        return None;
    }
    let letters = field.iter().any(u8::is_ascii_alphabetic);
    let space_only = kinds == kind(b' ');
    let unusual = long_run || kinds.count_ones() > 1 || letters && !space_only;
    if !unusual || iso_date(field) {
        return None;
    }
    let mut out = Vec::with_capacity(field.len());
    // One character per group: spaces were put between the characters, so they go and the
    // other separators stay (`1 2 3 - 4 5` → `123-45`).
    let spread = longest == 1;
    for run in field
        .split_inclusive(|&b| !separator(b))
        .flat_map(|r| r.split(|&b| !separator(b)).zip(r.last()))
    {
        let (seps, &b) = run;
        let kept = seps.iter().find(|&&s| s != b' ').copied();
        match (spread, kept) {
            _ if out.is_empty() => {}
            (true, Some(k)) => out.push(k),
            (false, _) if !seps.is_empty() => out.push(b' '),
            _ => {}
        }
        if !separator(b) {
            out.push(b);
        }
    }
    Some(out)
}

/// A spelled-out `@` or `.` in a text: ` at `, `[at]`, `(at)`, `[dot]` or `(dot)`, any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    At,
    Dot,
}

/// The spelled-out `@` and `.` of `text`, with their ranges: one pass over the bytes (memchr),
/// looking around each `t`.
fn marks(text: &[u8]) -> impl Iterator<Item = (Range<usize>, Mark)> + '_ {
    let lower = |i: usize| text.get(i).map(u8::to_ascii_lowercase);
    memchr::memchr2_iter(b't', b'T', text).filter_map(move |i| {
        match (
            i.checked_sub(1).and_then(lower)?,
            i.checked_sub(2).and_then(lower),
        ) {
            (b'a', Some(b' ')) if lower(i + 1) == Some(b' ') => Some((i - 2..i + 2, Mark::At)),
            (b'a', Some(open @ (b'[' | b'('))) if lower(i + 1) == Some(close(open)) => {
                Some((i - 2..i + 2, Mark::At))
            }
            (b'o', Some(b'd')) => {
                let open = i.checked_sub(3).and_then(lower)?;
                (matches!(open, b'[' | b'(' | b' ') && lower(i + 1) == Some(close(open)))
                    .then_some((i - 3..i + 2, Mark::Dot))
            }
            _ => None,
        }
    })
}

fn close(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'(' => b')',
        other => other,
    }
}

/// `true` when `text` may spell an `@` or a `.` out.
pub(super) fn spells(text: &[u8]) -> bool {
    marks(text).next().is_some()
}

/// Bracketed spellings of `@` and `.` (`mary [dot] jones [at] example [dot] org`).
const SPELLED: &[(&[u8], u8)] = &[
    (b" [at] ", b'@'),
    (b" (at) ", b'@'),
    (b"[at]", b'@'),
    (b"(at)", b'@'),
    (b" [dot] ", b'.'),
    (b" (dot) ", b'.'),
    (b"[dot]", b'.'),
    (b"(dot)", b'.'),
    (b" dot ", b'.'),
];

/// `text` with its `[at]`, `(at)`, `[dot]`, `(dot)` and ` dot ` spelled back, when it has a
/// `[dot]`, `(dot)` or ` dot `.
pub(super) fn spelled(text: &[u8]) -> Option<Candidate> {
    if !marks(text).any(|(_, mark)| mark == Mark::Dot) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match SPELLED.iter().find(|(w, _)| {
            text[i..].len() >= w.len() && text[i..i + w.len()].eq_ignore_ascii_case(w)
        }) {
            Some((w, b)) => {
                out.push(*b);
                i += w.len();
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    Some(Candidate {
        via: Decoding::Separators,
        range: 0..text.len(),
        bytes: out,
    })
}

/// `name.surname at example.org` read as an email: a local part with a `.`, `_`, `+` or digit,
/// or that is no English word, or a bracketed `(at)`/`[at]` (so `hosted at example.org` is not
/// one), and a domain with a dot (a ` dot ` is spelled back first).
pub(super) fn at_words(text: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (m, mark) in marks(text) {
        if mark != Mark::At {
            continue;
        }
        // ` [at] `: the spaces around a bracketed form belong to it.
        let bracket = text[m.start] != b' ';
        let at = m.start - usize::from(bracket && m.start > 0 && text[m.start - 1] == b' ');
        let from = m.end + usize::from(bracket && text.get(m.end) == Some(&b' '));
        let local_ok = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-');
        let start = at - text[..at].iter().rev().take_while(|b| local_ok(b)).count();
        let end = from
            + text[from..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
                .count();
        let (local, domain) = (&text[start..at], text[from..end].trim_ascii_end());
        let domain = domain.strip_suffix(b".").unwrap_or(domain);
        let telling = local
            .iter()
            .any(|b| matches!(b, b'.' | b'_' | b'+') || b.is_ascii_digit());
        // A bracketed `(at)` is itself the telling sign (nobody brackets an `at` in prose), and
        // so is a local part that is no English word (`vanessajones at example.org`, not
        // `hosted at example.org` or `name at example.org`).
        let word = std::str::from_utf8(local)
            .is_ok_and(|l| crate::detect::lowercase_word(&l.to_ascii_lowercase()));
        if (telling || bracket || !word)
            && !local.is_empty()
            && domain.contains(&b'.')
            && domain.len() < MAX_FIELD
        {
            let mut bytes = local.to_vec();
            bytes.push(b'@');
            bytes.extend_from_slice(domain);
            out.push(Candidate {
                via: Decoding::Separators,
                range: start..from + domain.len(),
                bytes,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass fields are the runs between cut bytes, trimmed, and their summaries
        /// are those of the trimmed bytes.
        #[test]
        fn fields_are_the_trimmed_runs(
            text in proptest::collection::vec(
                proptest::sample::select(b"a1@.:() ,=\"x9".to_vec()), 0..120),
        ) {
            let mut start = 0;
            let expected: Vec<Range<usize>> = text
                .split(|&b| CUT[usize::from(b)])
                .filter_map(|field| {
                    let mut range = start..start + field.len();
                    start += field.len() + 1;
                    while range.end > range.start
                        && matches!(text[range.end - 1], b'.' | b':' | b')')
                    {
                        range.end -= 1;
                    }
                    while range.start < range.end && text[range.start] == b'(' {
                        range.start += 1;
                    }
                    (!range.is_empty() && range.len() <= MAX_FIELD).then_some(range)
                })
                .collect();
            let found: Vec<(Range<usize>, Summary)> = fields(&text).collect();
            proptest::prop_assert_eq!(
                found.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
                expected
            );
            for (r, summary) in found {
                let mut own = Summary::default();
                text[r].iter().for_each(|&b| own.add(b));
                proptest::prop_assert_eq!(
                    (summary.digits, summary.at, summary.letters),
                    (own.digits, own.at, own.letters)
                );
            }
        }
    }

    fn all(c: impl IntoIterator<Item = Candidate>) -> Vec<String> {
        c.into_iter()
            .map(|c| String::from_utf8(c.bytes).unwrap())
            .collect()
    }

    fn rev(text: &[u8]) -> Vec<String> {
        all(field_candidates(text, true).0)
    }

    fn sep(text: &[u8]) -> Vec<String> {
        all(field_candidates(text, true).1)
    }

    #[test]
    fn reverses_fields_of_a_longer_text() {
        assert_eq!(rev(b"contact 2301-34-984."), ["489-43-1032"]);
        assert_eq!(rev(br#"ref="4950-82-564" ms=809"#), ["465-28-0594"]);
        assert!(rev(b"at 2026-03-14T12:00:00Z, 42 rows, id 12345").is_empty());
        assert!(rev(b"Of 536 encounters").is_empty());
        assert!(rev(b"for review (1342-283 )777().").contains(&"(777) 382-2431".into()));
        assert!(rev(br#"order_id="6011659620881894""#).is_empty());
    }

    #[test]
    fn normalises_unusual_separators() {
        assert_eq!(sep(b"comment=\"499./897./8962\""), ["499 897 8962"]);
        assert_eq!(sep(b"1 2 3 - 4 5 - 6 7 8 9"), ["123-45-6789"]);
        assert_eq!(sep(b"NL53_ABNA_9237_3793_49"), ["NL53 ABNA 9237 3793 49"]);
        assert_eq!(sep(b"v_oria_.s@m_ercy.o_rg"), ["voria.s@mercy.org"]);
        // Usual separators, dates, versions and short numbers are left alone.
        for plain in [
            "699-88-1425",
            "2026-03-14",
            "1.2.3",
            "4111 1111 1111 1111",
            "a_b@example.org",
        ] {
            assert!(sep(plain.as_bytes()).is_empty(), "{plain}");
        }
    }

    #[test]
    fn reads_at_words() {
        assert_eq!(
            all(at_words(b"mail steven.sexton at outlook.com.")),
            ["steven.sexton@outlook.com"]
        );
        assert!(at_words(b"hosted at example.org").is_empty());
        assert_eq!(
            all(at_words(b"mail j.doe [at] example.org")),
            ["j.doe@example.org"]
        );
        assert_eq!(
            all(at_words(b"mail j.doe(at)example.org")),
            ["j.doe@example.org"]
        );
        assert_eq!(
            all(spelled(b"mary [dot] jones [at] example [dot] org")),
            ["mary.jones@example.org"]
        );
        assert!(at_words(b"rate at 12.5 %").is_empty());
        // A `t` at the very start has nothing before it.
        assert!(!spells(b"t at"));
        assert!(!spells(b"T"));
        assert!(spells(b"x [at] y"));
    }
}
