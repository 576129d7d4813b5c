//! Reading JSON strings: the fast path borrows the source, strings with escapes are decoded
//! with the source offset of every byte.

use std::borrow::Cow;

use super::{ParseError, Reader, Text};

impl<'a> Reader<'a> {
    /// Reads a string at `self.pos` (on the opening quote).
    pub(super) fn string(&mut self) -> Result<Text<'a>, ParseError> {
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
