//! Streaming visitors over serde_json: they walk a package object member by member and hand
//! every element of its `releases` array to the sink as soon as it has been read, so that a
//! package of any size is read in the memory of its largest release.
//!
//! The same visitors run over a reader (a large file) and over a string (one line of JSON
//! Lines); only the way lines are known differs (see [`Lines`](super::context::Lines)).

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::context::{
    Context, Lines, Stop, count_newlines, is_utf8_error, raw_type_name, split_error,
};
use super::scan::{Next, Scanned, SharedReader, StreamBuffer};
use super::{ItemHead, ItemKind, PackageMeta};

/// Members whose presence before `releases` shows that an object is a package, not a record.
const PACKAGE_KEYS: [&str; 7] = [
    "uri",
    "version",
    "publishedDate",
    "extensions",
    "license",
    "publicationPolicy",
    "packages",
];

/// Reads values one after the other until the input ends, handing each to the sink.
pub(crate) fn read_values<'de, R: serde_json::de::Read<'de>>(
    context: &mut Context<'_>,
    deserializer: &mut serde_json::Deserializer<R>,
) -> Result<(), serde_json::Error> {
    loop {
        // `end` skips whitespace and fails with "trailing characters" when a value follows.
        match deserializer.end() {
            Ok(()) => return Ok(()),
            Err(error) if error.is_io() => return Err(error),
            Err(_) => {}
        }
        context.value_start = context.line_now();
        ValueSeed {
            context: &mut *context,
            path: String::new(),
            in_array: false,
        }
        .deserialize(&mut *deserializer)?;
    }
}

/// Whether a complete JSON text is an object with an `ocid` and none of the members of a record or
/// package: a bare release, whose text can be used as it is. Fails if the text is not one JSON value.
pub(crate) fn is_plain_release(text: &str) -> Result<bool, serde_json::Error> {
    plain_release_head(text).map(|head| head.is_some())
}

/// [`is_plain_release`], with where the release's `ocid` and `date` are in `text` when it is
/// one.
pub(crate) fn plain_release_head(text: &str) -> Result<Option<ItemHead>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let shape = deserializer.deserialize_any(ShapeVisitor)?;
    deserializer.end()?;
    // Each member's raw text is a slice of `text`: its range is where it starts in `text`.
    let range = |raw: Option<&str>| {
        raw.map(|raw| {
            let start = raw.as_ptr() as usize - text.as_ptr() as usize;
            (start, start + raw.len())
        })
    };
    Ok(shape.plain.then(|| ItemHead {
        ocid: range(shape.ocid),
        date: range(shape.date),
    }))
}

/// The `visit_*` methods of a visitor that wants a container: each scalar is reported through
/// `self.$report(what was found)` and skipped.
macro_rules! reject_scalars {
    ($report:ident) => {
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            self.$report("a boolean");
            Ok(())
        }

        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            self.$report("a number");
            Ok(())
        }

        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            self.$report("a number");
            Ok(())
        }

        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            self.$report("a number");
            Ok(())
        }

        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            self.$report("a string");
            Ok(())
        }
    };
}

/// One value at the top of the input, or one element of a top-level array.
struct ValueSeed<'c, 's> {
    context: &'c mut Context<'s>,
    /// JSON path of the value: empty at the top, `/3` for an element of a top-level array.
    path: String,
    in_array: bool,
}

