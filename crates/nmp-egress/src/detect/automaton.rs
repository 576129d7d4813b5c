//! Which regex rules match a text: one combined automaton (a regex set), with base64-like text
//! read by a second one that leaves out the rules with a long counted repetition.
//!
//! A regex set reports every rule that matches, so its lazy DFA tracks, for every counted
//! repetition (`[A-Z0-9]{11,30}`), each position a match could have started at. On text that
//! reads like random base64 (an attachment) almost every byte then leads to a state never seen
//! before, and the scan spends its time building states. Such a text is read by a set of the
//! other rules, and each rule with a long counted repetition runs on its own (a single regex
//! stops at its first match and keeps no state per rule); both ways find the same rules.
//! Rules that cannot match any text of the base64 alphabet (they need a space, `@`, `.` or
//! `:`) are left out of that reading: they would find nothing in it.

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Shortest text read as base64-like: shorter texts cost the set little.
const MIN_BASE64_LIKE: usize = 1024;

/// Counted repetitions with a bound at least this large make a rule run on its own on
/// base64-like text.
const LONG_COUNT: u32 = 10;

/// Fewest bytes of the base64 alphabet a repeated class must cover to count as wide.
const WIDE_CLASS: usize = 56;

/// The rule sets of one detector.
#[derive(Debug)]
pub(super) struct Automaton {
    /// Every rule, in rule order.
    all: RegexSet,
    /// The rules without a long counted repetition that can match base64-like text, and the
    /// index of each in `all`.
    short: RegexSet,
    short_rules: Vec<usize>,
    /// The rules with one that can match base64-like text, each alone, and its index in
    /// `all`.
    long: Vec<(usize, Regex)>,
}

impl Automaton {
    /// Compiles `patterns` (the rule regexes, in order) into the two sets, each with a lazy
    /// DFA cache of at most `dfa_cache` bytes per thread.
    pub(super) fn new(
        patterns: &[&str],
        size_limit: usize,
        dfa_cache: usize,
    ) -> Result<Self, regex::Error> {
        let set = |pats: &mut dyn Iterator<Item = &str>| {
            RegexSetBuilder::new(pats)
                .size_limit(size_limit)
                .dfa_size_limit(dfa_cache)
                .build()
        };
        let (long, short): (Vec<usize>, Vec<usize>) = (0..patterns.len())
            .filter(|&i| base64_possible(patterns[i]))
            .partition(|&i| long_count(patterns[i]));
        Ok(Self {
            all: set(&mut patterns.iter().copied())?,
            short: set(&mut short.iter().map(|&i| patterns[i]))?,
            short_rules: short,
            long: long
                .into_iter()
                .map(|i| Ok((i, Regex::new(patterns[i])?)))
                .collect::<Result<_, regex::Error>>()?,
        })
    }

    /// The indexes of the patterns that match somewhere in `text`, in ascending order.
    pub(super) fn matching(&self, text: &[u8]) -> Vec<usize> {
        if !base64_like(text) {
            return self.combined(text);
        }
        let mut out: Vec<usize> = if self.short.is_match(text) {
            self.short
                .matches(text)
                .iter()
                .map(|j| self.short_rules[j])
                .collect()
        } else {
            Vec::new()
        };
        out.extend(
            self.long
                .iter()
                .filter(|(_, r)| r.is_match(text))
                .map(|&(i, _)| i),
        );
        out.sort_unstable();
        out
    }

    /// [`Automaton::matching`] through the combined set alone.
    fn combined(&self, text: &[u8]) -> Vec<usize> {
        if self.all.is_match(text) {
            self.all.matches(text).iter().collect()
        } else {
            Vec::new()
        }
    }
}

/// `true` for a text of at least [`MIN_BASE64_LIKE`] bytes, all of the base64 or base64url
/// alphabet or `=`.
fn base64_like(text: &[u8]) -> bool {
    text.len() >= MIN_BASE64_LIKE && text.iter().all(|&b| base64_byte(b))
}

/// `true` for a byte of base64-like text ([`base64_like`]).
fn base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'=')
}

/// `false` when `pattern` cannot match any text made only of [`base64_byte`]s: every way through
/// it needs a literal byte or a class with no such byte (a space, `@`, `.`, `:`). Look-around
/// assertions count as satisfiable, so the answer errs towards `true`; `true` when it does
/// not parse.
fn base64_possible(pattern: &str) -> bool {
    fn possible(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(lit) => lit.0.iter().all(|&b| base64_byte(b)),
            HirKind::Class(Class::Bytes(c)) => c
                .ranges()
                .iter()
                .any(|r| (r.start()..=r.end()).any(base64_byte)),
            HirKind::Class(Class::Unicode(c)) => c.ranges().iter().any(|r| {
                (r.start()..=r.end().min('\x7F')).any(|ch| u8::try_from(ch).is_ok_and(base64_byte))
            }),
            HirKind::Repetition(rep) => rep.min == 0 || possible(&rep.sub),
            HirKind::Capture(cap) => possible(&cap.sub),
            HirKind::Concat(subs) => subs.iter().all(possible),
            HirKind::Alternation(subs) => subs.iter().any(possible),
        }
    }
    match regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
    {
        Ok(hir) => possible(&hir),
        Err(_) => true,
    }
}

