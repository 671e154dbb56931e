//! Readers for every form OCDS comes in.
//!
//! A publication is a byte stream (a file or standard input), optionally gzip-compressed, holding
//! one of: a release package, a record package, a bare release, a bare record, a JSON array of
//! any of these, JSON Lines of any of these, or concatenated JSON values of any of these.
//! [`read_publication`] detects the form and hands every release it finds to a sink as an
//! [`Event::Item`], in input order, without ever holding a whole package in memory: the
//! `releases` and `records` arrays of a package are streamed element by element.
//!
//! Bad data is not an error: a broken JSON line, a non-object where a release should be,
//! invalid UTF-8 or a truncated gzip stream become [`Event::Issue`]s with where they are, and
//! reading carries on with the rest wherever the form allows it (the next line of JSON Lines,
//! the next element of an array). Only an IO error of the underlying reader is an `Err`.
//!
//! # How the form is told
//!
//! - Gzip by its first two bytes (`1f 8b`); several gzip members one after the other are one
//!   stream. A UTF-8 byte order mark at the start is ignored.
//! - JSON Lines when the first non-blank line is one complete JSON value (or, when it is broken
//!   but not the start of a longer value, when the next one is a complete object or array).
//!   Each line is then read on its own: a broken line is reported and skipped. Anything else is
//!   read as a stream of JSON values, which covers a single value, concatenated values and a
//!   first line longer than 16 MiB; there, invalid or truncated JSON outside a release ends
//!   the reading of that input after an issue, keeping what came before.
//! - In either, an object is a package if it has `releases` or `records` (or `uri`, `version`,
//!   `publishedDate`, `extensions`, ... before its `releases`), a record if it has
//!   `compiledRelease` or `versionedRelease`, or an `ocid` and `releases`, and otherwise a
//!   release if it has an `ocid`. A top-level array's elements are each any of these.
//! - A record's `releases` are read when any of them is a full release (an object with more
//!   than `url`, `date` and `tag`); otherwise its `compiledRelease` and `versionedRelease`
//!   are read as published.
//!
//! # Events
//!
//! - Items come in input order. A release package's or a record's release is its exact text;
//!   so is a release on a line of JSON Lines or an element of a top-level array. A release
//!   that is a whole streamed document (a pretty-printed single release) is rebuilt from its
//!   members: values byte for byte, no whitespace between members; so is an element of a
//!   top-level array longer than [`ReadOptions::hold_limit`].
//! - [`Event::Package`] follows the items of each package, once its object has ended; there is
//!   none for bare releases and records, nor for a package cut short.
//! - `null` elements of `releases`, `records` and top-level arrays are skipped silently.
//! - An issue's [`Location::index`] is the index the next item will have; its `path` is a JSON
//!   pointer within the top-level value (`/releases/3`, `/records/2/releases/0`, `/4/releases/1`
//!   in a top-level array), and its line the line of the value concerned (for a broken line of
//!   JSON Lines, that line).
//! - Messages start with what went wrong and end with what was done about it: `invalid JSON:
//!   <serde_json's words> at [line L] column C; line skipped | release skipped | the rest of
//!   this input is not read`, `truncated JSON: ...; what came before was read`, `invalid UTF-8
//!   at [line L] column C; ... skipped`, `truncated gzip stream; what came before was read`,
//!   `invalid gzip stream (...); what came before was read`, `expected a release (a JSON
//!   object), found a string; skipped`, `expected a release, record or package (a JSON object),
//!   found null; skipped`, `an object with no `ocid`, ... is not a release, record or package;
//!   skipped`, `a linked release (...) among full releases; skipped`, `a record with neither
//!   full releases nor a `compiledRelease`; nothing read from it`.
//!
//! # Memory and speed
//!
//! Memory is bounded by the largest release or record (plus [`ReadOptions::hold_limit`] in the
//! two cases it describes), whatever the size of a package. When streaming, serde_json walks
//! the structure (object members, array brackets) while a structural scanner over the same
//! buffer reads the values themselves (array elements, member values) and serde_json checks
//! each from a slice; JSON Lines are read in blocks of lines, whose plain releases (nearly every
//! line) are found and checked in parallel, each line from a slice, and handed over in order.
//! [`read_publication_skimming`] skims such lines instead of checking them (`skim.rs`), for a
//! caller that parses every release later anyway.

use std::sync::Arc;

mod context;
mod input;
mod lines;
pub(crate) mod scan;
pub(crate) mod skim;
mod stream;

pub use lines::check_line;

/// Where in the input something was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name as given on the command line, or `-` for standard input.
    pub source: Arc<str>,
    /// 1-based line number of the start of the value, when the reader knows it (always for
    /// JSON Lines; best effort for other forms).
    pub line: Option<u64>,
    /// 0-based position of the item among the items of this source (releases, compiled
    /// releases and versioned releases counted together), so that an item can be named even
    /// where lines mean nothing (a one-line package).
    pub index: u64,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.source),
            None => write!(f, "{} (item {})", self.source, self.index + 1),
        }
    }
}

