//! From bytes to a form: gzip detection, telling the caller's IO errors from gzip corruption,
//! choosing between JSON Lines and streamed JSON.

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use super::context::{Context, Lines, Stop};
use super::lines::{Form, detect, read_lines};
use super::scan::{SharedReader, StreamBuffer};
use super::stream::{read_values, stop_of};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The buffer under the JSON Lines reader and the gzip decoder.
const BUFFER: usize = 256 * 1024;

pub(crate) fn read<R: Read>(context: &mut Context<'_>, reader: R) -> io::Result<()> {
    let failed = Rc::new(Cell::new(false));
    let mut guarded = Guarded {
        inner: reader,
        failed: failed.clone(),
    };
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < head.len() {
        match guarded.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(count) => got += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    let raw = Cursor::new(head[..got].to_vec()).chain(guarded);
    if head[..got] == GZIP_MAGIC {
        let body = BufReader::with_capacity(BUFFER, MultiGzDecoder::new(raw));
        read_body(context, body, &Origin { failed, gzip: true })
    } else {
        let body = BufReader::with_capacity(BUFFER, raw);
        read_body(
            context,
            body,
            &Origin {
                failed,
                gzip: false,
            },
        )
    }
}

/// Where the bytes come from, to tell whose an IO error is.
struct Origin {
    /// Set when the caller's reader itself failed.
    failed: Rc<Cell<bool>>,
    gzip: bool,
}

impl Origin {
    /// An IO error met while reading: the caller's own is returned; a gzip stream's is reported
    /// as an issue, and reading stops there, keeping what came before.
    fn stop(
        &self,
        context: &mut Context<'_>,
        error: io::Error,
        line: Option<u64>,
    ) -> io::Result<()> {
        if self.failed.get() || !self.gzip {
            return Err(error);
        }
        let message = if error.kind() == io::ErrorKind::UnexpectedEof {
            "truncated gzip stream; what came before was read".to_owned()
        } else {
            format!("invalid gzip stream ({error}); what came before was read")
        };
        context.issue(line, None, None, message);
        Ok(())
    }
}

/// Marks the caller's reader as the one that failed.
struct Guarded<R> {
    inner: R,
    failed: Rc<Cell<bool>>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buffer);
        if let Err(error) = &result
            && error.kind() != io::ErrorKind::Interrupted
        {
            self.failed.set(true);
        }
        result
    }
}

/// Fails once with an error met while looking at the start of the input, after what had been
/// read before it.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(error) => Err(error),
            None => Ok(0),
        }
    }
}

fn read_body<B: BufRead>(
    context: &mut Context<'_>,
    mut body: B,
    origin: &Origin,
) -> io::Result<()> {
    let (prefix, form, pending, mark) = detect(&mut body);
    let rest: Box<dyn BufRead + '_> = match pending {
        None => Box::new(Cursor::new(prefix).chain(body)),
        Some(error) => Box::new(Cursor::new(prefix).chain(BufReader::new(FailOnce(Some(error))))),
    };
    match form {
        Form::Lines => match read_lines(context, rest, (!origin.gzip).then_some(mark)) {
            Ok(()) => Ok(()),
            Err((error, line)) => origin.stop(context, error, Some(line)),
        },
        Form::Stream => read_stream(context, rest, origin),
    }
}

/// Reads JSON values one after the other, streaming the arrays of packages.
fn read_stream<'r>(
    context: &mut Context<'_>,
    body: Box<dyn BufRead + 'r>,
    origin: &Origin,
) -> io::Result<()> {
    let (result, next_index) = {
        let buffer = Rc::new(RefCell::new(StreamBuffer::new(body)));
        let mut scoped = context.scoped(Lines::Tracked(buffer.clone()));
        let result = read_stream_values(&mut scoped, &buffer, origin);
        (result, scoped.next_index())
    };
    context.set_next_index(next_index);
    result
}

fn read_stream_values<'a>(
    context: &mut Context<'a>,
    buffer: &Rc<RefCell<StreamBuffer<'a>>>,
    origin: &Origin,
) -> io::Result<()> {
    let mut deserializer = serde_json::Deserializer::from_reader(SharedReader(buffer.clone()));
    let Err(error) = read_values(context, &mut deserializer) else {
        return Ok(());
    };
    // The scanner stops serde_json with an error of no meaning and says why in the context.
    let why = match context.stop.take() {
        Some(why) => why,
        None => stop_of(context, error),
    };
    match why {
        Stop::Io(error) => {
            let line = context.line_now();
            origin.stop(context, error, line)
        }
        Stop::Issue { line, message } => {
            context.issue(line, None, None, message);
            Ok(())
        }
    }
}