/// `true` when `pattern` holds a counted repetition bounded by at least [`LONG_COUNT`]
/// (`{11,30}`, `{20,}`) of a class that covers at least [`WIDE_CLASS`] of the 64 bytes of the
/// base64 alphabet (`[A-Za-z0-9]`, `(?i:[A-Z0-9])`): on base64 such a run goes on and on, so
/// the set keeps many starts alive. `false` when it does not parse (it then stays in the set).
fn long_count(pattern: &str) -> bool {
    fn wide(hir: &Hir) -> bool {
        const BASE64: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let covered = |has: &dyn Fn(u8) -> bool| BASE64.iter().filter(|&&b| has(b)).count();
        match hir.kind() {
            HirKind::Class(Class::Bytes(c)) => {
                covered(&|b| {
                    c.ranges()
                        .iter()
                        .any(|r| (r.start()..=r.end()).contains(&b))
                }) >= WIDE_CLASS
            }
            HirKind::Class(Class::Unicode(c)) => {
                covered(&|b| {
                    c.ranges()
                        .iter()
                        .any(|r| (r.start()..=r.end()).contains(&char::from(b)))
                }) >= WIDE_CLASS
            }
            HirKind::Capture(cap) => wide(&cap.sub),
            _ => false,
        }
    }
    fn walk(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Repetition(rep) => {
                let long = rep.min >= LONG_COUNT || rep.max.is_some_and(|m| m >= LONG_COUNT);
                long && wide(&rep.sub) || walk(&rep.sub)
            }
            HirKind::Capture(cap) => walk(&cap.sub),
            HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(walk),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
        }
    }
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .is_ok_and(|hir| walk(&hir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::detect::Detector;
    use proptest::prelude::*;

    fn automaton() -> &'static Automaton {
        static DETECTOR: std::sync::LazyLock<Detector> =
            std::sync::LazyLock::new(|| Detector::new(&Config::default()).unwrap());
        &DETECTOR.set
    }

    #[test]
    fn long_counts_are_told_apart() {
        assert!(long_count(r"(?-u)(?i:[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})"));
        assert!(long_count(r"gl-[A-Za-z0-9_\-]{20,}"));
        assert!(!long_count(r"aws[A-Za-z_.\-]{0,24}key"));
        assert!(!long_count(r"[0-9](?:[ \-./_]?[0-9]){11,18}"));
        assert!(!long_count(r"[0-9]{3}-[0-9]{2}-[0-9]{4}"));
        assert!(!long_count(r"[a-z]+@[a-z]+\.[a-z]{2,3}"));
        let a = automaton();
        assert!(!a.long.is_empty() && !a.short_rules.is_empty());
    }

    #[test]
    fn rules_that_need_other_bytes_are_told_apart() {
        assert!(!base64_possible(r"[a-z]+@[a-z]+\.[a-z]{2,3}"));
        assert!(!base64_possible(r"(?i)bearer[ \t]+[A-Za-z0-9]{20,}"));
        assert!(!base64_possible(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}"));
        assert!(base64_possible(r"(?i)password[ \t]*[:=][^\s]{8,}"));
        assert!(base64_possible(r"(?-u)\bAKIA[0-9A-Z]{16}\b"));
        assert!(base64_possible(r"x(?:@)?y"));
        assert!(base64_possible(r"(?i)é|x"));
        assert!(!base64_possible(r"(?i)é"));
        let a = automaton();
        assert!(a.short_rules.len() + a.long.len() < a.all.len());
    }

    /// Base64 text with, now and then, a value some rule finds.
    fn base64_text() -> impl Strategy<Value = Vec<u8>> {
        let plants = prop::sample::select(vec![
            &b"AKIAIOSFODNN7EXAMPLE"[..],
            b"DE89370400440532013000",
            b"4111111111111111",
            b"ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            b"123-45-6789",
            b"+4420794600",
        ]);
        (
            prop::collection::vec(
                prop::sample::select(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec(),
                ),
                1024..4096,
            ),
            prop::collection::vec((any::<prop::sample::Index>(), plants), 0..3),
        )
            .prop_map(|(mut text, plants)| {
                for (at, plant) in plants {
                    let at = at.index(text.len() - plant.len());
                    text[at..at + plant.len()].copy_from_slice(plant);
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The split reading of base64-like text finds the rules the combined set finds.
        #[test]
        fn split_reading_finds_what_the_set_finds(text in base64_text()) {
            let a = automaton();
            prop_assert!(base64_like(&text));
            prop_assert_eq!(a.matching(&text), a.combined(&text));
        }
    }
}