impl ValueSeed<'_, '_> {
    fn not_an_object(self, found: &str) {
        let line = self.context.line_now();
        let path = (!self.path.is_empty()).then_some(self.path);
        let message = format!(
            "expected a release, record or package (a JSON object), found {found}; skipped"
        );
        self.context.issue(line, None, path, message);
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a release, record or package")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.context.line_now();
        ObjectReader::new(self.context, Role::Top, self.path, line).read(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.in_array {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            self.not_an_object("an array");
            return Ok(());
        }
        if let Lines::Tracked(buffer) = &self.context.lines {
            // serde_json is reading from this very buffer and has just consumed the `[`.
            let buffer = buffer.clone();
            drop(seq);
            return scan_top_array(self.context, &buffer)
                .map_err(|()| serde::de::Error::custom("stopped in the top-level array"));
        }
        // A line of JSON Lines, already in memory: a plain release is taken as it is, anything
        // else is read from its own text.
        let mut index = 0usize;
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let path = format!("{}/{index}", self.path);
            index += 1;
            if raw.get().starts_with('{') && matches!(is_plain_release(raw.get()), Ok(true)) {
                let line = self.context.line_now();
                self.context
                    .item(ItemKind::Release, raw_into_string(raw), line);
                continue;
            }
            let seed = ValueSeed {
                context: &mut *self.context,
                path,
                in_array: true,
            };
            seed.deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
                .map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        // `null` among the elements of an array is left out silently, as real publications have it.
        if !self.in_array {
            self.not_an_object("null");
        }
        Ok(())
    }

    reject_scalars!(not_an_object);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A top-level object (or an element of a top-level array): a release, record or package.
    Top,
    /// An element of a record package's `records`.
    Record,
}

/// A value read whole, with the line it started on.
struct Located {
    raw: Box<RawValue>,
    line: Option<u64>,
}

/// An element of a `releases` array, or why it could not be read.
struct Element {
    index: usize,
    line: Option<u64>,
    value: Result<Box<RawValue>, String>,
}

/// Reads one object member by member and decides at its end what it was.
struct ObjectReader<'c, 's> {
    context: &'c mut Context<'s>,
    role: Role,
    path: String,
    /// The line of the object's opening brace.
    line: Option<u64>,
    /// Every member but `releases` and `records`, raw, for a bare release's text and a package's
    /// metadata (top-level objects only).
    members: Vec<(String, Box<RawValue>)>,
    has_ocid: bool,
    ocid: Option<String>,
    compiled: Option<Located>,
    versioned: Option<Located>,
    /// `releases` elements held back: a record's, or an object's not yet known to be a package.
    held: Vec<Element>,
    held_bytes: usize,
    had_releases: bool,
    /// An OC4IDS project package's `projects` was read (its projects streamed).
    had_projects: bool,
    had_records: bool,
    /// Releases went straight to the sink: this is a package.
    streamed: bool,
    package_keys: bool,
    /// The first member that was not valid UTF-8: its name, line and what was wrong.
    damage: Option<(String, Option<u64>, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Hold every element: they are a record's releases.
    Hold,
    /// Hand every element to the sink now: they are a package's releases.
    Stream,
    /// Hold elements until the object shows what it is, or until they grow too large.
    Undecided,
}

impl<'c, 's> ObjectReader<'c, 's> {
    fn new(
        context: &'c mut Context<'s>,
        role: Role,
        path: String,
        line: Option<u64>,
    ) -> ObjectReader<'c, 's> {
        ObjectReader {
            context,
            role,
            path,
            line,
            members: Vec::new(),
            has_ocid: false,
            ocid: None,
            compiled: None,
            versioned: None,
            held: Vec::new(),
            held_bytes: 0,
            had_releases: false,
            had_records: false,
            had_projects: false,
            streamed: false,
            package_keys: false,
            damage: None,
        }
    }

    fn record_signals(&self) -> bool {
        self.has_ocid || self.compiled.is_some() || self.versioned.is_some()
    }

    fn read<'de, A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        loop {
            let key = match map.next_key::<String>() {
                Ok(Some(key)) => key,
                Ok(None) => break,
                Err(error) => {
                    let message = error.to_string();
                    if !is_utf8_error(&message) {
                        return Err(error);
                    }
                    self.note_damage("(a member name)", &message);
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match (key.as_str(), self.role) {
                ("releases", _) => {
                    self.had_releases = true;
                    let mode = if self.role == Role::Record
                        || (self.record_signals() && !self.package_keys)
                    {
                        Mode::Hold
                    } else if self.package_keys || self.had_records || self.streamed {
                        Mode::Stream
                    } else {
                        Mode::Undecided
                    };
                    map.next_value_seed(ReleasesSeed {
                        reader: &mut self,
                        mode,
                    })?;
                }
                ("projects", Role::Top) => {
                    self.had_projects = true;
                    self.decide_package();
                    map.next_value_seed(ProjectsSeed {
                        context: &mut *self.context,
                    })?;
                }
                ("records", Role::Top) => {
                    self.had_records = true;
                    self.decide_package();
                    let path = format!("{}/records", self.path);
                    map.next_value_seed(RecordsSeed {
                        context: &mut *self.context,
                        path,
                    })?;
                }
                ("ocid", _) => {
                    if let Some(raw) = self.raw_member(&mut map, &key)? {
                        self.has_ocid = true;
                        self.ocid = string_value(&raw);
                        if self.role == Role::Top {
                            self.members.push((key, raw));
                        }
                    }
                }
                ("compiledRelease" | "versionedRelease", _) => {
                    if let Some(raw) = self.raw_member(&mut map, &key)? {
                        let line = self.context.line_of_raw(raw.get());
                        let located = Some(Located { raw, line });
                        if key == "compiledRelease" {
                            self.compiled = located
                        } else {
                            self.versioned = located
                        }
                    }
                }
                (_, Role::Record) => {
                    // Read past, quickly when streaming; its UTF-8 does not matter.
                    let _skipped = map.next_value_seed(RawSeed {
                        context: &mut *self.context,
                    })?;
                }
                (_, Role::Top) => {
                    if PACKAGE_KEYS.contains(&key.as_str()) {
                        self.decide_package();
                    }
                    if let Some(raw) = self.raw_member(&mut map, &key)? {
                        self.members.push((key, raw));
                    }
                }
            }
        }
        self.finish();
        Ok(())
    }

