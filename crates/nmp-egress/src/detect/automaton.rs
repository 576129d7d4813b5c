//! Which regex rules match a text: one combined automaton (a regex set), with base64-like text
//! read rule by rule through the alternatives that can match it.
//!
//! A regex set reports every rule that matches, so its lazy DFA tracks, for every counted
//! repetition (`[A-Z0-9]{11,30}`), each position a match could have started at. On text that
//! reads like random base64 (an attachment) almost every byte then leads to a state never seen
//! before, and the scan spends its time building states. Such a text is read another way: each
//! rule is split into its alternatives (`a(?:b|c)` is `ab` or `ac`), and the alternatives that
//! cannot match any text of the base64 alphabet (they need a space, `@`, `.` or `:`) are left
//! out. Of the rest, those without a long counted repetition go into a second set; those with
//! one and a short literal prefix (`SG.`, `npm_`) run each on its own, where the prefix lets a
//! literal search skip the text between candidates; the remaining long ones run as one regex
//! per rule. A rule matches a text when one of its alternatives does, so both ways find the
//! same rules.

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};
use regex_syntax::hir::literal::Extractor;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Shortest text read as base64-like: shorter texts cost the set little.
const MIN_BASE64_LIKE: usize = 1024;

/// Counted repetitions with a bound at least this large make an alternative run outside the
/// set on base64-like text.
const LONG_COUNT: u32 = 10;

/// Fewest bytes of the base64 alphabet a repeated class must cover to count as wide.
const WIDE_CLASS: usize = 56;

/// Most alternatives one rule is split into; a rule with more is read whole.
const MAX_ALTERNATIVES: usize = 64;

/// A long alternative runs on its own when its matches start with one of at most this many
/// literals, each at least [`MIN_PREFIX`] bytes long.
const MAX_PREFIXES: usize = 8;

/// Shortest literal prefix that lets a long alternative run on its own.
const MIN_PREFIX: usize = 2;

