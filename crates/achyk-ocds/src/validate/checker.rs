//! Validation of whole publications, event by event.
//!
//! A package's items come before its [`Event::Package`], because `extensions` may follow
//! `releases` in the file, yet the items must be checked against the schema patched by those
//! extensions. So the [`Checker`] holds the items (and input issues, to keep the output in
//! input order) of the current package until its `Package` event, or until the source ends
//! (then they were bare releases or records, checked without extensions).
//!
//! Holding is bounded by [`CheckOptions::hold_bytes`] of JSON text. Past it, the held items and
//! every later item of the same package are checked at once against the schema without
//! extensions. That never reports a problem that is not one, because the embedded extensions
//! only add to the core schema (a unit test checks this): what is wrong without them is wrong
//! with them. What it misses is the extension fields of those items, and when the package then
//! declares known extensions, one warning says how many items were checked that way.
//!
//! Items are attributed to the next `Package` event of their source: in a source mixing bare
//! releases with packages (rare), bare releases just before a package are checked with that
//! package's extensions.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::{Keyword, Validator, validate_package_meta};
use crate::read::{Event, InputIssue, Item, ItemKind, PackageMeta};
use crate::schema::{self, KnownExtension};

/// Limits of a [`Checker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// How many bytes of JSON text of a package's items are held while its extensions are not
    /// yet known.
    pub hold_bytes: usize,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            hold_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Item(ItemKind),
    Package,
    /// Input the reader could not use.
    Input,
}

/// What kind of finding it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// The item or package breaks the schema.
    Schema(Keyword),
    /// The reader could not use part of the input (broken JSON, invalid UTF-8, truncated gzip,
    /// a value that is not a release, …).
    Input,
    /// An item's text is not JSON the validator can read (for example, nested too deeply).
    Json,
    /// Warning: a package declares an extension that Achyk does not embed; its fields are not
    /// checked.
    UnknownExtension,
    /// Warning: some items of a package were checked before its extensions were known (see the
    /// module documentation), so their extension fields were not checked.
    UncheckedExtensions,
}

impl FindingKind {
    /// A stable name: the schema keyword, or `input`, `json`, `unknownExtension`,
    /// `uncheckedExtensions`.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Schema(keyword) => keyword.as_str(),
            FindingKind::Input => "input",
            FindingKind::Json => "json",
            FindingKind::UnknownExtension => "unknownExtension",
            FindingKind::UncheckedExtensions => "uncheckedExtensions",
        }
    }

    /// Warnings say what was not checked; they are not problems with the data.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            FindingKind::UnknownExtension | FindingKind::UncheckedExtensions
        )
    }
}

/// One problem or warning, with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub source: Arc<str>,
    /// 1-based line where the item, package or unreadable input starts, when known.
    pub line: Option<u64>,
    /// 0-based position of the item in its source, for an item.
    pub item: Option<u64>,
    /// 0-based position of the package in its source, for a package.
    pub package: Option<u64>,
    pub ocid: Option<String>,
    pub subject: Subject,
    /// JSON pointer within the item or package (or, for input, where the reader says).
    pub path: Option<String>,
    pub kind: FindingKind,
    pub message: String,
}

impl fmt::Display for Finding {
    /// `source:line [ocid] /path: kind: message`; the line is replaced by `(item N)` or
    /// `(package N)` when unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        match (self.line, self.item, self.package) {
            (Some(line), _, _) => write!(f, ":{line}")?,
            (None, Some(item), _) => write!(f, " (item {})", item + 1)?,
            (None, None, Some(package)) => write!(f, " (package {})", package + 1)?,
            (None, None, None) => {}
        }
        if let Some(ocid) = &self.ocid {
            write!(f, " [{ocid}]")?;
        }
        match self.subject {
            Subject::Item(ItemKind::Release) | Subject::Input => {}
            Subject::Item(ItemKind::CompiledRelease) => write!(f, " (compiled release)")?,
            Subject::Item(ItemKind::VersionedRelease) => write!(f, " (versioned release)")?,
            Subject::Item(ItemKind::Project) => write!(f, " (project)")?,
            Subject::Package if self.line.is_some() => write!(f, " (package)")?,
            Subject::Package => {}
        }
        if let Some(path) = self.path.as_deref().filter(|path| !path.is_empty()) {
            write!(f, " {path}")?;
        }
        let severity = if self.kind.is_warning() {
            "warning: "
        } else {
            ""
        };
        write!(f, ": {severity}{}: {}", self.kind.name(), self.message)
    }
}

