//! Red-flag indicators over OCDS compiled releases: OCP Cardinal's eleven (R003, R018, R024,
//! R025, R028, R030, R035, R036, R038, R048, R058), with Cardinal's INI settings and output,
//! and Achyk's own from OCP's guide (R010, R011, R013, R020, R022, R023, R031, R039, R040,
//! R044, R049, R050, R051, R053, R055, R059, R060, R061, R062, R063), in the same formats.
//! Multi-lot processes are judged lot by lot (see `by_lot`).
//!
//! Pure and deterministic: the result does not depend on the input order or the thread count.
//! Each [`Flag`] carries the [`Fact`]s that raised it, as numbers with a fact code, so that
//! callers can explain it in any language; [`Results::to_cardinal_json`] leaves them out.
//!
//! Dates are compared as instants (offsets applied), never as text. When bid amounts are
//! compared across processes (R024, R058), the currency is the configured `currency`, else the
//! most common currency of the valid bids considered, ties broken by the smaller code.

mod kept;
mod process;
mod r003;
mod r010;
mod r011;
mod r013;
mod r018;
mod r020;
mod r022;
mod r023;
mod r024;
mod r025;
mod r028;
mod r030;
mod r031;
mod r035;
mod r036;
mod r038;
mod r039;
mod r040;
mod r044;
mod r048;
mod r049;
mod r050;
mod r053;
mod r055;
mod r058;
mod r059;
mod r060;
mod r061;
mod r063;
mod raw;
pub mod risk;
pub mod settings;
pub mod stats;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::{Map, Value};

use kept::Kept;

pub use process::{Award, Bid, Contract, Enquiry, PartyDetails, Process};
pub use settings::{CODES, Settings, SettingsError};

/// The kind of identifier a flag is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Ocid,
    Buyer,
    ProcuringEntity,
    Tenderer,
    /// A lot of a multi-lot process, keyed `{ocid}/{lot id}`.
    Lot,
}

impl Group {
    /// The group's name where Achyk stores it: `ocid`, `buyer`, `procuring_entity`, `tenderer`.
    pub fn stored_name(self) -> &'static str {
        match self {
            Self::Ocid => "ocid",
            Self::Buyer => "buyer",
            Self::ProcuringEntity => "procuring_entity",
            Self::Tenderer => "tenderer",
            Self::Lot => "lot",
        }
    }

    /// The group's key in Cardinal's output.
    pub fn cardinal_name(self) -> &'static str {
        match self {
            Self::Ocid => "OCID",
            Self::Buyer => "Buyer",
            Self::ProcuringEntity => "ProcuringEntity",
            Self::Tenderer => "Tenderer",
            Self::Lot => "Lot",
        }
    }
}

/// One fact behind a flag: a stable code (`submission_period_days`) and its named numbers
/// (`days = 6`, `threshold = 15`) and texts (an ocid, a date), ready to render in any language.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub code: &'static str,
    pub numbers: Vec<(&'static str, f64)>,
    pub texts: Vec<(&'static str, String)>,
}

impl Fact {
    /// `{"code": …, "numbers": {name: number}, "texts": {name: text}}`, as Achyk stores it.
    pub fn to_json(&self) -> Value {
        let numbers: Map<String, Value> = self
            .numbers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), number(*value)))
            .collect();
        let texts: Map<String, Value> = self
            .texts
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Value::String(value.clone())))
            .collect();
        serde_json::json!({"code": self.code, "numbers": numbers, "texts": texts})
    }

    pub fn new(code: &'static str) -> Self {
        Self {
            code,
            numbers: Vec::new(),
            texts: Vec::new(),
        }
    }
    pub fn number(mut self, name: &'static str, value: f64) -> Self {
        self.numbers.push((name, value));
        self
    }
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.texts.push((name, value.into()));
        self
    }
}

/// A raised flag: indicator `code` for the identifier `id` of `group`, with Cardinal's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    pub code: &'static str,
    pub group: Group,
    pub id: String,
    pub value: f64,
    pub facts: Vec<Fact>,
}

impl Flag {
    pub fn new(code: &'static str, group: Group, id: impl Into<String>, value: f64) -> Self {
        Self {
            code,
            group,
            id: id.into(),
            value,
            facts: Vec::new(),
        }
    }
    pub fn with(mut self, fact: Fact) -> Self {
        self.facts.push(fact);
        self
    }
}

/// Everything one run computed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    /// Sorted by group, id, code, then facts' order of discovery; one flag per (group, id, code).
    pub flags: Vec<Flag>,
    /// Per indicator code: quartiles and fences (`q1`, `q3`, `lower_fence`, `upper_fence`, ...).
    pub meta: BTreeMap<&'static str, BTreeMap<String, f64>>,
    /// Cardinal's `Maps`: per map name, ocid → identifiers.
    pub maps: BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>,
}

