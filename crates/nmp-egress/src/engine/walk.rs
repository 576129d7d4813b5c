//! Walking a JSON text as it is read: every key and value with its path, key/value field rules,
//! and contraband split across adjacent strings. No tree is built: a container's items are
//! walked as they are read, and what the container's own checks need of them (strings,
//! numbers, spans) is kept until it closes.

use std::rc::Rc;

use super::{Edit, Engine, Origin, Seg};
use crate::detect::{Hit, KeyClass, Source, Value};
use crate::json::{Event, Kind, Node, ParseError, Reader, Text};

/// Most distinct keys whose class one scan remembers.
const KEY_CACHE: usize = 4096;

/// Longest key shown in a path; longer or non-identifier keys show as `*`.
const MAX_SHOWN_KEY: usize = 64;

/// Longest string joined with its siblings when looking for a split dataset value.
const MAX_VALUE_PIECE: usize = crate::values::MAX_FORM_LEN;

/// The 2-8 short scalar elements (strings or numbers of at most 16 bytes) of the array `r`
/// stands at the start of, joined by spaces, if every element is one, and the array's span.
/// Reads ahead on its own copy of the reader.
fn scalar_parts(mut r: Reader<'_>) -> Option<(String, Node<'_>)> {
    let Ok(Event::Open {
        start,
        object: false,
    }) = r.value()
    else {
        return None;
    };
    let mut joined = String::new();
    let mut count = 0;
    while r.next_item(count == 0).ok()? {
        count += 1;
        let Ok(Event::Scalar(item)) = r.value() else {
            return None;
        };
        let piece = match &item.kind {
            Kind::Str(t) => t.value.as_ref(),
            Kind::Num(n) => std::str::from_utf8(n).ok()?,
            _ => return None,
        };
        if count > 8 || piece.is_empty() || piece.len() > 16 {
            return None;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(piece);
    }
    let node = Node {
        span: start..r.pos(),
        kind: Kind::Array,
    };
    (count >= 2).then_some((joined, node))
}

fn shown_key(key: &str) -> Option<Rc<str>> {
    let ok = !key.is_empty()
        && key.len() <= MAX_SHOWN_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| key.into())
}

/// What one scan remembers about a key: its class, whether it can complete a nested restricted
/// key, and how a path shows it.
#[derive(Debug, Clone)]
pub(super) struct KeyInfo {
    class: KeyClass,
    completes: bool,
    /// The key names a pagination position (`endCursor`): its value is no keyless secret.
    cursor: bool,
    /// The key names an organisation (`payer`, `sponsor_name`): a name in its value is no
    /// person's.
    organisation: bool,
    shown: Option<Rc<str>>,
}

