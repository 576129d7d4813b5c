//! A small streaming JSON reader that keeps byte spans, so findings can name a position and
//! redaction can rewrite exactly the matched bytes. Linear time, depth-limited, no allocation per
//! scalar unless a string holds escapes, and no tree: the walk reads each value once, in
//! document order (after [`validate`] has accepted the whole text, or starting over when the
//! reader meets an error).

mod string;

use std::borrow::Cow;
use std::ops::Range;

/// One value and the bytes it covers (quotes and brackets included), as the walk keeps it
/// once read: a container is kept without its content, which was walked when it was read.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) span: Range<usize>,
    pub(crate) kind: Kind<'a>,
}

/// The value's type and content.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Null,
    Bool,
    Num(&'a [u8]),
    Str(Text<'a>),
    Array,
    Object,
}

/// A decoded JSON string and how to find its bytes in the source.
#[derive(Debug)]
pub(crate) struct Text<'a> {
    /// The decoded content.
    pub(crate) value: Cow<'a, str>,
    /// Source offset of the first content byte (after the opening quote).
    pub(crate) start: usize,
    /// For strings with escapes: source offset of each decoded byte, plus one past the end.
    pub(crate) map: Option<Vec<u32>>,
}

impl Text<'_> {
    /// Source range of the decoded byte range `r`.
    pub(crate) fn source(&self, r: Range<usize>) -> Range<usize> {
        match &self.map {
            None => self.start + r.start..self.start + r.end,
            Some(map) => map[r.start] as usize..map[r.end] as usize,
        }
    }
}

/// Why the bytes are not (acceptable) JSON.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not JSON: scan as text instead.
    Syntax,
    /// JSON nested deeper than the limit: undecidable.
    TooDeep,
}

/// What [`Reader::value`] found at the start of a value.
#[derive(Debug)]
pub(crate) enum Event<'a> {
    /// A whole scalar (null, boolean, number or string).
    Scalar(Node<'a>),
    /// The opening bracket of an array (`object: false`) or object at `start`: its items follow
    /// ([`Reader::next_item`], [`Reader::next_key`]).
    Open { start: usize, object: bool },
}

/// Checks that `src` is acceptable JSON: one or more whitespace-separated documents (JSON Lines
/// works too), nested at most `max_depth` deep. `Ok` is the number of documents. The error is
/// the first one a [`Reader`] meets, so a reader over accepted bytes meets none.
pub(crate) fn validate(src: &[u8], max_depth: usize) -> Result<usize, ParseError> {
    let mut r = Reader::new(src, max_depth)?;
    let mut roots = 0;
    while r.more() {
        r.skip_value()?;
        roots += 1;
    }
    if roots == 0 {
        return Err(ParseError::Syntax);
    }
    Ok(roots)
}

