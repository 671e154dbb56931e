//! Cardinal's INI settings: the global keys, `[exclusions]`, and one `[Rnnn]` section per
//! indicator (an indicator runs when its section is present), each with its own options.

use std::collections::{BTreeMap, BTreeSet};

/// Why a settings file is not usable. Each message names what was wrong and what is known.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    #[error("line {line}: unknown section [{section}]; known sections: {known}")]
    UnknownSection {
        line: usize,
        section: String,
        known: String,
    },
    #[error("line {line}: unknown key `{key}` in {section}; known keys: {known}")]
    UnknownKey {
        line: usize,
        section: String,
        key: String,
        known: String,
    },
    #[error("line {line}: `{key}` in {section} must be {expected}, not `{value}`")]
    BadValue {
        line: usize,
        section: String,
        key: String,
        expected: &'static str,
        value: String,
    },
    #[error("line {line}: cannot read `{text}` (expected `[section]` or `key = value`)")]
    Syntax { line: usize, text: String },
}

/// The commented settings file `achyk indicators --init` writes: every indicator on, each key
/// with its default in a comment.
pub const DEFAULT_SETTINGS: &str = include_str!("default_settings.ini");

/// The codes of the indicators this crate computes, in output order.
pub const CODES: [&str; 31] = [
    "R003", "R010", "R011", "R013", "R018", "R020", "R022", "R023", "R024", "R025", "R028", "R030",
    "R031", "R035", "R036", "R038", "R039", "R040", "R044", "R048", "R049", "R050", "R051", "R053",
    "R055", "R058", "R059", "R060", "R061", "R062", "R063",
];

/// The thresholds of `Settings::all()` and of the file `--init` writes: Law No. 72 (2015) from
/// its entry into force, Law No. 27 (2022) from 1 April 2022, as the generator uses them.
/// Plausible figures, not confirmed legal ones (see docs/indicators/thresholds.md).
pub const DEFAULT_THRESHOLDS: [(&str, f64); 2] = [
    ("2015-05-14T00:00:00+06:00", 1_000_000.0),
    ("2022-04-01T00:00:00+06:00", 1_500_000.0),
];

/// Sections Cardinal's `prepare` command reads: accepted in a shared settings file, unused here.
const PREPARE_SECTIONS: [&str; 5] = [
    "defaults",
    "redactions",
    "corrections",
    "modifications",
    "codelists",
];