/// What kind of merge input an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A full release: from a release package, a bare release, or a record's embedded
    /// `releases` when they are full releases.
    Release,
    /// A record's `compiledRelease` as published, read only when the record's `releases` are
    /// linked releases (`url`, `date`, `tag`) rather than full releases.
    CompiledRelease,
    /// A record's `versionedRelease` as published, under the same condition.
    VersionedRelease,
    /// An OC4IDS project, from a project package's `projects`.
    Project,
}

/// One merge input, as the exact JSON text it had in the input.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// The JSON text of the value exactly as received (insignificant whitespace between the
    /// members of a top-level object may be normalised; values are byte-for-byte).
    pub json: String,
    pub location: Location,
    /// Where `json` starts in the input, in bytes, when `json` is exactly the input's bytes
    /// there (a line of uncompressed JSON Lines): a caller that can read the input again may
    /// keep this instead of the text.
    pub offset: Option<u64>,
    /// Where the release's `ocid` and `date` are in `json`, when the reader found them while
    /// it checked the text (lines of JSON Lines that are plain releases).
    pub head: Option<ItemHead>,
}

/// The byte ranges in an item's text of the raw values of its last top-level `ocid` and `date`
/// members (the members a JSON parser keeps when a name repeats), `None` for one it lacks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemHead {
    pub ocid: Option<(usize, usize)>,
    pub date: Option<(usize, usize)>,
}

/// A line of uncompressed JSON Lines that looks like a plain release, handed over by
/// [`read_publication_skimming`] without having been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkimmedLine {
    pub location: Location,
    /// Where the line's value starts in the input, in bytes, and how long it is.
    pub offset: u64,
    pub length: u64,
    /// The raw JSON text of the line's last top-level `ocid` member.
    pub ocid: String,
    /// The raw JSON text of its last top-level `date` member, if it has one.
    pub date: Option<String>,
}

/// Metadata of a release package or record package.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageMeta {
    pub source: Option<Arc<str>>,
    pub uri: Option<String>,
    pub version: Option<String>,
    /// The package's `extensions` URLs, in order.
    pub extensions: Vec<String>,
    pub published_date: Option<String>,
    pub publisher: Option<serde_json::Value>,
}

/// A problem with the input that made part of it unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct InputIssue {
    pub location: Location,
    /// The ocid of the release concerned, when one could be read.
    pub ocid: Option<String>,
    /// JSON path within the item or package, when it helps (for example `/releases/3`).
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for InputIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.location)?;
        if let Some(ocid) = &self.ocid {
            write!(f, " [{ocid}]")?;
        }
        if let Some(path) = &self.path {
            write!(f, " {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What a reader hands to its sink.
#[derive(Debug, Clone)]
pub enum Event {
    Item(Item),
    /// Sent once per package, when its metadata is complete (which may be after its items,
    /// since `extensions` may follow `releases` in the file).
    Package(PackageMeta),
    Issue(InputIssue),
}

/// Read one publication and hand everything in it to `sink`, in input order.
///
/// `source` names the input in locations. Returns `Err` only for an IO error of `reader`
/// itself; problems with the data are reported as [`Event::Issue`]s.
pub fn read_publication<R: std::io::Read>(
    source: &str,
    reader: R,
    sink: &mut dyn FnMut(Event),
) -> std::io::Result<()> {
    read_publication_with(source, reader, &ReadOptions::default(), sink)
}

/// Limits of [`read_publication_with`]; the defaults suit real publications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// How many bytes the reader holds back while it does not yet know what they are: the
    /// `releases` of a top-level object before the object shows whether it is a record (an
    /// `ocid` or `compiledRelease` member follows) or a package, and an element of a top-level
    /// array before it shows whether it is a release or something larger. Past this many bytes
    /// the object is read as a package and its releases stream; the array element is read
    /// member by member.
    pub hold_limit: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            hold_limit: 64 * 1024 * 1024,
        }
    }
}

/// [`read_publication`] with explicit [`ReadOptions`].
pub fn read_publication_with<R: std::io::Read>(
    source: &str,
    reader: R,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Event),
) -> std::io::Result<()> {
    let mut context = context::Context::new(Arc::from(source), options.hold_limit, sink);
    input::read(&mut context, reader)
}

/// [`read_publication_with`] for a caller that reads lines again by offset and checks them then
/// (`achyk compile`, which parses every release fully when it merges it). Lines of uncompressed
/// JSON Lines that look like plain releases are skimmed, not checked: several times faster.
/// They go to `skimmed`, not to `sink`, as [`SkimmedLine`]s, in input order with the events
/// around them; everything else goes to `sink` as [`read_publication_with`] sends it.
///
/// A skimmed line's `ocid` and `date` are exact when the line is valid JSON. The caller must
/// check the line before using it, and report one that fails with [`check_line`], which gives
/// the issue [`read_publication`] would have reported for it.
pub fn read_publication_skimming<R: std::io::Read>(
    source: &str,
    reader: R,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Event),
    skimmed: &mut dyn FnMut(SkimmedLine),
) -> std::io::Result<()> {
    let mut context = context::Context::new(Arc::from(source), options.hold_limit, sink);
    context.skimmed = Some(skimmed);
    input::read(&mut context, reader)
}
