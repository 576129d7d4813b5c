//! Person names in free text, from the US Census Bureau's 1990 name frequency lists (all 5,163
//! given names, the 50,000 most frequent surnames; `data/`, written by
//! `scripts/egress-compare/names_data.py`), the lowercase words of an English word list, and the
//! context of the words.
//!
//! A candidate is two capitalised words one space apart, with an optional middle initial or
//! surname particles (`van den`, `de la`) between them. It is a name when
//!
//! - the first is a given name and the last a surname, and they are not both common English
//!   words (`Grant Street`, `Mercy General`; month and day names count as such); or
//! - one of them is a listed name that is no common word in its place (a given name first or a
//!   surname last) and the other is no English word at all (`Gloria Spinola`, `Pepita Mascaró`);
//!   or
//! - the pair stands in a person's slot (alone in its field: a whole JSON string, a CSV cell, a
//!   quoted log value; or after a title or role word) and the words that are not listed names
//!   are no English words (`Patient Tomasz Teterycz`, `Dr. Ksawery Sykała`, `Patient Clive
//!   Day`); after `with`, `for` or `was` two words that are on no list, in neither place,
//!   and no English words (`claim rejected for Bianka Surdyk`; not `by Kaiser Permanente`).
//!
//! In a field of its own, `Mason, Carl` (a listed surname, a comma, a listed given name) is a
//! name too.
//!
//! A pair followed by a capitalised English word is the start of an organisation's or place's
//! name (`Austin General Hospital`), one opening with a place word (`San Diego`, `Los
//! Angeles`, `Fort Worth`) is a place, and one with a word ending in a common stem of the WHO's
//! international nonproprietary names (`Lisinopril Hydrochlorothiazide`) is a drug, and one
//! followed by a word such as `test`, `curve` or `syndrome` is an eponym (`Mann Whitney test`);
//! none is a name. A two-letter common word (`In`, `An`)
//! is no half of one.

mod lists;

use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

use lists::{
    CALENDAR, CUES, DRUG_STEMS, ENGLISH, EPONYM_HEADS, GIVEN, List, ORG_SUFFIXES, PARTICLES,
    PERSON_VERBS, PLACE_HEADS, PLACE_WORDS, PLACEHOLDER_NAMES, SURNAMES, WEAK_CUES,
};

/// Longest word (in bytes) looked up; longer capitalised words are no names.
const MAX_WORD: usize = 24;

/// Longest particle (in bytes).
const MAX_PARTICLE: usize = 5;

/// Most particles between a given name and a surname.
const MAX_PARTICLES: usize = 3;

/// Forces the lists to load (so the first scan does not pay for it).
pub(crate) fn load() {
    LazyLock::force(&GIVEN);
    LazyLock::force(&SURNAMES);
    LazyLock::force(&ENGLISH);
}

/// The shape of a word of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// An upper-case letter followed by lower-case ones (`José`, `O'Brien`, `Smith-Jones`).
    Capitalised,
    /// A single capital followed by `.` (a middle initial).
    Initial,
    /// A lowercase surname particle (`van`, `de`).
    Particle,
    /// Capital letters only (`MASON`), as registries and forms write surnames.
    Upper,
}

/// A word of the text that can be part of a name.
#[derive(Debug, Clone)]
struct Word {
    range: Range<usize>,
    shape: Shape,
}

/// Lowercase ASCII form for the lookup: diacritics and apostrophes dropped (`O'Brien` → `obrien`,
/// `José` → `jose`), the Latin letters without a decomposition spelled out (`Długosz` →
/// `dlugosz`, `Søren` → `soren`); `None` when something else is left.
fn fold(word: &str) -> Option<String> {
    let folded: String = word
        .nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’'))
        .flat_map(char::to_lowercase)
        .flat_map(|c| match c {
            'ł' => "l".chars().chain(None),
            'ø' => "o".chars().chain(None),
            'đ' | 'ð' => "d".chars().chain(None),
            'ı' => "i".chars().chain(None),
            'æ' => "ae".chars().chain(None),
            'ß' => "ss".chars().chain(None),
            'œ' => "oe".chars().chain(None),
            other => "".chars().chain(Some(other)),
        })
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

/// `true` when `word` is a lowercase English word (`masked`, `year`), not a name or a code.
pub(crate) fn lowercase_word(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_lowercase()) && ENGLISH.contains(word)
}