/// Settings for one run. `Default` runs no indicator; [`Settings::all`] runs all with defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// The currency of the bid amounts compared by R024 and R058 (else the most common one).
    pub currency: Option<String>,
    pub no_price_comparison_procurement_methods: Option<BTreeSet<String>>,
    pub price_comparison_procurement_methods: Option<BTreeSet<String>>,
    /// `[exclusions] procurement_method_details`: processes skipped by every indicator.
    pub excluded_procurement_method_details: BTreeSet<String>,
    pub r003: Option<R003>,
    pub r018: Option<R018>,
    pub r024: Option<Threshold>,
    pub r025: Option<R025>,
    pub r028: Option<()>,
    pub r030: Option<()>,
    pub r035: Option<R035>,
    pub r036: Option<()>,
    pub r038: Option<R038>,
    pub r048: Option<R048>,
    pub r058: Option<Threshold>,
    /// Awarded at or above the estimate: the award total over `tender.value` (default 1.0).
    pub r031: Option<Threshold>,
    /// Contract amount far from its award's: the difference in percent (default 10).
    pub r059: Option<Threshold>,
    /// Long from award to signature: days (default 30).
    pub r060: Option<Threshold>,
    /// A non-competitive method was used.
    pub r010: Option<R010>,
    /// A buyer's share of non-competitive processes.
    pub r013: Option<R013>,
    /// A complaint was filed.
    pub r020: Option<()>,
    /// Wide disparity of bid prices: the highest over the lowest (default 3).
    pub r022: Option<Threshold>,
    /// An award without a published contract after this many days (default 30).
    pub r063: Option<Threshold>,
    /// A supplier's share of a buyer's awarded value.
    pub r040: Option<Concentration>,
    /// A buyer's market concentration (HHI).
    pub r051: Option<Concentration>,
    /// Decision period too short: days (default 2).
    pub r061: Option<Threshold>,
    /// Decision period too long: days (default 30).
    pub r062: Option<Threshold>,
    /// `[thresholds]`: from each instant (sorted), the value above which the law then in force
    /// asks for an open tender, in `currency` when one is set (R011, R049).
    pub thresholds: Vec<(i128, f64)>,
    /// Split purchases just under the threshold.
    pub r011: Option<R011>,
    /// A non-competitive purchase just under the threshold.
    pub r049: Option<R049>,
    /// Repeated direct awards from one buyer to one supplier.
    pub r055: Option<R055>,
    /// Fixed-multiple bid prices: the same ratio between two tenderers' bids in many processes.
    pub r023: Option<R023>,
    /// Bidders' questions left unanswered after the tender period ended.
    pub r039: Option<R039>,
    /// Business similarities between tenderers: a shared address or contact point.
    pub r044: Option<()>,
    /// A supplier's share of a market (a classification group).
    pub r050: Option<R050>,
    /// Two tenderers who bid together often, where one always wins and the other never.
    pub r053: Option<R053>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R011 {
    /// A purchase counts when its value is at least this share of the threshold (default 0.85).
    pub share: Option<f64>,
    /// How many such purchases make a split (default 3).
    pub minimum_processes: Option<usize>,
    /// Within how many days of the first (default 30).
    pub window_days: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R049 {
    /// How far under the threshold, as a share of it (default 0.1: from 90% to just under).
    pub margin: Option<f64>,
    /// The non-competitive methods (default `direct` and `limited`).
    pub procurement_methods: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R055 {
    /// How many direct awards to one supplier make a repeat (default 3).
    pub minimum_processes: Option<usize>,
    /// Within how many days of the first (default 365).
    pub window_days: Option<f64>,
    /// The non-competitive methods (default `direct`).
    pub procurement_methods: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R023 {
    /// How many processes must show the same ratio (default 2, at least 2).
    pub threshold: Option<usize>,
    /// The decimals the ratio is rounded to before comparing (default 4, at most 10).
    pub decimals: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R039 {
    /// How many unanswered questions flag a process (default 1, at least 1).
    pub minimum_unanswered: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R050 {
    /// The share of a market at or above which a supplier is flagged (default 0.5).
    pub threshold: Option<f64>,
    /// How many leading characters of the classification id make a market (default 4).
    pub digits: Option<usize>,
    /// Markets with fewer processes with an active award are not judged (default 10).
    pub minimum_contracting_processes: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R053 {
    /// How many processes the two must have bid in together (default 4, at least 1).
    pub minimum_processes: Option<usize>,
    /// The winner's share of those processes at or above which the pair is flagged (default 0.75).
    pub threshold: Option<f64>,
}

/// A share or index at or above `threshold`, for buyers with enough processes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Concentration {
    pub threshold: Option<f64>,
    pub minimum_contracting_processes: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R010 {
    /// The non-competitive methods (default `direct` and `limited`).
    pub procurement_methods: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R013 {
    /// The share at or above which a buyer is flagged (default 0.5).
    pub threshold: Option<f64>,
    /// Buyers with fewer processes with a method are not judged (default 10).
    pub minimum_contracting_processes: Option<usize>,
    pub procurement_methods: Option<BTreeSet<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R003 {
    pub threshold: Option<i64>,
    pub procurement_methods: Option<BTreeSet<String>>,
    pub procurement_method_details: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R018 {
    pub procurement_methods: Option<BTreeSet<String>>,
}

/// An optional fixed fence that replaces the computed one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Threshold {
    pub threshold: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R025 {
    pub percentile: Option<usize>,
    pub threshold: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R035 {
    pub threshold: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R038 {
    pub threshold: Option<f64>,
    pub minimum_submitted_bids: Option<usize>,
    pub minimum_contracting_processes: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct R048 {
    pub threshold: Option<usize>,
    pub digits: Option<usize>,
    pub minimum_contracting_processes: Option<usize>,
}

fn pipe_set(value: &str) -> BTreeSet<String> {
    value
        .split('|')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

struct Line<'a> {
    number: usize,
    section: &'a str,
    key: &'a str,
    value: &'a str,
}

impl Line<'_> {
    fn unknown(&self, known: &[&str]) -> SettingsError {
        SettingsError::UnknownKey {
            line: self.number,
            section: section_label(self.section),
            key: self.key.to_owned(),
            known: if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            },
        }
    }
    fn bad(&self, expected: &'static str) -> SettingsError {
        SettingsError::BadValue {
            line: self.number,
            section: section_label(self.section),
            key: self.key.to_owned(),
            expected,
            value: self.value.to_owned(),
        }
    }
    fn natural(&self) -> Result<usize, SettingsError> {
        self.value.parse().map_err(|_| self.bad("a natural number"))
    }
    /// A natural number in `range`, else `expected`.
    fn natural_in(
        &self,
        range: std::ops::RangeInclusive<usize>,
        expected: &'static str,
    ) -> Result<usize, SettingsError> {
        self.value
            .parse()
            .ok()
            .filter(|number| range.contains(number))
            .ok_or_else(|| self.bad(expected))
    }
    /// A share from 0 to 1.
    fn share(&self) -> Result<f64, SettingsError> {
        self.value
            .parse::<f64>()
            .ok()
            .filter(|number| (0.0..=1.0).contains(number))
            .ok_or_else(|| self.bad("a share from 0 to 1"))
    }
    fn integer(&self) -> Result<i64, SettingsError> {
        self.value.parse().map_err(|_| self.bad("an integer"))
    }
    fn decimal(&self) -> Result<f64, SettingsError> {
        self.value
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .ok_or_else(|| self.bad("a decimal number"))
    }
}

fn section_label(section: &str) -> String {
    if section.is_empty() {
        "the global section".to_owned()
    } else {
        format!("[{section}]")
    }
}

fn known_sections() -> String {
    let mut known = vec!["exclusions".to_owned(), "thresholds".to_owned()];
    known.extend(CODES.iter().map(|code| (*code).to_owned()));
    known.push("R003.procurement_method_details".to_owned());
    known.extend(
        PREPARE_SECTIONS
            .iter()
            .map(|name| format!("{name} (ignored)")),
    );
    known.join(", ")
}

/// Strips an inline `#` or `;` comment (Cardinal's examples write `threshold = 15 # default`).
fn strip_comment(text: &str) -> &str {
    let cut = text
        .char_indices()
        .find(|&(index, character)| {
            (character == '#' || character == ';')
                && (index == 0 || text[..index].ends_with(char::is_whitespace))
        })
        .map_or(text.len(), |(index, _)| index);
    text[..cut].trim()
}

impl Settings {
    /// Every indicator with its default options.
    pub fn all() -> Self {
        Self {
            r003: Some(R003::default()),
            r018: Some(R018::default()),
            r024: Some(Threshold::default()),
            r025: Some(R025::default()),
            r028: Some(()),
            r030: Some(()),
            r035: Some(R035::default()),
            r036: Some(()),
            r038: Some(R038::default()),
            r048: Some(R048::default()),
            r058: Some(Threshold::default()),
            r031: Some(Threshold::default()),
            r059: Some(Threshold::default()),
            r060: Some(Threshold::default()),
            r010: Some(R010::default()),
            r013: Some(R013::default()),
            r020: Some(()),
            r022: Some(Threshold::default()),
            r063: Some(Threshold::default()),
            r040: Some(Concentration::default()),
            r051: Some(Concentration::default()),
            r061: Some(Threshold::default()),
            r062: Some(Threshold::default()),
            r011: Some(R011::default()),
            r049: Some(R049::default()),
            r055: Some(R055::default()),
            thresholds: DEFAULT_THRESHOLDS
                .iter()
                .map(|&(from, amount)| {
                    let from = achyk_ocds::release::parse_instant(from)
                        .expect("the default thresholds' dates parse");
                    (from, amount)
                })
                .collect(),
            r023: Some(R023::default()),
            r039: Some(R039::default()),
            r044: Some(()),
            r050: Some(R050::default()),
            r053: Some(R053::default()),
            ..Self::default()
        }
    }

    /// The threshold in force at `instant`: the last `[thresholds]` entry from before it.
    pub fn threshold_at(&self, instant: i128) -> Option<f64> {
        self.thresholds
            .iter()
            .take_while(|(from, _)| *from <= instant)
            .last()
            .map(|(_, amount)| *amount)
    }

    /// Reads Cardinal's INI settings. Unknown sections and keys are errors naming the known ones.
    pub fn from_ini(text: &str) -> Result<Self, SettingsError> {
        let mut settings = Self::default();
        let mut section = String::new();
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(inner) = trimmed.strip_prefix('[') {
                let Some(name) = strip_comment(inner).strip_suffix(']') else {
                    return Err(SettingsError::Syntax {
                        line: number,
                        text: trimmed.to_owned(),
                    });
                };
                section = name.trim().to_owned();
                settings.open_section(&section, number)?;
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else {
                return Err(SettingsError::Syntax {
                    line: number,
                    text: trimmed.to_owned(),
                });
            };
            let line = Line {
                number,
                section: &section,
                key: key.trim(),
                value: strip_comment(value),
            };
            settings.set(&line)?;
        }
        Ok(settings)
    }

    fn open_section(&mut self, section: &str, line: usize) -> Result<(), SettingsError> {
        match section {
            "exclusions" | "thresholds" => {}
            "R011" => {
                self.r011.get_or_insert_with(R011::default);
            }
            "R049" => {
                self.r049.get_or_insert_with(R049::default);
            }
            "R055" => {
                self.r055.get_or_insert_with(R055::default);
            }
            "R003" | "R003.procurement_method_details" => {
                self.r003.get_or_insert_with(R003::default);
            }
            "R018" => {
                self.r018.get_or_insert_with(R018::default);
            }
            "R024" => {
                self.r024.get_or_insert_with(Threshold::default);
            }
            "R025" => {
                self.r025.get_or_insert_with(R025::default);
            }
            "R028" => self.r028 = Some(()),
            "R030" => self.r030 = Some(()),
            "R035" => {
                self.r035.get_or_insert_with(R035::default);
            }
            "R036" => self.r036 = Some(()),
            "R038" => {
                self.r038.get_or_insert_with(R038::default);
            }
            "R048" => {
                self.r048.get_or_insert_with(R048::default);
            }
            "R058" => {
                self.r058.get_or_insert_with(Threshold::default);
            }
            "R031" => {
                self.r031.get_or_insert_with(Threshold::default);
            }
            "R059" => {
                self.r059.get_or_insert_with(Threshold::default);
            }
            "R060" => {
                self.r060.get_or_insert_with(Threshold::default);
            }
            "R010" => {
                self.r010.get_or_insert_with(R010::default);
            }
            "R013" => {
                self.r013.get_or_insert_with(R013::default);
            }
            "R020" => self.r020 = Some(()),
            "R022" => {
                self.r022.get_or_insert_with(Threshold::default);
            }
            "R063" => {
                self.r063.get_or_insert_with(Threshold::default);
            }
            "R040" => {
                self.r040.get_or_insert_with(Concentration::default);
            }
            "R051" => {
                self.r051.get_or_insert_with(Concentration::default);
            }
            "R061" => {
                self.r061.get_or_insert_with(Threshold::default);
            }
            "R062" => {
                self.r062.get_or_insert_with(Threshold::default);
            }
            "R023" => {
                self.r023.get_or_insert_with(R023::default);
            }
            "R039" => {
                self.r039.get_or_insert_with(R039::default);
            }
            "R044" => self.r044 = Some(()),
            "R050" => {
                self.r050.get_or_insert_with(R050::default);
            }
            "R053" => {
                self.r053.get_or_insert_with(R053::default);
            }
            other
                if PREPARE_SECTIONS
                    .iter()
                    .any(|name| other == *name || other.starts_with(&format!("{name}."))) => {}
            other => {
                return Err(SettingsError::UnknownSection {
                    line,
                    section: other.to_owned(),
                    known: known_sections(),
                });
            }
        }
        Ok(())
    }

    fn set(&mut self, line: &Line) -> Result<(), SettingsError> {
        let section = line.section;
        if PREPARE_SECTIONS
            .iter()
            .any(|name| section == *name || section.starts_with(&format!("{name}.")))
        {
            return Ok(());
        }
        match (section, line.key) {
            ("", "currency") => self.currency = Some(line.value.to_owned()),
            ("", "no_price_comparison_procurement_methods") => {
                self.no_price_comparison_procurement_methods = Some(pipe_set(line.value));
            }
            ("", "price_comparison_procurement_methods") => {
                self.price_comparison_procurement_methods = Some(pipe_set(line.value));
            }
            ("", _) => {
                return Err(line.unknown(&[
                    "currency",
                    "no_price_comparison_procurement_methods",
                    "price_comparison_procurement_methods",
                ]));
            }
            ("exclusions", "procurement_method_details") => {
                self.excluded_procurement_method_details = pipe_set(line.value);
            }
            ("exclusions", _) => return Err(line.unknown(&["procurement_method_details"])),
            ("thresholds", from) => {
                let Some(instant) = achyk_ocds::release::parse_instant(from) else {
                    return Err(SettingsError::BadValue {
                        line: line.number,
                        section: section_label(section),
                        key: from.to_owned(),
                        expected: "a date (2022-04-01 or 2022-04-01T00:00:00+06:00) as its key",
                        value: line.value.to_owned(),
                    });
                };
                let amount = line.decimal()?;
                self.thresholds.retain(|(other, _)| *other != instant);
                self.thresholds.push((instant, amount));
                self.thresholds.sort_by_key(|(from, _)| *from);
            }
            ("R011", "share") => {
                self.r011.get_or_insert_default().share = Some(line.decimal()?);
            }
            ("R011", "minimum_processes") => {
                self.r011.get_or_insert_default().minimum_processes = Some(line.natural()?);
            }
            ("R011", "window_days") => {
                self.r011.get_or_insert_default().window_days = Some(line.decimal()?);
            }
            ("R011", _) => {
                return Err(line.unknown(&["share", "minimum_processes", "window_days"]));
            }
            ("R049", "margin") => {
                self.r049.get_or_insert_default().margin = Some(line.decimal()?);
            }
            ("R049", "procurement_methods") => {
                self.r049.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R049", _) => return Err(line.unknown(&["margin", "procurement_methods"])),
            ("R055", "minimum_processes") => {
                self.r055.get_or_insert_default().minimum_processes = Some(line.natural()?);
            }
            ("R055", "window_days") => {
                self.r055.get_or_insert_default().window_days = Some(line.decimal()?);
            }
            ("R055", "procurement_methods") => {
                self.r055.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R055", _) => {
                return Err(line.unknown(&[
                    "minimum_processes",
                    "window_days",
                    "procurement_methods",
                ]));
            }
            ("R003", "threshold") => {
                self.r003.get_or_insert_default().threshold = Some(line.integer()?);
            }
            ("R003", "procurement_methods") => {
                self.r003.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R003", _) => return Err(line.unknown(&["threshold", "procurement_methods"])),
            ("R003.procurement_method_details", details) => {
                let days = line.integer()?;
                self.r003
                    .get_or_insert_default()
                    .procurement_method_details
                    .insert(details.to_owned(), days);
            }
            ("R018", "procurement_methods") => {
                self.r018.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R018", _) => return Err(line.unknown(&["procurement_methods"])),
            ("R024", "threshold") => {
                self.r024.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R058", "threshold") => {
                self.r058.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R031", "threshold") => {
                self.r031.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R059", "threshold") => {
                self.r059.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R060", "threshold") => {
                self.r060.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R022", "threshold") => {
                self.r022.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R063", "threshold") => {
                self.r063.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R061", "threshold") => {
                self.r061.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R062", "threshold") => {
                self.r062.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R040", "threshold") => {
                self.r040.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R051", "threshold") => {
                self.r051.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R040", "minimum_contracting_processes") => {
                self.r040
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R051", "minimum_contracting_processes") => {
                self.r051
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R040" | "R051", _) => {
                return Err(line.unknown(&["threshold", "minimum_contracting_processes"]));
            }
            ("R024" | "R058" | "R031" | "R059" | "R060" | "R022" | "R063" | "R061" | "R062", _) => {
                return Err(line.unknown(&["threshold"]));
            }
            ("R010", "procurement_methods") => {
                self.r010.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R010", _) => return Err(line.unknown(&["procurement_methods"])),
            ("R013", "threshold") => {
                self.r013.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R013", "minimum_contracting_processes") => {
                self.r013
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R013", "procurement_methods") => {
                self.r013.get_or_insert_default().procurement_methods = Some(pipe_set(line.value));
            }
            ("R013", _) => {
                return Err(line.unknown(&[
                    "threshold",
                    "minimum_contracting_processes",
                    "procurement_methods",
                ]));
            }
            ("R025", "percentile") => {
                let percentile = line.natural()?;
                if percentile > 100 {
                    return Err(line.bad("a percentage from 0 to 100"));
                }
                self.r025.get_or_insert_default().percentile = Some(percentile);
            }
            ("R025", "threshold") => {
                self.r025.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R025", _) => return Err(line.unknown(&["percentile", "threshold"])),
            ("R028" | "R030" | "R036" | "R020", _) => return Err(line.unknown(&[])),
            ("R035", "threshold") => {
                self.r035.get_or_insert_default().threshold = Some(line.natural()?);
            }
            ("R035", _) => return Err(line.unknown(&["threshold"])),
            ("R038", "threshold") => {
                self.r038.get_or_insert_default().threshold = Some(line.decimal()?);
            }
            ("R038", "minimum_submitted_bids") => {
                self.r038.get_or_insert_default().minimum_submitted_bids = Some(line.natural()?);
            }
            ("R038", "minimum_contracting_processes") => {
                self.r038
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R038", _) => {
                return Err(line.unknown(&[
                    "threshold",
                    "minimum_submitted_bids",
                    "minimum_contracting_processes",
                ]));
            }
            ("R048", "threshold") => {
                self.r048.get_or_insert_default().threshold = Some(line.natural()?);
            }
            ("R048", "digits") => {
                let digits = line.natural()?;
                if digits == 0 {
                    return Err(line.bad("a natural number from 1"));
                }
                self.r048.get_or_insert_default().digits = Some(digits);
            }
            ("R048", "minimum_contracting_processes") => {
                self.r048
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R048", _) => {
                return Err(line.unknown(&[
                    "threshold",
                    "digits",
                    "minimum_contracting_processes",
                ]));
            }
            ("R023", "threshold") => {
                self.r023.get_or_insert_default().threshold =
                    Some(line.natural_in(2..=usize::MAX, "a natural number from 2")?);
            }
            ("R023", "decimals") => {
                self.r023.get_or_insert_default().decimals =
                    Some(line.natural_in(0..=10, "a natural number from 0 to 10")?);
            }
            ("R023", _) => return Err(line.unknown(&["threshold", "decimals"])),
            ("R039", "minimum_unanswered") => {
                self.r039.get_or_insert_default().minimum_unanswered =
                    Some(line.natural_in(1..=usize::MAX, "a natural number from 1")?);
            }
            ("R039", _) => return Err(line.unknown(&["minimum_unanswered"])),
            ("R044", _) => return Err(line.unknown(&[])),
            ("R050", "threshold") => {
                self.r050.get_or_insert_default().threshold = Some(line.share()?);
            }
            ("R050", "digits") => {
                self.r050.get_or_insert_default().digits =
                    Some(line.natural_in(1..=usize::MAX, "a natural number from 1")?);
            }
            ("R050", "minimum_contracting_processes") => {
                self.r050
                    .get_or_insert_default()
                    .minimum_contracting_processes = Some(line.natural()?);
            }
            ("R050", _) => {
                return Err(line.unknown(&[
                    "threshold",
                    "digits",
                    "minimum_contracting_processes",
                ]));
            }
            ("R053", "minimum_processes") => {
                self.r053.get_or_insert_default().minimum_processes =
                    Some(line.natural_in(1..=usize::MAX, "a natural number from 1")?);
            }
            ("R053", "threshold") => {
                self.r053.get_or_insert_default().threshold = Some(line.share()?);
            }
            ("R053", _) => return Err(line.unknown(&["minimum_processes", "threshold"])),
            _ => unreachable!("open_section rejects unknown sections"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod default_file_tests {
    use super::*;

    #[test]
    fn the_default_settings_file_turns_every_indicator_on_with_its_defaults() {
        let settings = Settings::from_ini(DEFAULT_SETTINGS).expect("the default file parses");
        assert_eq!(settings, Settings::all());
    }
}