/// A pull reader of JSON text: values in document order, each container's items between its
/// [`Event::Open`] and the call of [`Reader::next_item`] or [`Reader::next_key`] that reports
/// its end. Nothing is kept of what was read.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    src: &'a [u8],
    pos: usize,
    /// Containers open around the position.
    depth: usize,
    max_depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `src`; `max_depth` bounds nesting of arrays and objects.
    pub(crate) fn new(src: &'a [u8], max_depth: usize) -> Result<Self, ParseError> {
        if src.len() > u32::MAX as usize {
            return Err(ParseError::Syntax);
        }
        Ok(Self {
            src,
            pos: 0,
            depth: 0,
            max_depth,
        })
    }

    /// `true` when another document follows (only whitespace skipped).
    pub(crate) fn more(&mut self) -> bool {
        self.skip_ws();
        self.pos < self.src.len()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.src.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), ParseError> {
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ParseError::Syntax)
        }
    }

    fn scalar(&self, start: usize, kind: Kind<'a>) -> Event<'a> {
        Event::Scalar(Node {
            span: start..self.pos,
            kind,
        })
    }

    /// Reads the start of the next value: a whole scalar, or a container's opening bracket.
    pub(crate) fn value(&mut self) -> Result<Event<'a>, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.src.get(self.pos) {
            Some(b'{' | b'[') if self.depth >= self.max_depth => return Err(ParseError::TooDeep),
            Some(&b @ (b'{' | b'[')) => {
                self.pos += 1;
                self.depth += 1;
                return Ok(Event::Open {
                    start,
                    object: b == b'{',
                });
            }
            Some(b'"') => Kind::Str(self.string()?),
            Some(b't') => self.literal(b"true", Kind::Bool)?,
            Some(b'f') => self.literal(b"false", Kind::Bool)?,
            Some(b'n') => self.literal(b"null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Num(self.number()?),
            _ => return Err(ParseError::Syntax),
        };
        Ok(self.scalar(start, kind))
    }

    /// Inside an array: `true` when an item follows (read it with [`Reader::value`]), `false`
    /// at the closing bracket (consumed). `first` is `true` right after the opening bracket.
    pub(crate) fn next_item(&mut self, first: bool) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.src.get(self.pos) {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                Ok(true)
            }
            _ if first => Ok(true),
            _ => Err(ParseError::Syntax),
        }
    }

    /// Inside an object: the next member's key (its value follows: read it with
    /// [`Reader::value`]), or `None` at the closing brace (consumed). `first` is `true` right
    /// after the opening brace.
    pub(crate) fn next_key(&mut self, first: bool) -> Result<Option<Text<'a>>, ParseError> {
        self.skip_ws();
        match self.src.get(self.pos) {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_ws();
            }
            _ if first => {}
            _ => return Err(ParseError::Syntax),
        }
        if self.src.get(self.pos) != Some(&b'"') {
            return Err(ParseError::Syntax);
        }
        let key = self.string()?;
        self.eat(b':')?;
        Ok(Some(key))
    }

    /// Reads a whole value, keeping nothing; `Ok` is where it ends.
    pub(crate) fn skip_value(&mut self) -> Result<usize, ParseError> {
        if let Event::Open { object, .. } = self.value()? {
            self.skip_items(object)?;
        }
        Ok(self.pos)
    }

    /// Reads the rest of an open container, keeping nothing.
    fn skip_items(&mut self, object: bool) -> Result<(), ParseError> {
        let mut first = true;
        loop {
            let more = if object {
                self.next_key(first)?.is_some()
            } else {
                self.next_item(first)?
            };
            if !more {
                return Ok(());
            }
            first = false;
            self.skip_value()?;
        }
    }

    /// Source offset of the next byte to read.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn literal(&mut self, word: &[u8], kind: Kind<'a>) -> Result<Kind<'a>, ParseError> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(ParseError::Syntax)
        }
    }

    fn number(&mut self) -> Result<&'a [u8], ParseError> {
        let start = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.src.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(ParseError::Syntax);
        }
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(ParseError::Syntax);
            }
        }
        if let Some(b'e' | b'E') = self.src.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.src.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(ParseError::Syntax);
            }
        }
        Ok(&self.src[start..self.pos])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `src` in document order, as `(depth, span bytes)`; containers at their
    /// end, after their items.
    fn values(src: &[u8]) -> Vec<(usize, String)> {
        fn read(r: &mut Reader<'_>, src: &[u8], depth: usize, out: &mut Vec<(usize, String)>) {
            let span = match r.value().unwrap() {
                Event::Scalar(node) => node.span,
                Event::Open { start, object } => {
                    let mut first = true;
                    while if object {
                        r.next_key(first).unwrap().is_some()
                    } else {
                        r.next_item(first).unwrap()
                    } {
                        first = false;
                        read(r, src, depth + 1, out);
                    }
                    start..r.pos()
                }
            };
            out.push((depth, String::from_utf8_lossy(&src[span]).into_owned()));
        }
        let mut r = Reader::new(src, 8).unwrap();
        let mut out = Vec::new();
        while r.more() {
            read(&mut r, src, 0, &mut out);
        }
        out
    }

    #[test]
    fn spans_and_escapes() {
        let src = br#"{"a":"x\u0040y","b":[1,-2.5e3,true,null]}"#;
        let mut r = Reader::new(src, 8).unwrap();
        assert!(matches!(
            r.value(),
            Ok(Event::Open {
                start: 0,
                object: true
            })
        ));
        let key = r.next_key(true).unwrap().unwrap();
        assert_eq!(key.value, "a");
        let Ok(Event::Scalar(Node {
            kind: Kind::Str(t), ..
        })) = r.value()
        else {
            panic!("string expected")
        };
        assert_eq!(t.value, "x@y");
        assert_eq!(&src[t.source(1..2)], br"\u0040");
        assert_eq!(&src[t.source(0..3)], br"x\u0040y");
    }

    #[test]
    fn nested_containers_keep_their_own_children() {
        let read = values(br#"[[1,2],{"a":[3],"b":{}},[],4]"#);
        let shown: Vec<(usize, &str)> = read.iter().map(|(d, s)| (*d, s.as_str())).collect();
        assert_eq!(
            shown,
            [
                (2, "1"),
                (2, "2"),
                (1, "[1,2]"),
                (3, "3"),
                (2, "[3]"),
                (2, "{}"),
                (1, r#"{"a":[3],"b":{}}"#),
                (1, "[]"),
                (1, "4"),
                (0, r#"[[1,2],{"a":[3],"b":{}},[],4]"#),
            ]
        );
    }

    #[test]
    fn json_lines_and_errors() {
        assert_eq!(validate(b"{}\n{}\n", 4), Ok(2));
        assert_eq!(validate(b"[[[]]]", 2), Err(ParseError::TooDeep));
        assert_eq!(validate(b"[[[]]]", 3), Ok(1));
        assert_eq!(validate(b"{\"a\" 1}", 4), Err(ParseError::Syntax));
        assert_eq!(validate(b"  ", 4), Err(ParseError::Syntax));
        assert_eq!(validate(b"\"\\ud800\"", 4), Ok(1));
        for bad in [
            &b"[1,]"[..],
            b"[,1]",
            b"{\"a\":1,}",
            b"{,}",
            b"[1 2]",
            b"{\"a\":1 \"b\":2}",
        ] {
            assert_eq!(validate(bad, 4), Err(ParseError::Syntax), "{bad:?}");
        }
        // The first error in document order decides.
        assert_eq!(validate(b"[x,[[[]]]]", 2), Err(ParseError::Syntax));
        assert_eq!(validate(b"[[[[]]],x]", 2), Err(ParseError::TooDeep));
    }
}
