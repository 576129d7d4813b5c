//! Walking a parsed JSON document: every key and value with its path, key/value field rules,
//! and contraband split across adjacent strings.

use std::ops::Range;
use std::rc::Rc;

use super::{Edit, Engine, Origin, Seg};
use crate::decode;
use crate::detect::{Hit, Source, Value};
use crate::json::{Doc, Kind, Node, Text};
use crate::report::Decoding;

/// Longest key shown in a path; longer or non-identifier keys show as `*`.
const MAX_SHOWN_KEY: usize = 64;

/// Most strings joined in one run when looking for split contraband.
const JOIN_WINDOW: usize = 8;

fn shown_key(key: &str) -> Option<String> {
    let ok = !key.is_empty()
        && key.len() <= MAX_SHOWN_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| key.to_owned())
}

impl Engine<'_> {
    /// Walks every document of `doc`. `layer` is `None` for the input itself, or the input
    /// ranges that decoded content came from.
    pub(crate) fn doc(&mut self, doc: &Doc<'_>, layer: Option<&Origin<'_>>) {
        let many = doc.roots.len() > 1;
        for (i, &root) in doc.roots.iter().enumerate() {
            self.path.push(Seg::Root(many.then_some(i)));
            self.node(doc, root, layer);
            self.path.pop();
        }
    }

    /// Origin of a string node: its own escapes at the top, the decoded source below.
    fn str_origin<'t>(text: &'t Text<'t>, layer: Option<&Origin<'t>>) -> Origin<'t> {
        layer.cloned().unwrap_or(Origin::Str(text))
    }

    /// Input ranges a whole non-string value covers, and whether the placeholder needs quotes.
    fn value_edits(&self, node: &Node<'_>, layer: Option<&Origin<'_>>, rule: usize) -> Vec<Edit> {
        match (layer, &node.kind) {
            (Some(o), _) => o
                .resolve(0..0)
                .iter()
                .map(|r| Edit {
                    range: r.clone(),
                    rule,
                    quoted: false,
                })
                .collect(),
            (None, Kind::Str(t)) => vec![Edit {
                range: t.source(0..t.value.len()),
                rule,
                quoted: false,
            }],
            (None, _) => vec![Edit {
                range: node.span.clone(),
                rule,
                quoted: true,
            }],
        }
    }

    fn node(&mut self, doc: &Doc<'_>, idx: usize, layer: Option<&Origin<'_>>) {
        let node = &doc.nodes[idx];
        match &node.kind {
            Kind::Null | Kind::Bool => {}
            Kind::Num(raw) => {
                let mut hits: Vec<Hit> = Vec::new();
                self.det.matches(raw, &mut hits);
                for h in hits {
                    let edits = self.value_edits(node, layer, h.rule);
                    self.record(h.rule, edits, true);
                }
            }
            Kind::Str(t) => self.text(t.value.as_bytes(), &Self::str_origin(t, layer)),
            Kind::Array(items) => {
                self.json_depth += 1;
                for (i, &item) in items.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.node(doc, item, layer);
                    self.path.pop();
                }
                self.joined(doc, items.iter().copied(), layer);
                self.json_depth -= 1;
            }
            Kind::Object(members) => {
                self.json_depth += 1;
                for (key, value) in members {
                    self.member(doc, key, *value, layer);
                }
                self.joined(doc, members.iter().map(|m| m.1), layer);
                self.json_depth -= 1;
            }
        }
    }

    fn member(&mut self, doc: &Doc<'_>, key: &Text<'_>, value: usize, layer: Option<&Origin<'_>>) {
        let before = self.found.len();
        self.text(key.value.as_bytes(), &Self::str_origin(key, layer));
        let clean_key = self.found.len() == before;
        self.path.push(Seg::Key(if clean_key {
            shown_key(&key.value)
        } else {
            None
        }));
        let node = &doc.nodes[value];
        let field_value = match &node.kind {
            Kind::Str(t) => Value::Str(&t.value),
            Kind::Num(n) => Value::Num(std::str::from_utf8(n).unwrap_or_default()),
            Kind::Null => Value::Null,
            Kind::Bool | Kind::Array(_) | Kind::Object(_) => Value::Other,
        };
        if let Some(rule) = self.det.field(&key.value, field_value, Source::Json) {
            let edits = self.value_edits(node, layer, rule);
            self.record(rule, edits, true);
        }
        self.node(doc, value, layer);
        self.path.pop();
    }

    /// Joins runs of adjacent string children and reports matches (and decodable tokens) that
    /// cross a boundary between two of them; redaction then covers every string involved.
    fn joined(
        &mut self,
        doc: &Doc<'_>,
        children: impl Iterator<Item = usize>,
        layer: Option<&Origin<'_>>,
    ) {
        let strings: Vec<&Text<'_>> = children
            .filter_map(|c| match &doc.nodes[c].kind {
                Kind::Str(t) if !t.value.is_empty() => Some(t),
                _ => None,
            })
            .collect();
        for window in strings.chunks(JOIN_WINDOW).chain(
            strings
                .get(JOIN_WINDOW / 2..)
                .into_iter()
                .flat_map(|s| s.chunks(JOIN_WINDOW)),
        ) {
            if window.len() >= 2 {
                self.join_window(window, layer);
            }
        }
    }

    fn join_window(&mut self, window: &[&Text<'_>], layer: Option<&Origin<'_>>) {
        let mut joined = Vec::new();
        let mut bounds = Vec::with_capacity(window.len());
        for t in window {
            joined.extend_from_slice(t.value.as_bytes());
            bounds.push(joined.len());
        }
        let crossing = |r: &Range<usize>| bounds.iter().any(|&b| r.start < b && r.end > b);
        let involved = |r: &Range<usize>| -> Rc<[Range<usize>]> {
            let mut start = 0;
            let mut spans = Vec::new();
            for (t, &end) in window.iter().zip(&bounds) {
                if r.start < end && r.end > start {
                    match layer {
                        Some(o) => spans.extend(o.resolve(0..0).iter().cloned()),
                        None => spans.push(t.source(0..t.value.len())),
                    }
                }
                start = end;
            }
            spans.into()
        };
        let mut hits: Vec<Hit> = Vec::new();
        self.det.matches(&joined, &mut hits);
        self.via.push(Decoding::Joined);
        for h in hits.into_iter().filter(|h| crossing(&h.range)) {
            self.hit(h.rule, &Origin::Spans(involved(&h.range)), 0..0, false);
        }
        let tokens: Vec<_> = decode::candidates(&joined, self.limits.min_encoded_len)
            .into_iter()
            .filter(|c| {
                matches!(
                    c.via,
                    Decoding::Base64 | Decoding::Base64Url | Decoding::Hex
                ) && crossing(&c.range)
            })
            .collect();
        for c in &tokens {
            let origin = Origin::Spans(involved(&c.range));
            self.follow(std::iter::once(c), &origin, 0);
        }
        self.via.pop();
    }
}
