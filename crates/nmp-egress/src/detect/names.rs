//! Person names in free text: a capitalised given name followed by a capitalised surname (with an
//! optional middle initial), both looked up in the US Census Bureau's 1990 name frequency lists
//! (all 5,163 given names, the 50,000 most frequent surnames; `data/`, written by
//! `scripts/egress-compare/names_data.py`). A pair whose two halves are both common English
//! words (`Grant Street`, `Mercy General`; month and day names count as such) is not a name, and
//! a two-letter common word (`In`, `An`) is no half of one.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// One name list: lowercase ASCII name → `true` when it is also a common English word.
type List = HashMap<&'static str, bool>;

static GIVEN: LazyLock<List> = LazyLock::new(|| parse(include_str!("../../data/given-names.txt")));
static SURNAMES: LazyLock<List> = LazyLock::new(|| parse(include_str!("../../data/surnames.txt")));

/// Capitalised words that the lowercase word list cannot mark as common words: months and days.
const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Longest word (in bytes) looked up; longer capitalised words are no names.
const MAX_WORD: usize = 24;

fn parse(text: &'static str) -> List {
    text.lines()
        .map(|l| match l.strip_suffix('*') {
            Some(name) => (name, true),
            None => (l, false),
        })
        .collect()
}

/// Forces the lists to load (so the first scan does not pay for it).
pub(crate) fn load() {
    LazyLock::force(&GIVEN);
    LazyLock::force(&SURNAMES);
}

/// A capitalised word of the text.
#[derive(Debug, Clone)]
struct Word {
    range: Range<usize>,
    /// A single capital letter followed by `.` (a middle initial).
    initial: bool,
}

/// Lowercase ASCII form for the lookup: diacritics and apostrophes dropped (`O'Brien` → `obrien`,
/// `José` → `jose`); `None` when something else is left.
fn fold(word: &str) -> Option<String> {
    let folded: String = word
        .nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’'))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .bytes()
        .all(|b| b.is_ascii_lowercase())
        .then_some(folded)
}

/// Looks a word (or, for `Smith-Jones`, any of its parts) up; `Some(is_common_word)`.
fn lookup(list: &List, word: &str) -> Option<bool> {
    word.split('-').find_map(|part| {
        let key = fold(part)?;
        let common = list.get(key.as_str()).copied()? || CALENDAR.contains(&key.as_str());
        // A two-letter common word (`In January`, `An Aho-Corasick`) is not half a name.
        (!(common && key.len() <= 2)).then_some(common)
    })
}

/// Capitalised words of `text` with their byte ranges: an upper-case letter followed by at least
/// one lower-case letter (letters, `'` and `-` inside), or a single capital with a dot.
fn capitalised(text: &str, base: usize, out: &mut Vec<Word>) {
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphabetic() {
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut lower = 0usize;
        while let Some(&(i, n)) = chars.peek() {
            if n.is_alphabetic() || matches!(n, '\'' | '’' | '-') {
                lower += usize::from(n.is_lowercase());
                end = i + n.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        let initial = lower == 0 && word.chars().count() == 1 && text[end..].starts_with('.');
        if c.is_uppercase() && (lower > 0 || initial) && word.len() <= MAX_WORD {
            out.push(Word {
                range: base + start..base + end + usize::from(initial),
                initial,
            });
        }
    }
}

/// Appends the byte ranges of person names found in `text`.
pub(crate) fn find(text: &[u8], out: &mut Vec<Range<usize>>) {
    // Cheap exits: a name needs an upper-case letter followed by a lower-case one, and a second
    // capitalised word right after a single space.
    let spaced_capital = memchr::memchr_iter(b' ', text).any(|i| {
        text.get(i + 1)
            .is_some_and(|&b| b.is_ascii_uppercase() || b >= 0x80)
    });
    if !spaced_capital
        || !text.windows(2).any(|w| {
            (w[0].is_ascii_uppercase() || w[0] >= 0x80)
                && (w[1].is_ascii_lowercase() || w[1] >= 0x80)
        })
    {
        return;
    }
    let mut words = Vec::new();
    let mut base = 0;
    for chunk in text.utf8_chunks() {
        capitalised(chunk.valid(), base, &mut words);
        base += chunk.valid().len() + chunk.invalid().len();
    }
    let gap = |a: &Word, b: &Word| &text[a.range.end..b.range.start] == b" ";
    let word = |w: &Word| std::str::from_utf8(&text[w.range.clone()]).unwrap_or_default();
    let mut i = 0;
    while i + 1 < words.len() {
        let first = &words[i];
        let (mut j, mut ok) = (i + 1, gap(first, &words[i + 1]));
        if ok && words[j].initial && j + 1 < words.len() {
            ok = gap(&words[j], &words[j + 1]);
            j += 1;
        }
        let hit = ok
            && !first.initial
            && !words[j].initial
            && match (
                lookup(&GIVEN, word(first)),
                lookup(&SURNAMES, word(&words[j])),
            ) {
                (Some(given_word), Some(surname_word)) => !(given_word && surname_word),
                _ => false,
            };
        if hit {
            out.push(first.range.start..words[j].range.end);
            i = j + 1;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text.as_bytes(), &mut out);
        out.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_names_in_text() {
        assert_eq!(names("Patient Carl Mason was readmitted."), ["Carl Mason"]);
        assert_eq!(names("seen by José García"), ["José García"]);
        assert_eq!(names("Brian O'Brien, 42"), ["Brian O'Brien"]);
        assert_eq!(names("attending: Linda J. Whitaker"), ["Linda J. Whitaker"]);
        assert_eq!(names("Anne Smith-Jones"), ["Anne Smith-Jones"]);
    }

    #[test]
    fn ignores_words_that_are_not_names() {
        for text in [
            "Mercy General reported 12 cases",
            "Grant Street clinic",
            "Cardiology and Oncology wards",
            "Kaplan-Meier analysis",
            "CARL MASON",
            "carl mason",
            "Carl\nMason",
            "In January",
            "An Aho-Corasick automaton",
        ] {
            assert_eq!(names(text), Vec::<&str>::new(), "{text}");
        }
    }
}