/// A map by identifier for the tallies added up as lines arrive: hashed, since they are merged
/// block by block and organisation identifiers share long prefixes (`KG-INN-…`) that make
/// ordered maps compare slowly. Nothing reads them in their order: what is computed from them
/// is sorted or keyed again.
pub(crate) type IdMap<V> = std::collections::HashMap<String, V, foldhash::fast::FixedState>;

/// The per-run context the indicators read.
pub(crate) struct Context<'a> {
    pub settings: &'a Settings,
}

impl Context<'_> {
    /// Whether bid prices are comparable in this process (Cardinal's global
    /// `price_comparison_procurement_methods` / `no_price_comparison_procurement_methods`).
    pub fn prices_comparable(&self, process: &Process) -> bool {
        let details = process.procurement_method_details.as_deref();
        if let Some(allowed) = &self.settings.price_comparison_procurement_methods
            && !allowed.is_empty()
        {
            return details.is_some_and(|details| allowed.contains(details));
        }
        if let Some(denied) = &self.settings.no_price_comparison_procurement_methods {
            return !details.is_some_and(|details| denied.contains(details));
        }
        true
    }
}

/// Collects flags, keeping one per (group, id, code) and merging the facts of repeats (the
/// last value, the facts in the order pushed): see [`Collector::into_flags`].
#[derive(Default)]
pub(crate) struct Collector {
    flags: Vec<Flag>,
    pub meta: BTreeMap<&'static str, BTreeMap<String, f64>>,
    pub maps: BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>,
}

impl Collector {
    pub fn push(&mut self, flag: Flag) {
        self.flags.push(flag);
    }

    /// The flags sorted by (group, id, code), repeats merged: a stable sort keeps them in the
    /// order pushed, so the last value wins and the facts follow one another.
    fn into_flags(self) -> Vec<Flag> {
        let mut flags = self.flags;
        flags.sort_by(|a, b| (a.group, &a.id, a.code).cmp(&(b.group, &b.id, b.code)));
        // In place, so that the flags are never held twice.
        flags.dedup_by(|later, kept| {
            let repeat =
                kept.group == later.group && kept.code == later.code && kept.id == later.id;
            if repeat {
                kept.value = later.value;
                kept.facts.append(&mut later.facts);
            }
            repeat
        });
        flags
    }
    pub fn map(&mut self, name: &'static str, ocid: &str, id: &str) {
        self.maps
            .entry(name)
            .or_default()
            .entry(ocid.to_owned())
            .or_default()
            .insert(id.to_owned());
    }
    pub fn meta(&mut self, code: &'static str, key: impl Into<String>, value: f64) {
        self.meta.entry(code).or_default().insert(key.into(), value);
    }
}

/// Entry point: runs the indicators the settings enable.
pub struct Indicators;

impl Indicators {
    /// Computes over parsed compiled releases.
    pub fn compute(releases: &[Value], settings: &Settings) -> Results {
        let plan = Plan::of(settings);
        let (mut entries, tallies) = releases
            .par_iter()
            .fold(Read::default, |mut read, release| {
                if let Some(process) = Process::from_release(release) {
                    let digest = digest(release.to_string().as_bytes());
                    read.add(&plan, process, digest);
                }
                read
            })
            .reduce(Read::default, Read::merge)
            .done();
        Self::finish(&mut entries, tallies, settings)
    }

    /// Computes over processes already extracted (one per ocid, as a database holds them), so
    /// that a caller paging through a large database keeps only these, not the JSON.
    pub fn compute_processes(processes: Vec<Process>, settings: &Settings) -> Results {
        let mut computation = Self::start(settings);
        computation.add_processes(processes);
        computation.finish()
    }

