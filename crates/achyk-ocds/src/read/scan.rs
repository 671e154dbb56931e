//! The buffer under the streaming parser, and fast ways through arrays.
//!
//! serde_json reads a stream one byte at a time through [`SharedReader`], which is fine for the
//! structure of a package (member names, brackets) but slow for its values, nearly all of its
//! bytes. So the streaming visitors read the elements of a package's `releases` and of a
//! top-level array, and the values of object members, straight from the same buffer:
//! [`StreamBuffer::scan_value`] finds where a value ends by its brackets and strings alone, and
//! the value is then checked by serde_json from the slice, several times faster. serde_json's
//! reader has no byte of look-ahead pending when it calls `visit_seq` (it has just consumed the
//! `[`) or a member's seed (it has just consumed the `:`), and finds the next `,`, `]` or `}`
//! untouched.
//!
//! The buffer also counts lines and columns of everything consumed, by serde_json or by the
//! scanner, so that positions never depend on serde_json's own count, which misses the bytes
//! the scanner reads.

use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use super::context::{Stop, count_newlines};

/// The streaming parser's own buffer: larger than the `BufReader` below it, so that reads of
/// this size go straight through instead of being copied twice.
const STREAM_BUFFER: usize = 512 * 1024;

pub(crate) struct StreamBuffer<'a> {
    inner: Box<dyn BufRead + 'a>,
    buffer: Box<[u8]>,
    position: usize,
    filled: usize,
    /// Bytes consumed before `buffer[0]`.
    base: u64,
    /// Newlines consumed so far.
    newlines: u64,
    /// Where the line of the next byte starts, in bytes consumed.
    line_start: u64,
}

/// Where a [`StreamBuffer`] was, to go back there with [`StreamBuffer::unread`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    consumed: u64,
    newlines: u64,
    line_start: u64,
}

/// How [`StreamBuffer::scan_value`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scanned {
    Complete,
    /// The input ended before the value did.
    Truncated,
    /// The value is longer than the limit given; what was read of it is in `out`.
    TooLong,
}

/// What comes next in an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// An element starting with this byte, at this line and column.
    Element(u8, u64, u64),
    /// The closing `]`, left for serde_json.
    End,
}

