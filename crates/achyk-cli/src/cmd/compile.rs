//! `achyk compile`: one compiled (or versioned) release per ocid, as JSON Lines, in ocid order.
//!
//! Releases are gathered keyed by (ocid, input position): as where they are in their file when
//! they are lines of an uncompressed regular file (they are read again when their process is
//! merged), otherwise as JSON text. While they fit in the memory budget they stay in memory;
//! past it, sorted runs are spilled to a temporary folder and merged back, so peak memory does
//! not depend on how many ocids the input holds. Processes are then merged in parallel, in
//! batches, and written in ocid order, so the output does not depend on the number of threads.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::process::ExitCode;

use achyk_ocds::{
    Event, InputIssue, ItemKind, MergeRules, ReadOptions, SkimmedLine, read_publication,
    read_publication_skimming,
};
use anyhow::Context;
use rayon::prelude::*;

#[derive(clap::Args)]
pub struct CompileArgs {
    /// Input files (release packages, record packages, releases, JSON Lines, concatenated JSON,
    /// optionally gzipped); `-` or nothing reads standard input.
    pub files: Vec<PathBuf>,
    /// Write versioned releases instead of compiled releases (with `--package`, add them to
    /// each record).
    #[arg(long)]
    pub versioned: bool,
    /// Write one record package instead of JSON Lines.
    #[arg(long)]
    pub package: bool,
    /// Memory budget for releases held before spilling to disk, in MiB (spilled runs start at
    /// 4 MiB and grow to this size on very large inputs).
    #[arg(long, default_value_t = 256, env = "ACHYK_COMPILE_MEMORY_MB")]
    pub memory_mb: usize,
    /// Folder for spilled runs (default: the system's temporary folder).
    #[arg(long, env = "ACHYK_TMPDIR")]
    pub temp_dir: Option<PathBuf>,
}

/// One merge input waiting for its process.
struct Entry {
    ocid: String,
    position: u64,
    kind: ItemKind,
    text: Text,
    /// The line number of a line of JSON Lines that was skimmed, not checked, when read: it is
    /// checked when it is merged.
    unchecked_line: Option<u64>,
}

/// The JSON text of a merge input, or where to read it again.
enum Text {
    Held(String),
    /// `length` bytes at `offset` in the input file numbered `file`.
    InFile {
        file: u32,
        offset: u64,
        length: u64,
    },
}

impl Entry {
    /// The length of the JSON text, held or not: how much work merging it is.
    fn text_length(&self) -> usize {
        match &self.text {
            Text::Held(json) => json.len(),
            &Text::InFile { length, .. } => length as usize,
        }
    }

    /// How much memory the entry takes.
    fn size(&self) -> usize {
        self.ocid.len()
            + 64
            + match &self.text {
                Text::Held(json) => json.len(),
                Text::InFile { .. } => 0,
            }
    }
}

/// The text of an entry, or the bytes of a skimmed line that are not UTF-8.
type TextRead<'t> = Result<&'t str, &'t [u8]>;

/// The input files that are read again when their processes are merged (regular files), by
/// their number in the command line, with their length and modification time when first
/// opened, to tell if one changed meanwhile.
#[derive(Default)]
pub struct Rereadable {
    files: Vec<Option<(File, u64, Option<std::time::SystemTime>)>>,
    /// Every input's name, as in locations.
    names: Vec<String>,
}

