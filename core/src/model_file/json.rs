//! The small JSON reader and writer behind safetensors headers: exactly the subset a header
//! uses, with a depth limit, and never a panic on malformed input.

/// How deeply JSON values may nest in a header (this format needs 3 levels).
const MAX_DEPTH: usize = 8;

/// `text` as a JSON string literal.
pub(super) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value; numbers other than non-negative integers are kept only as "some number".
#[derive(Debug)]
pub(super) enum Json {
    Null,
    Bool,
    Integer(u64),
    OtherNumber,
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Whether `text` matches JSON's `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = text.strip_prefix('-').unwrap_or(text);
    let n = digits(rest);
    if n == 0 || (n > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = &rest[n..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = digits(fraction);
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        let n = digits(exponent);
        if n == 0 {
            return false;
        }
        rest = &exponent[n..];
    }
    rest.is_empty()
}

/// A recursive-descent JSON parser over a string, with a depth limit. Errors are
/// `(byte offset, what was expected)`.
pub(super) struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

type ParseResult<T> = Result<T, (usize, String)>;

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            at: 0,
        }
    }

    fn fail<T>(&self, what: impl Into<String>) -> ParseResult<T> {
        if self.at >= self.text.len() {
            Err((
                self.at,
                format!("unexpected end of header: {}", what.into()),
            ))
        } else {
            Err((self.at, what.into()))
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> ParseResult<()> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            self.fail(format!("expected `{}`", byte as char))
        }
    }

    pub(super) fn document(mut self) -> ParseResult<Json> {
        let value = self.value(0)?;
        self.skip_whitespace();
        if self.at != self.text.len() {
            return self.fail("unexpected text after the header object");
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> ParseResult<Json> {
        if depth > MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Json::Bool),
            Some(b'f') => self.literal("false", Json::Bool),
            Some(b'n') => self.literal("null", Json::Null),
            _ => self.fail("expected a value"),
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> ParseResult<Json> {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            self.fail(format!("expected `{word}`"))
        }
    }

    fn object(&mut self, depth: usize) -> ParseResult<Json> {
        self.expect(b'{')?;
        let mut members: Vec<(String, Json)> = Vec::new();
        let mut keys = std::collections::BTreeSet::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return self.fail("expected a key string");
            }
            let key_at = self.at;
            let key = self.string()?;
            if !keys.insert(key.clone()) {
                return Err((key_at, format!("duplicate key `{key}`")));
            }
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return self.fail("expected `,` or `}`"),
            }
        }
    }

    fn array(&mut self, depth: usize) -> ParseResult<Json> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return self.fail("expected `,` or `]`"),
            }
        }
    }

    fn number(&mut self) -> ParseResult<Json> {
        let start = self.at;
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.text[start..self.at]).unwrap_or("");
        let is_integer =
            text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
        if is_integer {
            match text.parse() {
                Ok(n) => Ok(Json::Integer(n)),
                Err(_) => Err((start, format!("integer {text} is too large"))),
            }
        } else if is_json_number(text) {
            Ok(Json::OtherNumber)
        } else {
            Err((start, format!("malformed number `{text}`")))
        }
    }

    fn hex4(&mut self) -> ParseResult<u32> {
        let digits = self.text.get(self.at..self.at + 4);
        let value = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match value {
            Some(value) => {
                self.at += 4;
                Ok(value)
            }
            None => self.fail("expected four hex digits after `\\u`"),
        }
    }

    fn string(&mut self) -> ParseResult<String> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return self.fail("unterminated string");
            };
            self.at += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else {
                        return self.fail("unterminated string");
                    };
                    self.at += 1;
                    let c = match escape {
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
                            let code = if (0xD800..0xDC00).contains(&high) {
                                if !self.text[self.at..].starts_with(b"\\u") {
                                    return self.fail("unpaired surrogate");
                                }
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return self.fail("unpaired surrogate");
                                }
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                high
                            };
                            match char::from_u32(code) {
                                Some(c) => c,
                                None => return self.fail("invalid `\\u` escape"),
                            }
                        }
                        _ => return self.fail("invalid escape"),
                    };
                    let mut buffer = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                }
                0..0x20 => return self.fail("control character in string"),
                _ => out.push(byte),
            }
        }
        // The input is a `str` and escapes produce whole characters, so this cannot fail.
        String::from_utf8(out).or_else(|_| self.fail("invalid UTF-8 in string"))
    }
}