    /// A computation fed processes a batch at a time (one per ocid, as a database holds them):
    /// each batch is judged and reduced to what the indicators that compare processes need
    /// before the next is read, so that the processes never have to be held all at once. The
    /// result is [`Indicators::compute_processes`]'s over all the batches, whatever their order
    /// and sizes.
    pub fn start(settings: &Settings) -> Computation<'_> {
        Computation {
            plan: Plan::of(settings),
            read: Read::default(),
        }
    }

    /// Computes over JSON Lines text; returns the results and the (1-based) numbers of the lines
    /// that are not JSON objects with an `ocid` (bad data is reported, not fatal).
    pub fn compute_lines(text: &str, settings: &Settings) -> (Results, Vec<usize>) {
        Self::compute_reader(text.as_bytes(), settings).expect("reading memory cannot fail")
    }

    /// Computes over JSON Lines read from `reader`, a chunk of lines at a time (parsed in
    /// parallel), keeping only the extracted facts: the input never has to fit in memory.
    /// Returns the results and the (1-based) numbers of the lines that are not JSON objects with
    /// an `ocid` (not UTF-8, not JSON, no `ocid`); fails only when reading fails.
    pub fn compute_reader(
        reader: impl std::io::BufRead,
        settings: &Settings,
    ) -> std::io::Result<(Results, Vec<usize>)> {
        Self::read(reader, settings, true, true, true)
    }

    /// As [`Indicators::compute_reader`], for Cardinal's output only: flags keep no facts;
    /// without `maps` nothing is kept for Cardinal's `Maps`, and without `lots` no flag of the
    /// `Lot` group (a lot's flags still count for its process where they do), which saves
    /// memory on a large input.
    pub fn compute_reader_for_cardinal(
        reader: impl std::io::BufRead,
        settings: &Settings,
        maps: bool,
        lots: bool,
    ) -> std::io::Result<(Results, Vec<usize>)> {
        Self::read(reader, settings, false, maps, lots)
    }

    fn read(
        mut reader: impl std::io::BufRead,
        settings: &Settings,
        facts: bool,
        maps: bool,
        lots: bool,
    ) -> std::io::Result<(Results, Vec<usize>)> {
        /// Bytes read at a time (4 MB). Each block's lines are parsed in parallel while this
        /// thread reads the next block, so two blocks are in memory at most.
        const CHUNK: usize = 4 << 20;
        let plan = Plan {
            facts,
            maps,
            lots,
            ..Plan::of(settings)
        };
        let plan = &plan;
        let mut all = Read::default();
        // Lines before the block being parsed.
        let mut number = 0usize;
        // The block being filled: it starts with the previous block's unfinished last line.
        let mut next: Vec<u8> = Vec::with_capacity(CHUNK + (1 << 20));
        let mut spare: Option<Vec<u8>> = None;
        let mut finished = fill(&mut reader, &mut next, CHUNK)?;
        std::thread::scope(|scope| -> std::io::Result<()> {
            loop {
                // The block is `next` up to its last newline; the rest starts the next one.
                let mut block = std::mem::replace(
                    &mut next,
                    spare
                        .take()
                        .unwrap_or_else(|| Vec::with_capacity(CHUNK + (1 << 20))),
                );
                next.clear();
                if !finished {
                    match memchr::memrchr(b'\n', &block) {
                        Some(last) => {
                            next.extend_from_slice(&block[last + 1..]);
                            block.truncate(last + 1);
                        }
                        // One line longer than a block: read on until its end.
                        None => {
                            reader.read_until(b'\n', &mut block)?;
                            finished = block.last() != Some(&b'\n');
                        }
                    }
                }
                let start = number;
                let parsing = scope.spawn(move || {
                    let (read, lines) = parse_block(&block, start, plan);
                    (read, lines, block)
                });
                let filled = if finished {
                    Ok(true)
                } else {
                    fill(&mut reader, &mut next, CHUNK)
                };
                let (read, lines, block) = parsing
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                number += lines;
                all = std::mem::take(&mut all).merge(read);
                spare = Some(block);
                let at_end = finished;
                finished = filled?;
                if at_end || (finished && next.is_empty()) {
                    return Ok(());
                }
            }
        })?;
        // The input's buffers are no longer needed: free them before the results are gathered.
        drop(next);
        drop(spare);
        let mut rejected = std::mem::take(&mut all.rejected);
        rejected.sort_unstable();
        let (mut processes, tallies) = all.done();
        Ok((Self::finish(&mut processes, tallies, settings), rejected))
    }

    fn finish(entries: &mut Vec<Entry>, mut tallies: Tallies, settings: &Settings) -> Results {
        // The order is fixed here (by ocid, then by a digest of the release's text for repeated
        // ocids), so nothing after depends on the input order or on how lines were chunked.
        entries
            .par_sort_unstable_by(|a, b| a.ocid.cmp(&b.ocid).then_with(|| a.digest.cmp(&b.digest)));
        let mut per_process: Vec<Vec<Flag>> = Vec::with_capacity(entries.len());
        // The records stay where they were made (boxed), so that they are never held twice.
        let mut processes = Vec::new();
        for entry in entries.drain(..) {
            per_process.push(entry.flags);
            if let Some(mut kept) = entry.kept {
                kept.ocid = entry.ocid;
                processes.push(kept);
            }
        }
        // R039 and R063 age to the latest date in the data, so they wait for all of it.
        let as_of = settings.r063.as_ref().and(tallies.latest_r063);
        let r039_as_of = settings.r039.as_ref().and(tallies.latest_r039);
        if as_of.is_some() || r039_as_of.is_some() {
            let aged: Vec<Vec<Flag>> = processes
                .par_iter()
                .map(|process| {
                    let mut flags = Vec::new();
                    if let (Some(options), Some(as_of)) = (&settings.r063, as_of) {
                        flags.extend(r063::check(process, options, as_of));
                    }
                    if let (Some(_), Some(as_of)) = (&settings.r039, r039_as_of) {
                        flags.extend(r039::check(process, as_of));
                    }
                    flags
                })
                .collect();
            per_process.extend(aged);
        }
        let context = Context { settings };
        let mut collector = Collector::default();
        collector
            .flags
            .reserve_exact(per_process.iter().map(Vec::len).sum());
        for flag in per_process.into_iter().flatten() {
            let tenderer = flag.group == Group::Tenderer;
            let map = match flag.code {
                "R028" => Some("ocid_tenderer_r028"),
                "R030" => Some("ocid_tenderer_r030"),
                "R035" => Some("ocid_tenderer_r035"),
                _ => None,
            };
            if tenderer && let Some(map) = map {
                let ocid = flag
                    .facts
                    .iter()
                    .flat_map(|fact| &fact.texts)
                    .find(|(name, _)| *name == "ocid")
                    .map(|(_, ocid)| ocid.clone());
                if let Some(ocid) = ocid {
                    collector.map(map, &ocid, &flag.id);
                }
            }
            collector.push(flag);
        }
        if (settings.r024.is_some() || settings.r058.is_some())
            && let Some((currency, differences)) =
                r024::differences(&mut tallies.candidates, &context)
        {
            // A multi-lot process's lots are judged against the fences of whole processes.
            let lots = r024::lot_differences(&mut tallies.lot_candidates, &currency);
            if let Some(options) = &settings.r024
                && let Some(fence) = r024::flag(options, &currency, &differences, &mut collector)
            {
                r024::flag_lots("R024", fence, &currency, &lots, &mut collector);
            }
            if let Some(options) = &settings.r058
                && let Some(fence) = r058::flag(options, &currency, &differences, &mut collector)
            {
                r024::flag_lots("R058", fence, &currency, &lots, &mut collector);
            }
        }
        if let Some(options) = &settings.r025 {
            r025::run(&tallies.r025, options, &mut collector);
        }
        if let Some(options) = &settings.r038 {
            r038::run(&tallies.r038, options, &mut collector);
        }
        if let Some(options) = &settings.r048 {
            r048::run(&tallies.r048, options, &mut collector);
        }
        if let Some(options) = &settings.r013 {
            r013::run(&processes, options, &mut collector);
        }
        if let Some(options) = &settings.r011 {
            r011::run(&processes, options, &mut collector);
        }
        if let Some(options) = &settings.r055 {
            r055::run(&processes, options, &mut collector);
        }
        if settings.r040.is_some() || settings.r051.is_some() {
            r040::run(
                &processes,
                settings.r040.as_ref(),
                settings.r051.as_ref(),
                &mut collector,
            );
        }
        if let Some(options) = &settings.r023 {
            r023::run(&processes, options, &mut collector);
        }
        if let Some(options) = &settings.r050 {
            r050::run(&processes, options, &mut collector);
        }
        if let Some(options) = &settings.r053 {
            r053::run(&processes, options, &mut collector);
        }
        Results {
            meta: std::mem::take(&mut collector.meta),
            maps: std::mem::take(&mut collector.maps),
            flags: collector.into_flags(),
        }
    }
}