    /// A member's value as raw text, or `None` (noted as damage) when it is not valid UTF-8.
    fn raw_member<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: &str,
    ) -> Result<Option<Box<RawValue>>, A::Error> {
        match map.next_value_seed(RawSeed {
            context: &mut *self.context,
        }) {
            Ok(Ok(raw)) => Ok(Some(raw)),
            Ok(Err(bad)) => {
                if self.damage.is_none() {
                    self.damage =
                        Some((key.to_owned(), Some(bad.line()), bad.message().to_owned()));
                }
                Ok(None)
            }
            Err(error) => {
                let message = error.to_string();
                if !is_utf8_error(&message) {
                    return Err(error);
                }
                self.note_damage(key, &message);
                Ok(None)
            }
        }
    }

    /// Notes the first value or member name that serde_json found not to be UTF-8.
    fn note_damage(&mut self, key: &str, message: &str) {
        if self.damage.is_none() {
            let (what, position) = split_error(message);
            let line = self.context.error_line(position);
            self.damage = Some((key.to_owned(), line, format!("invalid UTF-8 ({what})")));
        }
    }

    /// A member only packages have: held releases are a package's.
    fn decide_package(&mut self) {
        if self.role != Role::Top || self.package_keys {
            return;
        }
        self.package_keys = true;
        if !self.record_signals() && !self.held.is_empty() {
            self.release_held_as_package();
        }
    }

    fn release_held_as_package(&mut self) {
        let path = format!("{}/releases", self.path);
        for element in std::mem::take(&mut self.held) {
            emit_package_release(self.context, element, &path);
        }
        self.held_bytes = 0;
        self.streamed = true;
    }

    /// The object has ended: say what it was.
    fn finish(mut self) {
        if self.role == Role::Record {
            return self.finish_record();
        }
        if self.streamed || self.had_records || self.had_projects {
            self.finish_package();
        } else if self.had_releases {
            if self.record_signals() && !self.package_keys {
                self.finish_record();
            } else {
                self.release_held_as_package();
                self.finish_package();
            }
        } else if self.compiled.is_some() || self.versioned.is_some() {
            self.finish_record();
        } else if self.has_ocid {
            self.finish_release();
        } else if self.package_keys {
            self.finish_package();
        } else {
            let path = (!self.path.is_empty()).then_some(self.path);
            let message = "an object with no `ocid`, `releases`, `records` or `compiledRelease` is not a release, record or package; skipped";
            self.context.issue(self.line, None, path, message);
        }
    }

    fn report_damage(&mut self, consequence: &str) {
        if let Some((key, line, description)) = self.damage.take() {
            let path = format!("{}/{key}", self.path);
            let message = format!("{description}; {consequence}");
            self.context
                .issue(line, self.ocid.as_deref(), Some(path), message);
        }
    }

    fn finish_release(mut self) {
        if self.damage.is_some() {
            return self.report_damage("release skipped");
        }
        // Rebuild the object from its members' raw texts: values byte for byte, with no
        // whitespace between members.
        let size: usize = self
            .members
            .iter()
            .map(|(key, raw)| key.len() + raw.get().len() + 4)
            .sum();
        let mut json = String::with_capacity(size + 2);
        json.push('{');
        for (position, (key, raw)) in self.members.iter().enumerate() {
            if position > 0 {
                json.push(',');
            }
            json.push_str(&serde_json::Value::from(key.as_str()).to_string());
            json.push(':');
            json.push_str(raw.get());
        }
        json.push('}');
        self.context.item(ItemKind::Release, json, self.line);
    }

    fn finish_package(mut self) {
        self.report_damage("member ignored");
        let mut meta = PackageMeta {
            source: Some(self.context.source.clone()),
            ..PackageMeta::default()
        };
        for (key, raw) in std::mem::take(&mut self.members) {
            match key.as_str() {
                "uri" => meta.uri = string_value(&raw),
                "version" => meta.version = string_value(&raw),
                "publishedDate" => meta.published_date = string_value(&raw),
                "publisher" => meta.publisher = serde_json::from_str(raw.get()).ok(),
                "extensions" => meta.extensions = self.extensions(&raw),
                _ => {}
            }
        }
        self.context.package(meta);
    }

