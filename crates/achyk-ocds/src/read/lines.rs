//! JSON Lines: telling them from other JSON, and reading them a line at a time, each line parsed
//! from a byte slice.

use std::io::{self, BufRead, Read};

use rayon::prelude::*;

use std::sync::Arc;

use super::context::{Context, Lines, split_error};
use super::skim::skim_release;
use super::stream::{plain_release_head, read_values};
use super::{Event, InputIssue, ItemHead, ItemKind};

/// How much of the input is looked at to tell JSON Lines from other JSON. A first line longer
/// than this is read as streamed JSON, which handles JSON Lines too, only without skipping
/// broken lines.
const DETECTION_LIMIT: u64 = 16 * 1024 * 1024;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// One value a line: read line by line, skipping broken lines.
    Lines,
    /// Anything else: values one after the other, read by the streaming parser.
    Stream,
}

/// Reads the start of the input and tells its form. Returns the bytes read (to be read again,
/// with any byte order mark removed), the form, an error met while reading, if any, and the
/// length of the byte order mark removed.
///
/// It is JSON Lines when the first non-blank line is one complete value, or when it is not
/// JSON at all (not the start of a longer value) and the next non-blank line is a complete
/// object or array: JSON Lines with a broken first line. A pretty-printed value's first line
/// (`{`, or `{"version": "1.1",`) is never complete on its own.
pub(crate) fn detect<B: BufRead>(body: &mut B) -> (Vec<u8>, Form, Option<io::Error>, u64) {
    let mut prefix = Vec::new();
    let mut first_broken = false;
    let mut mark = 0;
    loop {
        let start = prefix.len();
        let room = DETECTION_LIMIT.saturating_sub(start as u64);
        let result = (&mut *body).take(room).read_until(b'\n', &mut prefix);
        if start == 0 && prefix.starts_with(BYTE_ORDER_MARK) {
            prefix.drain(..BYTE_ORDER_MARK.len());
            mark = BYTE_ORDER_MARK.len() as u64;
        }
        let read = match result {
            Ok(read) => read,
            Err(error) => return (prefix, Form::Stream, Some(error), mark),
        };
        let line = &prefix[start.min(prefix.len())..];
        if read == 0 || (!line.ends_with(b"\n") && prefix.len() as u64 >= DETECTION_LIMIT) {
            // The input ended, or its first line is too long to look at.
            return (prefix, Form::Stream, None, mark);
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let verdict = std::str::from_utf8(text)
            .map_err(|_| false)
            .and_then(|text| {
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .map(|_| ())
                    .map_err(|error| error.is_eof())
            });
        let form = match (verdict, first_broken) {
            (Ok(()), false) => Form::Lines,
            (Ok(()), true) if matches!(text.first(), Some(b'{' | b'[')) => Form::Lines,
            (Err(false), false) => {
                first_broken = true;
                continue;
            }
            _ => Form::Stream,
        };
        return (prefix, form, None, mark);
    }
}

/// Lines are read in blocks of about this many bytes; the lines of a block are checked in
/// parallel, then handed over in order.
const BLOCK_BYTES: usize = 4 * 1024 * 1024;

/// Blocks are read this much at a time (as much as the reader's own buffer, so that reads go
/// past it rather than through it).
const READ_BYTES: usize = 1024 * 1024;

/// Reads JSON Lines to the end. `start` is where `body` starts in the input, when its bytes
/// are the input's (not decompressed), so that items can tell their offsets. On an IO error,
/// returns it with the number of the line it interrupted.
///
/// A pipeline over three blocks: while the thread pool finds what the lines of one block are,
/// this thread hands over the block before it and reads the block after it.
pub(crate) fn read_lines(
    context: &mut Context<'_>,
    body: impl BufRead,
    start: Option<u64>,
) -> Result<(), (io::Error, u64)> {
    let skim = context.skimmed.is_some() && start.is_some();
    let mut reader = BlockReader {
        body,
        tail: Vec::new(),
        ended: false,
    };
    let mut number = 0u64;
    let mut offset = start;
    let mut current = reader.next(Vec::new());
    let mut found = find_lines(&current, skim);
    let mut following = reader.next(Vec::new());
    loop {
        let mut following_found = Vec::new();
        let mut after = None;
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| following_found = find_lines(&following, skim));
            hand_over(context, &current, found, number, offset);
            after = Some(reader.next(std::mem::take(&mut current.bytes)));
        });
        number += current.ends.len() as u64;
        offset = offset.map(|offset| offset + current.length as u64);
        if let Some(error) = current.failure.take() {
            return Err((error, number + 1));
        }
        if current.ends.is_empty() {
            return Ok(());
        }
        current = std::mem::replace(&mut following, after.expect("the next block was read"));
        found = following_found;
    }
}