/// Processes judged so far, batch by batch: see [`Indicators::start`].
pub struct Computation<'a> {
    plan: Plan<'a>,
    read: Read,
}

impl Computation<'_> {
    /// Judges a batch of processes (in parallel) and keeps only what the run still needs.
    pub fn add_processes(&mut self, processes: Vec<Process>) {
        let plan = &self.plan;
        let read = processes
            .into_par_iter()
            .fold(Read::default, |mut read, process| {
                read.add(plan, process, 0);
                read
            })
            .reduce(Read::default, Read::merge);
        self.read = std::mem::take(&mut self.read).merge(read);
    }

    /// The results over every process added.
    pub fn finish(self) -> Results {
        let settings = self.plan.settings;
        let (mut entries, tallies) = self.read.done();
        Indicators::finish(&mut entries, tallies, settings)
    }
}

/// Appends to `buffer` from `reader` until it holds `size` bytes; whether the input ended.
fn fill(
    reader: &mut impl std::io::BufRead,
    buffer: &mut Vec<u8>,
    size: usize,
) -> std::io::Result<bool> {
    while buffer.len() < size {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(true);
        }
        let take = available.len().min(size - buffer.len());
        buffer.extend_from_slice(&available[..take]);
        reader.consume(take);
    }
    Ok(false)
}

