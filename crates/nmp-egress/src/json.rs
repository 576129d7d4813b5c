//! A small JSON reader that keeps byte spans, so findings can name a position and redaction can
//! rewrite exactly the matched bytes. Linear time, depth-limited, no allocation per scalar unless
//! a string holds escapes.

use std::borrow::Cow;
use std::ops::Range;

/// A parsed JSON text: one or more whitespace-separated documents (JSON Lines works too).
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub(crate) nodes: Vec<Node<'a>>,
    pub(crate) roots: Vec<usize>,
}

/// One value and the bytes it covers (quotes and brackets included).
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
    Array(Vec<usize>),
    Object(Vec<(Text<'a>, usize)>),
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

/// Parses `src`; `max_depth` bounds nesting of arrays and objects.
pub(crate) fn parse(src: &[u8], max_depth: usize) -> Result<Doc<'_>, ParseError> {
    if src.len() > u32::MAX as usize {
        return Err(ParseError::Syntax);
    }
    let mut p = Parser {
        src,
        pos: 0,
        nodes: Vec::new(),
        items: Vec::new(),
        members: Vec::new(),
        max_depth,
    };
    let mut roots = Vec::new();
    p.skip_ws();
    while p.pos < src.len() {
        roots.push(p.value(0)?);
        p.skip_ws();
    }
    if roots.is_empty() {
        return Err(ParseError::Syntax);
    }
    Ok(Doc {
        nodes: p.nodes,
        roots,
    })
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    nodes: Vec<Node<'a>>,
    /// The items of the arrays being read, innermost last: each array takes its own off the
    /// top when it closes, in one allocation of the right size.
    items: Vec<usize>,
    /// The members of the objects being read, likewise.
    members: Vec<(Text<'a>, usize)>,
    max_depth: usize,
}

impl<'a> Parser<'a> {
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

    fn push(&mut self, start: usize, kind: Kind<'a>) -> usize {
        self.nodes.push(Node {
            span: start..self.pos,
            kind,
        });
        self.nodes.len() - 1
    }

    fn value(&mut self, depth: usize) -> Result<usize, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.src.get(self.pos) {
            Some(b'{' | b'[') if depth >= self.max_depth => return Err(ParseError::TooDeep),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::Str(self.string()?),
            Some(b't') => self.literal(b"true", Kind::Bool)?,
            Some(b'f') => self.literal(b"false", Kind::Bool)?,
            Some(b'n') => self.literal(b"null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Num(self.number()?),
            _ => return Err(ParseError::Syntax),
        };
        Ok(self.push(start, kind))
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

    fn array(&mut self, depth: usize) -> Result<Kind<'a>, ParseError> {
        self.pos += 1;
        let mark = self.items.len();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Kind::Array(Vec::new()));
        }
        loop {
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(self.items.drain(mark..).collect()));
                }
                _ => return Err(ParseError::Syntax),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'a>, ParseError> {
        self.pos += 1;
        let mark = self.members.len();
        self.skip_ws();
        if self.src.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Kind::Object(Vec::new()));
        }
        loop {
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b'"') {
                return Err(ParseError::Syntax);
            }
            let key = self.string()?;
            self.eat(b':')?;
            let value = self.value(depth + 1)?;
            self.members.push((key, value));
            self.skip_ws();
            match self.src.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(self.members.drain(mark..).collect()));
                }
                _ => return Err(ParseError::Syntax),
            }
        }
    }

    /// Reads a string at `self.pos` (on the opening quote).
    fn string(&mut self) -> Result<Text<'a>, ParseError> {
        self.pos += 1;
        let start = self.pos;
        let end = memchr::memchr2(b'"', b'\\', &self.src[start..]).ok_or(ParseError::Syntax)?;
        if self.src[start..start + end].iter().any(|&b| b < 0x20) {
            return Err(ParseError::Syntax);
        }
        self.pos = start + end;
        if self.src[self.pos] == b'\\' {
            return self.escaped_string(start);
        }
        let value =
            std::str::from_utf8(&self.src[start..self.pos]).map_err(|_| ParseError::Syntax)?;
        self.pos += 1;
        Ok(Text {
            value: Cow::Borrowed(value),
            start,
            map: None,
        })
    }

    /// Slow path for strings with escapes: decodes and records the source offset of every byte.
    fn escaped_string(&mut self, start: usize) -> Result<Text<'a>, ParseError> {
        let mut out: Vec<u8> = self.src[start..self.pos].to_vec();
        let mut map: Vec<u32> = (start..self.pos).map(|i| i as u32).collect();
        loop {
            let at = self.pos;
            match self.src.get(self.pos) {
                None => return Err(ParseError::Syntax),
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = self.escape()?;
                    let mut buf = [0u8; 4];
                    for &b in c.encode_utf8(&mut buf).as_bytes() {
                        out.push(b);
                        map.push(at as u32);
                    }
                }
                Some(&b) if b < 0x20 => return Err(ParseError::Syntax),
                Some(&b) => {
                    out.push(b);
                    map.push(at as u32);
                    self.pos += 1;
                }
            }
        }
        map.push(self.pos as u32);
        self.pos += 1;
        let value = String::from_utf8(out).map_err(|_| ParseError::Syntax)?;
        Ok(Text {
            value: Cow::Owned(value),
            start,
            map: Some(map),
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or(ParseError::Syntax)?;
        let text = std::str::from_utf8(digits).map_err(|_| ParseError::Syntax)?;
        let v = u32::from_str_radix(text, 16).map_err(|_| ParseError::Syntax)?;
        self.pos += 4;
        Ok(v)
    }

    /// Decodes one escape at `self.pos` (on the backslash). Lone surrogates become U+FFFD.
    fn escape(&mut self) -> Result<char, ParseError> {
        let c = *self.src.get(self.pos + 1).ok_or(ParseError::Syntax)?;
        self.pos += 2;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) && self.src[self.pos..].starts_with(b"\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if (0xDC00..0xE000).contains(&lo) {
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        return Ok(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                    }
                    self.pos = save;
                }
                char::from_u32(hi).unwrap_or('\u{FFFD}')
            }
            _ => return Err(ParseError::Syntax),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_escapes() {
        let src = br#"{"a":"x\u0040y","b":[1,-2.5e3,true,null]}"#;
        let doc = parse(src, 8).unwrap();
        let Kind::Object(members) = &doc.nodes[doc.roots[0]].kind else {
            panic!("object expected")
        };
        let Kind::Str(t) = &doc.nodes[members[0].1].kind else {
            panic!("string expected")
        };
        assert_eq!(t.value, "x@y");
        assert_eq!(&src[t.source(1..2)], br"\u0040");
        assert_eq!(&src[t.source(0..3)], br"x\u0040y");
    }

    #[test]
    fn nested_containers_keep_their_own_children() {
        let src = br#"[[1,2],{"a":[3],"b":{}},[],4]"#;
        let doc = parse(src, 8).unwrap();
        let spans = |items: &[usize]| -> Vec<&[u8]> {
            items
                .iter()
                .map(|&i| &src[doc.nodes[i].span.clone()])
                .collect()
        };
        let Kind::Array(items) = &doc.nodes[doc.roots[0]].kind else {
            panic!("array expected")
        };
        assert_eq!(
            spans(items),
            [&b"[1,2]"[..], br#"{"a":[3],"b":{}}"#, b"[]", b"4"]
        );
        let Kind::Object(members) = &doc.nodes[items[1]].kind else {
            panic!("object expected")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| &*k.value).collect();
        assert_eq!(keys, ["a", "b"]);
        let values: Vec<usize> = members.iter().map(|m| m.1).collect();
        assert_eq!(spans(&values), [&b"[3]"[..], b"{}"]);
    }

    #[test]
    fn json_lines_and_errors() {
        assert_eq!(parse(b"{}\n{}\n", 4).unwrap().roots.len(), 2);
        assert_eq!(parse(b"[[[]]]", 2).unwrap_err(), ParseError::TooDeep);
        assert_eq!(parse(b"{\"a\" 1}", 4).unwrap_err(), ParseError::Syntax);
        assert_eq!(parse(b"  ", 4).unwrap_err(), ParseError::Syntax);
        assert_eq!(parse(b"\"\\ud800\"", 4).unwrap().roots.len(), 1);
    }
}