/// Counts over everything checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: u64,
    pub items_with_problems: u64,
    pub packages: u64,
    pub packages_with_problems: u64,
    /// Problems reported by the reader (unreadable input).
    pub input_issues: u64,
    /// All problems: in items, in packages and in the input.
    pub problems: u64,
    pub warnings: u64,
    /// Problems and warnings by [`FindingKind::name`].
    pub by_kind: BTreeMap<&'static str, u64>,
}

impl Summary {
    pub fn has_problems(&self) -> bool {
        self.problems > 0
    }

    fn count(&mut self, kind: FindingKind) {
        if kind.is_warning() {
            self.warnings += 1;
        } else {
            self.problems += 1;
        }
        *self.by_kind.entry(kind.name()).or_default() += 1;
    }
}

impl fmt::Display for Summary {
    /// `12 items checked, 5 problems in 3 items and 1 unreadable part (input 1, required 3,
    /// type 1); 1 warning (unknownExtension 1)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn counted(count: u64, one: &str, many: &str) -> String {
            format!("{count} {}", if count == 1 { one } else { many })
        }
        let kinds = |warnings: bool| -> String {
            self.by_kind
                .iter()
                .filter(|(name, _)| {
                    matches!(**name, "unknownExtension" | "uncheckedExtensions") == warnings
                })
                .map(|(name, count)| format!("{name} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "{} checked, ", counted(self.items, "item", "items"))?;
        if self.problems == 0 {
            write!(f, "no problems")?;
        } else {
            let mut places = Vec::new();
            if self.items_with_problems > 0 {
                places.push(counted(self.items_with_problems, "item", "items"));
            }
            if self.packages_with_problems > 0 {
                places.push(counted(self.packages_with_problems, "package", "packages"));
            }
            if self.input_issues > 0 {
                places.push(counted(
                    self.input_issues,
                    "unreadable part",
                    "unreadable parts",
                ));
            }
            let places = match places.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, init)) => format!("{} and {last}", init.join(", ")),
                None => String::new(),
            };
            write!(
                f,
                "{} in {places} ({})",
                counted(self.problems, "problem", "problems"),
                kinds(false)
            )?;
        }
        if self.warnings > 0 {
            write!(
                f,
                "; {} ({})",
                counted(self.warnings, "warning", "warnings"),
                kinds(true)
            )?;
        }
        Ok(())
    }
}

/// Checks publications event by event; see the module documentation for how items wait for
/// their package's extensions.
pub struct Checker {
    options: CheckOptions,
    /// One validator per extension set met, compiled on first use.
    validators: Vec<Validator>,
    summary: Summary,
    source: Option<SourceState>,
}

struct SourceState {
    source: Arc<str>,
    held: VecDeque<Held>,
    held_bytes: usize,
    /// Items of the current package checked before its extensions were known.
    checked_early: u64,
    /// The line of the current package's items, if they all share one and none spans lines (a
    /// package on one line, as in JSON Lines); the package is reported there.
    package_line: PackageLine,
    /// Packages of this source so far.
    packages: u64,
    /// Unknown extensions already reported for this source.
    reported_extensions: HashSet<String>,
}

enum Held {
    Item(Item),
    Issue(InputIssue),
}

#[derive(Clone, Copy)]
enum PackageLine {
    NoItems,
    One(u64),
    Several,
}