/// Parses a block of whole lines (the first is line `start + 1`) in parallel and runs the
/// indicators of each process on it; what that gave, and how many lines the block held.
fn parse_block(block: &[u8], start: usize, plan: &Plan) -> (Read, usize) {
    // One pass over the bytes: each line with its number (blank lines skipped).
    let mut number = start;
    let mut lines: Vec<(usize, &[u8])> = Vec::with_capacity(block.len() / 2048 + 1);
    let mut from = 0;
    for newline in memchr::memchr_iter(b'\n', block) {
        number += 1;
        let line = &block[from..newline];
        if !line.trim_ascii().is_empty() {
            lines.push((number, line));
        }
        from = newline + 1;
    }
    if from < block.len() {
        // The last line, without a newline.
        number += 1;
        let line = &block[from..];
        if !line.trim_ascii().is_empty() {
            lines.push((number, line));
        }
    }
    let read = lines
        .par_iter()
        // Fewer, larger folds: each fold's tallies are merged into the others after.
        .with_min_len(256)
        .fold(Read::default, |mut read, &(number, line)| {
            match Process::from_json_bytes_reading(line, plan.read.details) {
                Some(process) => read.add(plan, process, digest(line.trim_ascii())),
                None => read.rejected.push(number),
            }
            read
        })
        .reduce(Read::default, Read::merge);
    (read, number - start)
}

/// What reading part of the input gave: the entries, the numbers of the lines not used, and
/// the tallies.
#[derive(Default)]
struct Read {
    entries: Vec<Entry>,
    rejected: Vec<usize>,
    tallies: Tallies,
}

impl Read {
    fn add(&mut self, plan: &Plan, process: Process, digest: u64) {
        self.entries
            .extend(plan.entry(process, digest, &mut self.tallies));
    }

    fn merge(mut self, other: Read) -> Read {
        self.entries.extend(other.entries);
        self.rejected.extend(other.rejected);
        self.tallies.merge(other.tallies);
        self
    }

    fn done(self) -> (Vec<Entry>, Tallies) {
        (self.entries, self.tallies)
    }
}

/// What the indicators that add up over processes (R024/R058, R025, R038, R048) count as the
/// processes are read, so that no process has to be kept for them. Sums, sets and maps keyed
/// by identifier: the same whatever the order processes arrive in.
#[derive(Default)]
struct Tallies {
    candidates: r024::Candidates,
    lot_candidates: r024::LotCandidates,
    r025: r025::Counts,
    r038: r038::Tallies,
    r048: r048::Suppliers,
    /// The latest instants of the processes read, as R039 and R063 count them.
    latest_r039: Option<i128>,
    latest_r063: Option<i128>,
}

impl Tallies {
    fn add(
        &mut self,
        process: &Process,
        lots: &[(String, Process)],
        digest: u64,
        settings: &Settings,
        maps: bool,
    ) {
        if settings.r024.is_some() || settings.r058.is_some() {
            let context = Context { settings };
            if let Some(candidate) = r024::candidate(process, &context) {
                self.candidates
                    .push((process.ocid.clone(), digest, candidate));
            }
            for (lot, part) in lots {
                if let Some(candidate) = r024::candidate(part, &context) {
                    self.lot_candidates.push((
                        process.ocid.clone(),
                        lot.clone(),
                        digest,
                        candidate,
                    ));
                }
            }
        }
        if settings.r025.is_some() {
            r025::add(process, &mut self.r025);
        }
        if settings.r038.is_some() {
            self.r038.add(process, maps);
        }
        if let Some(options) = &settings.r048 {
            r048::add(process, options, &mut self.r048);
        }
        if settings.r039.is_some() {
            self.latest_r039 = self.latest_r039.max(r039::latest(process));
        }
        if settings.r063.is_some() {
            self.latest_r063 = self.latest_r063.max(r063::latest(process));
        }
    }

    fn merge(&mut self, other: Tallies) {
        self.candidates.extend(other.candidates);
        self.lot_candidates.extend(other.lot_candidates);
        r025::merge(&mut self.r025, other.r025);
        self.r038.merge(other.r038);
        r048::merge(&mut self.r048, other.r048);
        self.latest_r039 = self.latest_r039.max(other.latest_r039);
        self.latest_r063 = self.latest_r063.max(other.latest_r063);
    }
}

/// One process as read: its sort key, the flags it raised alone, and what the indicators that
/// compare processes still need of it (nothing when none of them runs).
struct Entry {
    ocid: String,
    digest: u64,
    flags: Vec<Flag>,
    kept: Option<Box<Kept>>,
}