/// `true` when the words could be a person's name: each a listed given name or surname or no
/// English word, and at least one a listed name that is no common word or no English word at
/// all (`Eleanor Whitfield`, `Ksawery Sykała`; not `Emergency Department`, `North Wing`).
pub(crate) fn name_like(words: &[&str]) -> bool {
    let listed = |w: &str| lookup(&GIVEN, w).or(lookup(&SURNAMES, w));
    // `Camden Town`, `Saint Louis`: a place.
    let place = words.last().is_some_and(|w| PLACE_HEADS.contains(w))
        || words
            .first()
            .and_then(|w| fold(w))
            .is_some_and(|k| PLACE_WORDS.contains(&k.as_str()));
    !place
        && !placeholder(
            words.first().copied().unwrap_or_default(),
            words.last().copied().unwrap_or_default(),
        )
        && words.iter().all(|w| listed(w).is_some() || !english(w))
        && words
            .iter()
            .any(|w| listed(w) == Some(false) || !english(w))
}

/// `true` when the words are a person's name where a key already says a person stands
/// (`assignee`, `approved_by`): two to four capitalised words (`O'Flynn`, `Smith-Jones` and an
/// initial allowed): a listed given name and a listed surname or a word that is no English word,
/// or a first word that is no English word and a last that is a listed surname but no common
/// word, or no English word; none a company word or legal form, not a place (`Martin French`,
/// `Declan Kowalczyk`; not `Zendesk Suite`, `Fort Worth`, `Riehl Schuster KGaA`).
pub(crate) fn role_name(words: &[&str]) -> bool {
    let capitalised = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && w.chars().any(char::is_lowercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    };
    let initial = |w: &str| {
        w.len() == 2 && w.ends_with('.') && w.starts_with(|c: char| c.is_ascii_uppercase())
    };
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    (2..=4).contains(&words.len())
        && !placeholder(first, last)
        && capitalised(first)
        && capitalised(last)
        && words[1..words.len() - 1]
            .iter()
            .all(|w| capitalised(w) || initial(w) || PARTICLES.contains(w))
        && !words
            .iter()
            .any(|w| ORG_SUFFIXES.contains(w) || PLACE_HEADS.contains(w))
        && !fold(first).is_some_and(|k| PLACE_WORDS.contains(&k.as_str()))
        && match (lookup(&GIVEN, first), lookup(&SURNAMES, last)) {
            (Some(_), surname) => surname.is_some() || !english(last),
            // An unlisted first word needs a surname that is no common word.
            (None, surname) => !english(first) && (surname == Some(false) || !english(last)),
        }
}

/// A date right after a name (`Tuva Ekholm (1986-02-09)`, `MORAES, Gabrielly, 1991-03-05`): the
/// year is a birth year ([`crate::detect::check::birth_year`]) and the words before a bracketed
/// date are a person's name by [`role_name`] (`Visual Studio (2005-02-18)` is a product's date).
pub(crate) fn dated_name(hay: &[u8], m: Range<usize>) -> bool {
    let text = std::str::from_utf8(&hay[m.clone()]).unwrap_or_default();
    crate::detect::check::birth_year(hay, m)
        && text
            .split_once(" (")
            .is_none_or(|(name, _)| role_name(&name.split(' ').collect::<Vec<_>>()))
}

/// `true` for a name that stands in for a person in forms and examples ([`PLACEHOLDER_NAMES`]).
fn placeholder(first: &str, last: &str) -> bool {
    PLACEHOLDER_NAMES.contains(&(first, last))
}

/// `true` when the word is on either name list, in whichever place (`Kaiser`, a surname, first).
fn any_list(word: &str) -> bool {
    lookup(&GIVEN, word).is_some() || lookup(&SURNAMES, word).is_some()
}