/// Complete lines of the input, read in one go.
struct Block {
    /// The lines, and room to read more (only `..length` is input).
    bytes: Vec<u8>,
    length: usize,
    /// Where each line ends (after its newline, or at the end of the input).
    ends: Vec<usize>,
    /// The IO error that ended the input after these lines, if one did.
    failure: Option<io::Error>,
}

/// Reads blocks of whole lines straight into their buffers (no copy through the reader's own
/// buffer), keeping the unfinished last line of one block for the next.
struct BlockReader<B> {
    body: B,
    tail: Vec<u8>,
    ended: bool,
}

impl<B: BufRead> BlockReader<B> {
    /// The next block, read into `bytes` (the buffer of a block already handed over); empty
    /// once the input has ended.
    fn next(&mut self, mut bytes: Vec<u8>) -> Block {
        if bytes.len() < BLOCK_BYTES + 64 * 1024 || bytes.len() > 4 * BLOCK_BYTES {
            // A new buffer, or giving back the memory of an unusually long line.
            bytes = vec![0; BLOCK_BYTES + 64 * 1024];
        }
        let mut length = self.tail.len();
        if bytes.len() < length {
            bytes.resize(length + BLOCK_BYTES, 0);
        }
        bytes[..length].copy_from_slice(&self.tail);
        self.tail.clear();
        let mut failure = None;
        let mut complete = 0;
        while !self.ended {
            if length == bytes.len() {
                // A line longer than the buffer.
                bytes.resize(bytes.len() * 2, 0);
            }
            let end = bytes.len().min(length + READ_BYTES);
            match self.body.read(&mut bytes[length..end]) {
                Ok(0) => self.ended = true,
                Ok(read) => {
                    length += read;
                    if length >= BLOCK_BYTES
                        && let Some(last) = memchr::memrchr(b'\n', &bytes[..length])
                    {
                        complete = last + 1;
                        break;
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.ended = true;
                    failure = Some(error);
                }
            }
        }
        if self.ended {
            complete = match failure {
                // What an error interrupted is not a line.
                Some(_) => memchr::memrchr(b'\n', &bytes[..length]).map_or(0, |last| last + 1),
                None => length,
            };
        } else {
            self.tail.extend_from_slice(&bytes[complete..length]);
        }
        let mut ends: Vec<usize> = memchr::memchr_iter(b'\n', &bytes[..complete])
            .map(|newline| newline + 1)
            .collect();
        if ends.last().copied().unwrap_or(0) < complete {
            ends.push(complete);
        }
        Block {
            bytes,
            length: complete,
            ends,
            failure,
        }
    }
}

/// What each line of `block` is, found in parallel: checked, or skimmed when `skim`.
fn find_lines(block: &Block, skim: bool) -> Vec<Found> {
    let mut start = 0;
    let lines: Vec<&[u8]> = block
        .ends
        .iter()
        .map(|&end| {
            let line = &block.bytes[start..end];
            start = end;
            line
        })
        .collect();
    lines
        .par_iter()
        .map(|line| {
            let skimmed = skim.then(|| skimmed_release(line)).flatten();
            skimmed
                .or_else(|| plain_release(line))
                .unwrap_or(Found::Other)
        })
        .collect()
}

/// Hands over the lines of a block, the first being line `number + 1` at `offset`, with what
/// they were found to be: plain releases (nearly all) at once, the others read one by one.
fn hand_over(
    context: &mut Context<'_>,
    block: &Block,
    found: Vec<Found>,
    number: u64,
    offset: Option<u64>,
) {
    let mut start = 0;
    for (index, (&end, found)) in block.ends.iter().zip(found).enumerate() {
        let line = &block.bytes[start..end];
        let line_offset = offset.map(|offset| offset + start as u64);
        start = end;
        let number = number + index as u64 + 1;
        match found {
            Found::Plain { indent, text, head } => {
                context.lines = Lines::Fixed(number);
                let offset = line_offset.map(|offset| offset + indent as u64);
                context.item_at(ItemKind::Release, text, Some(number), offset, Some(head));
            }
            Found::Skimmed {
                indent,
                length,
                ocid,
                date,
            } => {
                let offset = line_offset.expect("lines are skimmed only where offsets are known");
                context.skimmed_at(number, offset + indent as u64, length as u64, (ocid, date));
            }
            Found::Other => read_line(context, line, number, line_offset),
        }
    }
}

/// What a line was found to be, in parallel.
enum Found {
    /// A plain release (see [`plain_release_head`]), checked.
    Plain {
        indent: usize,
        text: String,
        head: ItemHead,
    },
    /// What looks like a plain release, skimmed: its length, and the raw text of its `ocid`
    /// and `date`.
    Skimmed {
        indent: usize,
        length: usize,
        ocid: String,
        date: Option<String>,
    },
    /// Anything else, left to [`read_line`].
    Other,
}

/// The text of a line holding a plain release (see [`plain_release_head`]), with the length of
/// its indent and its head; `None` for anything else, which [`read_line`] reads and reports.
fn plain_release(bytes: &[u8]) -> Option<Found> {
    let text = bytes.trim_ascii_start();
    let indent = bytes.len() - text.len();
    // Several times faster than `std::str::from_utf8` on Cyrillic text; a line it refuses is
    // read (and its error reported) by `read_line`.
    let text = simdutf8::basic::from_utf8(text.trim_ascii_end()).ok()?;
    if text.is_empty() {
        return None;
    }
    let head = plain_release_head(text).ok()??;
    Some(Found::Plain {
        indent,
        text: text.to_owned(),
        head,
    })
}

/// A line that looks like a plain release, skimmed (see [`skim_release`]); `None` when it does
/// not, or when its `ocid` or `date` is not UTF-8: the full check then reads it.
fn skimmed_release(bytes: &[u8]) -> Option<Found> {
    let text = bytes.trim_ascii_start();
    let indent = bytes.len() - text.len();
    let text = text.trim_ascii_end();
    let head = skim_release(text)?;
    let raw = |(start, end): (usize, usize)| {
        std::str::from_utf8(&text[start..end])
            .ok()
            .map(str::to_owned)
    };
    let ocid = raw(head.ocid?)?;
    let date = match head.date {
        Some(range) => Some(raw(range)?),
        None => None,
    };
    Some(Found::Skimmed {
        indent,
        length: text.len(),
        ocid,
        date,
    })
}

/// The issue [`read_publication`](super::read_publication) reports for line `number` of
/// JSON Lines in `source`, whose bytes are `line`, or `None` when it reads the line without
/// one (for a caller that skimmed the line and found it broken later).
pub fn check_line(source: &str, number: u64, line: &[u8]) -> Option<InputIssue> {
    let mut issue = None;
    let mut sink = |event: Event| {
        if let Event::Issue(found) = event {
            issue.get_or_insert(found);
        }
    };
    {
        let mut context = Context::new(Arc::from(source), usize::MAX, &mut sink);
        read_line(&mut context, line, number, None);
    }
    issue
}

fn read_line(context: &mut Context<'_>, bytes: &[u8], number: u64, offset: Option<u64>) {
    let text = bytes.trim_ascii_start();
    let indent = bytes.len() - text.len();
    let offset = offset.map(|offset| offset + indent as u64);
    let text = text.trim_ascii_end();
    if text.is_empty() {
        return;
    }
    context.lines = Lines::Fixed(number);
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(error) => {
            let column = indent + error.valid_up_to() + 1;
            context.issue(
                Some(number),
                None,
                None,
                format!("invalid UTF-8 at column {column}; line skipped"),
            );
            return;
        }
    };
    match plain_release_head(text) {
        Ok(Some(head)) => context.item_at(
            ItemKind::Release,
            text.to_owned(),
            Some(number),
            offset,
            Some(head),
        ),
        Ok(None) => {
            context.value_start = Some(number);
            let mut deserializer = serde_json::Deserializer::from_str(text);
            if let Err(error) = read_values(context, &mut deserializer) {
                // The line was checked to be one valid value; this is only a safety net.
                context.issue(
                    Some(number),
                    None,
                    None,
                    format!("invalid JSON: {error}; rest of the line skipped"),
                );
            }
        }
        Err(error) => {
            let message = error.to_string();
            let (what, position) = split_error(&message);
            let message = if error.is_eof() {
                "invalid JSON: the line ends inside a value; line skipped".to_owned()
            } else {
                let column = position
                    .map(|(_, column)| format!(" at column {}", column + indent as u64))
                    .unwrap_or_default();
                format!("invalid JSON: {what}{column}; line skipped")
            };
            context.issue(Some(number), None, None, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes `step` at a time, then fails if `fail`.
    struct Trickle {
        bytes: Vec<u8>,
        position: usize,
        step: usize,
        fail: bool,
    }

    impl io::Read for Trickle {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if self.position == self.bytes.len() && self.fail {
                return Err(io::Error::other("gone"));
            }
            let count = buffer
                .len()
                .min(self.step)
                .min(self.bytes.len() - self.position);
            buffer[..count].copy_from_slice(&self.bytes[self.position..self.position + count]);
            self.position += count;
            Ok(count)
        }
    }

    /// Every block's lines, one after the other, and the error that ended them.
    fn lines_read(bytes: &[u8], step: usize, fail: bool) -> (Vec<Vec<u8>>, bool) {
        let body = io::BufReader::new(Trickle {
            bytes: bytes.to_vec(),
            position: 0,
            step,
            fail,
        });
        let mut reader = BlockReader {
            body,
            tail: Vec::new(),
            ended: false,
        };
        let mut lines = Vec::new();
        let mut buffer = Vec::new();
        loop {
            let block = reader.next(buffer);
            let mut start = 0;
            for &end in &block.ends {
                lines.push(block.bytes[start..end].to_vec());
                start = end;
            }
            assert_eq!(start, block.length);
            if block.failure.is_some() {
                return (lines, true);
            }
            if block.ends.is_empty() {
                return (lines, false);
            }
            buffer = block.bytes;
        }
    }

    #[test]
    fn blocks_hold_whole_lines_whatever_their_length() {
        // Short lines across block boundaries, a line four times longer than a block, and a
        // last line without a newline: the lines are those of splitting after each newline.
        let mut input = Vec::new();
        for number in 0..200_000 {
            input.extend_from_slice(format!("{{\"line\": {number}, \"pad\": \"").as_bytes());
            input.extend(std::iter::repeat_n(b'x', number % 97));
            input.extend_from_slice(b"\"}\n");
            if number == 100_000 {
                input.extend(std::iter::repeat_n(b'y', 4 * BLOCK_BYTES));
                input.push(b'\n');
            }
        }
        input.extend_from_slice(b"{\"last\": true}");
        let expected: Vec<Vec<u8>> = input
            .split_inclusive(|&byte| byte == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        for step in [usize::MAX, 65_536, 1_000_003] {
            assert_eq!(lines_read(&input, step, false), (expected.clone(), false));
        }
        // An error in the middle of a line: the lines before it, not the piece of it.
        let cut = input.len() / 2 + 10;
        let before = input[..cut]
            .iter()
            .rposition(|&byte| byte == b'\n')
            .unwrap();
        let (lines, failed) = lines_read(&input[..cut], 65_536, true);
        assert!(failed);
        assert_eq!(lines.concat(), &input[..before + 1]);
    }
}