/// What a run needs of each process: which parts to extract, and which to keep once the
/// indicators of one process have run (the rest is dropped at once, so that a large input
/// never has to fit in memory as processes).
struct Plan<'a> {
    settings: &'a Settings,
    /// Whether flags keep their facts (Cardinal's output has none; its maps need the ocid of
    /// R028, R030 and R035's tenderer flags).
    facts: bool,
    /// Whether what Cardinal's `Maps` need is kept.
    maps: bool,
    /// Whether the flags of the `Lot` group are kept.
    lots: bool,
    /// Read for the indicators of one process.
    read: process::Needs,
    /// Whether an indicator that compares processes runs (each keeps a few records of every
    /// process: see [`Kept`]).
    cross: bool,
}

impl<'a> Plan<'a> {
    fn of(settings: &'a Settings) -> Self {
        let s = settings;
        let by_date = s.r011.is_some() || s.r055.is_some();
        let read = process::Needs {
            texts: true,
            details: s.r044.is_some(),
            enquiries: s.r039.is_some(),
            contracts: s.r059.is_some()
                || s.r060.is_some()
                || s.r063.is_some()
                || s.r039.is_some()
                || s.r023.is_some()
                || by_date,
            classifications: s.r011.is_some() || s.r050.is_some(),
            award_items: s.r048.is_some() || s.r050.is_some(),
            lots: true,
            bid_dates: true,
        };
        // Those that add up as they read (R024/R058, R025, R038, R048) keep nothing.
        let cross = s.r013.is_some()
            || s.r040.is_some()
            || s.r051.is_some()
            || s.r023.is_some()
            || s.r050.is_some()
            || s.r053.is_some()
            || s.r039.is_some()
            || s.r063.is_some()
            || by_date;
        Plan {
            settings,
            facts: true,
            maps: true,
            lots: true,
            read,
            cross,
        }
    }

    /// Runs the indicators of one process on it, adds it to the tallies and keeps what the
    /// others need; nothing when it raised nothing and nothing is kept.
    fn entry(&self, mut process: Process, digest: u64, tallies: &mut Tallies) -> Option<Entry> {
        let settings = self.settings;
        let excluded = process.tender_status.as_deref() == Some("cancelled")
            || process
                .procurement_method_details
                .as_ref()
                .is_some_and(|details| {
                    settings
                        .excluded_procurement_method_details
                        .contains(details)
                });
        if excluded {
            return None;
        }
        process.strip(&self.read);
        // A multi-lot process's lots, built once for the lot-aware indicators.
        let lots = if lot_aware(settings) || settings.r023.is_some() {
            process.lot_processes()
        } else {
            Vec::new()
        };
        let mut flags = per_process(&process, &lots, settings);
        if !self.facts {
            for flag in &mut flags {
                // Cardinal's maps name the process of R028, R030 and R035's tenderer flags.
                let mapped = self.maps
                    && flag.group == Group::Tenderer
                    && matches!(flag.code, "R028" | "R030" | "R035");
                if !mapped {
                    flag.facts = Vec::new();
                }
            }
        }
        if !self.lots {
            flags.retain(|flag| flag.group != Group::Lot);
        }
        // Kept until the end: no spare capacity (a vector of one flag would hold room for four).
        flags.shrink_to_fit();
        let judged_lots: &[(String, Process)] = if self.lots { &lots } else { &[] };
        tallies.add(&process, judged_lots, digest, settings, self.maps);
        if self.cross {
            let kept = Kept::of(&process, &lots, settings);
            return Some(Entry {
                ocid: process.ocid,
                digest,
                flags,
                kept: Some(Box::new(kept)),
            });
        }
        (!flags.is_empty()).then_some(Entry {
            ocid: process.ocid,
            digest,
            flags,
            kept: None,
        })
    }
}

/// The indicators that judge a process alone (all but R039 and R063, which age to the data).
fn per_process(process: &Process, lots: &[(String, Process)], settings: &Settings) -> Vec<Flag> {
    let context = Context { settings };
    let mut flags = Vec::new();
    if let Some(options) = &settings.r003 {
        flags.extend(r003::check(process, options));
    }
    if let Some(options) = &settings.r018 {
        flags.extend(r018::check(process, options));
    }
    if settings.r030.is_some() {
        flags.extend(r030::check(process));
    }
    if let Some(options) = &settings.r035 {
        flags.extend(r035::check(process, options));
    }
    if settings.r036.is_some() {
        flags.extend(r036::check(process, &context));
    }
    if let Some(options) = &settings.r031 {
        flags.extend(r031::check(process, options));
    }
    if let Some(options) = &settings.r059 {
        flags.extend(r059::check(process, options));
    }
    if let Some(options) = &settings.r060 {
        flags.extend(r060::check(process, options));
    }
    if let Some(options) = &settings.r010 {
        flags.extend(r010::check(process, options));
    }
    if let Some(options) = &settings.r049 {
        flags.extend(r049::check(process, options, settings));
    }
    if settings.r020.is_some() {
        flags.extend(r020::check(process));
    }
    if let Some(options) = &settings.r061 {
        flags.extend(r061::short(process, options));
    }
    if let Some(options) = &settings.r062 {
        flags.extend(r061::long(process, options));
    }
    if settings.r044.is_some() {
        flags.extend(r044::check(process));
    }
    flags.extend(by_lot(process, lots, settings, &context));
    flags
}