/// `true` when the word (every part of a hyphenated one) is an English word.
fn english(word: &str) -> bool {
    word.split('-').all(|part| {
        fold(part).is_some_and(|k| ENGLISH.contains(k.as_str()) || CALENDAR.contains(&k.as_str()))
    })
}

/// Capitalised words, initials and particles of `text` with their byte ranges.
fn scan_words(text: &str, base: usize, out: &mut Vec<Word>) {
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
        if !c.is_uppercase() && word.len() > MAX_PARTICLE {
            continue;
        }
        let shape = if c.is_uppercase() && lower > 0 {
            Shape::Capitalised
        } else if c.is_uppercase() && word.chars().count() == 1 && text[end..].starts_with('.') {
            end += 1;
            Shape::Initial
        } else if PARTICLES.contains(&word) {
            Shape::Particle
        } else if c.is_uppercase()
            && lower == 0
            && word.chars().filter(|c| c.is_uppercase()).count() >= 2
        {
            Shape::Upper
        } else {
            continue;
        };
        if word.len() <= MAX_WORD {
            out.push(Word {
                range: base + start..base + end,
                shape,
            });
        }
    }
}

/// Bytes that end a field: a pair between two of them stands alone in its field.
fn field_edge(b: Option<&u8>) -> bool {
    b.is_none_or(|b| {
        matches!(
            b,
            b'\n' | b'\r' | b'\t' | b',' | b';' | b'|' | b'"' | b'=' | b'\''
        )
    })
}

/// Appends the byte ranges of person names found in `text`.
pub(crate) fn find(text: &[u8], out: &mut Vec<Range<usize>>) {
    // Cheap exits: a name needs an upper-case letter followed by a lower-case one, and a second
    // capitalised word right after a single space.
    let spaced_capital = memchr::memchr_iter(b' ', text).any(|i| {
        text.get(i + 1)
            .is_some_and(|&b| b.is_ascii_uppercase() || b >= 0x80)
    });
    // An upper-case `SURNAME, GIVEN` has no lower-case letter: a comma, a space and two
    // capitals.
    let upper_inverted = || {
        memchr::memmem::find_iter(text, b", ").any(|i| {
            text.get(i + 2..i + 4)
                .is_some_and(|w| w.iter().all(u8::is_ascii_uppercase))
        })
    };
    if !spaced_capital
        || !text.windows(2).any(|w| {
            (w[0].is_ascii_uppercase() || w[0] >= 0x80)
                && (w[1].is_ascii_lowercase() || w[1] >= 0x80)
        }) && !upper_inverted()
    {
        return;
    }
    let mut words = Vec::new();
    let mut base = 0;
    for chunk in text.utf8_chunks() {
        scan_words(chunk.valid(), base, &mut words);
        base += chunk.valid().len() + chunk.invalid().len();
    }
    let mut i = 0;
    while i + 1 < words.len() {
        match name_at(text, &words, i).or_else(|| inverted_at(text, &words, i)) {
            Some(last) => {
                out.push(words[i].range.start..words[last].range.end);
                i = last + 1;
            }
            None => i += 1,
        }
    }
}