impl Checker {
    pub fn new(options: CheckOptions) -> Checker {
        Checker {
            options,
            validators: Vec::new(),
            summary: Summary::default(),
            source: None,
        }
    }

    /// The counts so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Takes one event of [`read_publication`](crate::read_publication); findings that are
    /// ready go to `out`, in input order.
    pub fn event(&mut self, event: Event, out: &mut dyn FnMut(Finding)) {
        let source = match &event {
            Event::Item(item) => item.location.source.clone(),
            Event::Issue(issue) => issue.location.source.clone(),
            Event::Package(meta) => match (&meta.source, &self.source) {
                (Some(source), _) => source.clone(),
                (None, Some(state)) => state.source.clone(),
                (None, None) => Arc::from("-"),
            },
        };
        if self
            .source
            .as_ref()
            .is_some_and(|state| state.source != source)
        {
            self.end_source(out);
        }
        let state = self.source.get_or_insert_with(|| SourceState {
            source,
            held: VecDeque::new(),
            held_bytes: 0,
            checked_early: 0,
            package_line: PackageLine::NoItems,
            packages: 0,
            reported_extensions: HashSet::new(),
        });
        match event {
            Event::Item(item) => {
                let one_line = !item.json.contains('\n');
                state.package_line = match (state.package_line, item.location.line) {
                    (PackageLine::NoItems, Some(line)) if one_line => PackageLine::One(line),
                    (PackageLine::One(seen), Some(line)) if one_line && seen == line => {
                        PackageLine::One(line)
                    }
                    _ => PackageLine::Several,
                };
                if state.checked_early > 0 {
                    state.checked_early += 1;
                    self.check_item(&[], item, out);
                } else {
                    state.held_bytes += item.json.len();
                    state.held.push_back(Held::Item(item));
                    if state.held_bytes > self.options.hold_bytes {
                        let held = std::mem::take(&mut state.held);
                        state.held_bytes = 0;
                        state.checked_early = held
                            .iter()
                            .filter(|held| matches!(held, Held::Item(_)))
                            .count() as u64;
                        self.release_held(held, &[], out);
                    }
                }
            }
            Event::Issue(issue) => {
                if state.held.is_empty() {
                    self.report_issue(issue, out);
                } else {
                    state.held.push_back(Held::Issue(issue));
                }
            }
            Event::Package(meta) => self.package(meta, out),
        }
    }

    /// The current source has ended: its held items were not in a package (or their package
    /// never ended) and are checked without extensions.
    pub fn end_source(&mut self, out: &mut dyn FnMut(Finding)) {
        if let Some(state) = self.source.take() {
            self.release_held(state.held, &[], out);
        }
    }

    fn package(&mut self, meta: PackageMeta, out: &mut dyn FnMut(Finding)) {
        let Some(state) = self.source.as_mut() else {
            return;
        };
        let source = state.source.clone();
        let line = match state.package_line {
            PackageLine::One(line) => Some(line),
            PackageLine::NoItems | PackageLine::Several => None,
        };
        let package = state.packages;
        state.packages += 1;
        let package_finding = |kind: FindingKind, path: &str, message: String| Finding {
            source: source.clone(),
            line,
            item: None,
            package: Some(package),
            ocid: None,
            subject: Subject::Package,
            path: Some(path.to_string()),
            kind,
            message,
        };
        let (known, unknown) =
            schema::resolve_extensions(meta.extensions.iter().map(String::as_str));
        let mut findings = Vec::new();
        for url in unknown {
            if state.reported_extensions.insert(url.clone()) {
                let message = format!(
                    "{url} is not an extension Achyk embeds (it knows {}); its fields are not checked",
                    known_extension_names()
                );
                findings.push(package_finding(
                    FindingKind::UnknownExtension,
                    "/extensions",
                    message,
                ));
            }
        }
        let held = std::mem::take(&mut state.held);
        let checked_early = std::mem::take(&mut state.checked_early);
        state.held_bytes = 0;
        state.package_line = PackageLine::NoItems;
        for finding in findings {
            self.report(finding, out);
        }
        self.release_held(held, &known, out);
        if checked_early > 0 && !known.is_empty() {
            let names: Vec<&str> = known.iter().map(|e| e.registry_id()).collect();
            let message = format!(
                "{checked_early} item{} of this package came before its extensions were known and \
                 past the {} MiB that can wait for them; they were checked without the fields \
                 of {}",
                if checked_early == 1 { "" } else { "s" },
                self.options.hold_bytes / (1024 * 1024),
                names.join(", ")
            );
            self.report(
                package_finding(FindingKind::UncheckedExtensions, "/extensions", message),
                out,
            );
        }
        self.summary.packages += 1;
        let problems = validate_package_meta(&meta);
        if !problems.is_empty() {
            self.summary.packages_with_problems += 1;
        }
        for problem in problems {
            let finding = package_finding(
                FindingKind::Schema(problem.keyword),
                &problem.path,
                problem.message,
            );
            self.report(finding, out);
        }
    }