/// The lot-aware indicators. A process of one lot is judged whole. A multi-lot process is
/// judged lot by lot (its bids are priced per lot, so prices of different lots are not
/// comparable): R018, R022, R028, R031, R035 and R036 raise flags on the lot (group `Lot`,
/// `{ocid}/{lot id}`, each fact naming the `lot`), and R022 and R028 raise the process's flag
/// (and R028 its tenderers') from its lots' results instead of from all its bids together.
/// `lots` are the process's lots (empty for one lot, or when no lot-aware indicator runs).
fn by_lot(
    process: &Process,
    lots: &[(String, Process)],
    settings: &Settings,
    context: &Context,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if lots.is_empty() {
        if settings.r028.is_some() {
            flags.extend(r028::check(process, context));
        }
        if let Some(options) = &settings.r022 {
            flags.extend(r022::check(process, options));
        }
        return flags;
    }
    for (lot, part) in lots {
        let mut found = Vec::new();
        if let Some(options) = &settings.r018 {
            found.extend(r018::check(part, options));
        }
        if settings.r028.is_some() {
            found.extend(r028::check(part, context));
        }
        if let Some(options) = &settings.r022 {
            found.extend(r022::check(part, options));
        }
        if let Some(options) = &settings.r031 {
            found.extend(r031::check(part, options));
        }
        if let Some(options) = &settings.r035 {
            found.extend(r035::check(part, options));
        }
        if settings.r036.is_some() {
            found.extend(r036::check(part, context));
        }
        for mut flag in found {
            for fact in &mut flag.facts {
                fact.texts.push(("lot", lot.clone()));
            }
            match flag.group {
                Group::Ocid => {
                    if matches!(flag.code, "R022" | "R028") {
                        flags.push(flag.clone());
                    }
                    flags.push(Flag {
                        group: Group::Lot,
                        id: format!("{}/{lot}", process.ocid),
                        ..flag
                    });
                }
                Group::Tenderer if flag.code == "R028" => flags.push(flag),
                _ => {}
            }
        }
    }
    flags
}

/// Whether an indicator that judges a multi-lot process lot by lot runs (R024 and R058 judge
/// lots when the others have been read, in `finish`).
fn lot_aware(settings: &Settings) -> bool {
    let s = settings;
    s.r018.is_some()
        || s.r022.is_some()
        || s.r024.is_some()
        || s.r028.is_some()
        || s.r031.is_some()
        || s.r035.is_some()
        || s.r036.is_some()
        || s.r058.is_some()
}

/// A digest of a release's text, to order releases of the same ocid the same way whatever the
/// input order (foldhash with a fixed seed: the same in every run of the same binary).
fn digest(text: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0).hash_one(text)
}

fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl Results {
    /// The results with every `Lot` flag raised on its process instead (group `Ocid`, the facts
    /// added to the process's own flag of the same code, each fact once), for pages and scores
    /// that show a process whole: "one of its lots had a single bid" is a flag of the process.
    pub fn with_lots_on_processes(self) -> Results {
        let mut flags: BTreeMap<(Group, String, &'static str), Flag> = BTreeMap::new();
        for mut flag in self.flags {
            if flag.group == Group::Lot {
                let lot = flag
                    .facts
                    .iter()
                    .flat_map(|fact| &fact.texts)
                    .find(|(name, _)| *name == "lot")
                    .map(|(_, lot)| format!("/{lot}"));
                if let Some(ocid) = lot.and_then(|lot| flag.id.strip_suffix(&lot)) {
                    flag.id = ocid.to_owned();
                    flag.group = Group::Ocid;
                }
            }
            match flags.get_mut(&(flag.group, flag.id.clone(), flag.code)) {
                Some(existing) => {
                    for fact in flag.facts {
                        if !existing.facts.contains(&fact) {
                            existing.facts.push(fact);
                        }
                    }
                }
                None => {
                    flags.insert((flag.group, flag.id.clone(), flag.code), flag);
                }
            }
        }
        Results {
            flags: flags.into_values().collect(),
            ..self
        }
    }

    /// Cardinal's output: groups of `{id: {"Rnnn": number}}` (empty groups left out), plus
    /// `Meta` when `meta`, plus `Maps` when `map`, plus Achyk's `Lot` group when `lots`. Keys
    /// are sorted.
    /// Writes what [`Results::to_cardinal_json`] gives, byte for byte as `serde_json` would
    /// write it, without building it in memory first.
    pub fn write_cardinal_json(
        &self,
        out: &mut dyn std::io::Write,
        meta: bool,
        map: bool,
        lots: bool,
    ) -> std::io::Result<()> {
        let mut flags: Vec<&Flag> = self
            .flags
            .iter()
            .filter(|flag| lots || flag.group != Group::Lot)
            .collect();
        flags.sort_by(|a, b| (a.group, &a.id, a.code).cmp(&(b.group, &b.id, b.code)));
        let mut first = true;
        let mut open: Option<(Group, &str)> = None;
        out.write_all(b"{")?;
        for flag in flags {
            match open {
                Some((group, id)) if group == flag.group && id == flag.id => {
                    out.write_all(b",")?;
                }
                Some((group, _)) if group == flag.group => {
                    out.write_all(b"},")?;
                    serde_json::to_writer(&mut *out, &flag.id)?;
                    out.write_all(b":{")?;
                }
                previous => {
                    if previous.is_some() {
                        out.write_all(b"}}")?;
                    }
                    if !first {
                        out.write_all(b",")?;
                    }
                    first = false;
                    serde_json::to_writer(&mut *out, flag.group.cardinal_name())?;
                    out.write_all(b":{")?;
                    serde_json::to_writer(&mut *out, &flag.id)?;
                    out.write_all(b":{")?;
                }
            }
            serde_json::to_writer(&mut *out, flag.code)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut *out, &number(flag.value))?;
            open = Some((flag.group, &flag.id));
        }
        if open.is_some() {
            out.write_all(b"}}")?;
        }
        // Meta and Maps are small: built, then written.
        let rest = Results {
            flags: Vec::new(),
            meta: self.meta.clone(),
            maps: self.maps.clone(),
        }
        .to_cardinal_json(meta, map, false);
        for (key, value) in rest.as_object().into_iter().flatten() {
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *out, key)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut *out, value)?;
        }
        out.write_all(b"}")
    }

    pub fn to_cardinal_json(&self, meta: bool, map: bool, lots: bool) -> Value {
        let mut groups: BTreeMap<Group, BTreeMap<&str, BTreeMap<&str, f64>>> = BTreeMap::new();
        for flag in &self.flags {
            if flag.group == Group::Lot && !lots {
                continue;
            }
            groups
                .entry(flag.group)
                .or_default()
                .entry(&flag.id)
                .or_default()
                .insert(flag.code, flag.value);
        }
        let mut output = Map::new();
        for (group, ids) in groups {
            let ids: Map<String, Value> = ids
                .into_iter()
                .map(|(id, codes)| {
                    let codes: Map<String, Value> = codes
                        .into_iter()
                        .map(|(code, value)| (code.to_owned(), number(value)))
                        .collect();
                    (id.to_owned(), Value::Object(codes))
                })
                .collect();
            output.insert(group.cardinal_name().to_owned(), Value::Object(ids));
        }
        if meta {
            let meta: Map<String, Value> = self
                .meta
                .iter()
                .map(|(code, entries)| {
                    let entries: Map<String, Value> = entries
                        .iter()
                        .map(|(key, value)| (key.clone(), number(*value)))
                        .collect();
                    ((*code).to_owned(), Value::Object(entries))
                })
                .collect();
            output.insert("Meta".to_owned(), Value::Object(meta));
        }
        if map {
            let maps: Map<String, Value> = self
                .maps
                .iter()
                .map(|(name, entries)| {
                    let entries: Map<String, Value> = entries
                        .iter()
                        .map(|(ocid, ids)| {
                            // Cardinal's one-organisation maps hold a string, the others a list.
                            let value = if name.starts_with("ocid_buyer")
                                || name.starts_with("ocid_procuringentity")
                            {
                                Value::String(ids.iter().next().cloned().unwrap_or_default())
                            } else {
                                Value::Array(ids.iter().cloned().map(Value::String).collect())
                            };
                            (ocid.clone(), value)
                        })
                        .collect();
                    ((*name).to_owned(), Value::Object(entries))
                })
                .collect();
            output.insert("Maps".to_owned(), Value::Object(maps));
        }
        Value::Object(output)
    }
}