impl Rereadable {
    /// The JSON texts of `entries`: held ones borrowed, the others read again into `buffer`,
    /// one after the other (one buffer, reused from group to group, rather than an allocation
    /// per release).
    /// A skimmed line that is not UTF-8 is `Err` with its bytes; a checked one that no longer
    /// is fails the whole compile (its file changed).
    fn texts<'t>(
        &self,
        entries: &'t [Entry],
        buffer: &'t mut Vec<u8>,
    ) -> anyhow::Result<Vec<TextRead<'t>>> {
        let mut ranges = Vec::with_capacity(entries.len());
        // The buffer only grows: what an earlier group left in it is overwritten, not zeroed
        // again before every read.
        let needed = entries.iter().map(|entry| match entry.text {
            Text::InFile { length, .. } => length as usize,
            Text::Held(_) => 0,
        });
        let needed: usize = needed.sum();
        if buffer.len() < needed {
            buffer.resize(needed, 0);
        }
        let mut start = 0;
        for entry in entries {
            if let &Text::InFile {
                file,
                offset,
                length,
            } = &entry.text
            {
                let end = start + length as usize;
                self.handle(file)
                    .read_exact_at(&mut buffer[start..end], offset)
                    .context("cannot read an input file again")?;
                ranges.push(start..end);
                start = end;
            }
        }
        let buffer: &'t [u8] = buffer;
        let mut ranges = ranges.into_iter();
        entries
            .iter()
            .map(|entry| match &entry.text {
                Text::Held(json) => Ok(Ok(json.as_str())),
                Text::InFile { .. } => {
                    let bytes = &buffer[ranges.next().expect("a range per text read")];
                    match (simdutf8::basic::from_utf8(bytes), entry.unchecked_line) {
                        (Ok(text), _) => Ok(Ok(text)),
                        (Err(_), Some(_)) => Ok(Err(bytes)),
                        (Err(_), None) => {
                            anyhow::bail!("an input file changed while it was compiled")
                        }
                    }
                }
            })
            .collect()
    }

    fn handle(&self, file: u32) -> &File {
        let (handle, _, _) = self.files[file as usize]
            .as_ref()
            .expect("only rereadable files are referred to");
        handle
    }

    /// The issue reading a skimmed line found broken would have reported; `None` if reading
    /// takes it (nesting deeper than the merge's parser goes, which serde_json skips): it is
    /// then left out with a warning, as a checked release would be.
    fn line_issue(&self, entry: &Entry, bytes: &[u8]) -> Option<InputIssue> {
        let (Text::InFile { file, .. }, Some(line)) = (&entry.text, entry.unchecked_line) else {
            return None;
        };
        achyk_ocds::check_line(&self.names[*file as usize], line, bytes)
    }

    /// Fails if a file reread changed since it was first opened.
    fn check_unchanged(&self, files: &[PathBuf]) -> anyhow::Result<()> {
        for (path, file) in files.iter().zip(&self.files) {
            let Some((handle, length, modified)) = file else {
                continue;
            };
            let metadata = handle.metadata()?;
            if metadata.len() != *length || metadata.modified().ok() != *modified {
                anyhow::bail!(
                    "{} changed while it was compiled; the output may be wrong",
                    path.display()
                );
            }
        }
        Ok(())
    }
}

/// What reading the inputs produced besides the entries.
#[derive(Default)]
pub struct Gathered {
    pub extensions: Vec<String>,
    pub rejected: u64,
    pub releases: u64,
}

