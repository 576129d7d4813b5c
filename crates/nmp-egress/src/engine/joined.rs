//! Contraband split across adjacent strings of one container: runs of short strings joined
//! (`"4111 1111"`, `"1111 1111"`), and values spelled one character per element
//! (`["1","2","3",...]`).

use std::ops::Range;
use std::rc::Rc;

use super::{Engine, Origin};
use crate::detect::Hit;
use crate::json::{Kind, Node, Text};
use crate::report::Decoding;

/// Most adjacent strings joined in one run when looking for split contraband.
const MAX_RUN: usize = 4;

/// Longest string that takes part in a joined run; longer strings are scanned alone.
const MAX_PIECE: usize = 64;

/// Longest string (in bytes) that counts as one character of a value spelled out one character
/// per element (`["1","2","3",...]`, `{"c0": "4", "c1": "1", ...}`); a one-digit number counts too.
const MAX_TINY: usize = 4;

/// Fewest adjacent tiny elements joined; most joined in one run.
const TINY_RUN: std::ops::RangeInclusive<usize> = 5..=64;

impl Engine<'_> {
    /// Joins runs of 2 to [`MAX_RUN`] adjacent short string children and reports matches (and
    /// decodable tokens) that span the whole run; redaction then covers every string involved.
    pub(super) fn joined(&mut self, children: &[Node<'_>], layer: Option<&Origin<'_>>) {
        let pieces: Vec<Option<&Text<'_>>> = children
            .iter()
            .map(|c| match &c.kind {
                Kind::Str(t) if !t.value.is_empty() && t.value.len() <= MAX_PIECE => Some(t),
                _ => None,
            })
            .collect();
        let mut joined = Vec::new();
        let mut bounds = Vec::with_capacity(MAX_RUN);
        for start in 0..pieces.len() {
            joined.clear();
            bounds.clear();
            for piece in pieces[start..].iter().take(MAX_RUN) {
                let Some(t) = piece else { break };
                joined.extend_from_slice(t.value.as_bytes());
                bounds.push(joined.len());
                if bounds.len() >= 2 {
                    let run = &pieces[start..start + bounds.len()];
                    self.join_run(&joined, &bounds, run, layer);
                }
            }
        }
    }

    /// Scans one joined run; only what starts in its first piece and ends in its last counts
    /// (shorter runs cover the rest).
    fn join_run(
        &mut self,
        joined: &[u8],
        bounds: &[usize],
        run: &[Option<&Text<'_>>],
        layer: Option<&Origin<'_>>,
    ) {
        let first_end = bounds[0];
        let last_start = bounds[bounds.len() - 2];
        let spans_run = |r: &Range<usize>| r.start < first_end && r.end > last_start;
        if run
            .iter()
            .flatten()
            .any(|t| self.det.allowed(t.value.as_bytes()))
        {
            return;
        }
        // The run's bytes and where its first piece ends and its last begins decide it.
        self.run_key.clear();
        self.run_key.extend_from_slice(joined);
        self.run_key
            .extend_from_slice(&[first_end as u8, last_start as u8]);
        if self.clean.runs.contains(&self.run_key) {
            return;
        }
        let mut hits: Vec<Hit> = Vec::new();
        self.det.matches(joined, &mut hits);
        let tokens: Vec<_> = self
            .decoder
            .tokens(joined)
            .filter(|c| spans_run(&c.range))
            .collect();
        hits.retain(|h| spans_run(&h.range) && !self.det.not_joined(h.rule));
        if hits.is_empty() && tokens.is_empty() {
            self.clean.runs.insert(&self.run_key);
            return;
        }
        let spans: Rc<[Range<usize>]> = match layer {
            Some(o) => o.resolve(0..0),
            None => run
                .iter()
                .flatten()
                .map(|t| t.source(0..t.value.len()))
                .collect(),
        };
        let origin = Origin::Spans(spans);
        self.via.push(Decoding::Joined);
        for h in hits {
            self.hit(h.rule, &origin, 0..0, false);
        }
        self.follow(tokens.iter(), &origin, 0);
        self.via.pop();
    }

    /// Joins runs of [`TINY_RUN`] adjacent one-character strings or one-digit numbers (a value
    /// spelled out one character per element) and reports any match in the joined text.
    pub(super) fn tiny_runs(&mut self, children: &[Node<'_>], layer: Option<&Origin<'_>>) {
        let tiny = |c: &&Node<'_>| match &c.kind {
            Kind::Str(t) => !t.value.is_empty() && t.value.len() <= MAX_TINY,
            Kind::Num(raw) => raw.len() == 1,
            _ => false,
        };
        let mut run: Vec<&Node<'_>> = Vec::new();
        for c in children.iter().map(Some).chain([None]) {
            match c.filter(tiny) {
                Some(c) if run.len() < *TINY_RUN.end() => run.push(c),
                Some(_) => {}
                None => {
                    if run.len() >= *TINY_RUN.start() {
                        self.tiny_run(&run, layer);
                    }
                    run.clear();
                }
            }
        }
    }

    fn tiny_run(&mut self, run: &[&Node<'_>], layer: Option<&Origin<'_>>) {
        let mut joined: Vec<u8> = Vec::new();
        for c in run {
            match &c.kind {
                Kind::Str(t) => joined.extend_from_slice(t.value.as_bytes()),
                Kind::Num(raw) => joined.extend_from_slice(raw),
                _ => {}
            }
        }
        let mut hits: Vec<Hit> = Vec::new();
        self.det.matches(&joined, &mut hits);
        if hits.is_empty() {
            return;
        }
        let spans: Rc<[Range<usize>]> = match layer {
            Some(o) => o.resolve(0..0),
            None => run
                .iter()
                .map(|c| match &c.kind {
                    Kind::Str(t) => t.source(0..t.value.len()),
                    _ => c.span.clone(),
                })
                .collect(),
        };
        let origin = Origin::Spans(spans);
        self.via.push(Decoding::Joined);
        for h in hits {
            self.hit(h.rule, &origin, 0..0, false);
        }
        self.via.pop();
    }
}