/// The rule sets of one detector.
#[derive(Debug)]
pub(super) struct Automaton {
    /// Every rule, in rule order.
    all: RegexSet,
    /// The alternatives without a long counted repetition that can match base64-like text, and
    /// the index in `all` of the rule each comes from.
    short: RegexSet,
    short_rules: Vec<usize>,
    /// The other alternatives that can match base64-like text (one regex each when it has a
    /// literal prefix, otherwise one per rule), and the index of their rule in `all`.
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
        let mut short = Vec::new();
        let mut short_rules = Vec::new();
        let mut long = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let Some(hir) = parse(pattern) else {
                // Unparsed here (it compiled as a regex, so rarely): read whole, in the set.
                short.push((*pattern).to_owned());
                short_rules.push(i);
                continue;
            };
            let pieces = alternatives(&hir)
                .filter(|p| p.len() <= MAX_ALTERNATIVES)
                .unwrap_or_else(|| vec![hir.clone()]);
            let mut grouped = Vec::new();
            for piece in pieces.into_iter().filter(base64_possible) {
                if !long_count(&piece) {
                    short.push(piece.to_string());
                    short_rules.push(i);
                } else if prefixed(&piece) {
                    long.push((i, Regex::new(&piece.to_string())?));
                } else {
                    grouped.push(piece);
                }
            }
            if !grouped.is_empty() {
                long.push((i, Regex::new(&Hir::alternation(grouped).to_string())?));
            }
        }
        Ok(Self {
            all: set(&mut patterns.iter().copied())?,
            short: set(&mut short.iter().map(String::as_str))?,
            short_rules,
            long,
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
        for (i, regex) in &self.long {
            if !out.contains(i) && regex.is_match(text) {
                out.push(*i);
            }
        }
        out.sort_unstable();
        out.dedup();
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

/// `pattern`'s syntax tree as the regex crate reads it (bytes, not necessarily UTF-8).
fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// The alternatives of `hir`: alternations flattened and concatenations distributed over them
/// (`a(?:b|c)d` is `abd` or `acd`), groups dropped (only whether a rule matches is asked);
/// `None` past [`MAX_ALTERNATIVES`].
fn alternatives(hir: &Hir) -> Option<Vec<Hir>> {
    match hir.kind() {
        HirKind::Alternation(subs) => {
            let mut out = Vec::new();
            for sub in subs {
                out.extend(alternatives(sub)?);
                if out.len() > MAX_ALTERNATIVES {
                    return None;
                }
            }
            Some(out)
        }
        HirKind::Capture(cap) => alternatives(&cap.sub),
        HirKind::Concat(subs) => {
            let mut out: Vec<Vec<Hir>> = vec![Vec::new()];
            for sub in subs {
                let choices = alternatives(sub)?;
                if out.len() * choices.len() > MAX_ALTERNATIVES {
                    return None;
                }
                out = out
                    .iter()
                    .flat_map(|head| {
                        choices.iter().map(move |c| {
                            let mut next = head.clone();
                            next.push(c.clone());
                            next
                        })
                    })
                    .collect();
            }
            Some(out.into_iter().map(Hir::concat).collect())
        }
        _ => Some(vec![hir.clone()]),
    }
}

/// `true` when every match of `hir` starts with one of a few literals of at least
/// [`MIN_PREFIX`] bytes ([`MAX_PREFIXES`] at most), so a search for them skips the rest.
fn prefixed(hir: &Hir) -> bool {
    let seq = Extractor::new().extract(hir);
    seq.len().is_some_and(|n| n <= MAX_PREFIXES)
        && seq.min_literal_len().is_some_and(|n| n >= MIN_PREFIX)
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

/// `false` when `hir` cannot match any text made only of [`base64_byte`]s: every way through it
/// needs a literal byte or a class with no such byte (a space, `@`, `.`, `:`). Look-around
/// assertions count as satisfiable, so the answer errs towards `true`.
fn base64_possible(hir: &Hir) -> bool {
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
    possible(hir)
}

/// `true` when `hir` holds a counted repetition bounded by at least [`LONG_COUNT`] (`{11,30}`,
/// `{20,}`) of a class that covers at least [`WIDE_CLASS`] of the 64 bytes of the base64
/// alphabet (`[A-Za-z0-9]`, `(?i:[A-Z0-9])`): on base64 such a run goes on and on, so a set
/// keeps many starts alive.
fn long_count(hir: &Hir) -> bool {
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
    walk(hir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::detect::Detector;
    use proptest::prelude::*;

    fn long_count(pattern: &str) -> bool {
        super::long_count(&parse(pattern).unwrap())
    }

    fn base64_possible(pattern: &str) -> bool {
        super::base64_possible(&parse(pattern).unwrap())
    }

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
        let mut read: Vec<usize> = a.short_rules.clone();
        read.extend(a.long.iter().map(|(i, _)| i));
        read.sort_unstable();
        read.dedup();
        assert!(read.len() < a.all.len());
    }

    #[test]
    fn rules_split_into_their_alternatives() {
        let shown = |p: &str| -> Vec<String> {
            alternatives(&parse(p).unwrap())
                .unwrap()
                .iter()
                .map(|h| Regex::new(&h.to_string()).unwrap().as_str().to_owned())
                .collect()
        };
        let split = shown(r"(?-u)\b(?:ab|c(dd|ee))f|gh");
        assert_eq!(split.len(), 4);
        for (alternative, text) in split.iter().zip(["abf", "cddf", "ceef", "gh"]) {
            assert!(Regex::new(alternative).unwrap().is_match(text.as_bytes()));
        }
        let many = "(?:ab|cd)".repeat(7);
        assert!(alternatives(&parse(&many).unwrap()).is_none());
        assert!(prefixed(&parse(r"(?-u)\bSG\.[A-Za-z0-9_\-]{22}").unwrap()));
        assert!(prefixed(
            &parse(r"shp(?:at|ss|ca|pa)_[0-9a-f]{32}").unwrap()
        ));
        assert!(!prefixed(
            &parse(r"[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}").unwrap()
        ));
        assert!(!prefixed(&parse(r"(?i)salasana[:=][^\s]{8,64}").unwrap()));
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