    fn extensions(&mut self, raw: &RawValue) -> Vec<String> {
        let path = format!("{}/extensions", self.path);
        match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::Array(urls)) => {
                let mut extensions = Vec::with_capacity(urls.len());
                for (index, url) in urls.into_iter().enumerate() {
                    match url {
                        serde_json::Value::String(url) => extensions.push(url),
                        other => {
                            let message = format!(
                                "expected an extension URL (a string), found {}; skipped",
                                crate::release::json_type_name(&other)
                            );
                            self.context.issue(
                                self.line,
                                None,
                                Some(format!("{path}/{index}")),
                                message,
                            );
                        }
                    }
                }
                extensions
            }
            Ok(serde_json::Value::Null) => Vec::new(),
            _ => {
                let message = format!(
                    "expected `extensions` to be an array of URLs, found {}; ignored",
                    raw_type_name(raw.get())
                );
                self.context.issue(self.line, None, Some(path), message);
                Vec::new()
            }
        }
    }

    /// A record: its full releases if it has them, else its compiled and versioned releases.
    fn finish_record(mut self) {
        self.report_damage("member ignored");
        let ocid = self.ocid.take();
        let ocid = ocid.as_deref();
        let path = format!("{}/releases", self.path);
        let held = std::mem::take(&mut self.held);
        let kinds: Vec<ElementKind> = held.iter().map(ElementKind::of).collect();
        let has_full = kinds.contains(&ElementKind::Full);
        for (element, kind) in held.into_iter().zip(kinds) {
            let element_path = format!("{path}/{}", element.index);
            match (kind, element.value) {
                (ElementKind::Full, Ok(raw)) if has_full => {
                    self.context
                        .item(ItemKind::Release, raw_into_string(raw), element.line);
                }
                (ElementKind::Linked, _) if has_full => {
                    let message =
                        "a linked release (only `url`, `date`, `tag`) among full releases; skipped";
                    self.context
                        .issue(element.line, ocid, Some(element_path), message);
                }
                (ElementKind::Other(found), _) => {
                    let message =
                        format!("expected a release (a JSON object), found {found}; skipped");
                    self.context
                        .issue(element.line, ocid, Some(element_path), message);
                }
                (_, Err(message)) => {
                    self.context
                        .issue(element.line, ocid, Some(element_path), message)
                }
                _ => {}
            }
        }
        if has_full {
            return;
        }
        if self.compiled.is_none() && self.versioned.is_none() {
            let path = (!self.path.is_empty()).then(|| self.path.clone());
            let message =
                "a record with neither full releases nor a `compiledRelease`; nothing read from it";
            self.context.issue(self.line, ocid, path, message);
            return;
        }
        for (located, kind, name) in [
            (
                self.compiled.take(),
                ItemKind::CompiledRelease,
                "compiledRelease",
            ),
            (
                self.versioned.take(),
                ItemKind::VersionedRelease,
                "versionedRelease",
            ),
        ] {
            let Some(Located { raw, line }) = located else {
                continue;
            };
            match raw.get().as_bytes().first() {
                Some(b'{') => self.context.item(kind, raw_into_string(raw), line),
                Some(b'n') => {}
                _ => {
                    let message = format!(
                        "expected `{name}` to be an object, found {}; skipped",
                        raw_type_name(raw.get())
                    );
                    self.context
                        .issue(line, ocid, Some(format!("{}/{name}", self.path)), message);
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ElementKind {
    Full,
    Linked,
    Null,
    Other(&'static str),
    Unreadable,
}

impl ElementKind {
    fn of(element: &Element) -> ElementKind {
        match &element.value {
            Err(_) => ElementKind::Unreadable,
            Ok(raw) => match raw.get().as_bytes().first() {
                Some(b'{') if is_linked_release(raw.get()) => ElementKind::Linked,
                Some(b'{') => ElementKind::Full,
                Some(b'n') => ElementKind::Null,
                _ => ElementKind::Other(raw_type_name(raw.get())),
            },
        }
    }
}

/// Reads the elements of a streamed top-level array straight from the stream buffer, leaving
/// its closing `]` for serde_json. An element that is a plain release (most are) is taken as it
/// is; any other object or array (a package, a record, or one too long to hold) is put back and
/// read by a serde_json deserializer of its own over the same buffer, which stops right after it.
fn scan_top_array<'s>(
    context: &mut Context<'s>,
    buffer: &Rc<RefCell<StreamBuffer<'s>>>,
) -> Result<(), ()> {
    const ARRAY: &str = "the top-level array";
    let limit = context.hold_limit;
    let mut text = Vec::new();
    let mut index = 0usize;
    loop {
        let (first, start) =
            match with_buffer(context, buffer, |buffer| buffer.next_element(index, ARRAY))? {
                Next::End => return Ok(()),
                Next::Element(first, line, column) => (first, (line, column)),
            };
        let line = start.0;
        let path = format!("/{index}");
        index += 1;
        text.clear();
        let (mark, scanned) = with_buffer(context, buffer, |buffer| {
            let mark = buffer.mark();
            Ok((mark, buffer.scan_value(&mut text, limit).map_err(Stop::Io)?))
        })?;
        if scanned == Scanned::Truncated {
            let message = format!(
                "truncated JSON: the input ends inside element {} of {ARRAY}, which starts at line {line}; what came before was read",
                index - 1
            );
            return stop(
                context,
                Stop::Issue {
                    line: Some(line),
                    message,
                },
            );
        }
        if scanned == Scanned::Complete {
            match first {
                b'{' => {
                    if let Ok(json) = std::str::from_utf8(&text)
                        && let Ok(true) = is_plain_release(json)
                    {
                        context.item(ItemKind::Release, json.to_owned(), Some(line));
                        continue;
                    }
                }
                b'[' => {}
                _ => {
                    match checked_element(&text, start) {
                        Err(bad) => {
                            let message = format!("{}; element skipped", bad.message());
                            context.issue(Some(bad.line()), None, Some(path), message);
                        }
                        Ok(raw) if raw.get() == "null" => {}
                        Ok(raw) => {
                            let message = format!(
                                "expected a release, record or package (a JSON object), found {}; skipped",
                                raw_type_name(raw.get())
                            );
                            context.issue(Some(line), None, Some(path), message);
                        }
                    }
                    continue;
                }
            }
        }
        with_buffer(context, buffer, |buffer| {
            buffer.unread(&text, mark);
            Ok(())
        })?;
        let mut nested = serde_json::Deserializer::from_reader(SharedReader(buffer.clone()));
        if let Err(error) = (ValueSeed {
            context: &mut *context,
            path,
            in_array: true,
        })
        .deserialize(&mut nested)
        {
            let why = stop_of(context, error);
            return stop(context, why);
        }
    }
}

/// Runs `work` on the stream buffer; on failure, notes why in the context.
fn with_buffer<T>(
    context: &mut Context<'_>,
    buffer: &RefCell<StreamBuffer<'_>>,
    work: impl FnOnce(&mut StreamBuffer<'_>) -> Result<T, Stop>,
) -> Result<T, ()> {
    let result = match buffer.try_borrow_mut() {
        Ok(mut buffer) => work(&mut buffer),
        Err(_) => Err(Stop::Io(std::io::Error::other(
            "the stream buffer is in use",
        ))),
    };
    result.or_else(|why| stop(context, why))
}

fn stop<T>(context: &mut Context<'_>, why: Stop) -> Result<T, ()> {
    if context.stop.is_none() {
        context.stop = Some(why);
    }
    Err(())
}

/// The top-level value being read ends early: `detail` says where.
fn truncated_message(context: &Context<'_>, detail: &str) -> String {
    let start = context
        .value_start
        .map(|line| format!(" starting at line {line}"))
        .unwrap_or_default();
    format!("truncated JSON: the value{start} ends early ({detail}); what came before was read")
}

/// Why serde_json stopped, in the reader's words.
pub(crate) fn stop_of(context: &Context<'_>, error: serde_json::Error) -> Stop {
    let message = error.to_string();
    let (what, position) = split_error(&message);
    let (line, column) = context.error_position(position);
    match error.classify() {
        serde_json::error::Category::Io => Stop::Io(std::io::Error::from(error)),
        serde_json::error::Category::Eof => Stop::Issue {
            line,
            message: truncated_message(context, what),
        },
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => {
            let column = column
                .map(|column| format!(" at column {column}"))
                .unwrap_or_default();
            let message =
                format!("invalid JSON: {what}{column}; the rest of this input is not read");
            Stop::Issue { line, message }
        }
    }
}

/// Why scanned bytes are not a JSON value.
enum Bad {
    /// "invalid UTF-8 at line L column C"
    Utf8 { line: u64, message: String },
    /// "invalid JSON: <serde_json's words> at line L column C"
    Json { line: u64, message: String },
}

impl Bad {
    fn line(&self) -> u64 {
        match self {
            Bad::Utf8 { line, .. } | Bad::Json { line, .. } => *line,
        }
    }

    fn message(&self) -> &str {
        match self {
            Bad::Utf8 { message, .. } | Bad::Json { message, .. } => message,
        }
    }
}

/// Scanned bytes as a raw JSON value, or why they are not one. `start` is the line and column
/// of their first byte in the input.
fn checked_element(text: &[u8], start: (u64, u64)) -> Result<Box<RawValue>, Bad> {
    // A position inside the value, from where it starts.
    let at = |relative_line: u64, relative_column: u64| {
        let line = start.0 + relative_line.saturating_sub(1);
        let column = if relative_line <= 1 {
            start.1 + relative_column.saturating_sub(1)
        } else {
            relative_column
        };
        (line, format!("line {line} column {column}"))
    };
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(error) => {
            let valid = &text[..error.valid_up_to()];
            let line_start = valid
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(0, |newline| newline + 1);
            let (line, position) = at(
                1 + count_newlines(valid),
                (valid.len() - line_start) as u64 + 1,
            );
            return Err(Bad::Utf8 {
                line,
                message: format!("invalid UTF-8 at {position}"),
            });
        }
    };
    RawValue::from_string(text.to_owned()).map_err(|error| {
        let message = error.to_string();
        let (problem, position) = split_error(&message);
        let (line, position) = match position {
            Some((line, column)) => {
                let (line, position) = at(line, column);
                (line, format!(" at {position}"))
            }
            None => (start.0, String::new()),
        };
        Bad::Json {
            line,
            message: format!("invalid JSON: {problem}{position}"),
        }
    })
}

/// A member's value as raw text: scanned straight from the stream buffer when streaming
/// (serde_json has just consumed the `:` and has no byte of look-ahead pending), otherwise read
/// by serde_json. `Ok(Err(..))`: the value was read past but is not valid UTF-8.
struct RawSeed<'c, 's> {
    context: &'c mut Context<'s>,
}

impl<'de> DeserializeSeed<'de> for RawSeed<'_, '_> {
    type Value = Result<Box<RawValue>, Bad>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Lines::Tracked(buffer) = &self.context.lines else {
            return serde::Deserialize::deserialize(deserializer).map(Ok);
        };
        let buffer = buffer.clone();
        scan_member(self.context, &buffer)
            .map_err(|()| serde::de::Error::custom("stopped in a member"))
    }
}

fn scan_member(
    context: &mut Context<'_>,
    buffer: &RefCell<StreamBuffer<'_>>,
) -> Result<Result<Box<RawValue>, Bad>, ()> {
    let start = with_buffer(context, buffer, |buffer| {
        let found = buffer.peek_past_whitespace().map_err(Stop::Io)?;
        Ok(found.map(|_| (buffer.line(), buffer.next_column())))
    })?;
    let Some(start) = start else {
        let line = context.line_now();
        let message = truncated_message(context, "after a member name");
        return stop(context, Stop::Issue { line, message });
    };
    let mut text = Vec::new();
    if with_buffer(context, buffer, |buffer| {
        buffer.scan_value(&mut text, usize::MAX).map_err(Stop::Io)
    })? == Scanned::Truncated
    {
        let detail = format!(
            "inside a member value that starts at line {} column {}",
            start.0, start.1
        );
        let message = truncated_message(context, &detail);
        return stop(
            context,
            Stop::Issue {
                line: Some(start.0),
                message,
            },
        );
    }
    match checked_element(&text, start) {
        Ok(raw) => Ok(Ok(raw)),
        Err(bad @ Bad::Utf8 { .. }) => Ok(Err(bad)),
        Err(Bad::Json { line, message }) => {
            let message = format!("{message}; the rest of this input is not read");
            stop(
                context,
                Stop::Issue {
                    line: Some(line),
                    message,
                },
            )
        }
    }
}

fn raw_into_string(raw: Box<RawValue>) -> String {
    Box::<str>::from(raw).into_string()
}

fn string_value(raw: &RawValue) -> Option<String> {
    serde_json::from_str(raw.get()).ok()
}

/// Hands one element of a package's `releases` to the sink.
fn emit_package_release(context: &mut Context<'_>, element: Element, path: &str) {
    match element.value {
        Err(message) => context.issue(
            element.line,
            None,
            Some(format!("{path}/{}", element.index)),
            message,
        ),
        Ok(raw) => match raw.get().as_bytes().first() {
            Some(b'{') => context.item(ItemKind::Release, raw_into_string(raw), element.line),
            // `null` elements occur in real packages; they hold nothing.
            Some(b'n') => {}
            _ => {
                let message = format!(
                    "expected a release (a JSON object), found {}; skipped",
                    raw_type_name(raw.get())
                );
                context.issue(
                    element.line,
                    None,
                    Some(format!("{path}/{}", element.index)),
                    message,
                );
            }
        },
    }
}

/// Whether an object has only the members of a linked release: `url`, `date` and `tag`.
fn is_linked_release(raw: &str) -> bool {
    struct LinkedVisitor;
    impl<'de> Visitor<'de> for LinkedVisitor {
        type Value = bool;
        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut linked = true;
            while let Some(kind) = map.next_key_seed(KeyKindSeed)? {
                linked &= matches!(kind, KeyKind::LinkMember | KeyKind::Date);
                map.next_value::<IgnoredAny>()?;
            }
            Ok(linked)
        }
    }
    serde_json::Deserializer::from_str(raw)
        .deserialize_map(LinkedVisitor)
        .unwrap_or(false)
}

/// A `releases` member's value.
struct ReleasesSeed<'r, 'c, 's> {
    reader: &'r mut ObjectReader<'c, 's>,
    mode: Mode,
}

/// Where [`scan_elements`] hands each element of an array it reads from the stream buffer.
trait ElementSink<'s> {
    fn context(&mut self) -> &mut Context<'s>;
    fn accept(&mut self, element: Element, path: &str);
}

