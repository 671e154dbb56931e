//! JSON Lines: telling them from other JSON, and reading them a line at a time, each line parsed
//! from a byte slice.

use std::io::{self, BufRead, Read};

use super::ItemKind;
use super::context::{Context, Lines, split_error};
use super::stream::{is_plain_release, read_values};

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
/// with any byte order mark removed), the form and an error met while reading, if any.
///
/// It is JSON Lines when the first non-blank line is one complete value, or when it is not
/// JSON at all (not the start of a longer value) and the next non-blank line is a complete
/// object or array: JSON Lines with a broken first line. A pretty-printed value's first line
/// (`{`, or `{"version": "1.1",`) is never complete on its own.
pub(crate) fn detect<B: BufRead>(body: &mut B) -> (Vec<u8>, Form, Option<io::Error>) {
    let mut prefix = Vec::new();
    let mut first_broken = false;
    loop {
        let start = prefix.len();
        let room = DETECTION_LIMIT.saturating_sub(start as u64);
        let result = (&mut *body).take(room).read_until(b'\n', &mut prefix);
        if start == 0 && prefix.starts_with(BYTE_ORDER_MARK) {
            prefix.drain(..BYTE_ORDER_MARK.len());
        }
        let read = match result {
            Ok(read) => read,
            Err(error) => return (prefix, Form::Stream, Some(error)),
        };
        let line = &prefix[start.min(prefix.len())..];
        if read == 0 || (!line.ends_with(b"\n") && prefix.len() as u64 >= DETECTION_LIMIT) {
            // The input ended, or its first line is too long to look at.
            return (prefix, Form::Stream, None);
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
        return (prefix, form, None);
    }
}

/// Reads JSON Lines to the end. On an IO error, returns it with the number of the line it
/// interrupted.
pub(crate) fn read_lines(
    context: &mut Context<'_>,
    mut body: impl BufRead,
) -> Result<(), (io::Error, u64)> {
    let mut line = Vec::with_capacity(64 * 1024);
    let mut number = 0u64;
    loop {
        line.clear();
        match body.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(error) => return Err((error, number + 1)),
        }
        number += 1;
        read_line(context, &line, number);
        if line.capacity() > 16 * 1024 * 1024 {
            // Give back the memory of one unusually long line.
            line = Vec::with_capacity(64 * 1024);
        }
    }
}

fn read_line(context: &mut Context<'_>, bytes: &[u8], number: u64) {
    let text = bytes.trim_ascii_start();
    let indent = bytes.len() - text.len();
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
    match is_plain_release(text) {
        Ok(true) => context.item(ItemKind::Release, text.to_owned(), Some(number)),
        Ok(false) => {
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
