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

/// Reads JSON Lines to the end. `start` is where `body` starts in the input, when its bytes
/// are the input's (not decompressed), so that items can tell their offsets. On an IO error,
/// returns it with the number of the line it interrupted.
pub(crate) fn read_lines(
    context: &mut Context<'_>,
    mut body: impl BufRead,
    start: Option<u64>,
) -> Result<(), (io::Error, u64)> {
    let mut block = Vec::with_capacity(BLOCK_BYTES + 64 * 1024);
    let mut ends = Vec::new();
    let mut number = 0u64;
    let mut offset = start;
    loop {
        block.clear();
        ends.clear();
        let mut failure = None;
        while block.len() < BLOCK_BYTES {
            match body.read_until(b'\n', &mut block) {
                Ok(0) => break,
                Ok(_) => ends.push(block.len()),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        // What an error interrupted is not a line.
        block.truncate(ends.last().copied().unwrap_or(0));
        read_block(context, &block, &ends, number, offset);
        number += ends.len() as u64;
        offset = offset.map(|offset| offset + block.len() as u64);
        if let Some(error) = failure {
            return Err((error, number + 1));
        }
        if ends.is_empty() {
            return Ok(());
        }
        if block.capacity() > 4 * BLOCK_BYTES {
            // Give back the memory of an unusually long line.
            block = Vec::with_capacity(BLOCK_BYTES + 64 * 1024);
        }
    }
}

/// Hands over the lines of a block, which end at `ends`, the first being line `number + 1`
/// at `offset`. The lines that are plain releases, nearly all, are found (checked, or skimmed
/// when the caller skims and the input's offsets are known) in parallel; the others are read
/// one by one.
fn read_block(
    context: &mut Context<'_>,
    block: &[u8],
    ends: &[usize],
    number: u64,
    offset: Option<u64>,
) {
    let lines: Vec<(usize, &[u8])> = ends
        .iter()
        .scan(0, |start, &end| {
            let line = (*start, &block[*start..end]);
            *start = end;
            Some(line)
        })
        .collect();
    let skim = context.skimmed.is_some() && offset.is_some();
    let found: Vec<Found> = lines
        .par_iter()
        .map(|(_, line)| {
            let skimmed = skim.then(|| skimmed_release(line)).flatten();
            skimmed
                .or_else(|| plain_release(line))
                .unwrap_or(Found::Other)
        })
        .collect();
    for (index, ((start, line), found)) in lines.into_iter().zip(found).enumerate() {
        let number = number + index as u64 + 1;
        let offset = offset.map(|offset| offset + start as u64);
        match found {
            Found::Plain { indent, text, head } => {
                context.lines = Lines::Fixed(number);
                let offset = offset.map(|offset| offset + indent as u64);
                context.item_at(ItemKind::Release, text, Some(number), offset, Some(head));
            }
            Found::Skimmed {
                indent,
                length,
                ocid,
                date,
            } => {
                let offset = offset.expect("lines are skimmed only where offsets are known");
                context.skimmed_at(number, offset + indent as u64, length as u64, (ocid, date));
            }
            Found::Other => read_line(context, line, number, offset),
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
