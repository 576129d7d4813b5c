//! One scan in progress: runs the rules over every string, follows decoders within the budgets,
//! and records findings with the input bytes each one covers.

mod clean;
mod joined;
mod walk;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::rc::Rc;

use crate::config::Limits;
use crate::decode::{Candidate, Decoder};
use crate::detect::{Detector, Hit, KeyClass, MAX_TEXT_KEY, Source, Value};
use crate::json::{self, ParseError, Text};
use crate::report::Decoding;
use crate::values::{self, ValueIndex};

/// Longest CSV header cell (in bytes) read as a column name.
const MAX_HEADER_CELL: usize = 64;

/// Where a piece of text sits in the input, so a match can be mapped back to input bytes.
#[derive(Debug, Clone)]
pub(crate) enum Origin<'t> {
    /// The input itself (text mode): offsets are input offsets.
    Input,
    /// A JSON string of the input: offsets map through its escapes.
    Str(&'t Text<'t>),
    /// Decoded or joined content: any match covers all of these input ranges (string contents).
    Spans(Rc<[Range<usize>]>),
}

impl Origin<'_> {
    /// Input ranges covering `r` of this text.
    fn resolve(&self, r: Range<usize>) -> Rc<[Range<usize>]> {
        match self {
            Origin::Input => Rc::from([r]),
            Origin::Str(t) => Rc::from([t.source(r)]),
            Origin::Spans(s) => s.clone(),
        }
    }
}

/// One segment of a JSON path.
#[derive(Debug)]
enum Seg {
    /// `$`, or `#i$` for the i-th of several documents.
    Root(Option<usize>),
    /// `.key`, or `.*` for a key that is not shown.
    Key(Option<Rc<str>>),
    /// `[i]`.
    Index(usize),
    /// `>`: what follows is inside decoded content.
    Layer,
}

/// How a finding's input bytes are rewritten in redact mode.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    /// Input bytes replaced.
    pub(crate) range: Range<usize>,
    /// The rule whose label names the placeholder.
    pub(crate) rule: usize,
    /// `true` when the bytes are a whole JSON value (not string content): the placeholder gets
    /// quotes so the output stays JSON.
    pub(crate) quoted: bool,
}

/// A finding before it becomes a report entry.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) rule: usize,
    pub(crate) path: Option<String>,
    pub(crate) via: Vec<Decoding>,
    /// The input bytes to rewrite; empty for findings that cannot be redacted.
    pub(crate) edits: Vec<Edit>,
    /// `false` when redaction cannot remove what was found (limits, CSV columns).
    pub(crate) redactable: bool,
}

impl Found {
    /// The report span: the smallest range covering every edit.
    pub(crate) fn span(&self) -> Option<Range<usize>> {
        let start = self.edits.iter().map(|e| e.range.start).min()?;
        let end = self.edits.iter().map(|e| e.range.end).max()?;
        Some(start..end)
    }
}

/// The state of one scan.
#[derive(Debug)]
pub(crate) struct Engine<'d> {
    det: &'d Detector,
    decoder: &'d Decoder,
    limits: &'d Limits,
    /// Decoded bytes still allowed.
    budget: usize,
    /// Decoded bytes produced so far.
    pub(crate) decoded: usize,
    /// JSON nesting depth of the node being walked, across decoded layers.
    json_depth: usize,
    path: Vec<Seg>,
    via: Vec<Decoding>,
    pub(crate) found: Vec<Found>,
    seen: HashSet<(usize, usize, usize)>,
    limit_hit: HashSet<usize>,
    key_classes: HashMap<Box<str>, walk::KeyInfo, foldhash::fast::RandomState>,
    /// The key of the member whose object or array is being walked (plural `s` dropped), so a
    /// nested path can name a restricted key.
    parent_key: Option<String>,
    /// The value indexes of the job's datasets, and the buffers their matching reuses.
    values: &'d [&'d ValueIndex],
    scratch: values::Scratch,
    /// `true` while the value of a pagination key (`next_cursor`) is walked: keyless-secret
    /// matches there are positions, not secrets.
    cursor_value: bool,
    /// `true` while the value of an organisation key (`payer`, `sponsor_name`) is walked: a
    /// name there is an organisation's, named after people or not.
    organisation_value: bool,
    /// The cells of the input's organisation columns (a CSV or Markdown column `payer`,
    /// `sponsor`): a name found inside one is no person's.
    organisation_cells: Vec<Range<usize>>,
    /// Texts, numbers and joined runs already found clean in this scan.
    clean: clean::Clean,
    /// The memo key of the joined run being scanned (its bytes and piece bounds), reused.
    run_key: Vec<u8>,
}