pub fn run(args: CompileArgs) -> anyhow::Result<ExitCode> {
    crate::keep_freed_memory();
    let budget = args.memory_mb.max(1) * 1024 * 1024;
    let temp_dir = match &args.temp_dir {
        Some(dir) => tempfile::Builder::new()
            .prefix("achyk-compile")
            .tempdir_in(dir),
        None => tempfile::Builder::new().prefix("achyk-compile").tempdir(),
    }
    .context("cannot make a temporary folder for spilled runs")?;
    let mut sorter = Sorter {
        // Room for the most entries a first run can hold (each counts at least 64 bytes), so
        // that the buffer is not copied as it grows (untouched room costs no memory).
        buffer: Vec::with_capacity(FIRST_RUN_BYTES.min(budget) / 64),
        buffered: 0,
        budget,
        runs: Vec::new(),
        dir: temp_dir.path().to_owned(),
    };
    let mut gathered = Gathered::default();
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let rereadable = gather(&files, &mut sorter, &mut gathered)?;

    let (rules, unknown) =
        MergeRules::for_extension_urls(gathered.extensions.iter().map(String::as_str));
    for url in &unknown {
        eprintln!(
            "achyk: warning: extension {url} is not embedded in achyk; its fields merge by the default rules"
        );
    }

    let mode = Mode {
        versioned: args.versioned,
        package: args.package,
    };
    gathered.rejected += merge_and_write(sorter, &rules, mode, &gathered.extensions, &rereadable)?;
    rereadable.check_unchanged(&files)?;

    if gathered.rejected > 0 {
        eprintln!(
            "achyk: {} of the input items were rejected (see above); the rest was compiled",
            gathered.rejected
        );
        return Ok(ExitCode::from(super::EXIT_REJECTED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges the gathered processes and writes them, as a pipeline of three threads so that both
/// cores stay busy: one groups entries by ocid (reading spilled runs back), this one merges
/// batches of processes in parallel, and one writes the results in order. Returns how many
/// skimmed lines were found broken and left out.
fn merge_and_write(
    sorter: Sorter,
    rules: &MergeRules,
    mode: Mode,
    extensions: &[String],
    rereadable: &Rereadable,
) -> anyhow::Result<u64> {
    let (batch_sender, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<Entry>>>(2);
    let (output_sender, outputs) = std::sync::mpsc::sync_channel::<Vec<Output>>(2);
    std::thread::scope(|scope| {
        let grouping = scope.spawn(move || {
            sorter.finish(|batch| {
                batch_sender
                    .send(batch)
                    .map_err(|_| anyhow::anyhow!("the merge stopped"))
            })
        });
        let writing = scope.spawn(move || write_outputs(outputs, mode, extensions));
        let mut merging = Ok(());
        for batch in batches {
            let merged = batch
                .into_par_iter()
                .map(|group| merge_group(group, rules, mode, rereadable))
                .collect::<anyhow::Result<Vec<Output>>>();
            let merged = match merged {
                Ok(merged) => merged,
                Err(error) => {
                    merging = Err(error);
                    break;
                }
            };
            if output_sender.send(merged).is_err() {
                break;
            }
        }
        drop(output_sender);
        let written = writing
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the writing thread panicked")));
        let grouped = grouping
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the grouping thread panicked")));
        // A failed write (a closed pipe) stops the grouping too; report the write's error.
        merging
            .and(written)
            .and_then(|rejected| grouped.map(|()| rejected))
    })
}

fn write_outputs(
    outputs: std::sync::mpsc::Receiver<Vec<Output>>,
    mode: Mode,
    extensions: &[String],
) -> anyhow::Result<u64> {
    let mut rejected = 0;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    if mode.package {
        write!(
            out,
            "{{\"uri\":\"\",\"publishedDate\":\"\",\"version\":\"1.1\","
        )?;
        if !extensions.is_empty() {
            write!(
                out,
                "\"extensions\":{},",
                serde_json::to_string(extensions)?
            )?;
        }
        write!(out, "\"records\":[")?;
    }
    let mut first_record = true;
    for batch in outputs {
        for output in batch {
            for issue in &output.rejected {
                eprintln!("achyk: {issue}");
            }
            rejected += output.rejected.len() as u64;
            for warning in &output.warnings {
                eprintln!("achyk: warning: {warning}");
            }
            if let Some(problem) = &output.problem {
                eprintln!("achyk: {problem}");
            }
            let Some(json) = output.json else { continue };
            if mode.package {
                if !first_record {
                    out.write_all(b",")?;
                }
                first_record = false;
            }
            out.write_all(json.as_bytes())?;
            if !mode.package {
                out.write_all(b"\n")?;
            }
        }
    }
    if mode.package {
        writeln!(out, "]}}")?;
    }
    out.flush()?;
    Ok(rejected)
}

/// Events are handed from the reading thread to the gathering one in chunks of this many.
const CHUNK_EVENTS: usize = 1024;

/// What the reading thread hands over: an event, or a line it skimmed.
enum Reading {
    Event(Event),
    Skimmed(SkimmedLine),
}

/// Reads every input on one thread while this one finds each item's ocid (in parallel, chunk by
/// chunk) and hands the items to the sorter, in input order. Returns the files whose releases
/// are to be read again.
fn gather(
    files: &[PathBuf],
    sorter: &mut Sorter,
    gathered: &mut Gathered,
) -> anyhow::Result<Rereadable> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<(usize, Vec<Reading>)>(8);
    let (reread_sender, reread) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || -> anyhow::Result<()> {
            for (number, file) in files.iter().enumerate() {
                let name = file.display().to_string();
                // Lines of a regular file are skimmed: they are checked when read again.
                let mut skim = false;
                let reader: Box<dyn Read> = if name == "-" {
                    Box::new(io::stdin().lock())
                } else {
                    let handle = File::open(file).with_context(|| format!("cannot open {name}"))?;
                    let metadata = handle
                        .metadata()
                        .with_context(|| format!("cannot read {name}"))?;
                    if metadata.is_file() {
                        let again = handle
                            .try_clone()
                            .with_context(|| format!("cannot read {name}"))?;
                        let _ = reread_sender
                            .send((number, (again, metadata.len(), metadata.modified().ok())));
                        skim = true;
                    }
                    Box::new(handle)
                };
                let chunk = std::cell::RefCell::new(Vec::with_capacity(CHUNK_EVENTS));
                let receiver_gone = std::cell::Cell::new(false);
                let push = |read: Reading| {
                    let mut chunk = chunk.borrow_mut();
                    chunk.push(read);
                    if chunk.len() >= CHUNK_EVENTS && !receiver_gone.get() {
                        let full = std::mem::take(&mut *chunk);
                        receiver_gone.set(sender.send((number, full)).is_err());
                    }
                };
                let mut sink = |event| push(Reading::Event(event));
                let input = BufReader::with_capacity(1 << 20, reader);
                if skim {
                    let mut skimmed = |line| push(Reading::Skimmed(line));
                    let options = ReadOptions::default();
                    read_publication_skimming(&name, input, &options, &mut sink, &mut skimmed)
                } else {
                    read_publication(&name, input, &mut sink)
                }
                .with_context(|| format!("cannot read {name}"))?;
                let chunk = chunk.into_inner();
                if !chunk.is_empty() && sender.send((number, chunk)).is_err() {
                    return Ok(());
                }
            }
            Ok(())
        });
        let mut rereadable = Rereadable::default();
        rereadable.files.resize_with(files.len(), || None);
        rereadable.names = files
            .iter()
            .map(|file| file.display().to_string())
            .collect();
        let stderr = io::stderr();
        let mut position = 0u64;
        let mut result = Ok(());
        for (number, mut chunk) in receiver.iter() {
            if result.is_err() {
                continue;
            }
            // A file's handle is sent before its first chunk.
            for (reread_number, file) in reread.try_iter() {
                rereadable.files[reread_number] = Some(file);
            }
            let in_file = rereadable.files[number].is_some();
            let heads: Vec<Option<Head>> = chunk
                .par_iter_mut()
                .map(|read| match read {
                    Reading::Event(Event::Item(item)) => Some(head_of(&item.json, item.head)),
                    Reading::Skimmed(line) => {
                        // The line's raw ocid becomes the entry's: nothing else reads it.
                        let ocid = std::mem::take(&mut line.ocid);
                        Some(head_of_raw(Some(Cow::Owned(ocid)), line.date.as_deref()))
                    }
                    Reading::Event(_) => None,
                })
                .collect();
            for (read, head) in chunk.into_iter().zip(heads) {
                let event = match (read, head) {
                    (Reading::Event(event), head) => (event, head),
                    (Reading::Skimmed(line), Some(Ok(ocid))) => {
                        gathered.releases += 1;
                        position += 1;
                        let entry = Entry {
                            ocid,
                            position,
                            kind: ItemKind::Release,
                            text: Text::InFile {
                                file: number as u32,
                                offset: line.offset,
                                length: line.length,
                            },
                            unchecked_line: line.location.line,
                        };
                        if let Err(error) = sorter.push(entry) {
                            result = Err(error);
                            break;
                        }
                        continue;
                    }
                    (Reading::Skimmed(line), head) => {
                        // A release left out by its head: report what is wrong with the line
                        // first, as reading it would have.
                        gathered.releases += 1;
                        gathered.rejected += 1;
                        let mut bytes = vec![0; line.length as usize];
                        let reread = rereadable
                            .handle(number as u32)
                            .read_exact_at(&mut bytes, line.offset)
                            .context("cannot read an input file again");
                        if let Err(error) = reread {
                            result = Err(error);
                            break;
                        }
                        let number = line.location.line.unwrap_or_default();
                        let issue = achyk_ocds::check_line(&line.location.source, number, &bytes);
                        let message = match (issue, head) {
                            (Some(issue), _) => issue.to_string(),
                            (None, Some(Err((ocid, problem)))) => {
                                left_out(&line.location, ocid, &problem)
                            }
                            (None, _) => unreachable!("a skimmed line has a head"),
                        };
                        let _ = writeln!(stderr.lock(), "achyk: {message}");
                        continue;
                    }
                };
                match event {
                    (Event::Item(item), _) if item.kind == ItemKind::Project => {
                        let _ = writeln!(
                            stderr.lock(),
                            "achyk: {}: an OC4IDS project is not a release and is left out of the merge (`achyk import` stores projects)",
                            item.location
                        );
                    }
                    (Event::Item(item), Some(Ok(ocid))) => {
                        gathered.releases += 1;
                        position += 1;
                        let text = match item.offset {
                            Some(offset) if in_file => Text::InFile {
                                file: number as u32,
                                offset,
                                length: item.json.len() as u64,
                            },
                            _ => Text::Held(item.json),
                        };
                        let entry = Entry {
                            ocid,
                            position,
                            kind: item.kind,
                            text,
                            unchecked_line: None,
                        };
                        if let Err(error) = sorter.push(entry) {
                            result = Err(error);
                            break;
                        }
                    }
                    (Event::Item(item), Some(Err((ocid, problem)))) => {
                        gathered.releases += 1;
                        gathered.rejected += 1;
                        let message = left_out(&item.location, ocid, &problem);
                        let _ = writeln!(stderr.lock(), "achyk: {message}");
                    }
                    (Event::Package(meta), _) => {
                        for url in meta.extensions {
                            if !gathered.extensions.contains(&url) {
                                gathered.extensions.push(url);
                            }
                        }
                    }
                    (Event::Issue(issue), _) => {
                        gathered.rejected += 1;
                        let _ = writeln!(stderr.lock(), "achyk: {issue}");
                    }
                    (Event::Item(_), None) => unreachable!("every item has a head"),
                }
            }
        }
        let read_result = reading
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the reading thread panicked")));
        result.and(read_result).map(|()| rereadable)
    })
}

/// An item's ocid, or why it is left out (with its ocid when it has one).
type Head = Result<String, (Option<String>, String)>;

/// The message for a release left out for `problem` with its head.
fn left_out(location: &achyk_ocds::Location, ocid: Option<String>, problem: &str) -> String {
    let ocid = ocid.map(|ocid| format!(" [{ocid}]")).unwrap_or_default();
    format!("{location}{ocid}: release left out: {problem}")
}

/// Reads the ocid of an item and checks its date, without building the value (the reader has
/// already checked that the text is JSON, and may have found where both are: `found`).
fn head_of(json: &str, found: Option<achyk_ocds::ItemHead>) -> Head {
    use achyk_ocds::json::top_level_members;
    let members = match found {
        Some(found) => {
            let raw = |range: Option<(usize, usize)>| range.map(|(start, end)| &json[start..end]);
            Some([raw(found.ocid), raw(found.date)])
        }
        None => top_level_members(json, ["ocid", "date"]),
    };
    let Some([ocid, date]) = members else {
        return Err((None, "not a JSON object".to_owned()));
    };
    head_of_raw(ocid.map(Cow::Borrowed), date)
}

/// [`head_of`] from the raw text of the `ocid` and `date` members (the ocid's text owned when
/// the caller can give it up).
fn head_of_raw(ocid: Option<Cow<'_, str>>, date: Option<&str>) -> Head {
    use achyk_ocds::ReleaseProblem;
    use achyk_ocds::json::unescape;
    let ocid = match ocid {
        None => return Err((None, ReleaseProblem::MissingOcid.to_string())),
        Some(raw) if raw == "null" => {
            return Err((None, ReleaseProblem::MissingOcid.to_string()));
        }
        // An owned literal without escapes is its value between its quotes: no new allocation.
        Some(Cow::Owned(mut raw)) if raw.starts_with('"') && !raw.contains('\\') => {
            raw.pop();
            raw.remove(0);
            raw
        }
        Some(raw) if raw.starts_with('"') => unescape(&raw).into_owned(),
        Some(_) => return Err((None, ReleaseProblem::BadOcid.to_string())),
    };
    if ocid.trim().is_empty() {
        return Err((None, ReleaseProblem::BadOcid.to_string()));
    }
    let problem = match date {
        None | Some("null") => ReleaseProblem::MissingDate,
        Some(raw) if raw.starts_with('"') => {
            let date = unescape(raw);
            if achyk_ocds::release::parse_instant(&date).is_some() {
                return Ok(ocid);
            }
            ReleaseProblem::BadDate(format!("{date:?}"))
        }
        Some(raw) => ReleaseProblem::BadDate(raw.to_owned()),
    };
    Err((Some(ocid), problem.to_string()))
}

#[derive(Clone, Copy)]
struct Mode {
    versioned: bool,
    package: bool,
}

struct Output {
    /// One line of output (a compiled or versioned release, or a record), without newline.
    json: Option<String>,
    warnings: Vec<achyk_ocds::MergeWarning>,
    problem: Option<String>,
    /// Skimmed lines found broken, left out.
    rejected: Vec<InputIssue>,
}

fn merge_group(
    group: Vec<Entry>,
    rules: &MergeRules,
    mode: Mode,
    rereadable: &Rereadable,
) -> anyhow::Result<Output> {
    // The buffer the texts are read into and the arena their trees are built in, kept from
    // group to group.
    thread_local! {
        static BUFFER: std::cell::RefCell<(Vec<u8>, achyk_ocds::json::Bump)> =
            std::cell::RefCell::new((Vec::new(), achyk_ocds::json::Bump::new()));
    }
    BUFFER.with_borrow_mut(|(buffer, arena)| {
        arena.reset();
        let texts = rereadable.texts(&group, buffer)?;
        Ok(merge_texts(&group, &texts, arena, rules, mode, rereadable))
    })
}

/// [`merge_group`] once the texts are read. Each release is parsed here: a skimmed line that
/// is not JSON is left out and reported as reading it would have.
fn merge_texts(
    group: &[Entry],
    texts: &[TextRead<'_>],
    arena: &achyk_ocds::json::Bump,
    rules: &MergeRules,
    mode: Mode,
    rereadable: &Rereadable,
) -> Output {
    let ocid = group
        .first()
        .map(|entry| entry.ocid.clone())
        .unwrap_or_default();
    let mut releases: Vec<&str> = Vec::with_capacity(group.len());
    let mut nodes = Vec::with_capacity(group.len());
    let mut published_compiled = None;
    let mut published_versioned = None;
    let mut rejected = Vec::new();
    let mut warnings = Vec::new();
    for (entry, text) in group.iter().zip(texts) {
        let left_out = |message: String| achyk_ocds::MergeWarning {
            ocid: ocid.clone(),
            path: String::new(),
            message,
        };
        let json = match text {
            Ok(json) => *json,
            Err(bytes) => {
                match rereadable.line_issue(entry, bytes) {
                    Some(issue) => rejected.push(issue),
                    None => warnings.push(left_out("release left out: not UTF-8".to_owned())),
                }
                continue;
            }
        };
        match entry.kind {
            ItemKind::Release => match achyk_ocds::json::parse(json, arena) {
                Ok(node) => {
                    releases.push(json);
                    nodes.push(node);
                }
                Err(error) => match rereadable.line_issue(entry, json.as_bytes()) {
                    Some(issue) => rejected.push(issue),
                    None => warnings.push(left_out(achyk_ocds::merge::not_json(&error).message)),
                },
            },
            ItemKind::CompiledRelease => published_compiled = Some(minified(json)),
            ItemKind::VersionedRelease => published_versioned = Some(minified(json)),
            // Never gathered: projects are left out as they are read.
            ItemKind::Project => {}
        }
    }
    let only_published = group.iter().all(|entry| entry.kind != ItemKind::Release);
    let (compiled, versioned) = if only_published {
        // Records whose releases are only links: use what the publisher compiled.
        (published_compiled, published_versioned)
    } else if nodes.is_empty() {
        // Every release was left out.
        return Output {
            json: None,
            warnings,
            problem: None,
            rejected,
        };
    } else {
        let compiled = (!mode.versioned || mode.package).then(|| {
            let merged = achyk_ocds::compile_nodes(&nodes, rules);
            warnings.extend(merged.warnings);
            merged.json
        });
        let versioned = mode.versioned.then(|| {
            let merged = achyk_ocds::versioned_nodes(&nodes, rules);
            if compiled.is_none() {
                warnings.extend(merged.warnings);
            }
            merged.json
        });
        (compiled, versioned)
    };
    if mode.package {
        let mut record = String::with_capacity(1024);
        record.push_str("{\"ocid\":");
        record.push_str(&serde_json::to_string(&ocid).expect("a string serialises"));
        record.push_str(",\"releases\":[");
        for (position, release) in releases.iter().enumerate() {
            if position > 0 {
                record.push(',');
            }
            record.push_str(&minified(release));
        }
        record.push(']');
        if let Some(compiled) = compiled {
            record.push_str(",\"compiledRelease\":");
            record.push_str(&compiled);
        }
        if let Some(versioned) = versioned {
            record.push_str(",\"versionedRelease\":");
            record.push_str(&versioned);
        }
        record.push('}');
        return Output {
            json: Some(record),
            warnings,
            problem: None,
            rejected,
        };
    }
    let json = if mode.versioned { versioned } else { compiled };
    let problem = json.is_none().then(|| {
        format!("{ocid}: left out: the input has only a published compiled release, not the releases to version")
    });
    Output {
        json,
        warnings,
        problem,
        rejected,
    }
}

/// The JSON text without whitespace between tokens (input may be pretty-printed, output is one
/// line per value).
fn minified(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    achyk_ocds::json::write_minified(json, &mut out);
    out
}

/// Groups entries by ocid in ocid order, in memory while they fit and through sorted runs on
/// disk when they do not.
struct Sorter {
    buffer: Vec<Entry>,
    buffered: usize,
    budget: usize,
    runs: Vec<PathBuf>,
    dir: PathBuf,
}

/// The size of the first spilled runs, and how many runs of each size come before it doubles.
const FIRST_RUN_BYTES: usize = 4 * 1024 * 1024;
const RUNS_PER_SIZE: usize = 32;

/// Processes are handed over in batches of about this much JSON text.
const BATCH_BYTES: usize = 8 * 1024 * 1024;

impl Sorter {
    fn push(&mut self, entry: Entry) -> anyhow::Result<()> {
        self.buffered += entry.size();
        self.buffer.push(entry);
        if self.buffered > self.run_budget() {
            self.spill()?;
        }
        Ok(())
    }

    /// How much to hold before the next spill. Small runs sort and write faster, each while
    /// the reading goes on (measured on the 400k-release benchmark: 16 MiB runs about 30%
    /// faster than 256 MiB ones, 4 MiB runs about 2.5% faster than 16 MiB ones), so runs
    /// start small and double every [`RUNS_PER_SIZE`] runs, up to the budget, which keeps the
    /// number of runs (open files at the final merge) in the hundreds even for huge inputs.
    fn run_budget(&self) -> usize {
        let doublings = (self.runs.len() / RUNS_PER_SIZE).min(16) as u32;
        (FIRST_RUN_BYTES << doublings).min(self.budget)
    }

    fn sort_buffer(&mut self) {
        self.buffer
            .par_sort_unstable_by(|a, b| a.ocid.cmp(&b.ocid).then(a.position.cmp(&b.position)));
    }

    fn spill(&mut self) -> anyhow::Result<()> {
        self.sort_buffer();
        let path = self.dir.join(format!("run-{}", self.runs.len()));
        let file =
            File::create(&path).with_context(|| format!("cannot spill to {}", path.display()))?;
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        for entry in self.buffer.drain(..) {
            write_entry(&mut writer, &entry)?;
        }
        writer
            .flush()
            .with_context(|| format!("cannot spill to {}", path.display()))?;
        self.runs.push(path);
        self.buffered = 0;
        Ok(())
    }

    /// Hands every process's entries, in ocid order, to `process` in batches.
    fn finish(
        mut self,
        mut process: impl FnMut(Vec<Vec<Entry>>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut batch: Vec<Vec<Entry>> = Vec::new();
        let mut batch_bytes = 0usize;
        let mut flush_group =
            |group: Vec<Entry>,
             batch: &mut Vec<Vec<Entry>>,
             process: &mut dyn FnMut(Vec<Vec<Entry>>) -> anyhow::Result<()>| {
                batch_bytes += group.iter().map(Entry::text_length).sum::<usize>();
                batch.push(group);
                if batch_bytes >= BATCH_BYTES {
                    batch_bytes = 0;
                    process(std::mem::take(batch))
                } else {
                    Ok(())
                }
            };
        if self.runs.is_empty() {
            self.sort_buffer();
            let mut group: Vec<Entry> = Vec::new();
            for entry in self.buffer.drain(..) {
                if group.first().is_some_and(|first| first.ocid != entry.ocid) {
                    flush_group(std::mem::take(&mut group), &mut batch, &mut process)?;
                }
                group.push(entry);
            }
            if !group.is_empty() {
                flush_group(group, &mut batch, &mut process)?;
            }
        } else {
            if !self.buffer.is_empty() {
                self.spill()?;
            }
            eprintln!(
                "achyk: merging {} sorted runs spilled to {}",
                self.runs.len(),
                self.dir.display()
            );
            let mut readers = Vec::new();
            for path in &self.runs {
                let file = File::open(path)
                    .with_context(|| format!("cannot read back {}", path.display()))?;
                let capacity = (64 * 1024 * 1024 / self.runs.len()).clamp(16 * 1024, 256 * 1024);
                readers.push(BufReader::with_capacity(capacity, file));
            }
            let mut heap = BinaryHeap::new();
            let mut heads: Vec<Option<Entry>> = Vec::with_capacity(readers.len());
            for (index, reader) in readers.iter_mut().enumerate() {
                let entry = read_entry(reader)?;
                if let Some(entry) = &entry {
                    heap.push(Reverse((entry.ocid.clone(), entry.position, index)));
                }
                heads.push(entry);
            }
            let mut group: Vec<Entry> = Vec::new();
            while let Some(Reverse((_, _, index))) = heap.pop() {
                let entry = heads[index].take().expect("a run in the heap has a head");
                if let Some(next) = read_entry(&mut readers[index])? {
                    heap.push(Reverse((next.ocid.clone(), next.position, index)));
                    heads[index] = Some(next);
                }
                if group.first().is_some_and(|first| first.ocid != entry.ocid) {
                    flush_group(std::mem::take(&mut group), &mut batch, &mut process)?;
                }
                group.push(entry);
            }
            if !group.is_empty() {
                flush_group(group, &mut batch, &mut process)?;
            }
        }
        if !batch.is_empty() {
            process(batch)?;
        }
        Ok(())
    }
}

fn write_entry(writer: &mut impl Write, entry: &Entry) -> io::Result<()> {
    writer.write_all(&(entry.ocid.len() as u32).to_le_bytes())?;
    writer.write_all(entry.ocid.as_bytes())?;
    writer.write_all(&entry.position.to_le_bytes())?;
    writer.write_all(&entry.unchecked_line.unwrap_or(0).to_le_bytes())?;
    writer.write_all(&[match entry.kind {
        ItemKind::Release => 0,
        ItemKind::CompiledRelease => 1,
        ItemKind::VersionedRelease => 2,
        ItemKind::Project => 3,
    }])?;
    match &entry.text {
        Text::Held(json) => {
            writer.write_all(&[0])?;
            writer.write_all(&(json.len() as u64).to_le_bytes())?;
            writer.write_all(json.as_bytes())
        }
        Text::InFile {
            file,
            offset,
            length,
        } => {
            writer.write_all(&[1])?;
            writer.write_all(&file.to_le_bytes())?;
            writer.write_all(&offset.to_le_bytes())?;
            writer.write_all(&length.to_le_bytes())
        }
    }
}

fn read_entry(reader: &mut impl Read) -> anyhow::Result<Option<Entry>> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error).context("cannot read a spilled run"),
    }
    let mut ocid = vec![0u8; u32::from_le_bytes(length) as usize];
    reader.read_exact(&mut ocid)?;
    let mut position = [0u8; 8];
    reader.read_exact(&mut position)?;
    let mut line = [0u8; 8];
    reader.read_exact(&mut line)?;
    let mut kind = [0u8; 2];
    reader.read_exact(&mut kind)?;
    let text = if kind[1] == 0 {
        let mut json_length = [0u8; 8];
        reader.read_exact(&mut json_length)?;
        let mut json = vec![0u8; u64::from_le_bytes(json_length) as usize];
        reader.read_exact(&mut json)?;
        Text::Held(String::from_utf8(json).context("a spilled run is corrupt")?)
    } else {
        let mut file = [0u8; 4];
        reader.read_exact(&mut file)?;
        let mut offset = [0u8; 8];
        reader.read_exact(&mut offset)?;
        let mut length = [0u8; 8];
        reader.read_exact(&mut length)?;
        Text::InFile {
            file: u32::from_le_bytes(file),
            offset: u64::from_le_bytes(offset),
            length: u64::from_le_bytes(length),
        }
    };
    Ok(Some(Entry {
        ocid: String::from_utf8(ocid).context("a spilled run is corrupt")?,
        position: u64::from_le_bytes(position),
        // Lines are numbered from 1: 0 is none.
        unchecked_line: Some(u64::from_le_bytes(line)).filter(|&line| line > 0),
        kind: match kind[0] {
            0 => ItemKind::Release,
            1 => ItemKind::CompiledRelease,
            2 => ItemKind::VersionedRelease,
            _ => ItemKind::Project,
        },
        text,
    }))
}