/// Reads the elements of the array straight from the stream buffer, leaving its closing
/// `]` for serde_json. `Err` means reading must stop; why is in `context.stop`.
fn scan_elements<'s, S: ElementSink<'s>>(
    sink: &mut S,
    buffer: &RefCell<StreamBuffer<'_>>,
    path: &str,
    what: &str,
) -> Result<(), ()> {
    let array = format!("`{path}`");
    let mut text = Vec::new();
    let mut index = 0usize;
    loop {
        let context = sink.context();
        let start = match with_buffer(context, buffer, |buffer| buffer.next_element(index, &array))?
        {
            Next::End => return Ok(()),
            Next::Element(_, line, column) => (line, column),
        };
        let line = start.0;
        text.clear();
        match with_buffer(context, buffer, |buffer| {
            buffer.scan_value(&mut text, usize::MAX).map_err(Stop::Io)
        })? {
            Scanned::Complete | Scanned::TooLong => {}
            Scanned::Truncated => {
                let message = format!(
                    "truncated JSON: the input ends inside element {index} of {array}, which starts at line {line}; what came before was read"
                );
                return stop(
                    context,
                    Stop::Issue {
                        line: Some(line),
                        message,
                    },
                );
            }
        }
        let element = Element {
            index,
            line: Some(line),
            value: checked_element(&text, start)
                .map_err(|bad| format!("{}; {what} skipped", bad.message())),
        };
        index += 1;
        sink.accept(element, path);
    }
}