    fn release_held(
        &mut self,
        held: VecDeque<Held>,
        extensions: &[KnownExtension],
        out: &mut dyn FnMut(Finding),
    ) {
        for held in held {
            match held {
                Held::Item(item) => self.check_item(extensions, item, out),
                Held::Issue(issue) => self.report_issue(issue, out),
            }
        }
    }

    fn check_item(
        &mut self,
        extensions: &[KnownExtension],
        item: Item,
        out: &mut dyn FnMut(Finding),
    ) {
        self.summary.items += 1;
        let finding = |kind: FindingKind,
                       ocid: Option<String>,
                       path: Option<String>,
                       message: String| Finding {
            source: item.location.source.clone(),
            line: item.location.line,
            item: Some(item.location.index),
            package: None,
            ocid,
            subject: Subject::Item(item.kind),
            path,
            kind,
            message,
        };
        let value: Value = match serde_json::from_str(&item.json) {
            Ok(value) => value,
            Err(error) => {
                self.summary.items_with_problems += 1;
                let finding = finding(
                    FindingKind::Json,
                    None,
                    None,
                    format!("the item cannot be read: {error}"),
                );
                self.report(finding, out);
                return;
            }
        };
        let problems = self.validator(extensions).validate_item(item.kind, &value);
        if problems.is_empty() {
            return;
        }
        self.summary.items_with_problems += 1;
        // A project is named by its `id` where a release is by its `ocid`.
        let name = if item.kind == ItemKind::Project {
            "id"
        } else {
            "ocid"
        };
        let ocid = value.get(name).and_then(Value::as_str).map(str::to_string);
        for problem in problems {
            let finding = finding(
                FindingKind::Schema(problem.keyword),
                ocid.clone(),
                Some(problem.path),
                problem.message,
            );
            self.report(finding, out);
        }
    }

    fn report_issue(&mut self, issue: InputIssue, out: &mut dyn FnMut(Finding)) {
        self.summary.input_issues += 1;
        let finding = Finding {
            source: issue.location.source,
            line: issue.location.line,
            item: None,
            package: None,
            ocid: issue.ocid,
            subject: Subject::Input,
            path: issue.path,
            kind: FindingKind::Input,
            message: issue.message,
        };
        self.report(finding, out);
    }

    fn report(&mut self, finding: Finding, out: &mut dyn FnMut(Finding)) {
        self.summary.count(finding.kind);
        out(finding);
    }

    fn validator(&mut self, extensions: &[KnownExtension]) -> &Validator {
        let position = match self
            .validators
            .iter()
            .position(|validator| validator.extensions() == extensions)
        {
            Some(position) => position,
            None => {
                self.validators.push(Validator::new(extensions));
                self.validators.len() - 1
            }
        };
        &self.validators[position]
    }
}

fn known_extension_names() -> String {
    KnownExtension::ALL
        .iter()
        .map(|extension| extension.registry_id())
        .collect::<Vec<_>>()
        .join(", ")
}
