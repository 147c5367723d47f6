//! A JSON reader that keeps what policy evaluation and IAM's validation need and
//! `serde_json` drops: the position of every value (the simulator reports where each
//! matched statement starts and ends) and repeated object keys (IAM rejects them).
//! See <https://www.rfc-editor.org/rfc/rfc8259>.

/// A place in the document: 1-based line and column, and the byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, counted in characters.
    pub column: u32,
    /// Byte offset from the start.
    pub offset: usize,
}

/// A JSON value with where it starts and ends (end is just past its last character).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub start: Position,
    /// Just past where it ends.
    pub end: Position,
}

/// A JSON value. Numbers keep their text; objects keep their key order and repeats.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object's members in document order.
    Object(Vec<(String, Node)>),
}

/// The document is not JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at line {}, column {}", .0.line, .0.column)]
pub struct JsonError(pub Position);

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Parses a whole document (one value, surrounded only by whitespace).
///
/// # Errors
/// `JsonError` at the first offending position.
pub fn parse(text: &str) -> Result<Node, JsonError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: Position {
            line: 1,
            column: 1,
            offset: 0,
        },
    };
    reader.skip_whitespace();
    let node = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos.offset != reader.bytes.len() {
        return Err(JsonError(reader.pos));
    }
    Ok(node)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: Position,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos.offset).copied()
    }

    fn advance(&mut self) {
        let Some(c) = self.text[self.pos.offset..].chars().next() else {
            return;
        };
        self.pos.offset += c.len_utf8();
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.advance();
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.advance();
            Ok(())
        } else {
            Err(JsonError(self.pos))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError(self.pos));
        }
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(JsonError(self.pos)),
        };
        Ok(Node {
            value,
            start,
            end: self.pos,
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self.text[self.pos.offset..].starts_with(word) {
            for _ in 0..word.len() {
                self.advance();
            }
            Ok(value)
        } else {
            Err(JsonError(self.pos))
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let from = self.pos.offset;
        if self.peek() == Some(b'-') {
            self.advance();
        }
        match self.peek() {
            Some(b'0') => self.advance(),
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError(self.pos)),
        }
        if self.peek() == Some(b'.') {
            self.advance();
            self.require_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.advance();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.advance();
            }
            self.require_digits()?;
        }
        Ok(Value::Number(self.text[from..self.pos.offset].to_owned()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.advance();
        }
    }

    fn require_digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(JsonError(self.pos));
        }
        self.digits();
        Ok(())
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos.offset..].chars().next() else {
                return Err(JsonError(self.pos));
            };
            match c {
                '"' => {
                    self.advance();
                    return Ok(out);
                }
                '\\' => {
                    self.advance();
                    out.push(self.escape()?);
                }
                c if u32::from(c) < 0x20 => return Err(JsonError(self.pos)),
                c => {
                    out.push(c);
                    self.advance();
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let at = self.pos;
        let c = self.peek().ok_or(JsonError(at))?;
        self.advance();
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
                let high = self.hex4()?;
                if (0xD800..0xDC00).contains(&high) {
                    self.expect(b'\\')?;
                    self.expect(b'u')?;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(JsonError(at));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or(JsonError(at))?
                } else {
                    char::from_u32(high).ok_or(JsonError(at))?
                }
            }
            _ => return Err(JsonError(at)),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos.offset..self.pos.offset + 4)
            .ok_or(JsonError(self.pos))?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| JsonError(self.pos))?;
        for _ in 0..4 {
            self.advance();
        }
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.expect(b'[')?;
        self.skip_whitespace();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.advance();
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.advance(),
                Some(b']') => {
                    self.advance();
                    return Ok(Value::Array(items));
                }
                _ => return Err(JsonError(self.pos)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.expect(b'{')?;
        self.skip_whitespace();
        let mut members = Vec::new();
        if self.peek() == Some(b'}') {
            self.advance();
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            members.push((key, self.value(depth + 1)?));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.advance(),
                Some(b'}') => {
                    self.advance();
                    return Ok(Value::Object(members));
                }
                _ => return Err(JsonError(self.pos)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_positions() {
        let node = parse("{\n  \"a\": [1, \"x\"]\n}").unwrap_or_else(|e| panic!("{e}"));
        let Value::Object(members) = &node.value else {
            panic!("object")
        };
        let (key, array) = &members[0];
        assert_eq!(key, "a");
        assert_eq!((array.start.line, array.start.column), (2, 8));
        assert_eq!((array.end.line, array.end.column), (2, 16));
        assert_eq!((node.end.line, node.end.column), (3, 2));
    }

    #[test]
    fn repeated_keys_are_kept_for_the_caller_to_judge() {
        let node = parse(r#"{"a":1,"a":2}"#).unwrap_or_else(|e| panic!("{e}"));
        let Value::Object(members) = node.value else {
            panic!("object")
        };
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn escapes_and_surrogates_decode() {
        let node = parse(r#""a\"\u00e9\ud83d\ude00""#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(node.value, Value::String("a\"é😀".to_owned()));
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in [
            "{",
            "{\"a\":1,}",
            "[1,]",
            "01",
            "\"\n\"",
            "{} x",
            "tru",
            "{'a':1}",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&"[".repeat(100)).is_err());
    }
}