/// Reads every element of an array (`releases`, `projects`) into `sink`: straight from the
/// stream buffer when lines are tracked (serde_json has just consumed the `[` from it), else
/// element by element through serde_json, an element that is not valid UTF-8 reported and
/// skipped (`what` names it in the message).
fn read_elements<'de, 's, S: ElementSink<'s>, A: SeqAccess<'de>>(
    sink: &mut S,
    mut seq: A,
    path: &str,
    what: &str,
) -> Result<(), A::Error> {
    if let Lines::Tracked(buffer) = &sink.context().lines {
        let buffer = buffer.clone();
        drop(seq);
        return scan_elements(sink, &buffer, path, what)
            .map_err(|()| serde::de::Error::custom(format!("stopped in `{path}`")));
    }
    let mut index = 0usize;
    loop {
        let element = match seq.next_element::<Box<RawValue>>() {
            Ok(Some(raw)) => {
                let line = sink.context().line_of_raw(raw.get());
                Element {
                    index,
                    line,
                    value: Ok(raw),
                }
            }
            Ok(None) => return Ok(()),
            Err(error) => {
                let message = error.to_string();
                if !is_utf8_error(&message) {
                    return Err(error);
                }
                let (problem, position) = split_error(&message);
                let line = sink.context().error_line(position);
                Element {
                    index,
                    line,
                    value: Err(format!("invalid UTF-8 ({problem}); {what} skipped")),
                }
            }
        };
        index += 1;
        sink.accept(element, path);
    }
}

