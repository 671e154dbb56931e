//! The buffer under the streaming parser, and a fast way through a package's `releases`.
//!
//! serde_json reads a stream one byte at a time through [`SharedReader`], which is fine for a
//! package's few metadata members but slow for its releases, nearly all of its bytes. So when
//! the streaming visitor reaches a `releases` array, it reads the elements itself straight from
//! the same buffer: [`StreamBuffer::scan_value`] finds where each element ends by its brackets and
//! strings alone, and the element is then checked and kept by serde_json from the slice, which is
//! several times faster. serde_json's reader has no byte of look-ahead pending when it calls
//! `visit_seq` (it has just consumed the `[`), and gets the closing `]` back untouched.

use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use super::context::count_newlines;

/// The streaming parser's own buffer: larger than the `BufReader` below it, so that reads of
/// this size go straight through instead of being copied twice.
const STREAM_BUFFER: usize = 512 * 1024;

pub(crate) struct StreamBuffer<'a> {
    inner: Box<dyn BufRead + 'a>,
    buffer: Box<[u8]>,
    position: usize,
    filled: usize,
    /// Newlines consumed so far, by serde_json or by the scanner.
    newlines: u64,
    /// Newlines consumed by the scanner, which serde_json's own line count misses.
    skipped_newlines: u64,
}

/// How [`StreamBuffer::scan_value`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scanned {
    Complete,
    /// The input ended before the value did.
    Truncated,
}

impl<'a> StreamBuffer<'a> {
    pub fn new(inner: Box<dyn BufRead + 'a>) -> StreamBuffer<'a> {
        StreamBuffer {
            inner,
            buffer: vec![0; STREAM_BUFFER].into_boxed_slice(),
            position: 0,
            filled: 0,
            newlines: 0,
            skipped_newlines: 0,
        }
    }

    /// The line of the next byte to be consumed.
    pub fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// What to add to a line serde_json reports to make it the real line.
    pub fn line_correction(&self) -> u64 {
        self.skipped_newlines
    }

    /// Makes bytes available; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.position < self.filled {
            return Ok(true);
        }
        self.position = 0;
        self.filled = 0;
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

    /// Consumes `count` available bytes on the scanner's behalf.
    fn skip(&mut self, count: usize) {
        let newlines = count_newlines(&self.buffer[self.position..self.position + count]);
        self.newlines += newlines;
        self.skipped_newlines += newlines;
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

    /// Appends to `out` the bytes of the JSON value that starts at the next byte (not
    /// whitespace), found by structure alone: brackets outside strings, and strings with their
    /// escapes. A scalar ends before the next `,`, `]`, `}` or whitespace. Whether the bytes are
    /// valid JSON is for the caller to check.
    pub fn scan_value(&mut self, out: &mut Vec<u8>) -> io::Result<Scanned> {
        let mut depth: u64 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut scalar = None;
        loop {
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

/// The first `"` or `\`, eight bytes at a time.
#[inline]
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let found = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|byte| matches!(byte, b'"' | b'\\'))
        .map(|position| offset + position)
}

/// The first `"`, `{`, `}`, `[` or `]`, eight bytes at a time. Setting bit 0x20 turns `[` and `]`
/// into `{` and `}` and no other byte into either.
#[inline]
fn find_structural(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let folded = word | (ONES * 0x20);
        let found = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(folded ^ (ONES * u64::from(b'{')))
            | zero_bytes(folded ^ (ONES * u64::from(b'}')));
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|byte| matches!(byte, b'"' | b'{' | b'}' | b'[' | b']'))
        .map(|position| offset + position)
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
    buffer.newlines += count_newlines(&available[..count]);
    buffer.position += count;
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