/// The index of the last word of a name starting at word `i`, if one does.
fn name_at(text: &[u8], words: &[Word], i: usize) -> Option<usize> {
    let gap = |a: &Word, b: &Word| &text[a.range.end..b.range.start] == b" ";
    let word = |w: &Word| std::str::from_utf8(&text[w.range.clone()]).unwrap_or_default();
    let first = &words[i];
    if first.shape != Shape::Capitalised {
        return None;
    }
    // A middle initial, or up to three particles, then the surname.
    let mut j = i + 1;
    let mut particles = 0;
    while j < words.len() && gap(&words[j - 1], &words[j]) {
        match words[j].shape {
            Shape::Capitalised => break,
            Shape::Initial if j == i + 1 => j += 1,
            Shape::Particle if particles < MAX_PARTICLES => {
                particles += 1;
                j += 1;
            }
            _ => return None,
        }
    }
    let last = words.get(j)?;
    if last.shape != Shape::Capitalised || !gap(&words[j - 1], last) {
        return None;
    }
    let (a, b) = (word(first), word(last));
    if placeholder(a, b) {
        return None;
    }
    let (given, surname) = (lookup(&GIVEN, a), lookup(&SURNAMES, b));
    let strong = || cue(text, words[i].range.start, CUES) || verb_after(text, last);
    let name = match (given, surname) {
        (Some(g), Some(s)) => !(g && s),
        (Some(false), None) if !english(b) => true,
        (None, Some(false)) if !english(a) => true,
        // After a title or role word one word that is no English word is enough (`Patient
        // Clive Day`).
        (Some(_), None) => !english(b) && strong(),
        (None, Some(_)) => !english(a) && strong(),
        (None, None) => {
            !english(a)
                && !english(b)
                && (alone(text, words, i, last)
                    || strong()
                    || cue(text, words[i].range.start, WEAK_CUES) && !any_list(a) && !any_list(b))
        }
    };
    if !name {
        return None;
    }
    // `Austin General Hospital`: the pair opens an organisation's or a place's name.
    // `Thomas Ltd`, `Riehl Schuster AG`, `Smith & Sons`: a company named after people.
    let next_word = text[last.range.end..]
        .strip_prefix(b" ")
        .map(|rest| {
            let end = rest
                .iter()
                .position(|b| b.is_ascii_whitespace() || matches!(b, b',' | b';' | b'"' | b')'))
                .unwrap_or(rest.len());
            std::str::from_utf8(&rest[..end]).unwrap_or_default()
        })
        .unwrap_or_default();
    let organisation = ORG_SUFFIXES.contains(&next_word)
        || ORG_SUFFIXES.contains(&b)
        || PLACE_HEADS.contains(&next_word)
        || PLACE_HEADS.contains(&b)
        || words
            .get(j + 1)
            .is_some_and(|n| n.shape == Shape::Capitalised && gap(last, n) && english(word(n)));
    // `Mann Whitney test`, `Kaplan Meier curves`: a method or a disease named after people.
    let eponym = text[last.range.end..]
        .strip_prefix(b" ")
        .map(|rest| {
            let end = rest
                .iter()
                .position(|b| !b.is_ascii_lowercase())
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .is_some_and(|w| EPONYM_HEADS.contains(&std::str::from_utf8(w).unwrap_or_default()));
    let place = fold(a).is_some_and(|k| PLACE_WORDS.contains(&k.as_str()));
    // `named after Marie Curie`, `in honour of Jonas Salk`: an eponym, not a person in the data.
    let honoured = {
        let before = &text[first.range.start.saturating_sub(16)..first.range.start];
        let before = String::from_utf8_lossy(before).to_ascii_lowercase();
        ["named after ", "in honour of ", "in honor of "]
            .iter()
            .any(|c| before.ends_with(c))
    };
    let drug = [a, b].iter().any(|w| {
        fold(w).is_some_and(|k| {
            DRUG_STEMS
                .iter()
                .any(|stem| k.len() > stem.len() + 2 && k.ends_with(stem))
        })
    });
    (!(organisation || eponym || place || drug || honoured)).then_some(j)
}

/// `true` when the words from `words[i]` to `last` stand alone in their field.
fn alone(text: &[u8], words: &[Word], i: usize, last: &Word) -> bool {
    let start = words[i].range.start;
    field_edge(start.checked_sub(1).map(|k| &text[k])) && field_edge(text.get(last.range.end))
}

/// `true` when the word after `last` is a verb only a person is the subject of ([`PERSON_VERBS`]).
fn verb_after(text: &[u8], last: &Word) -> bool {
    text[last.range.end..]
        .strip_prefix(b" ")
        .is_some_and(|rest| {
            let end = rest
                .iter()
                .position(|b| !b.is_ascii_lowercase())
                .unwrap_or(rest.len());
            std::str::from_utf8(&rest[..end]).is_ok_and(|w| PERSON_VERBS.contains(&w))
        })
}

/// `true` when the text before `start` ends with one of the `cues` (`Patient `, `Dr. `).
fn cue(text: &[u8], start: usize, cues: &[&str]) -> bool {
    text[..start]
        .strip_suffix(b" ")
        .map(|b| b.strip_suffix(b".").unwrap_or(b))
        .and_then(|b| {
            let from = b
                .iter()
                .rposition(|c| !c.is_ascii_alphabetic())
                .map_or(0, |p| p + 1);
            std::str::from_utf8(&b[from..]).ok()
        })
        .is_some_and(|w| cues.contains(&w.to_ascii_lowercase().as_str()))
}

/// `Mason, Carl` standing alone in its field (a quoted CSV cell, a JSON string): a listed
/// surname, a comma and a listed given name, not both common words.
fn inverted_at(text: &[u8], words: &[Word], i: usize) -> Option<usize> {
    let (first, next) = (&words[i], words.get(i + 1)?);
    let word = |w: &Word| std::str::from_utf8(&text[w.range.clone()]).unwrap_or_default();
    // `Mason, Carl` or `MASON, CARL`: both words written alike; or the surname in capitals as
    // registries write it, with or without the comma (`MASON, Carl`, `MASON Carl`).
    let gap = &text[first.range.end..next.range.start];
    let alike = first.shape == next.shape
        && matches!(first.shape, Shape::Capitalised | Shape::Upper)
        && gap == b", ";
    // The capitals must be a listed surname: `MD Anderson`, `NYU Langone` are hospitals.
    let registry = first.shape == Shape::Upper
        && next.shape == Shape::Capitalised
        && matches!(gap, b", " | b" ")
        && lookup(&SURNAMES, word(first)).is_some();
    if !(alike || registry) || !alone(text, words, i, next) {
        return None;
    }
    let (a, b) = (word(first), word(next));
    // Not a company's legal form (`ACME, INC`, `Smith, Ltd`).
    let company = [a, b]
        .iter()
        .any(|w| fold(w).is_some_and(|k| ORG_SUFFIXES.iter().any(|o| o.eq_ignore_ascii_case(&k))));
    match (lookup(&SURNAMES, a), lookup(&GIVEN, b)) {
        (Some(s), Some(g)) if !(s && g) => Some(i + 1),
        // One listed half that is no common word and one that is no English word, or two
        // words that are no English words, alone in their field (`KOWALCZYK, OLIWIER`).
        (Some(false), None) if !english(b) && !company => Some(i + 1),
        (None, Some(false)) if !english(a) && !company => Some(i + 1),
        (None, None) if !english(a) && !english(b) && !company => Some(i + 1),
        _ => None,
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
    fn one_listed_half_and_a_word_that_is_no_english_word() {
        assert_eq!(names("member Gloria Spinola left"), ["Gloria Spinola"]);
        assert_eq!(names("Pepita Mascaró missed"), ["Pepita Mascaró"]);
        assert_eq!(
            names("with Maurits van den Velde and"),
            ["Maurits van den Velde"]
        );
        assert_eq!(
            names("with Pieter van den Bergh and"),
            ["Pieter van den Bergh"]
        );
        // One listed half and an English word: `Gloria Hospital`, `Grace Period`.
        assert_eq!(names("the Gloria Hospital wing"), Vec::<&str>::new());
        assert_eq!(names("a Grace Period applies"), Vec::<&str>::new());
    }

    #[test]
    fn unknown_words_only_in_a_persons_slot() {
        assert_eq!(names("Tomasz Teterycz"), ["Tomasz Teterycz"]);
        assert_eq!(names("ward,Bianka Surdyk,3"), ["Bianka Surdyk"]);
        assert_eq!(names("Patient Bianka Surdyk was seen"), ["Bianka Surdyk"]);
        assert_eq!(names("by Dr. Ksawery Sykała"), ["Ksawery Sykała"]);
        assert_eq!(
            names("shipped from Bianka Surdyk today"),
            Vec::<&str>::new()
        );
        assert_eq!(names("Patient Clive Day was seen"), ["Clive Day"]);
        assert_eq!(
            names("claim rejected for Bianka Surdyk (code 4)"),
            ["Bianka Surdyk"]
        );
        assert_eq!(names("coverage for Kaiser Permanente"), Vec::<&str>::new());
        assert_eq!(names("sponsored by Novo Nordisk"), Vec::<&str>::new());
        assert_eq!(names("patient\n\"Mason, Carl\"\n"), ["Mason, Carl"]);
        assert_eq!(names("Smith, Jones and Lee wrote it"), Vec::<&str>::new());
        assert_eq!(names("Patient Advocate Day"), Vec::<&str>::new());
    }

    #[test]
    fn upper_case_inverted_names_and_eponyms() {
        assert_eq!(names("patient\n\"ADAMS, BENJAMIN\",7"), ["ADAMS, BENJAMIN"]);
        assert_eq!(
            names("patient\n\"KOWALCZYK, OLIWIER\",7"),
            ["KOWALCZYK, OLIWIER"]
        );
        assert!(names("vendor\n\"ACME, INC\",7").is_empty());
        // Registry order: the surname in capitals, listed, then the given name.
        assert_eq!(names("{\"who\": \"GARZA, David\"}"), ["GARZA, David"]);
        assert_eq!(names("party,n\nMASON Carl,3\n"), ["MASON Carl"]);
        assert!(names("site,n\nMD Anderson,3\nNYU Langone,4\n").is_empty());
        assert!(names("INFO, WARN and ERROR").is_empty());
        assert!(names("Ward renamed after Alexander Fleming in 1990.").is_empty());
        assert_eq!(
            names("Call Alexander Fleming today."),
            ["Alexander Fleming"]
        );
    }

    #[test]
    fn a_verb_only_a_person_does_is_a_cue() {
        assert_eq!(
            names("Süleyman Schottin called twice on Monday."),
            ["Süleyman Schottin"]
        );
        assert!(names("Novo Nordisk reported growth.").is_empty());
        assert!(names("Visits from Elizabeth City and Camden Town.").is_empty());
    }

    #[test]
    fn role_names_and_placeholders() {
        assert!(role_name(&["Martin", "French"]));
        assert!(role_name(&["Declan", "Kowalczyk"]));
        assert!(role_name(&["Jay", "O'Flynn"]));
        assert!(!role_name(&["Zendesk", "Suite"]));
        assert!(!role_name(&["Riehl", "Schuster", "KGaA"]));
        assert!(!role_name(&["Fort", "Worth"]));
        assert!(!role_name(&["John", "Doe"]));
        assert!(!role_name(&["BI", "Team"]));
        assert_eq!(names("Dear Ivona Bártová,"), vec!["Ivona Bártová"]);
        assert_eq!(names("for example Max Mustermann"), Vec::<&str>::new());
        let dated = |s: &str| dated_name(s.as_bytes(), 0..s.len());
        assert!(dated("Tuva Ekholm (1986-02-09)"));
        assert!(dated("MORAES, Gabrielly, 1991-03-05"));
        assert!(!dated("Visual Studio (2005-02-18)"));
        assert!(!dated("Tuva Ekholm (2024-02-09)"));
    }

    #[test]
    fn places_and_organisations_are_no_names() {
        for text in [
            "trained on encounters from Austin General Hospital.",
            "San Diego",
            "Los Angeles",
            "offices in Las Vegas and Fort Worth",
            "Kaiser Permanente covers 43 %",
            "Madison Regional opened a wing",
            "Lisinopril Hydrochlorothiazide",
            "Atorvastatin Zentiva",
            "The Mann Whitney test and the Kruskal Wallis test",
            "Kaplan Meier curves",
            "{\"unit\": \"Lindo Wing\"}",
        ] {
            assert_eq!(names(text), Vec::<&str>::new(), "{text}");
        }
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