impl<'de> DeserializeSeed<'de> for ReleasesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'s> ElementSink<'s> for ReleasesSeed<'_, '_, 's> {
    fn context(&mut self) -> &mut Context<'s> {
        self.reader.context
    }

    /// One element read: to the sink, or held, as the mode says.
    fn accept(&mut self, element: Element, path: &str) {
        match self.mode {
            Mode::Stream => emit_package_release(self.reader.context, element, path),
            Mode::Hold => self.reader.held.push(element),
            Mode::Undecided => {
                self.reader.held_bytes += element.value.as_ref().map_or(0, |raw| raw.get().len());
                self.reader.held.push(element);
                if self.reader.held_bytes > self.reader.context.hold_limit {
                    self.reader.release_held_as_package();
                    self.mode = Mode::Stream;
                }
            }
        }
    }
}

impl ReleasesSeed<'_, '_, '_> {
    fn not_an_array(self, found: &str) {
        let reader = self.reader;
        let line = reader.context.line_now();
        let message = format!("expected `releases` to be an array, found {found}; ignored");
        reader.context.issue(
            line,
            reader.ocid.as_deref(),
            Some(format!("{}/releases", reader.path)),
            message,
        );
    }
}

impl<'de> Visitor<'de> for ReleasesSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of releases")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<(), A::Error> {
        let path = format!("{}/releases", self.reader.path);
        read_elements(&mut self, seq, &path, "release")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_an_array("an object");
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    reject_scalars!(not_an_array);
}

