//! What every part of a reader shares: the sink, the item counter and where in the input it is.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::Arc;

use super::scan::StreamBuffer;
use super::{Event, InputIssue, Item, ItemHead, ItemKind, Location, PackageMeta, SkimmedLine};

/// How the reader knows the line it is on.
#[derive(Clone)]
pub(crate) enum Lines<'a> {
    /// Everything being read sits on this one line (a line of JSON Lines).
    Fixed(u64),
    /// A streamed input, read through this buffer, which counts its lines.
    Tracked(Rc<RefCell<StreamBuffer<'a>>>),
}

/// Why the streaming visitors stopped reading, told past serde_json, which only passes on an
/// error of its own making.
pub(crate) enum Stop {
    Io(io::Error),
    Issue { line: Option<u64>, message: String },
}

pub(crate) struct Context<'a> {
    pub source: Arc<str>,
    pub hold_limit: usize,
    pub lines: Lines<'a>,
    /// The line the top-level value being read started on.
    pub value_start: Option<u64>,
    pub stop: Option<Stop>,
    sink: &'a mut dyn FnMut(Event),
    /// Where skimmed lines go, when the caller skims (see [`super::read_publication_skimming`]).
    pub skimmed: Option<&'a mut dyn FnMut(SkimmedLine)>,
    next_index: u64,
}

impl<'a> Context<'a> {
    pub fn new(source: Arc<str>, hold_limit: usize, sink: &'a mut dyn FnMut(Event)) -> Context<'a> {
        Context {
            source,
            hold_limit,
            lines: Lines::Fixed(1),
            value_start: None,
            stop: None,
            sink,
            skimmed: None,
            next_index: 0,
        }
    }

    /// A context for reading with `lines`, which may live shorter than this one; hand its
    /// [`next_index`](Context::next_index) back with [`Context::set_next_index`] when done.
    pub fn scoped<'x>(&'x mut self, lines: Lines<'x>) -> Context<'x> {
        let sink: &'x mut (dyn FnMut(Event) + 'x) = &mut *self.sink;
        Context {
            source: self.source.clone(),
            hold_limit: self.hold_limit,
            lines,
            value_start: None,
            stop: None,
            sink,
            // Only lines of JSON Lines are skimmed, and they are read in the first context.
            skimmed: None,
            next_index: self.next_index,
        }
    }

    pub fn next_index(&self) -> u64 {
        self.next_index
    }

    pub fn set_next_index(&mut self, next_index: u64) {
        self.next_index = next_index;
    }

    pub fn location(&self, line: Option<u64>) -> Location {
        Location {
            source: self.source.clone(),
            line,
            index: self.next_index,
        }
    }

    /// The line of the last byte consumed.
    pub fn line_now(&self) -> Option<u64> {
        match &self.lines {
            Lines::Fixed(line) => Some(*line),
            Lines::Tracked(buffer) => buffer.try_borrow().ok().map(|buffer| buffer.line()),
        }
    }

    /// The line a value that has just been consumed started on.
    pub fn line_of_raw(&self, raw: &str) -> Option<u64> {
        match &self.lines {
            Lines::Fixed(line) => Some(*line),
            Lines::Tracked(_) => {
                let inside = count_newlines(raw.as_bytes());
                self.line_now()
                    .map(|line| line.saturating_sub(inside).max(1))
            }
        }
    }

    /// Where serde_json found an error, as (line, column): its own column in a line of JSON
    /// Lines; the stream buffer's position when streaming, since serde_json's own count misses
    /// what the scanner reads.
    pub fn error_position(&self, position: Option<(u64, u64)>) -> (Option<u64>, Option<u64>) {
        match &self.lines {
            Lines::Fixed(line) => (Some(*line), position.map(|(_, column)| column)),
            Lines::Tracked(buffer) => match buffer.try_borrow() {
                Ok(buffer) => (Some(buffer.line()), Some(buffer.column())),
                Err(_) => (None, None),
            },
        }
    }

    pub fn error_line(&self, position: Option<(u64, u64)>) -> Option<u64> {
        self.error_position(position).0
    }

    pub fn item(&mut self, kind: ItemKind, json: String, line: Option<u64>) {
        self.item_at(kind, json, line, None, None);
    }

    /// An item whose text is the input's bytes at `offset`, with its `head` when known.
    pub fn item_at(
        &mut self,
        kind: ItemKind,
        json: String,
        line: Option<u64>,
        offset: Option<u64>,
        head: Option<ItemHead>,
    ) {
        let location = self.location(line);
        self.next_index += 1;
        (self.sink)(Event::Item(Item {
            kind,
            json,
            location,
            offset,
            head,
        }));
    }

    /// Hands over a skimmed line (the caller skims: `skimmed` is set).
    pub fn skimmed_at(
        &mut self,
        number: u64,
        offset: u64,
        length: u64,
        head: (String, Option<String>),
    ) {
        let location = self.location(Some(number));
        self.next_index += 1;
        let (ocid, date) = head;
        let skimmed = self
            .skimmed
            .as_mut()
            .expect("lines are skimmed only for a caller that skims");
        skimmed(SkimmedLine {
            location,
            offset,
            length,
            ocid,
            date,
        });
    }

    pub fn issue(
        &mut self,
        line: Option<u64>,
        ocid: Option<&str>,
        path: Option<String>,
        message: impl Into<String>,
    ) {
        let location = self.location(line);
        let issue = InputIssue {
            location,
            ocid: ocid.map(str::to_owned),
            path,
            message: message.into(),
        };
        (self.sink)(Event::Issue(issue));
    }

    pub fn package(&mut self, meta: PackageMeta) {
        (self.sink)(Event::Package(meta));
    }
}

pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut chunks = bytes.chunks_exact(8);
    let mut count = 0u64;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]) ^ NEWLINES;
        // The high bit of each byte of `nonzero` is set exactly where `word` has a non-zero byte.
        let nonzero = ((word & LOWS) + LOWS) | word;
        count += u64::from((!nonzero & !LOWS).count_ones());
    }
    count
        + chunks
            .remainder()
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64
}

/// A serde_json error message split into what went wrong and where: serde_json writes
/// "`message` at line L column C".
pub(crate) fn split_error(message: &str) -> (&str, Option<(u64, u64)>) {
    if let Some(at) = message.rfind(" at line ") {
        let rest = &message[at + " at line ".len()..];
        if let Some((line, column)) = rest.split_once(" column ")
            && let (Ok(line), Ok(column)) = (line.parse(), column.parse())
        {
            return (&message[..at], Some((line, column)));
        }
    }
    (message, None)
}

/// serde_json's words for text that is not UTF-8, found once the string or raw value holding it
/// has been read whole, so that reading can go on after it.
pub(crate) fn is_utf8_error(message: &str) -> bool {
    message.starts_with("invalid unicode code point")
}

/// The JSON type of a raw value, in words, from its first byte.
pub(crate) fn raw_type_name(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_counted_in_every_position() {
        let text = b"a\nbc\n\n\ndefghijklmnop\nq\x8a\x0b\xff\n\n";
        for start in 0..text.len() {
            for end in start..text.len() {
                let slice = &text[start..end];
                assert_eq!(
                    count_newlines(slice),
                    slice.iter().filter(|&&byte| byte == b'\n').count() as u64
                );
            }
        }
    }
}