impl<'a> StreamBuffer<'a> {
    pub fn new(inner: Box<dyn BufRead + 'a>) -> StreamBuffer<'a> {
        StreamBuffer {
            inner,
            buffer: vec![0; STREAM_BUFFER].into_boxed_slice(),
            position: 0,
            filled: 0,
            base: 0,
            newlines: 0,
            line_start: 0,
        }
    }

    /// The line of the last byte consumed (of the next one, after a newline).
    pub fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// The 1-based column of the last byte consumed, in bytes.
    pub fn column(&self) -> u64 {
        (self.base + self.position as u64)
            .saturating_sub(self.line_start)
            .max(1)
    }

    /// The 1-based column of the next byte to be consumed.
    pub fn next_column(&self) -> u64 {
        (self.base + self.position as u64).saturating_sub(self.line_start) + 1
    }

    pub fn mark(&self) -> Mark {
        Mark {
            consumed: self.base + self.position as u64,
            newlines: self.newlines,
            line_start: self.line_start,
        }
    }

    /// Puts back `text`, which must be exactly what was consumed since `mark`.
    pub fn unread(&mut self, text: &[u8], mark: Mark) {
        let rest = &self.buffer[self.position..self.filled];
        let mut joined = Vec::with_capacity((text.len() + rest.len()).max(STREAM_BUFFER));
        joined.extend_from_slice(text);
        joined.extend_from_slice(rest);
        self.filled = joined.len();
        joined.resize(joined.len().max(STREAM_BUFFER), 0);
        self.buffer = joined.into_boxed_slice();
        self.position = 0;
        self.base = mark.consumed;
        self.newlines = mark.newlines;
        self.line_start = mark.line_start;
    }

    /// Makes bytes available; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.position < self.filled {
            return Ok(true);
        }
        self.base += self.filled as u64;
        self.position = 0;
        self.filled = 0;
        if self.buffer.len() > STREAM_BUFFER {
            // Back to the usual size after an `unread` of a long value.
            self.buffer = vec![0; STREAM_BUFFER].into_boxed_slice();
        }
        loop {
            match self.inner.read(&mut self.buffer) {
                Ok(count) => {
                    self.filled = count;
                    return Ok(count > 0);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// Consumes `count` available bytes, counting lines.
    fn skip(&mut self, count: usize) {
        let span = &self.buffer[self.position..self.position + count];
        let newlines = count_newlines(span);
        if newlines > 0 {
            self.newlines += newlines;
            let last = span.iter().rposition(|&byte| byte == b'\n').unwrap_or(0);
            self.line_start = self.base + (self.position + last + 1) as u64;
        }
        self.position += count;
    }

    /// Skips whitespace and returns the next byte, left unconsumed; `None` at the end.
    pub fn peek_past_whitespace(&mut self) -> io::Result<Option<u8>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            let available = &self.buffer[self.position..self.filled];
            let blank = available
                .iter()
                .take_while(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t'))
                .count();
            self.skip(blank);
            if let Some(&byte) = self.buffer[..self.filled].get(self.position) {
                return Ok(Some(byte));
            }
        }
    }

    /// Consumes one byte known to be there (just peeked).
    pub fn consume_one(&mut self) {
        if self.position < self.filled {
            self.skip(1);
        }
    }

    /// After an array's `[` (`index` 0) or after its element `index - 1`: skips whitespace and
    /// the comma, and tells what comes next. `array` names the array in messages.
    pub fn next_element(&mut self, index: usize, array: &str) -> Result<Next, Stop> {
        let mut found = self.peek_past_whitespace().map_err(Stop::Io)?;
        if index > 0 {
            match found {
                Some(b']') => return Ok(Next::End),
                Some(b',') => {
                    self.consume_one();
                    found = self.peek_past_whitespace().map_err(Stop::Io)?;
                    if found == Some(b']') {
                        let message = format!(
                            "invalid JSON: a comma before the `]` that ends {array}; the rest of this input is not read"
                        );
                        return Err(Stop::Issue {
                            line: Some(self.line()),
                            message,
                        });
                    }
                }
                Some(other) => {
                    let message = format!(
                        "invalid JSON: expected `,` or `]` after element {} of {array}, found {} at column {}; the rest of this input is not read",
                        index - 1,
                        describe_byte(other),
                        self.next_column(),
                    );
                    return Err(Stop::Issue {
                        line: Some(self.line()),
                        message,
                    });
                }
                None => {}
            }
        }
        match found {
            None => {
                let message = format!(
                    "truncated JSON: the input ends inside {array}; what came before was read"
                );
                Err(Stop::Issue {
                    line: Some(self.line()),
                    message,
                })
            }
            Some(b']') => Ok(Next::End),
            Some(b',') => {
                let message = format!(
                    "invalid JSON: expected a value in {array}, found `,`; the rest of this input is not read"
                );
                Err(Stop::Issue {
                    line: Some(self.line()),
                    message,
                })
            }
            Some(byte) => Ok(Next::Element(byte, self.line(), self.next_column())),
        }
    }

    /// Appends to `out` the bytes of the JSON value that starts at the next byte (not
    /// whitespace), found by structure alone: brackets outside strings, and strings with their
    /// escapes. A scalar ends before the next `,`, `]`, `}` or whitespace. Whether the bytes are
    /// valid JSON is for the caller to check. Stops with [`Scanned::TooLong`] once `out` holds
    /// more than `limit` bytes.
    pub fn scan_value(&mut self, out: &mut Vec<u8>, limit: usize) -> io::Result<Scanned> {
        let mut depth: u64 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut scalar = None;
        loop {
            if out.len() > limit {
                return Ok(Scanned::TooLong);
            }
            if !self.fill()? {
                // A scalar at the very end of the input is complete; anything else is cut short.
                return Ok(if scalar == Some(true) && !in_string {
                    Scanned::Complete
                } else {
                    Scanned::Truncated
                });
            }
            let bytes = &self.buffer[self.position..self.filled];
            let is_scalar = *scalar.get_or_insert_with(|| !matches!(bytes[0], b'{' | b'[' | b'"'));
            let mut index = 0;
            let mut done = false;
            if is_scalar {
                index = bytes
                    .iter()
                    .position(|byte| {
                        matches!(byte, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                    })
                    .unwrap_or(bytes.len());
                done = index < bytes.len();
            } else {
                while index < bytes.len() {
                    if in_string {
                        if escaped {
                            escaped = false;
                            index += 1;
                            continue;
                        }
                        // Strings are most of a release: run through them quickly.
                        match find_quote_or_backslash(&bytes[index..]) {
                            None => {
                                index = bytes.len();
                                break;
                            }
                            Some(offset) => {
                                index += offset;
                                if bytes[index] == b'\\' {
                                    escaped = true;
                                } else {
                                    in_string = false;
                                    if depth == 0 {
                                        index += 1;
                                        done = true;
                                        break;
                                    }
                                }
                                index += 1;
                            }
                        }
                        continue;
                    }
                    // Skip to the next byte that matters outside strings.
                    match find_structural(&bytes[index..]) {
                        None => {
                            index = bytes.len();
                            break;
                        }
                        Some(offset) => index += offset,
                    }
                    match bytes[index] {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                index += 1;
                                done = true;
                                break;
                            }
                        }
                        _ => {}
                    }
                    index += 1;
                }
            }
            out.extend_from_slice(&bytes[..index]);
            self.skip(index);
            if done {
                return Ok(Scanned::Complete);
            }
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// A word whose lowest set high bit marks the first zero byte of `word` (bits above it may be
/// wrong, which finding the first match does not mind).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// The first byte that `word_matches` marks (through [`zero_bytes`]) in eight-byte words, or
/// that `byte_matches` accepts in the tail.
#[inline(always)]
fn find_by_words(
    bytes: &[u8],
    word_matches: impl Fn(u64) -> u64,
    byte_matches: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight bytes"));
        let found = word_matches(word);
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&byte| byte_matches(byte))
        .map(|position| offset + position)
}

/// The first `"` or `\`, eight bytes at a time.
#[inline]
pub(crate) fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    find_by_words(
        bytes,
        |word| {
            zero_bytes(word ^ (ONES * u64::from(b'"')))
                | zero_bytes(word ^ (ONES * u64::from(b'\\')))
        },
        |byte| matches!(byte, b'"' | b'\\'),
    )
}

/// The first `"`, `\` or control character (below 0x20): where a string's plain run ends.
/// Sixteen bytes at a time with SSE2 (what the parser spends most of its time on), eight at a
/// time elsewhere.
#[inline]
pub(crate) fn find_string_special(bytes: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline, so every CPU this code runs on has it.
        unsafe { find_string_special_sse2(bytes) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    find_string_special_by_words(bytes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn find_string_special_sse2(bytes: &[u8]) -> Option<usize> {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8,
    };
    let mut chunks = bytes.chunks_exact(16);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word =
            |at: usize| i64::from_le_bytes(chunk[at..at + 8].try_into().expect("eight bytes"));
        let vector = _mm_set_epi64x(word(8), word(0));
        let quote = _mm_cmpeq_epi8(vector, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(vector, _mm_set1_epi8(b'\\' as i8));
        // Below 0x20 (unsigned): the larger of the byte and 0x1f is 0x1f.
        let limit = _mm_set1_epi8(0x1f);
        let control = _mm_cmpeq_epi8(_mm_max_epu8(vector, limit), limit);
        let found = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
        if found != 0 {
            return Some(offset + found.trailing_zeros() as usize);
        }
        offset += 16;
    }
    find_string_special_by_words(chunks.remainder()).map(|position| offset + position)
}

/// [`find_string_special`] eight bytes at a time.
#[inline]
fn find_string_special_by_words(bytes: &[u8]) -> Option<usize> {
    find_by_words(
        bytes,
        |word| {
            zero_bytes(word ^ (ONES * u64::from(b'"')))
                | zero_bytes(word ^ (ONES * u64::from(b'\\')))
                // A byte below 0x20 borrows when 0x20 is taken from it and has its high bit
                // clear; as with zero bytes, only bits above the first match may be wrong.
                | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS)
        },
        |byte| byte == b'"' || byte == b'\\' || byte < 0x20,
    )
}

/// The first `"`, `{`, `}`, `[` or `]`, eight bytes at a time. Setting bit 0x20 turns `[` and `]`
/// into `{` and `}` and no other byte into either.
#[inline]
pub(crate) fn find_structural(bytes: &[u8]) -> Option<usize> {
    find_by_words(
        bytes,
        |word| {
            let folded = word | (ONES * 0x20);
            zero_bytes(word ^ (ONES * u64::from(b'"')))
                | zero_bytes(folded ^ (ONES * u64::from(b'{')))
                | zero_bytes(folded ^ (ONES * u64::from(b'}')))
        },
        |byte| matches!(byte, b'"' | b'{' | b'}' | b'[' | b']'),
    )
}

pub(crate) fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("`{}`", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

/// What serde_json reads from: the shared [`StreamBuffer`], a byte at a time.
pub(crate) struct SharedReader<'a>(pub Rc<RefCell<StreamBuffer<'a>>>);

impl Read for SharedReader<'_> {
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let Ok(mut buffer) = self.0.try_borrow_mut() else {
            return Err(io::Error::other("the stream buffer is in use"));
        };
        let buffer = &mut *buffer;
        if out.len() == 1
            && let Some(&byte) = buffer.buffer[..buffer.filled].get(buffer.position)
        {
            buffer.position += 1;
            if byte == b'\n' {
                buffer.newlines += 1;
                buffer.line_start = buffer.base + buffer.position as u64;
            }
            out[0] = byte;
            return Ok(1);
        }
        read_slow(buffer, out)
    }
}

#[cold]
#[inline(never)]
fn read_slow(buffer: &mut StreamBuffer<'_>, out: &mut [u8]) -> io::Result<usize> {
    if !buffer.fill()? {
        return Ok(0);
    }
    let available = &buffer.buffer[buffer.position..buffer.filled];
    let count = available.len().min(out.len());
    out[..count].copy_from_slice(&available[..count]);
    buffer.skip(count);
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_searches_agree_with_byte_searches() {
        let samples: [&[u8]; 6] = [
            b"",
            b"abc",
            b"abcdefgh\"x",
            b"0123456789abcdef[",
            b"\xff\x80\x7b\x5b\x22",
            b"a]]]]]]]]",
        ];
        for sample in samples {
            for start in 0..sample.len() {
                let bytes = &sample[start..];
                assert_eq!(
                    find_quote_or_backslash(bytes),
                    bytes.iter().position(|b| matches!(b, b'"' | b'\\')),
                    "{bytes:?}"
                );
                assert_eq!(
                    find_structural(bytes),
                    bytes
                        .iter()
                        .position(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']')),
                    "{bytes:?}"
                );
            }
        }
        for byte in 0..=255u8 {
            // Each byte alone, and after a control character, whose borrow could mark it.
            for before in [b'a', 0x1f, 0] {
                let mut bytes = [b'a'; 13];
                bytes[6] = before;
                bytes[7] = byte;
                let special = |b: &u8| *b == b'"' || *b == b'\\' || *b < 0x20;
                assert_eq!(
                    find_string_special(&bytes),
                    bytes.iter().position(special),
                    "{before} {byte}"
                );
                assert_eq!(
                    find_string_special(&bytes[7..]),
                    bytes[7..].iter().position(special),
                    "{byte}"
                );
            }
            // Past the first sixteen bytes, at every position of a longer run.
            let special = |b: &u8| *b == b'"' || *b == b'\\' || *b < 0x20;
            for position in 0..40 {
                let mut bytes = [b'a'; 40];
                bytes[position] = byte;
                assert_eq!(
                    find_string_special(&bytes),
                    bytes.iter().position(special),
                    "{position} {byte}"
                );
            }
            let mut bytes = [b'a'; 11];
            bytes[9] = byte;
            let expected = matches!(byte, b'"' | b'{' | b'}' | b'[' | b']').then_some(9);
            assert_eq!(find_structural(&bytes), expected, "{byte}");
            let expected = matches!(byte, b'"' | b'\\').then_some(9);
            assert_eq!(find_quote_or_backslash(&bytes), expected, "{byte}");
            bytes[3] = byte;
            let expected = matches!(byte, b'"' | b'{' | b'}' | b'[' | b']').then_some(3);
            assert_eq!(find_structural(&bytes), expected, "{byte}");
        }
    }
}
