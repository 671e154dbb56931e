//! A small JSON reader that borrows from its input: objects keep their members in order,
//! and every value keeps the exact text it was read from, so that a merge can copy leaves to
//! its output without building and re-printing them. The tree lives in an arena ([`Bump`])
//! that the caller owns: one allocation per block of nodes instead of one per container, and
//! nothing to free node by node.

use std::borrow::Cow;

pub use bumpalo::Bump;

use crate::read::scan::{find_quote_or_backslash, find_string_special};
use crate::read::skim::container_end;

/// Nesting deeper than this is refused (as `serde_json` does), so that hostile input cannot
/// exhaust the stack.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A JSON value read from `text`, with its containers' contents in an arena.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    /// The exact text of the value in the input.
    pub raw: &'a str,
    pub body: Body<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    Scalar(Kind),
    Array(&'a [Node<'a>]),
    /// Members in order, names unescaped.
    Object(&'a [(&'a str, Node<'a>)]),
}

impl<'a> Node<'a> {
    pub fn kind(&self) -> Kind {
        match &self.body {
            Body::Scalar(kind) => *kind,
            Body::Array(_) => Kind::Array,
            Body::Object(_) => Kind::Object,
        }
    }

    /// The member `key` of an object (the last one, if the key repeats, as JSON parsers do).
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.body {
            Body::Object(members) => members
                .iter()
                .rev()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The value of a string, unescaped.
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        (self.kind() == Kind::String).then(|| unescape(self.raw))
    }

    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: &'static str,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// Reads one JSON value that fills `text` (whitespace around it allowed), its containers'
/// contents (and unescaped member names) in `arena`.
pub fn parse<'a>(text: &'a str, arena: &'a Bump) -> Result<Node<'a>, SyntaxError> {
    let mut parser = Parser {
        arena,
        text,
        bytes: text.as_bytes(),
        position: 0,
        // Deep enough for a release without growing.
        stack: Vec::with_capacity(64),
    };
    parser.skip_whitespace();
    parser.value("", 0)?;
    parser.skip_whitespace();
    if parser.position != parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    let (_, node) = parser.stack.pop().expect("a value was read");
    Ok(node)
}

struct Parser<'a> {
    arena: &'a Bump,
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    /// The values read in the containers being read, with their member names (empty in
    /// arrays), nested ones above the outer ones: each container's are copied once to the
    /// arena, at their exact size. A value is built where it stays on this stack rather than
    /// returned: moving nodes through return values was most of the parser's time.
    stack: Vec<(&'a str, Node<'a>)>,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.position,
            message,
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.position) {
            self.position += 1;
        }
    }

    /// Reads the value at `position` and pushes it, named `name`, on the stack.
    fn value(&mut self, name: &'a str, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let start = self.position;
        let body = match self.bytes.get(self.position) {
            None => return Err(self.error("unexpected end of input")),
            Some(b'{') => {
                self.position += 1;
                let first = self.stack.len();
                self.skip_whitespace();
                if self.bytes.get(self.position) == Some(&b'}') {
                    self.position += 1;
                } else {
                    loop {
                        self.skip_whitespace();
                        if self.bytes.get(self.position) != Some(&b'"') {
                            return Err(self.error("expected a member name"));
                        }
                        let key_start = self.position;
                        let key = if self.string()? {
                            let key: &str = &unescape(&self.text[key_start..self.position]);
                            &*self.arena.alloc_str(key)
                        } else {
                            &self.text[key_start + 1..self.position - 1]
                        };
                        self.skip_whitespace();
                        if self.bytes.get(self.position) != Some(&b':') {
                            return Err(self.error("expected `:`"));
                        }
                        self.position += 1;
                        self.skip_whitespace();
                        self.value(key, depth + 1)?;
                        self.skip_whitespace();
                        match self.bytes.get(self.position) {
                            Some(b',') => self.position += 1,
                            Some(b'}') => {
                                self.position += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `}`")),
                        }
                    }
                }
                let members = self.arena.alloc_slice_copy(&self.stack[first..]);
                self.stack.truncate(first);
                Body::Object(members)
            }
            Some(b'[') => {
                self.position += 1;
                let first = self.stack.len();
                self.skip_whitespace();
                if self.bytes.get(self.position) == Some(&b']') {
                    self.position += 1;
                } else {
                    loop {
                        self.skip_whitespace();
                        self.value("", depth + 1)?;
                        self.skip_whitespace();
                        match self.bytes.get(self.position) {
                            Some(b',') => self.position += 1,
                            Some(b']') => {
                                self.position += 1;
                                break;
                            }
                            _ => return Err(self.error("expected `,` or `]`")),
                        }
                    }
                }
                let items = self
                    .arena
                    .alloc_slice_fill_iter(self.stack[first..].iter().map(|(_, item)| *item));
                self.stack.truncate(first);
                Body::Array(items)
            }
            Some(b'"') => {
                self.string()?;
                Body::Scalar(Kind::String)
            }
            Some(b't') => self.literal(b"true", Kind::Bool)?,
            Some(b'f') => self.literal(b"false", Kind::Bool)?,
            Some(b'n') => self.literal(b"null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Body::Scalar(Kind::Number)
            }
            Some(_) => return Err(self.error("expected a value")),
        };
        let raw = &self.text[start..self.position];
        self.stack.push((name, Node { raw, body }));
        Ok(())
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Result<Body<'a>, SyntaxError> {
        if self.bytes[self.position..].starts_with(word) {
            self.position += word.len();
            Ok(Body::Scalar(kind))
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.position;
        while self
            .bytes
            .get(self.position)
            .is_some_and(u8::is_ascii_digit)
        {
            self.position += 1;
        }
        self.position - start
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.bytes.get(self.position) == Some(&b'-') {
            self.position += 1;
        }
        match self.bytes.get(self.position) {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.bytes.get(self.position) == Some(&b'.') {
            self.position += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.position) {
            self.position += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.position) {
                self.position += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(())
    }

    /// Skips a string, checking its escapes; `position` is at its opening quote. Tells whether
    /// the string has escapes.
    fn string(&mut self) -> Result<bool, SyntaxError> {
        self.position += 1;
        let mut escaped = false;
        loop {
            // Skip to the next quote, backslash or control character at once.
            let Some(skip) = find_string_special(&self.bytes[self.position..]) else {
                self.position = self.bytes.len();
                return Err(self.error("unterminated string"));
            };
            self.position += skip;
            match self.bytes[self.position] {
                b'"' => {
                    self.position += 1;
                    return Ok(escaped);
                }
                b'\\' => {
                    escaped = true;
                    self.position += 1;
                    match self.bytes.get(self.position) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.position += 1
                        }
                        Some(b'u') => {
                            let hex = self.bytes.get(self.position + 1..self.position + 5);
                            if !hex.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(self.error("invalid \\u escape"));
                            }
                            self.position += 5;
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                _ => return Err(self.error("control character in string")),
            }
        }
    }
}

/// Finds the members `wanted` of the top-level object in `text` without building anything:
/// nested values are skipped by counting brackets. Returns each member's raw text (the last
/// one if a name repeats), or `None` when `text` does not hold an object. It checks structure
/// only as far as it reads; use [`parse`] to check a text.
pub fn top_level_members<'t, const N: usize>(
    text: &'t str,
    wanted: [&str; N],
) -> Option<[Option<&'t str>; N]> {
    let bytes = text.as_bytes();
    let mut found = [None; N];
    let mut position = skip_whitespace_at(bytes, 0);
    if bytes.get(position) != Some(&b'{') {
        return None;
    }
    position += 1;
    loop {
        position = skip_whitespace_at(bytes, position);
        match bytes.get(position) {
            Some(b'}') => return Some(found),
            Some(b'"') => {}
            _ => return None,
        }
        let key_start = position;
        position = skip_string(bytes, position)?;
        let key = unescape(&text[key_start..position]);
        position = skip_whitespace_at(bytes, position);
        if bytes.get(position) != Some(&b':') {
            return None;
        }
        position = skip_whitespace_at(bytes, position + 1);
        let value_start = position;
        position = skip_value(bytes, position)?;
        if let Some(slot) = wanted.iter().position(|name| *name == key) {
            found[slot] = Some(&text[value_start..position]);
        }
        position = skip_whitespace_at(bytes, position);
        match bytes.get(position) {
            Some(b',') => position += 1,
            Some(b'}') => return Some(found),
            _ => return None,
        }
    }
}

pub(crate) fn skip_whitespace_at(bytes: &[u8], mut position: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(position) {
        position += 1;
    }
    position
}

/// The position after the string starting at `position`.
fn skip_string(bytes: &[u8], mut position: usize) -> Option<usize> {
    position += 1;
    loop {
        position += find_quote_or_backslash(bytes.get(position..)?)?;
        if bytes[position] == b'"' {
            return Some(position + 1);
        }
        position += 2;
    }
}

/// The position after the value starting at `position` (objects and arrays skipped by their
/// brackets, 64 bytes at a time: see [`container_end`]).
pub(crate) fn skip_value(bytes: &[u8], position: usize) -> Option<usize> {
    match bytes.get(position)? {
        b'"' => skip_string(bytes, position),
        b'{' | b'[' => container_end(bytes, position),
        _ => {
            let mut cursor = position;
            while let Some(byte) = bytes.get(cursor) {
                if matches!(byte, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    break;
                }
                cursor += 1;
            }
            (cursor > position).then_some(cursor)
        }
    }
}

/// The value of a JSON string literal (with its quotes). Lone surrogates become U+FFFD.
pub fn unescape(literal: &str) -> Cow<'_, str> {
    let inner = &literal[1..literal.len() - 1];
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let mut code = read_hex(&mut chars);
                if (0xD800..0xDC00).contains(&code) {
                    let mut lookahead = chars.clone();
                    if lookahead.next() == Some('\\') && lookahead.next() == Some('u') {
                        let low = read_hex(&mut lookahead);
                        if (0xDC00..0xE000).contains(&low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            chars = lookahead;
                        }
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

fn read_hex(chars: &mut std::str::Chars<'_>) -> u32 {
    (0..4).fold(0, |code, _| {
        code * 16 + chars.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
    })
}

/// Appends `raw` (valid JSON) to `out` without whitespace outside strings.
pub fn write_minified(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    // A valid JSON text that starts and ends with a quote is one string: nothing to take out.
    if (bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"')
        || !bytes
            .iter()
            .any(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t'))
    {
        out.push_str(raw);
        return;
    }
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        } else if matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            out.push_str(&raw[start..index]);
            start = index + 1;
        }
    }
    out.push_str(&raw[start..]);
}

/// Appends `text` to `out` as a JSON string literal.
pub fn write_string(text: &str, out: &mut String) {
    out.push('"');
    if find_string_special(text.as_bytes()).is_none() {
        // Nothing to escape (most names and values).
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..index]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{byte:04x}"));
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_raw_text_and_member_order() {
        let arena = Bump::new();
        let text = r#" { "b" : [1, 2.5e3, "x\"y"], "a": {"c": null}, "b": true, "\u0062\n": 1 } "#;
        let node = parse(text, &arena).unwrap();
        let Body::Object(members) = &node.body else {
            panic!()
        };
        let keys: Vec<&str> = members.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, ["b", "a", "b", "b\n"]);
        assert_eq!(members[0].1.raw, r#"[1, 2.5e3, "x\"y"]"#);
        assert_eq!(node.get("b").unwrap().raw, "true");
        assert!(node.get("a").unwrap().get("c").unwrap().is_null());
    }

    #[test]
    fn unescapes_strings() {
        assert_eq!(unescape(r#""plain""#), "plain");
        assert_eq!(unescape(r#""a\nb\u0410\ud83d\ude00\/""#), "a\nbА😀/");
        assert_eq!(unescape(r#""\ud800x""#), "\u{FFFD}x");
    }

    #[test]
    fn rejects_what_is_not_json() {
        for text in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"a\u{1}\"",
            "tru",
            "{} {}",
            "[1 2]",
        ] {
            assert!(parse(text, &Bump::new()).is_err(), "{text:?}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(
            parse(&deep, &Bump::new()).unwrap_err().message,
            "nested too deeply"
        );
    }

    #[test]
    fn agrees_with_serde_json_on_valid_input() {
        let text = r#"{"a":[{"id":1,"v":-0.5e-3},{"id":"x","w":[true,false,null]}],"é":"\u00e9"}"#;
        let arena = Bump::new();
        let node = parse(text, &arena).unwrap();
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            node.get("é").unwrap().as_str().unwrap(),
            value["é"].as_str().unwrap()
        );
    }

    #[test]
    fn finds_top_level_members_only() {
        let text = r#" {"tender": {"ocid": "inner", "x": [1, {"date": 2}]}, "ocid" : "o-1", "n": -1.5e3, "date": "2020", "s": "a\"}", "ocid": "o-2"}"#;
        let [ocid, date, n, missing] =
            top_level_members(text, ["ocid", "date", "n", "nope"]).unwrap();
        assert_eq!(ocid, Some(r#""o-2""#));
        assert_eq!(date, Some(r#""2020""#));
        assert_eq!(n, Some("-1.5e3"));
        assert_eq!(missing, None);
        assert!(top_level_members("[1]", ["a"]).is_none());
        assert!(top_level_members("{\"a\": ", ["a"]).is_none());
        assert_eq!(top_level_members("{}", ["a"]), Some([None]));
    }

    #[test]
    fn minifies_outside_strings_only() {
        let mut out = String::new();
        write_minified("[ \"a b\" ,\n  {\"c\\\" d\" : 1 } ]", &mut out);
        assert_eq!(out, r#"["a b",{"c\" d":1}]"#);
        let mut out = String::new();
        write_string("a\"b\\c\nd\u{1}", &mut out);
        assert_eq!(out, r#""a\"b\\c\nd\u0001""#);
    }
}