impl Engine<'_> {
    /// What `key` is, from the per-scan cache when the key was seen before.
    fn key_info(&mut self, key: &str) -> KeyInfo {
        if let Some(info) = self.key_classes.get(key) {
            return info.clone();
        }
        let (class, completes) = self.det.classify(key);
        let info = KeyInfo {
            class,
            completes,
            cursor: self.det.cursor_key(key),
            organisation: self.det.organisation_key(key),
            shown: shown_key(key),
        };
        if self.key_classes.len() < KEY_CACHE {
            self.key_classes.insert(key.into(), info.clone());
        }
        info
    }

    /// The class of `key` and whether it can complete a nested restricted key.
    pub(super) fn key_class(&mut self, key: &str) -> (KeyClass, bool) {
        let info = self.key_info(key);
        (info.class, info.completes)
    }

    /// Walks every document of `src`, which [`crate::json::validate`] accepted with `max_depth`
    /// and found `roots` documents in. `layer` is `None` for the input itself, or the input
    /// ranges that decoded content came from.
    pub(crate) fn doc(
        &mut self,
        src: &[u8],
        max_depth: usize,
        roots: usize,
        layer: Option<&Origin<'_>>,
    ) -> Result<(), ParseError> {
        let mut r = Reader::new(src, max_depth)?;
        let mut stack = Vec::new();
        let mut i = 0;
        while r.more() {
            self.path.push(Seg::Root((roots > 1).then_some(i)));
            let walked = r
                .value()
                .and_then(|event| self.node(&mut r, event, layer, &mut stack));
            self.path.pop();
            walked?;
            i += 1;
        }
        Ok(())
    }

    /// Walks the input as JSON while reading it, without validating it first: `Err` when it is
    /// not acceptable JSON, and then the engine holds part of a walk and must be dropped. The
    /// paths of the findings in the first document gain their `#0` once a second one begins.
    pub(crate) fn input_doc(&mut self, src: &[u8], max_depth: usize) -> Result<(), ParseError> {
        let mut r = Reader::new(src, max_depth)?;
        let mut stack = Vec::new();
        let mut i = 0;
        while r.more() {
            if i == 1 {
                for found in &mut self.found {
                    if let Some(path) = &mut found.path {
                        path.insert_str(0, "#0");
                    }
                }
            }
            self.path.push(Seg::Root((i > 0).then_some(i)));
            let walked = r
                .value()
                .and_then(|event| self.node(&mut r, event, None, &mut stack));
            self.path.pop();
            walked?;
            i += 1;
        }
        if i == 0 {
            return Err(ParseError::Syntax);
        }
        Ok(())
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

    /// Walks the value that starts with `event` (reading the rest of a container from `r`);
    /// returns what its parent keeps of it.
    ///
    /// `stack` holds what the containers being read keep of their items, innermost last.
    fn node<'a>(
        &mut self,
        r: &mut Reader<'a>,
        event: Event<'a>,
        layer: Option<&Origin<'_>>,
        stack: &mut Vec<Node<'a>>,
    ) -> Result<Node<'a>, ParseError> {
        let (start, object) = match event {
            Event::Scalar(node) => {
                self.scalar(&node, layer);
                return Ok(node);
            }
            Event::Open { start, object } => (start, object),
        };
        self.json_depth += 1;
        let mark = stack.len();
        let mut first = true;
        let read = loop {
            let child = if object {
                match r.next_key(first) {
                    Ok(Some(key)) => self.member(r, &key, layer, stack),
                    Ok(None) => break Ok(()),
                    Err(e) => Err(e),
                }
            } else {
                match r.next_item(first) {
                    Ok(true) => {
                        self.path.push(Seg::Index(stack.len() - mark));
                        let child = r
                            .value()
                            .and_then(|event| self.node(r, event, layer, stack));
                        self.path.pop();
                        child
                    }
                    Ok(false) => break Ok(()),
                    Err(e) => Err(e),
                }
            };
            match child {
                Ok(child) => stack.push(child),
                Err(e) => break Err(e),
            }
            first = false;
        };
        let node = Node {
            span: start..r.pos(),
            kind: if object { Kind::Object } else { Kind::Array },
        };
        if read.is_ok() {
            let children = &stack[mark..];
            self.joined(children, layer);
            self.tiny_runs(children, layer);
            self.values_of(children, &node, layer);
        }
        stack.truncate(mark);
        self.json_depth -= 1;
        read.map(|()| node)
    }

    /// Walks a scalar: the rules over a number or a string.
    fn scalar(&mut self, node: &Node<'_>, layer: Option<&Origin<'_>>) {
        match &node.kind {
            Kind::Null | Kind::Bool | Kind::Array | Kind::Object => {}
            Kind::Num(raw) => {
                if self.clean.numbers.contains(raw) || self.clean.texts.contains(raw) {
                    return;
                }
                let mut hits: Vec<Hit> = Vec::new();
                self.det.matches(raw, &mut hits);
                let quiet = hits.is_empty();
                for h in hits {
                    let edits = self.value_edits(node, layer, h.rule);
                    self.record(h.rule, edits, true);
                }
                if !self.values_of(std::slice::from_ref(node), node, layer) && quiet {
                    self.clean.numbers.insert(raw);
                }
            }
            Kind::Str(t) => self.text(t.value.as_bytes(), &Self::str_origin(t, layer)),
        }
    }

    /// Walks one member of an object: its key, then its value (read from `r`); returns what
    /// the object keeps of the value.
    fn member<'a>(
        &mut self,
        r: &mut Reader<'a>,
        key: &Text<'_>,
        layer: Option<&Origin<'_>>,
        stack: &mut Vec<Node<'a>>,
    ) -> Result<Node<'a>, ParseError> {
        let before = self.found.len();
        self.text(key.value.as_bytes(), &Self::str_origin(key, layer));
        let clean_key = self.found.len() == before;
        let info = self.key_info(&key.value);
        self.path.push(Seg::Key(info.shown.filter(|_| clean_key)));
        let ahead = r.clone();
        let event = match r.value() {
            Ok(event) => event,
            Err(e) => {
                self.path.pop();
                return Err(e);
            }
        };
        let (field_value, object, container) = match &event {
            Event::Scalar(node) => (
                match &node.kind {
                    Kind::Str(t) => Value::Str(&t.value),
                    Kind::Num(n) => Value::Num(std::str::from_utf8(n).unwrap_or_default()),
                    Kind::Null => Value::Null,
                    Kind::Bool | Kind::Array | Kind::Object => Value::Other,
                },
                false,
                false,
            ),
            Event::Open { object, .. } => (Value::Other, *object, true),
        };
        let mut class = info.class;
        // The name of an organisation's object is the organisation's (`{"hospital": {"name":
        // ...}}`).
        let inherited = self.organisation_value
            && matches!(
                key.value.to_ascii_lowercase().as_str(),
                "name" | "title" | "label" | "display_name" | "displayname"
            );
        if inherited && matches!(class, KeyClass::GenericName | KeyClass::Name) {
            class = KeyClass::Plain;
        }
        if class == KeyClass::Plain
            && let Some(parent) = &self.parent_key
            && (info.completes || self.det.holder_key(parent))
        {
            // `{"patient": {"id": 7}}` is the restricted key `patient_id` as a nested path, and
            // `{"member": {"id": "W123456789"}}` the person identifier `member_id`.
            class = self.key_class(&format!("{parent}.{}", key.value)).0;
        }
        // An object under a restricted key is walked with the key as its members' prefix, so
        // `{"ssn": {"null_fraction": 0.1}}` is a statistic and `{"ssn": {"value": ..}}` is not.
        let walked_later = object && matches!(class, KeyClass::Restricted { .. });
        if !walked_later && let Some(rule) = self.det.judge(class, field_value, Source::Json) {
            let edits = match &event {
                Event::Scalar(node) => self.value_edits(node, layer, rule),
                Event::Open { start, object } => {
                    // The container's end, read ahead: its findings come after this one.
                    let mut ahead = ahead.clone();
                    let end = ahead.skip_value();
                    let node = Node {
                        span: *start..end.unwrap_or(*start),
                        kind: if *object { Kind::Object } else { Kind::Array },
                    };
                    self.value_edits(&node, layer, rule)
                }
            };
            self.record(rule, edits, true);
        } else if matches!(event, Event::Open { object: false, .. })
            && self.det.splits_value(class)
            && let Some((joined, node)) = scalar_parts(ahead)
            && let Some(rule) = self.det.judge_parts(class, &joined)
        {
            // `{"bsn": ["378", "246", "598"]}`: a value split across an array under its key.
            let edits = self.value_edits(&node, layer, rule);
            self.record(rule, edits, true);
        }
        let saved = container.then(|| {
            // A plural `s` is dropped (`patients`), not the end of `diagnosis` or `status`.
            let own = key
                .value
                .strip_suffix('s')
                .filter(|k| k.len() >= 3 && !k.ends_with(['s', 'i', 'u']));
            self.parent_key.replace(own.unwrap_or(&key.value).into())
        });
        let cursor = std::mem::replace(&mut self.cursor_value, info.cursor);
        let organisation =
            std::mem::replace(&mut self.organisation_value, info.organisation || inherited);
        let node = self.node(r, event, layer, stack);
        self.cursor_value = cursor;
        self.organisation_value = organisation;
        if let Some(saved) = saved {
            self.parent_key = saved;
        }
        self.path.pop();
        node
    }

    /// Dataset values in the scalars of `children` joined by spaces: a number, or a value split
    /// across array elements or sibling values (`[6,9,9,…]`, `{"a":"699","b":"88",…}`). A hit
    /// covers `node`, the number or container; `true` when there was one.
    fn values_of(
        &mut self,
        children: &[Node<'_>],
        node: &Node<'_>,
        layer: Option<&Origin<'_>>,
    ) -> bool {
        if self.values.is_empty() {
            return false;
        }
        let mut joined = Vec::new();
        for child in children {
            let piece = match &child.kind {
                Kind::Num(raw) => *raw,
                Kind::Str(t) if t.value.len() <= MAX_VALUE_PIECE => t.value.as_bytes(),
                _ => continue,
            };
            joined.extend_from_slice(piece);
            joined.push(b' ');
        }
        let Some(rule) = crate::values::find(self.values, &joined, &mut self.scratch)
            .map(|_| self.det.limit_rule(crate::detect::VALUE_RULE))
        else {
            return false;
        };
        let edits = self.value_edits(node, layer, rule);
        self.record(rule, edits, true);
        true
    }
}