impl<'d> Engine<'d> {
    /// A fresh scan of an input of `input_len` bytes.
    pub(crate) fn new(
        det: &'d Detector,
        decoder: &'d Decoder,
        limits: &'d Limits,
        values: &'d [&'d ValueIndex],
        input_len: usize,
    ) -> Self {
        Self {
            det,
            decoder,
            limits,
            budget: input_len
                .saturating_mul(limits.max_expansion_ratio)
                .max(64 << 10),
            decoded: 0,
            json_depth: 0,
            path: Vec::new(),
            via: Vec::new(),
            found: Vec::new(),
            seen: HashSet::new(),
            limit_hit: HashSet::new(),
            key_classes: HashMap::default(),
            parent_key: None,
            values,
            scratch: values::Scratch::default(),
            cursor_value: false,
            organisation_value: false,
            organisation_cells: Vec::new(),
            clean: clean::Clean::default(),
            run_key: Vec::new(),
        }
    }

    fn render_path(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Root(None) => s.push('$'),
                Seg::Root(Some(i)) => {
                    let _ = write!(s, "#{i}$");
                }
                Seg::Key(Some(k)) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Key(None) => s.push_str(".*"),
                Seg::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
                Seg::Layer => s.push('>'),
            }
        }
        Some(s)
    }

    /// Records a finding (once per rule and span).
    fn record(&mut self, rule: usize, edits: Vec<Edit>, redactable: bool) {
        let (start, end) = edits
            .first()
            .map_or((0, 0), |e| (e.range.start, e.range.end));
        if !self.seen.insert((rule, start, end)) {
            return;
        }
        let path = (self.found.len() < self.limits.max_findings)
            .then(|| self.render_path())
            .flatten();
        self.found.push(Found {
            rule,
            path,
            via: self.via.clone(),
            edits,
            redactable,
        });
    }

    /// Records a match of `rule` covering `r` of a text at `origin`.
    fn hit(&mut self, rule: usize, origin: &Origin<'_>, r: Range<usize>, quoted: bool) {
        let edits = origin
            .resolve(r)
            .iter()
            .map(|range| Edit {
                range: range.clone(),
                rule,
                quoted,
            })
            .collect();
        self.record(rule, edits, true);
    }

    /// Records an exhausted budget (once per limit per scan) at `origin`.
    pub(crate) fn limit(&mut self, id: &str, origin: Option<&Origin<'_>>, len: usize) {
        let rule = self.det.limit_rule(id);
        if self.limit_hit.insert(rule) {
            let edits = origin.map_or_else(Vec::new, |o| {
                o.resolve(0..len)
                    .iter()
                    .map(|range| Edit {
                        range: range.clone(),
                        rule,
                        quoted: false,
                    })
                    .collect()
            });
            self.record(rule, edits, false);
        }
    }

    /// Scans the whole input as text (CSV, logs, anything that is not JSON).
    pub(crate) fn text_input(&mut self, input: &[u8]) {
        self.csv_header(input, 0);
        self.markdown_headers(input);
        self.text(input, &Origin::Input);
    }

    /// The header row of every Markdown table after the first line (a line followed by a
    /// `|---|---|` delimiter row), read as a CSV header: a table under a title line blocks as
    /// one at the top does.
    fn markdown_headers(&mut self, input: &[u8]) {
        let mut prev: Option<usize> = None;
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', input).chain([input.len()]) {
            let line = input[start..end].trim_ascii();
            let delimiter = line.starts_with(b"|")
                && line.contains(&b'-')
                && line
                    .iter()
                    .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'));
            if delimiter && let Some(header) = prev.filter(|&h| h > 0) {
                self.csv_header(input, header);
            }
            prev = Some(start);
            start = end + 1;
        }
    }

    /// A line (the first, or one at `from`) that looks like a CSV header: restricted columns and
    /// identity columns (date of birth, address, name, phone, person identifiers, passwords)
    /// block (the column's values cannot be redacted cell by cell).
    fn csv_header(&mut self, input: &[u8], from: usize) {
        let rest = &input[from..];
        let line_end = rest
            .iter()
            .take(4096)
            .position(|&b| b == b'\n')
            .unwrap_or(rest.len().min(4096));
        let line = &rest[..line_end];
        let Some(&sep) = [b',', b'\t', b';', b'|'].iter().find(|s| line.contains(s)) else {
            return;
        };
        // A header names columns: short cells of at most four words, without `:` or brackets. A
        // sentence with a comma (`Date of birth was converted to age bands (0-17, 18-44)`,
        // `Columns: patientId (string), ssn (string)`) is prose, not a header.
        let header = line.split(|&b| b == sep).all(|cell| {
            let cell = without_hint(cell.trim_ascii());
            cell.len() <= MAX_HEADER_CELL
                && cell.iter().filter(|&&b| b == b' ').count() < 4
                && !cell.iter().any(|b| matches!(b, b':' | b'(' | b')'))
        });
        if !header {
            return;
        }
        let mut start = from;
        let mut judged = Vec::new();
        for (column, cell) in line.split(|&b| b == sep).enumerate() {
            let range = start..start + cell.len();
            start += cell.len() + 1;
            let name = String::from_utf8_lossy(without_hint(cell.trim_ascii()));
            let name = name.trim().trim_matches(['"', '\'']);
            if self.det.cell_column(name) || self.det.organisation_key(name) {
                judged.push((column, name.to_owned()));
            }
            if let Some(rule) = self
                .det
                .restricted(name)
                .or_else(|| self.det.identity_column(name))
            {
                let edits = vec![Edit {
                    range,
                    rule,
                    quoted: false,
                }];
                self.record(rule, edits, false);
            }
        }
        if !judged.is_empty() {
            self.csv_cells(input, from + line_end, sep, &judged);
        }
    }

    /// The cells of the columns judged cell by cell (credentials, member references) in the
    /// rows after a CSV header ending at `from`, up to the first line without a separator: each
    /// is judged as a value under its column's key, so a column of passwords is found and one of
    /// masks or hashes passes. The cells of an organisation column (`payer`, `sponsor`) are
    /// remembered: a name there is an organisation's (`Morgan Stanley`).
    fn csv_cells(&mut self, input: &[u8], from: usize, sep: u8, columns: &[(usize, String)]) {
        // What each column is (an organisation's, or its cells' class), decided once, not once
        // per row.
        let columns: Vec<(usize, bool, KeyClass)> = columns
            .iter()
            .map(|(c, key)| {
                let class = self.det.column_class(key);
                (*c, self.det.organisation_key(key), class)
            })
            .collect();
        let mut start = from + 1;
        while start < input.len() {
            let end = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
            if !input[start..end].contains(&sep) {
                break;
            }
            let mut cell_start = start;
            for (column, cell) in input[start..end].split(|&b| b == sep).enumerate() {
                let range = cell_start..cell_start + cell.len();
                cell_start += cell.len() + 1;
                let Some(&(_, organisation, class)) = columns.iter().find(|(c, ..)| *c == column)
                else {
                    continue;
                };
                if organisation {
                    self.organisation_cells.push(range);
                    continue;
                }
                let Ok(text) = std::str::from_utf8(cell) else {
                    continue;
                };
                let text = text.trim().trim_matches(['"', '\'']);
                if let Some(rule) = self.det.cell(class, text) {
                    let edits = vec![Edit {
                        range,
                        rule,
                        quoted: false,
                    }];
                    self.record(rule, edits, true);
                }
            }
            start = end + 1;
        }
    }

    /// Runs every rule over `text`, then follows what it may hide. A text that is itself JSON is
    /// walked as a document instead of being matched as flat text. A text found clean earlier in
    /// the scan is skipped.
    fn text(&mut self, text: &[u8], origin: &Origin<'_>) {
        if self.clean.texts.contains(text) {
            return;
        }
        let reverse = !self.via.contains(&Decoding::Reversed);
        let candidates = self.decoder.candidates(text, reverse);
        let json = candidates.iter().find(|c| c.via == Decoding::Json);
        let walked = json.is_some_and(|c| {
            !self.may_enter(c, origin, text.len()) || self.json_candidate(c, origin)
        });
        if !walked {
            let mut hits: Vec<Hit> = Vec::new();
            self.det.matches(text, &mut hits);
            if self.cursor_value {
                hits.retain(|h| !self.det.is_generic(h.rule));
            }
            if self.organisation_value {
                hits.retain(|h| !self.det.is_name(h.rule));
            }
            if matches!(origin, Origin::Input) && !self.organisation_cells.is_empty() {
                let cells = &self.organisation_cells;
                hits.retain(|h| {
                    !self.det.is_name(h.rule)
                        || !cells
                            .iter()
                            .any(|c| c.start <= h.range.start && h.range.end <= c.end)
                });
            }
            if memchr::memchr3(b':', b'=', b'\'', text).is_some()
                || memchr::memchr2(b'<', b'"', text).is_some()
            {
                self.pairs(text, &mut hits);
            }
            let quiet = hits.is_empty()
                && candidates.is_empty()
                && !self.cursor_value
                && !self.organisation_value;
            for h in hits {
                self.hit(h.rule, origin, h.range, false);
            }
            // Clean without the reversed reading is not clean with it: remember only full reads.
            if !self.values_in(text, origin) && quiet && reverse {
                self.clean.texts.insert(text);
            }
        }
        self.follow(
            candidates.iter().filter(|c| c.via != Decoding::Json),
            origin,
            text.len(),
        );
    }

    /// Records the first dataset value in `text`, if any; `true` when there was one.
    fn values_in(&mut self, text: &[u8], origin: &Origin<'_>) -> bool {
        let found = values::find(self.values, text, &mut self.scratch);
        if let Some(range) = found.clone() {
            let rule = self.det.limit_rule(crate::detect::VALUE_RULE);
            self.hit(rule, origin, range, false);
        }
        found.is_some()
    }

    /// Field-rule hits of the `key=value` pairs in `text` (on the values).
    fn pairs(&mut self, text: &[u8], hits: &mut Vec<Hit>) {
        for pair in self.det.pairs(text) {
            if pair.key.len() > MAX_TEXT_KEY {
                continue;
            }
            let (Ok(key), Ok(value)) = (
                std::str::from_utf8(&text[pair.key]),
                std::str::from_utf8(&text[pair.value.clone()]),
            ) else {
                continue;
            };
            let (class, _) = self.key_class(key);
            if let Some(rule) = self.det.judge(class, Value::Str(value), Source::Text) {
                hits.push(Hit {
                    rule,
                    range: pair.value,
                });
            }
        }
    }

    /// Follows decoded (non-JSON) candidates found in a text of `len` bytes at `origin`.
    fn follow<'c>(
        &mut self,
        candidates: impl Iterator<Item = &'c Candidate>,
        origin: &Origin<'_>,
        len: usize,
    ) {
        for c in candidates {
            if !self.may_enter(c, origin, len) {
                return;
            }
            let inner = Origin::Spans(origin.resolve(c.range.clone()));
            self.via.push(c.via);
            self.text(&c.bytes, &inner);
            self.via.pop();
        }
    }

    /// Checks the decode depth and takes the candidate's bytes from the expansion budget;
    /// records the limit and refuses when either is exhausted.
    fn may_enter(&mut self, c: &Candidate, origin: &Origin<'_>, len: usize) -> bool {
        if self.via.len() >= self.limits.max_decode_depth {
            self.limit("limit.decode_depth", Some(origin), len);
            return false;
        }
        self.spend(c.bytes.len(), origin, len)
    }

    /// Takes `n` bytes from the expansion budget; on exhaustion records the limit and refuses.
    fn spend(&mut self, n: usize, origin: &Origin<'_>, len: usize) -> bool {
        if self
            .limit_hit
            .contains(&self.det.limit_rule("limit.expansion"))
        {
            return false;
        }
        if n > self.budget {
            self.limit("limit.expansion", Some(origin), len);
            return false;
        }
        self.budget -= n;
        self.decoded += n;
        true
    }

    /// Parses a JSON-looking candidate and walks it as a decoded layer; `false` if it is not
    /// JSON after all (the caller then scans it as text).
    fn json_candidate(&mut self, c: &Candidate, origin: &Origin<'_>) -> bool {
        let room = self.limits.max_json_depth.saturating_sub(self.json_depth);
        match json::validate(&c.bytes, room) {
            Ok(roots) => {
                let spans = Origin::Spans(origin.resolve(c.range.clone()));
                self.via.push(Decoding::Json);
                self.path.push(Seg::Layer);
                // Accepted by `validate`, so read again without error.
                let _ = self.doc(&c.bytes, room, roots, Some(&spans));
                self.path.pop();
                self.via.pop();
                true
            }
            Err(ParseError::TooDeep) => {
                self.limit("limit.json_depth", Some(origin), c.range.end);
                true
            }
            Err(ParseError::Syntax) => false,
        }
    }
}

/// A CSV header cell without a trailing format hint in brackets (`DOB (MM/DD/YYYY)`,
/// `amount (USD)`): a hint of one word names the column's format, not a sentence.
fn without_hint(cell: &[u8]) -> &[u8] {
    match cell.strip_suffix(b")").and_then(|c| {
        let open = c.iter().rposition(|&b| b == b'(')?;
        let hint = &c[open + 1..];
        (!hint.is_empty() && !hint.contains(&b' ') && !hint.contains(&b'(')).then_some(&c[..open])
    }) {
        Some(name) => name.trim_ascii(),
        None => cell,
    }
}