/// An OC4IDS project package's `projects`: each element goes to the sink as an
/// [`ItemKind::Project`] as it is read.
struct ProjectsSeed<'c, 's> {
    context: &'c mut Context<'s>,
}

impl<'s> ElementSink<'s> for ProjectsSeed<'_, 's> {
    fn context(&mut self) -> &mut Context<'s> {
        self.context
    }

    fn accept(&mut self, element: Element, path: &str) {
        let at = Some(format!("{path}/{}", element.index));
        match element.value {
            Err(message) => self.context.issue(element.line, None, at, message),
            Ok(raw) => match raw.get().as_bytes().first() {
                Some(b'{') => {
                    self.context
                        .item(ItemKind::Project, raw_into_string(raw), element.line)
                }
                Some(b'n') => {}
                _ => {
                    let message = format!(
                        "expected a project (a JSON object), found {}; skipped",
                        raw_type_name(raw.get())
                    );
                    self.context.issue(element.line, None, at, message);
                }
            },
        }
    }
}

impl<'de> DeserializeSeed<'de> for ProjectsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ProjectsSeed<'_, '_> {
    fn not_an_array(self, found: &str) {
        let line = self.context.line_now();
        let message = format!("expected `projects` to be an array, found {found}; ignored");
        self.context
            .issue(line, None, Some("/projects".to_owned()), message);
    }
}

impl<'de> Visitor<'de> for ProjectsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of projects")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<(), A::Error> {
        read_elements(&mut self, seq, "/projects", "project")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_an_array("an object");
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    reject_scalars!(not_an_array);
}

/// A record package's `records` member.
struct RecordsSeed<'c, 's> {
    context: &'c mut Context<'s>,
    /// The path of the array itself, for example `/records`.
    path: String,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RecordsSeed<'_, '_> {
    fn not_an_array(self, found: &str) {
        let line = self.context.line_now();
        let message = format!("expected `records` to be an array, found {found}; ignored");
        self.context.issue(line, None, Some(self.path), message);
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let seed = RecordSeed {
                context: &mut *self.context,
                path: format!("{}/{index}", self.path),
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_an_array("an object");
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    reject_scalars!(not_an_array);
}

/// One element of a record package's `records`.
struct RecordSeed<'c, 's> {
    context: &'c mut Context<'s>,
    path: String,
}

impl RecordSeed<'_, '_> {
    fn not_an_object(self, found: &str) {
        let line = self.context.line_now();
        let message = format!("expected a record (a JSON object), found {found}; skipped");
        self.context.issue(line, None, Some(self.path), message);
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a record")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.context.line_now();
        ObjectReader::new(self.context, Role::Record, self.path, line).read(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object("an array");
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    reject_scalars!(not_an_object);
}

/// The member names that decide how an object is read, told apart without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Ocid,
    Date,
    /// `releases`, `records`, `compiledRelease` or `versionedRelease`.
    Container,
    /// `url` or `tag` (or `date`, a [`KeyKind::Date`]).
    LinkMember,
    Other,
}

struct KeyKindSeed;

impl<'de> DeserializeSeed<'de> for KeyKindSeed {
    type Value = KeyKind;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<KeyKind, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyKindSeed {
    type Value = KeyKind;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_str<E>(self, key: &str) -> Result<KeyKind, E> {
        Ok(match key {
            "ocid" => KeyKind::Ocid,
            "releases" | "records" | "compiledRelease" | "versionedRelease" => KeyKind::Container,
            "date" => KeyKind::Date,
            "url" | "tag" => KeyKind::LinkMember,
            _ => KeyKind::Other,
        })
    }
}

/// What [`ShapeVisitor`] found: whether the value is a plain release, and the raw text of its
/// last top-level `ocid` and `date` members.
#[derive(Default)]
struct Shape<'de> {
    plain: bool,
    ocid: Option<&'de str>,
    date: Option<&'de str>,
}

/// Validates a whole value and tells whether it is a plain release (see [`is_plain_release`]).
struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<'de>, A::Error> {
        let (mut shape, mut container) = (Shape::default(), false);
        while let Some(kind) = map.next_key_seed(KeyKindSeed)? {
            match kind {
                KeyKind::Ocid => shape.ocid = Some(map.next_value::<&RawValue>()?.get()),
                KeyKind::Date => shape.date = Some(map.next_value::<&RawValue>()?.get()),
                KeyKind::Container => {
                    container = true;
                    map.next_value::<IgnoredAny>()?;
                }
                KeyKind::LinkMember | KeyKind::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        shape.plain = shape.ocid.is_some() && !container;
        Ok(shape)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::default())
    }

    fn visit_unit<E>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape<'de>, E> {
        Ok(Shape::default())
    }
}
