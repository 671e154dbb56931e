//! Merging the releases of one contracting process into its compiled release (the current
//! state) and its versioned release (every value's history), with the same results as OCP's
//! reference implementation, `ocdsmerge`, as `ocdskit compile` runs it.
//!
//! The reference works in two steps, and so does this module, because its results depend on
//! them even in corner cases:
//!
//! 1. *Flatten* each release into leaves keyed by path. Objects recurse member by member.
//!    Arrays of objects recurse item by item, each item keyed by its `id` (its text form), so
//!    items with the same `id` in different releases share paths: this is the identifier merge.
//!    An item without an `id` gets a key of its own, so it never merges. Fields the rules omit
//!    are skipped. Scalars, `null`, arrays holding any non-object and arrays the rules merge
//!    whole are leaves. Empty objects and empty arrays yield nothing at all.
//! 2. Apply the leaves of the releases, oldest first, to one ordered map: a new path is added
//!    at the end, a known path keeps its place and takes the new value. Then *unflatten* the
//!    map, path by path in that order, into JSON: a `null` leaf adds nothing (but the objects
//!    above it are still made), and a path that meets a node made earlier goes into it.
//!
//! The order of members and of array items in the output is therefore the order in which
//! their paths first appeared, which is what this module reproduces. Where the reference would
//! raise an error (an array where an earlier release had an object, or the reverse), this
//! module keeps what came first, reports a [`MergeWarning`] and goes on.
//!
//! Leaves are never rebuilt: each keeps the text it had in its release (see [`crate::json`]),
//! and the output is written from those texts.
//!
//! One deliberate difference: releases are ordered by `date` as a point in time, where the
//! reference compares the text. The two agree whenever the dates use the same offset.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};

use indexmap::{Equivalent, IndexMap};
use serde_json::Value;

use crate::json::{self, Body, Kind, Node};
use crate::release::parse_instant;
use crate::rules::{MergeRules, Rule, RuleNode};

mod direct;

type FastHash = foldhash::fast::FixedState;

/// Something odd met while merging one process; the merge still produces a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeWarning {
    pub ocid: String,
    /// JSON path of the field concerned, for example `/awards` or `/tender/items`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for MergeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.ocid, self.message)
        } else {
            write!(f, "{} {}: {}", self.ocid, self.path, self.message)
        }
    }
}

/// The result of merging the releases of one process.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub release: Value,
    pub warnings: Vec<MergeWarning>,
}

/// The result of merging, as compact JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedText {
    pub json: String,
    pub warnings: Vec<MergeWarning>,
}

/// Merges the releases of one contracting process into its compiled release.
///
/// `releases` are in input order and should all have the same `ocid` and a usable `date` (see
/// [`crate::ReleaseHead`]); they are ordered by `date` as a point in time here, ties keeping
/// input order. A release whose `date` cannot be read sorts first.
pub fn compile(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    from_text(merge_values(&releases, rules, Mode::Compiled))
}

/// Like [`compile`], but writes the versioned release.
pub fn versioned(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    from_text(merge_values(&releases, rules, Mode::Versioned))
}

/// [`compile`] for releases given as JSON text, written as compact JSON text: the fast path.
/// A text that is not JSON is reported as a warning and left out.
pub fn compile_texts<S: AsRef<str>>(releases: &[S], rules: &MergeRules) -> MergedText {
    merge_texts(releases, rules, Mode::Compiled)
}

/// [`versioned`] for releases given as JSON text.
pub fn versioned_texts<S: AsRef<str>>(releases: &[S], rules: &MergeRules) -> MergedText {
    merge_texts(releases, rules, Mode::Versioned)
}

/// [`compile_texts`] for releases already parsed (with [`json::parse`]), in input order.
pub fn compile_nodes(releases: &[Node<'_>], rules: &MergeRules) -> MergedText {
    merge_nodes(releases, Vec::new(), rules, Mode::Compiled, true)
}

/// [`versioned_texts`] for releases already parsed, in input order.
pub fn versioned_nodes(releases: &[Node<'_>], rules: &MergeRules) -> MergedText {
    merge_nodes(releases, Vec::new(), rules, Mode::Versioned, true)
}

/// The warning for a release text that is not JSON, which the merge leaves out.
pub fn not_json(error: &json::SyntaxError) -> MergeWarning {
    MergeWarning {
        ocid: String::new(),
        path: String::new(),
        message: format!("release left out: not JSON: {error}"),
    }
}

fn merge_values(releases: &[Value], rules: &MergeRules, mode: Mode) -> MergedText {
    let texts: Vec<String> = releases.iter().map(Value::to_string).collect();
    merge_texts(&texts, rules, mode)
}

fn from_text(merged: MergedText) -> Merged {
    let release = serde_json::from_str(&merged.json).expect("the merge writes valid JSON");
    Merged {
        release,
        warnings: merged.warnings,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Compiled,
    Versioned,
}

fn merge_texts<S: AsRef<str>>(texts: &[S], rules: &MergeRules, mode: Mode) -> MergedText {
    merge_texts_by(texts, rules, mode, true)
}

/// [`merge_texts`]; a compiled release is built by the direct merge ([`direct`]) when the
/// input allows it and `direct` is true, else by flatten and unflatten (tests compare the two).
fn merge_texts_by<S: AsRef<str>>(
    texts: &[S],
    rules: &MergeRules,
    mode: Mode,
    direct: bool,
) -> MergedText {
    let mut warnings = Vec::new();
    let arena = json::Bump::new();
    let mut releases: Vec<Node<'_>> = Vec::with_capacity(texts.len());
    for text in texts {
        match json::parse(text.as_ref(), &arena) {
            Ok(node) => releases.push(node),
            Err(error) => warnings.push(not_json(&error)),
        }
    }
    merge_nodes(&releases, warnings, rules, mode, direct)
}

/// Merges parsed releases (in input order), after `warnings` already met.
fn merge_nodes(
    releases: &[Node<'_>],
    mut warnings: Vec<MergeWarning>,
    rules: &MergeRules,
    mode: Mode,
    direct: bool,
) -> MergedText {
    let mut releases = releases.to_vec();
    if releases.len() > 1 {
        let instant_of = |release: &Node<'_>| {
            release
                .get("date")
                .and_then(Node::as_str)
                .and_then(|date| parse_instant(&date))
        };
        // `sort_by_cached_key` is stable: releases at the same instant keep their input order.
        releases.sort_by_cached_key(instant_of);
    }
    let ocid = releases
        .iter()
        .find_map(|release| release.get("ocid").and_then(Node::as_str))
        .map(Cow::into_owned)
        .unwrap_or_default();
    for warning in &mut warnings {
        warning.ocid.clone_from(&ocid);
    }
    if mode == Mode::Compiled
        && direct
        && let Some(json) = direct::compile(&releases, &rules.root)
    {
        return MergedText { json, warnings };
    }

    let mut state = State::new(mode, ocid);
    state.warnings = warnings;
    if mode == Mode::Compiled {
        let tag = state.top_level("tag");
        state.set(
            tag,
            Stored::Plain(Raw {
                text: Cow::Borrowed(r#"["compiled"]"#),
                kind: Kind::Array,
            }),
        );
    }
    for release in &releases {
        state.append(release, rules);
    }
    let json = state.unflatten();
    MergedText {
        json,
        warnings: state.warnings,
    }
}

/// A leaf value: the JSON text it had in its release.
#[derive(Debug, Clone)]
struct Raw<'a> {
    text: Cow<'a, str>,
    kind: Kind,
}

impl<'a> Raw<'a> {
    fn of(node: &Node<'a>) -> Raw<'a> {
        Raw {
            text: Cow::Borrowed(node.raw),
            kind: node.kind(),
        }
    }

    fn null() -> Raw<'a> {
        Raw {
            text: Cow::Borrowed("null"),
            kind: Kind::Null,
        }
    }

    fn string(text: &str) -> Raw<'a> {
        let mut literal = String::with_capacity(text.len() + 2);
        json::write_string(text, &mut literal);
        Raw {
            text: Cow::Owned(literal),
            kind: Kind::String,
        }
    }
}

/// One step of a path: a member name, or an item of an array of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(Box<str>),
    /// An array item keyed by the text form of its `id`.
    Id(Box<str>),
    /// An array item without an `id`: never merges with anything.
    Unique(u64),
}

#[derive(Clone, Copy)]
enum SegmentRef<'s> {
    Key(&'s str),
    Id(&'s str),
    Unique(u64),
}

fn hash_segment<H: Hasher>(parent: u32, segment: SegmentRef<'_>, state: &mut H) {
    parent.hash(state);
    match segment {
        SegmentRef::Key(key) => {
            state.write_u8(0);
            key.hash(state);
        }
        SegmentRef::Id(id) => {
            state.write_u8(1);
            id.hash(state);
        }
        SegmentRef::Unique(unique) => {
            state.write_u8(2);
            unique.hash(state);
        }
    }
}

impl Segment {
    fn as_ref(&self) -> SegmentRef<'_> {
        match self {
            Segment::Key(key) => SegmentRef::Key(key),
            Segment::Id(id) => SegmentRef::Id(id),
            Segment::Unique(unique) => SegmentRef::Unique(*unique),
        }
    }

    fn is_item(&self) -> bool {
        !matches!(self, Segment::Key(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PathKey(u32, Segment);

impl Hash for PathKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_segment(self.0, self.1.as_ref(), state);
    }
}

struct PathQuery<'s>(u32, SegmentRef<'s>);

impl Hash for PathQuery<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_segment(self.0, self.1, state);
    }
}

impl Equivalent<PathKey> for PathQuery<'_> {
    fn equivalent(&self, key: &PathKey) -> bool {
        self.0 == key.0
            && match (self.1, &key.1) {
                (SegmentRef::Key(a), Segment::Key(b)) => a == &**b,
                (SegmentRef::Id(a), Segment::Id(b)) => a == &**b,
                (SegmentRef::Unique(a), Segment::Unique(b)) => a == *b,
                _ => false,
            }
    }
}

/// The identifier of an array item, compared the way the reference compares it when it
/// rebuilds arrays: numbers by value (so `1`, `1.0` and `true` are one identifier), strings by
/// text. Items whose identifiers have the same text but different types (`1` and `"1"`) share
/// paths while leaves are collected but become separate items when the output is built.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TypedId {
    /// `"id": null`: the item gets no `id` member in the output.
    Null,
    /// A number or boolean, as its exact decimal value (see [`canonical_number`]).
    Number(Box<str>),
    Text(Box<str>),
    /// No `id` at all.
    Unique(u64),
    /// An object or array as an `id` (the reference fails on these; here they compare by text).
    Other(Box<str>),
}

impl TypedId {
    fn of(id: &Node<'_>) -> TypedId {
        match id.kind() {
            Kind::Null => TypedId::Null,
            Kind::Bool => TypedId::Number(if id.raw == "true" { "1e0" } else { "0e0" }.into()),
            Kind::Number => TypedId::Number(canonical_number(id.raw).into()),
            Kind::String => TypedId::Text(id.as_str().unwrap_or_default().into()),
            Kind::Array | Kind::Object => {
                let mut text = String::new();
                json::write_minified(id.raw, &mut text);
                TypedId::Other(text.into())
            }
        }
    }
}

/// A number literal's parts: sign, coefficient digits and exponent, so that `12.50` is
/// (`+`, `1250`, -2).
fn number_parts(literal: &str) -> (bool, String, i64) {
    let (negative, rest) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (rest, 0),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits = String::with_capacity(integer.len() + fraction.len());
    digits.push_str(integer);
    digits.push_str(fraction);
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() {
        "0".to_owned()
    } else {
        digits.to_owned()
    };
    (negative, digits, exponent - fraction.len() as i64)
}

/// An exact key for a number's value: equal numbers (`1`, `1.0`, `10e-1`) give equal keys.
fn canonical_number(literal: &str) -> String {
    let (negative, digits, exponent) = number_parts(literal);
    if digits == "0" {
        return "0e0".into();
    }
    let trimmed = digits.trim_end_matches('0');
    let exponent = exponent + (digits.len() - trimmed.len()) as i64;
    format!("{}{trimmed}e{exponent}", if negative { "-" } else { "" })
}

/// The text form the reference gives an identifier (Python's `str()` of what `ijson` reads:
/// an `int` for an integer literal, a `Decimal` for any other number), which decides which
/// array items merge.
fn identifier_text(id: &Node<'_>) -> String {
    match id.kind() {
        Kind::Null => "None".to_owned(),
        Kind::Bool => if id.raw == "true" { "True" } else { "False" }.to_owned(),
        Kind::String => id.as_str().unwrap_or_default().into_owned(),
        Kind::Number => python_number_text(id.raw),
        Kind::Array | Kind::Object => {
            let mut text = String::new();
            json::write_minified(id.raw, &mut text);
            text
        }
    }
}

/// Python's `str()` of a JSON number as `ijson` reads it: an `int` for an integer literal, a
/// `Decimal` (in its scientific-string form) otherwise.
fn python_number_text(literal: &str) -> String {
    let (negative, digits, exponent) = number_parts(literal);
    let is_integer = !literal.contains(['.', 'e', 'E']);
    if is_integer {
        return if digits == "0" {
            "0".into()
        } else {
            format!("{}{digits}", if negative { "-" } else { "" })
        };
    }
    let sign = if negative { "-" } else { "" };
    let adjusted = exponent + digits.len() as i64 - 1;
    if exponent <= 0 && adjusted >= -6 {
        let point = digits.len() as i64 + exponent;
        let text = if exponent == 0 {
            digits
        } else if point > 0 {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        } else {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        };
        format!("{sign}{text}")
    } else {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        format!(
            "{sign}{}{rest}E{}{}",
            &digits[..1],
            if adjusted < 0 { '-' } else { '+' },
            adjusted.abs()
        )
    }
}

/// Equality as the reference sees it when deciding whether a value changed: numbers by value
/// (with `true` equal to `1`), objects whatever their member order, arrays item by item.
fn python_equal(a: &Raw<'_>, b: &Raw<'_>) -> bool {
    if a.text == b.text {
        return true;
    }
    let numeric = |kind: Kind| matches!(kind, Kind::Number | Kind::Bool);
    if a.kind != b.kind && !(numeric(a.kind) && numeric(b.kind)) {
        return false;
    }
    let arena = json::Bump::new();
    match (json::parse(&a.text, &arena), json::parse(&b.text, &arena)) {
        (Ok(a), Ok(b)) => nodes_equal(&a, &b),
        _ => false,
    }
}

fn nodes_equal(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.body, &b.body) {
        (Body::Object(_), Body::Object(_)) => {
            let a_members = effective_members(a);
            let b_members = effective_members(b);
            a_members.len() == b_members.len()
                && a_members
                    .iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| nodes_equal(value, other)))
        }
        (Body::Array(a), Body::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| nodes_equal(a, b))
        }
        _ => {
            let numeric_key = |node: &Node<'_>| match node.kind() {
                Kind::Bool => Some(if node.raw == "true" {
                    "1e0".to_owned()
                } else {
                    "0e0".to_owned()
                }),
                Kind::Number => Some(canonical_number(node.raw)),
                _ => None,
            };
            match (numeric_key(a), numeric_key(b)) {
                (Some(a), Some(b)) => a == b,
                (None, None) => {
                    a.kind() == b.kind() && (a.kind() != Kind::String || a.as_str() == b.as_str())
                }
                _ => false,
            }
        }
    }
}

/// An object's members as a Python dict holds them: a repeated key keeps its first place and
/// takes its last value.
fn effective_members<'n, 'a>(node: &'n Node<'a>) -> Vec<(&'n str, &'n Node<'a>)> {
    let Body::Object(members) = &node.body else {
        return Vec::new();
    };
    let mut out: Vec<(&str, &Node<'a>)> = Vec::with_capacity(members.len());
    if !has_duplicate_keys(members) {
        out.extend(members.iter().map(|(key, value)| (*key, value)));
        return out;
    }
    let mut positions: std::collections::HashMap<&str, usize, FastHash> =
        std::collections::HashMap::default();
    for (key, value) in members.iter() {
        match positions.get(key) {
            Some(&position) => out[position].1 = value,
            None => {
                positions.insert(key, out.len());
                out.push((key, value));
            }
        }
    }
    out
}

fn has_duplicate_keys(members: &[(&str, Node<'_>)]) -> bool {
    if members.len() <= 24 {
        members
            .iter()
            .enumerate()
            .any(|(index, (key, _))| members[..index].iter().any(|(other, _)| other == key))
    } else {
        let mut seen =
            std::collections::HashSet::with_capacity_and_hasher(members.len(), FastHash::default());
        !members.iter().all(|(key, _)| seen.insert(*key))
    }
}

/// A leaf as stored in the ordered map.
enum Stored<'a> {
    Plain(Raw<'a>),
    Versions(Vec<Version<'a>>),
}

#[derive(Clone)]
struct Version<'a> {
    release_id: Raw<'a>,
    release_date: Raw<'a>,
    release_tag: Raw<'a>,
    value: Raw<'a>,
}

/// One leaf of the ordered map: its path, its value and, when they differ from the types
/// first seen at its path, the typed identifiers of the array items on its path.
struct Slot<'a> {
    path: u32,
    stored: Stored<'a>,
    typed_ids: Option<Box<[TypedId]>>,
}

const NONE: u32 = u32::MAX;
const ROOT: u32 = u32::MAX;

struct State<'a> {
    mode: Mode,
    ocid: String,
    /// Every path seen, as (parent path, last segment); the root has no entry.
    paths: IndexMap<PathKey, (), FastHash>,
    /// For each path ending in an array item: the typed identifier and the `id` it was first
    /// seen with.
    first_ids: Vec<Option<(TypedId, Raw<'a>)>>,
    /// The ordered map of leaves: `slots` in order, `slot_of` from path to position.
    slots: Vec<Slot<'a>>,
    slot_of: Vec<u32>,
    /// Per path, the position of its leaf in the release being flattened (valid when the
    /// stamp matches).
    collected_at: Vec<(u32, u32)>,
    release_number: u32,
    next_unique: u64,
    warnings: Vec<MergeWarning>,
}

/// The leaves of one release, in order, each path once (a later duplicate takes the first
/// one's place, as assigning to a key of a Python dict does).
struct Leaf<'a> {
    path: u32,
    value: Raw<'a>,
    typed_ids: Option<Box<[TypedId]>>,
}

struct FlattenContext<'n> {
    /// Typed identifiers of the array items on the current path.
    typed_stack: Vec<TypedId>,
    /// Whether one of them differs from the one first seen at its path.
    differs: bool,
    /// Dotted path of member names, for messages.
    rule_path: Vec<&'n str>,
}

impl<'a> State<'a> {
    fn new(mode: Mode, ocid: String) -> State<'a> {
        State {
            mode,
            ocid,
            paths: IndexMap::with_hasher(FastHash::default()),
            first_ids: Vec::new(),
            slots: Vec::new(),
            slot_of: Vec::new(),
            collected_at: Vec::new(),
            release_number: 0,
            next_unique: 0,
            warnings: Vec::new(),
        }
    }

    fn path(&mut self, parent: u32, segment: SegmentRef<'_>) -> (u32, bool) {
        let query = PathQuery(parent, segment);
        if let Some(index) = self.paths.get_index_of(&query) {
            return (index as u32, false);
        }
        let owned = match segment {
            SegmentRef::Key(key) => Segment::Key(key.into()),
            SegmentRef::Id(id) => Segment::Id(id.into()),
            SegmentRef::Unique(unique) => Segment::Unique(unique),
        };
        let (index, _) = self.paths.insert_full(PathKey(parent, owned), ());
        self.first_ids.push(None);
        self.slot_of.push(NONE);
        self.collected_at.push((0, 0));
        (index as u32, true)
    }

    fn top_level(&mut self, key: &str) -> u32 {
        self.path(ROOT, SegmentRef::Key(key)).0
    }

    fn set(&mut self, path: u32, stored: Stored<'a>) {
        match self.slot_of[path as usize] {
            NONE => {
                self.slot_of[path as usize] = self.slots.len() as u32;
                self.slots.push(Slot {
                    path,
                    stored,
                    typed_ids: None,
                });
            }
            slot => self.slots[slot as usize].stored = stored,
        }
    }

    fn append(&mut self, release: &Node<'a>, rules: &MergeRules) {
        if !matches!(release.body, Body::Object(_)) {
            return;
        }
        let ocid = release.get("ocid").map_or_else(Raw::null, Raw::of);
        let release_id = release.get("id").map_or_else(Raw::null, Raw::of);
        let date = release.get("date").map_or_else(Raw::null, Raw::of);
        // The reference drops `tag` before flattening (it was not omitted by the schema before
        // OCDS 1.1.4) and keeps it only as the `releaseTag` of versioned values.
        let tag = release.get("tag").map_or_else(Raw::null, Raw::of);

        self.release_number += 1;
        let mut leaves: Vec<Leaf<'a>> = Vec::new();
        let mut context = FlattenContext {
            typed_stack: Vec::new(),
            differs: false,
            rule_path: Vec::new(),
        };
        self.flatten_object(release, &rules.root, ROOT, true, &mut context, &mut leaves);

        match self.mode {
            Mode::Compiled => {
                let id = format!(
                    "{}-{}",
                    python_text(release.get("ocid")),
                    python_text(release.get("date"))
                );
                let id_path = self.top_level("id");
                self.set(id_path, Stored::Plain(Raw::string(&id)));
                let date_path = self.top_level("date");
                self.set(date_path, Stored::Plain(date));
                let ocid_path = self.top_level("ocid");
                self.set(ocid_path, Stored::Plain(ocid));
                for leaf in leaves {
                    match self.slot_of[leaf.path as usize] {
                        NONE => {
                            self.slot_of[leaf.path as usize] = self.slots.len() as u32;
                            self.slots.push(Slot {
                                path: leaf.path,
                                stored: Stored::Plain(leaf.value),
                                typed_ids: leaf.typed_ids,
                            });
                        }
                        slot => self.slots[slot as usize].stored = Stored::Plain(leaf.value),
                    }
                }
            }
            Mode::Versioned => {
                let ocid_path = self.top_level("ocid");
                self.set(ocid_path, Stored::Plain(ocid));
                for leaf in leaves {
                    if leaf.path == ocid_path {
                        continue;
                    }
                    let version = |value| Version {
                        release_id: release_id.clone(),
                        release_date: date.clone(),
                        release_tag: tag.clone(),
                        value,
                    };
                    match self.slot_of[leaf.path as usize] {
                        NONE => {
                            self.slot_of[leaf.path as usize] = self.slots.len() as u32;
                            self.slots.push(Slot {
                                path: leaf.path,
                                stored: Stored::Versions(vec![version(leaf.value)]),
                                typed_ids: leaf.typed_ids,
                            });
                        }
                        slot => {
                            if let Stored::Versions(versions) =
                                &mut self.slots[slot as usize].stored
                            {
                                let unchanged = versions
                                    .last()
                                    .is_some_and(|last| python_equal(&last.value, &leaf.value));
                                if !unchanged {
                                    versions.push(version(leaf.value));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn collect(
        &mut self,
        path: u32,
        value: Raw<'a>,
        context: &FlattenContext<'_>,
        leaves: &mut Vec<Leaf<'a>>,
    ) {
        let (stamp, position) = self.collected_at[path as usize];
        if stamp == self.release_number {
            leaves[position as usize].value = value;
        } else {
            self.collected_at[path as usize] = (self.release_number, leaves.len() as u32);
            let typed_ids = context
                .differs
                .then(|| context.typed_stack.clone().into_boxed_slice());
            leaves.push(Leaf {
                path,
                value,
                typed_ids,
            });
        }
    }

    fn flatten_object<'n>(
        &mut self,
        object: &'n Node<'a>,
        rules: &RuleNode,
        parent: u32,
        top_level: bool,
        context: &mut FlattenContext<'n>,
        leaves: &mut Vec<Leaf<'a>>,
    ) {
        let empty_rules = RuleNode::default();
        let Body::Object(members) = &object.body else {
            return;
        };
        let deduplicated;
        let members: &mut dyn Iterator<Item = (&'n str, &'n Node<'a>)> =
            if has_duplicate_keys(members) {
                deduplicated = effective_members(object);
                &mut deduplicated.iter().copied()
            } else {
                &mut members.iter().map(|(key, value)| (*key, value))
            };
        for (key, value) in members {
            if top_level && key == "tag" {
                continue;
            }
            let child_rules = rules.children.get(key);
            let rule = child_rules.and_then(|node| node.rule);
            if rule == Some(Rule::Omit) {
                continue;
            }
            let (path, _) = self.path(parent, SegmentRef::Key(key));
            let is_leaf = match &value.body {
                Body::Scalar(_) => true,
                Body::Array(items) => {
                    rule == Some(Rule::WholeList)
                        || items.iter().any(|item| item.kind() != Kind::Object)
                }
                Body::Object(_) => rule == Some(Rule::WholeList),
            };
            if is_leaf {
                self.collect(path, Raw::of(value), context, leaves);
                continue;
            }
            let child_rules = child_rules.unwrap_or(&empty_rules);
            match &value.body {
                Body::Object(members) if !members.is_empty() => {
                    context.rule_path.push(key);
                    self.flatten_object(value, child_rules, path, false, context, leaves);
                    context.rule_path.pop();
                }
                Body::Array(items) if !items.is_empty() => {
                    context.rule_path.push(key);
                    self.flatten_array(items, child_rules, path, context, leaves);
                    context.rule_path.pop();
                }
                _ => {}
            }
        }
    }

    fn flatten_array<'n>(
        &mut self,
        items: &'n [Node<'a>],
        rules: &RuleNode,
        parent: u32,
        context: &mut FlattenContext<'n>,
        leaves: &mut Vec<Leaf<'a>>,
    ) {
        // Which position first used each identifier text, to report duplicates.
        let mut first_position: Vec<(String, usize)> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let Body::Object(members) = &item.body else {
                continue;
            };
            let id = item.get("id");
            let (segment_text, typed, original) = match id {
                Some(id) => (Some(identifier_text(id)), TypedId::of(id), Raw::of(id)),
                None => {
                    self.next_unique += 1;
                    (None, TypedId::Unique(self.next_unique), Raw::null())
                }
            };
            let segment = match &segment_text {
                Some(text) => {
                    match first_position.iter().find(|(seen, _)| seen == text) {
                        Some(&(_, first)) if first != position => {
                            let rule_path = context.rule_path.join(".");
                            self.warnings.push(MergeWarning {
                                ocid: self.ocid.clone(),
                                path: format!("/{}", context.rule_path.join("/")),
                                message: format!("Multiple objects have the `id` value {} in the `{rule_path}` array", python_str_repr(text)),
                            });
                        }
                        Some(_) => {}
                        None => first_position.push((text.clone(), position)),
                    }
                    SegmentRef::Id(text)
                }
                None => SegmentRef::Unique(self.next_unique),
            };
            if members.is_empty() {
                continue;
            }
            let (path, created) = self.path(parent, segment);
            let saved_differs = context.differs;
            if created {
                self.first_ids[path as usize] = Some((typed.clone(), original));
            } else if let Some((first_typed, _)) = &self.first_ids[path as usize]
                && *first_typed != typed
            {
                context.differs = true;
            }
            context.typed_stack.push(typed);
            self.flatten_object(item, rules, path, false, context, leaves);
            context.typed_stack.pop();
            context.differs = saved_differs;
        }
    }

    fn unflatten(&mut self) -> String {
        let mut builder = Builder {
            nodes: vec![Out::Object(Vec::new())],
            identifiers: std::collections::HashMap::default(),
            item_of_path: vec![NONE; self.paths.len()],
        };
        let slots = std::mem::take(&mut self.slots);
        let mut segments: Vec<u32> = Vec::new();
        for slot in slots {
            segments.clear();
            let mut cursor = slot.path;
            while cursor != ROOT {
                segments.push(cursor);
                cursor = self
                    .paths
                    .get_index(cursor as usize)
                    .expect("paths are never removed")
                    .0
                    .0;
            }
            segments.reverse();
            let leaf = match slot.stored {
                Stored::Plain(raw) => Out::Leaf(raw),
                Stored::Versions(versions) => Out::Versions(versions),
            };
            if let Err(conflict) =
                self.place(&mut builder, &segments, slot.typed_ids.as_deref(), leaf)
            {
                self.warnings.push(MergeWarning {
                    ocid: self.ocid.clone(),
                    path: self.display_path(&segments),
                    message: conflict,
                });
            }
        }
        let mut out = String::with_capacity(4096);
        builder.write(0, &self.paths, &mut out);
        out
    }

    /// Puts one leaf into the output, the way the reference's `unflatten` does.
    fn place(
        &self,
        builder: &mut Builder<'a>,
        segments: &[u32],
        typed_ids: Option<&[TypedId]>,
        leaf: Out<'a>,
    ) -> Result<(), String> {
        let mut current = 0usize;
        let mut id_position = 0usize;
        for (position, &path) in segments.iter().enumerate() {
            let (PathKey(parent, segment), _) = self
                .paths
                .get_index(path as usize)
                .expect("paths are never removed");
            let last = position + 1 == segments.len();
            if segment.is_item() {
                let (first_typed, first_original) = self.first_ids[path as usize]
                    .as_ref()
                    .expect("array item paths record their first id");
                let override_typed = typed_ids
                    .and_then(|ids| ids.get(id_position))
                    .filter(|typed| *typed != first_typed);
                id_position += 1;
                // Fast path: the item this path was first placed at, under the same identifier.
                if override_typed.is_none() && builder.item_of_path[path as usize] != NONE {
                    current = builder.item_of_path[path as usize] as usize;
                    continue;
                }
                let typed = override_typed.unwrap_or(first_typed);
                let key = (*parent, typed.clone());
                if let Some(&existing) = builder.identifiers.get(&key) {
                    if override_typed.is_none() {
                        builder.item_of_path[path as usize] = existing as u32;
                    }
                    current = existing;
                    continue;
                }
                let mut item = Vec::new();
                let id = match override_typed {
                    None => (!matches!(typed, TypedId::Null | TypedId::Unique(_)))
                        .then(|| first_original.clone()),
                    Some(typed) => original_of(typed),
                };
                if let Some(id) = id {
                    let id_node = builder.push(Out::Leaf(id));
                    item.push((ID_MEMBER, id_node));
                }
                let item_node = builder.push(Out::Object(item));
                match builder.array_of(current) {
                    Some(array) => array.push(item_node),
                    None => {
                        return Err(format!(
                            "an earlier release had {} here, a later one has an array of objects; kept the earlier",
                            builder.describe(current)
                        ));
                    }
                }
                builder.identifiers.insert(key, item_node);
                if override_typed.is_none() {
                    builder.item_of_path[path as usize] = item_node as u32;
                }
                current = item_node;
                continue;
            }
            let Segment::Key(key) = segment else {
                unreachable!("items handled above")
            };
            let Out::Object(members) = &builder.nodes[current] else {
                return Err(format!(
                    "an earlier release had {} here, a later one has an object with a `{key}` member; kept the earlier",
                    builder.describe(current)
                ));
            };
            if let Some(&(_, child)) = members
                .iter()
                .find(|(member, _)| *member == path || member_name(&self.paths, *member) == &**key)
            {
                current = child;
            } else if !last {
                let next_is_item = self
                    .paths
                    .get_index(segments[position + 1] as usize)
                    .expect("paths are never removed")
                    .0
                    .1
                    .is_item();
                let child = builder.push(if next_is_item {
                    Out::Array(Vec::new())
                } else {
                    Out::Object(Vec::new())
                });
                if let Out::Object(members) = &mut builder.nodes[current] {
                    members.push((path, child));
                }
                current = child;
            } else {
                if matches!(&leaf, Out::Leaf(raw) if raw.kind == Kind::Null) {
                    return Ok(());
                }
                let child = builder.push(leaf);
                if let Out::Object(members) = &mut builder.nodes[current] {
                    members.push((path, child));
                }
                return Ok(());
            }
        }
        Ok(())
    }

    fn display_path(&self, segments: &[u32]) -> String {
        let mut text = String::new();
        for &path in segments {
            text.push('/');
            match &self
                .paths
                .get_index(path as usize)
                .expect("paths are never removed")
                .0
                .1
            {
                Segment::Key(key) | Segment::Id(key) => text.push_str(key),
                Segment::Unique(_) => text.push('-'),
            }
        }
        text
    }
}

/// The path standing for the `id` member of an array item, which has no path of its own.
const ID_MEMBER: u32 = u32::MAX - 1;

/// The name of an object member, from its path.
fn member_name(paths: &IndexMap<PathKey, (), FastHash>, path: u32) -> &str {
    if path == ID_MEMBER {
        return "id";
    }
    match &paths
        .get_index(path as usize)
        .expect("paths are never removed")
        .0
        .1
    {
        Segment::Key(key) => key,
        Segment::Id(_) | Segment::Unique(_) => {
            unreachable!("object members are named by key paths")
        }
    }
}

/// The `id` member of an item first seen with another type of identifier.
fn original_of(typed: &TypedId) -> Option<Raw<'static>> {
    match typed {
        TypedId::Null | TypedId::Unique(_) => None,
        TypedId::Number(canonical) => {
            let (mantissa, exponent) = canonical.split_once('e').unwrap_or((canonical, "0"));
            let text = if exponent == "0" {
                mantissa.to_owned()
            } else {
                format!("{mantissa}e{exponent}")
            };
            Some(Raw {
                text: Cow::Owned(text),
                kind: Kind::Number,
            })
        }
        TypedId::Text(text) => Some(Raw::string(text)),
        TypedId::Other(text) => Some(Raw {
            text: Cow::Owned(text.to_string()),
            kind: Kind::Object,
        }),
    }
}

/// Python's `str()` of a member, as used to make the compiled release's `id`.
fn python_text(node: Option<&Node<'_>>) -> String {
    match node {
        None => "None".to_owned(),
        Some(node) => identifier_text(node),
    }
}

/// Python's `repr()` of a string, as the reference quotes identifiers in its warnings.
fn python_str_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// The output under construction: nodes in an arena, so that arrays can be found again by the
/// identifiers of their items.
struct Builder<'a> {
    nodes: Vec<Out<'a>>,
    /// (path of the array, typed identifier) → the item's node.
    identifiers: std::collections::HashMap<(u32, TypedId), usize, FastHash>,
    /// Per item path, the node it was placed at under its first identifier.
    item_of_path: Vec<u32>,
}

enum Out<'a> {
    /// Members as (path of the member, node); the path names the member.
    Object(Vec<(u32, usize)>),
    Array(Vec<usize>),
    Leaf(Raw<'a>),
    Versions(Vec<Version<'a>>),
    Version(Version<'a>),
}

impl<'a> Builder<'a> {
    fn push(&mut self, node: Out<'a>) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The node as an array to append to, if it is one. A leaf that holds an array (of
    /// non-objects, or of versioned values) is turned into an array node: the reference
    /// appends objects to such lists.
    fn array_of(&mut self, index: usize) -> Option<&mut Vec<usize>> {
        let replaced = match &mut self.nodes[index] {
            Out::Leaf(raw) if raw.kind == Kind::Array => {
                let arena = json::Bump::new();
                let items: Vec<Raw<'a>> = match &raw.text {
                    Cow::Borrowed(text) => {
                        let text: &'a str = text;
                        match json::parse(text, &arena) {
                            Ok(Node {
                                body: Body::Array(items),
                                ..
                            }) => items
                                .iter()
                                .map(|item| {
                                    // The item's text, as a slice of `text` (not of the arena).
                                    let start = item.raw.as_ptr() as usize - text.as_ptr() as usize;
                                    Raw {
                                        text: Cow::Borrowed(&text[start..start + item.raw.len()]),
                                        kind: item.kind(),
                                    }
                                })
                                .collect(),
                            _ => Vec::new(),
                        }
                    }
                    Cow::Owned(text) => match json::parse(text, &arena) {
                        Ok(Node {
                            body: Body::Array(items),
                            ..
                        }) => items
                            .iter()
                            .map(|item| Raw {
                                text: Cow::Owned(item.raw.to_owned()),
                                kind: item.kind(),
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                };
                Some(items.into_iter().map(Out::Leaf).collect::<Vec<_>>())
            }
            Out::Versions(versions) => Some(
                std::mem::take(versions)
                    .into_iter()
                    .map(Out::Version)
                    .collect(),
            ),
            _ => None,
        };
        if let Some(children) = replaced {
            let indices = children.into_iter().map(|child| self.push(child)).collect();
            self.nodes[index] = Out::Array(indices);
        }
        match &mut self.nodes[index] {
            Out::Array(items) => Some(items),
            _ => None,
        }
    }

    fn describe(&self, index: usize) -> String {
        match &self.nodes[index] {
            Out::Object(_) => "an object".into(),
            Out::Array(_) => "an array".into(),
            Out::Leaf(raw) => format!("the value {}", raw.text),
            Out::Versions(_) | Out::Version(_) => "a versioned value".into(),
        }
    }

    fn write(&self, index: usize, paths: &IndexMap<PathKey, (), FastHash>, out: &mut String) {
        match &self.nodes[index] {
            Out::Object(members) => {
                out.push('{');
                for (position, (key, child)) in members.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    json::write_string(member_name(paths, *key), out);
                    out.push(':');
                    self.write(*child, paths, out);
                }
                out.push('}');
            }
            Out::Array(items) => {
                out.push('[');
                for (position, child) in items.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    self.write(*child, paths, out);
                }
                out.push(']');
            }
            Out::Leaf(raw) => json::write_minified(&raw.text, out),
            Out::Versions(versions) => {
                out.push('[');
                for (position, version) in versions.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    write_version(version, out);
                }
                out.push(']');
            }
            Out::Version(version) => write_version(version, out),
        }
    }
}

fn write_version(version: &Version<'_>, out: &mut String) {
    out.push_str("{\"releaseID\":");
    json::write_minified(&version.release_id.text, out);
    out.push_str(",\"releaseDate\":");
    json::write_minified(&version.release_date.text, out);
    out.push_str(",\"releaseTag\":");
    json::write_minified(&version.release_tag.text, out);
    out.push_str(",\"value\":");
    json::write_minified(&version.value.text, out);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> MergeRules {
        MergeRules::for_extensions(&[])
    }

    #[test]
    fn duplicate_member_names_are_found() {
        // (names, whether one repeats), by hand: long names alike in length and first eight
        // bytes, and objects past the 24 members compared word by word.
        let many: Vec<String> = (0..30).map(|number| format!("member{number}")).collect();
        let cases: Vec<(Vec<&str>, bool)> = vec![
            (vec!["id", "date", "ocid"], false),
            (vec!["id", "date", "id"], true),
            (vec!["procuringX", "procuringY"], false),
            (vec!["procuringX", "tender", "procuringX"], true),
            (vec!["", "a", ""], true),
            (many.iter().map(String::as_str).collect(), false),
            (
                many.iter().chain(&many[3..4]).map(String::as_str).collect(),
                true,
            ),
        ];
        for (names, repeats) in cases {
            let text = format!(
                "{{{}}}",
                names
                    .iter()
                    .map(|name| format!("\"{name}\": 1"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let arena = json::Bump::new();
            let Body::Object(members) = json::parse(&text, &arena).unwrap().body else {
                panic!("an object")
            };
            assert_eq!(has_duplicate_keys(members), repeats, "{names:?}");
        }
    }

    /// A small deterministic generator (xorshift64*), so that a failure can be replayed.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }
        fn pick<'p>(&mut self, choices: &[&'p str]) -> &'p str {
            choices[self.below(choices.len())]
        }
    }

    /// Member names the random values use.
    const KEYS: &[&str] = &[
        "a",
        "b",
        "\\u0062",
        "id",
        "tender",
        "items",
        "awards",
        "parties",
        "roles",
        "value",
        "additionalClassifications",
        "title",
    ];

    /// JSON text of a random value for the member `key`, `depth` levels deep at most, drawing
    /// on names and identifiers that collide in the ways the merge treats specially. When
    /// `tame`, each name always holds the same shape and identifiers are strings or integers,
    /// as in most real data (the direct merge's case).
    fn random_value(random: &mut Random, depth: usize, tame: bool, key: &str, out: &mut String) {
        const SCALARS: &[&str] = &[
            "1",
            "1.0",
            "\"s\"",
            "null",
            "true",
            "\"\\u0031\"",
            "-0",
            "[1, 2]",
            "[]",
        ];
        const IDS: &[&str] = &[
            "\"1\"",
            "1",
            "\"a\"",
            "\"\\u0061\"",
            "1.0",
            "true",
            "null",
            "-0",
            "0",
            "{}",
            "\"2\"",
        ];
        const TAME_IDS: &[&str] = &["\"1\"", "\"a\"", "\"\\u0061\"", "\"2\"", "3", "-0"];
        let choice = if tame {
            match key {
                "tender" | "value" => 5,
                "items" | "awards" | "parties" => 9,
                _ => 0,
            }
        } else if depth == 0 {
            0
        } else {
            random.below(10)
        };
        match choice {
            0..=3 => out.push_str(random.pick(SCALARS)),
            _ if depth == 0 => out.push_str(if choice < 7 { "{}" } else { "[]" }),
            4..=6 => {
                out.push('{');
                for position in 0..random.below(4) {
                    if position > 0 {
                        out.push_str(", ");
                    }
                    random_member(random, depth - 1, tame, out);
                }
                out.push('}');
            }
            _ => {
                out.push('[');
                for position in 0..random.below(4) {
                    if position > 0 {
                        out.push(',');
                    }
                    if !tame && random.below(12) == 0 {
                        random_value(random, depth - 1, tame, key, out);
                        continue;
                    }
                    out.push('{');
                    let mut members = 0;
                    if random.below(5) > 0 {
                        out.push_str("\"id\": ");
                        out.push_str(random.pick(if tame { TAME_IDS } else { IDS }));
                        members += 1;
                    }
                    for _ in 0..random.below(3) {
                        if members > 0 {
                            out.push(',');
                        }
                        members += 1;
                        random_member(random, depth - 1, tame, out);
                    }
                    out.push('}');
                }
                out.push(']');
            }
        }
    }

    /// `"key": value` with a random key and a value of at most `depth` levels for it.
    fn random_member(random: &mut Random, depth: usize, tame: bool, out: &mut String) {
        let key = random.pick(KEYS);
        out.push('"');
        out.push_str(key);
        out.push_str("\": ");
        random_value(random, depth, tame, key, out);
    }

    fn random_release(random: &mut Random, number: usize, tame: bool) -> String {
        let mut out = format!(
            r#"{{"ocid": "o", "id": "{number}", "date": "2020-01-0{}T00:00:00Z", "tag": ["tender"]"#,
            1 + random.below(3)
        );
        for _ in 0..random.below(5) {
            let key = random.pick(&["tender", "awards", "parties", "a", "b", "ocid", "tag"]);
            out.push_str(", \"");
            out.push_str(key);
            out.push_str("\": ");
            random_value(random, 4, tame, key, &mut out);
        }
        out.push('}');
        out
    }

    #[test]
    fn direct_merge_equals_flatten_and_unflatten() {
        let rule_sets = [rules(), MergeRules::none()];
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        let mut direct = 0;
        for case in 0..20_000 {
            let releases: Vec<String> = (0..1 + random.below(4))
                .map(|number| random_release(&mut random, number, case % 4 < 2))
                .collect();
            let rules = &rule_sets[case % 2];
            let general = merge_texts_by(&releases, rules, Mode::Compiled, false);
            let fast = merge_texts_by(&releases, rules, Mode::Compiled, true);
            assert_eq!(fast, general, "case {case}: {releases:#?}");
            let arena = json::Bump::new();
            let nodes: Vec<Node<'_>> = releases
                .iter()
                .map(|text| json::parse(text, &arena).unwrap())
                .collect();
            if direct::compile(&nodes, &rules.root).is_some() {
                direct += 1;
            }
        }
        // Both routes were exercised (a coverage check, not a result: this generator sends
        // 1,536 of the 20,000 the direct way).
        assert!(
            direct > 1_000 && direct < 18_000,
            "{direct} merged directly"
        );
    }

    #[test]
    fn number_texts_match_python() {
        // Each expected text is what `str(int(x))` or `str(decimal.Decimal(x))` prints in
        // CPython 3.11, as `ijson` reads a number literal `x`.
        for (literal, expected) in [
            ("1", "1"),
            ("-0", "0"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("1.50", "1.50"),
            ("1e2", "1E+2"),
            ("100.0", "100.0"),
            ("1.5e-7", "1.5E-7"),
            ("0.0000015", "0.0000015"),
            ("-0.5", "-0.5"),
            ("12.5E3", "1.25E+4"),
            ("0.0", "0.0"),
            ("1e-6", "0.000001"),
            ("0e5", "0E+5"),
            ("5E-1", "0.5"),
        ] {
            assert_eq!(python_number_text(literal), expected, "{literal}");
        }
        assert_eq!(canonical_number("1"), canonical_number("1.000"));
        assert_eq!(canonical_number("10e-1"), canonical_number("1"));
        assert_ne!(canonical_number("1"), canonical_number("-1"));
        assert_eq!(canonical_number("-0.0"), canonical_number("0"));
    }

    #[test]
    fn compiled_release_has_tag_id_date_ocid_first() {
        let merged = compile_texts(
            &[
                r#"{"ocid": "o", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"], "tender": {"title": "A"}}"#,
                r#"{"ocid": "o", "id": "2", "date": "2020-01-02T00:00:00Z", "tag": ["award"], "tender": {"title": "B", "items": [ 1, 2 ]}}"#,
            ],
            &rules(),
        );
        assert_eq!(
            merged.json,
            r#"{"tag":["compiled"],"id":"o-2020-01-02T00:00:00Z","date":"2020-01-02T00:00:00Z","ocid":"o","tender":{"title":"B","items":[1,2]}}"#
        );
    }

    #[test]
    fn null_removes_a_field_but_keeps_its_parent() {
        let merged = compile(
            vec![
                json!({"ocid": "o", "date": "2020-01-01T00:00:00Z", "tender": {"title": "A"}}),
                json!({"ocid": "o", "date": "2020-01-02T00:00:00Z", "tender": {"title": null}}),
            ],
            &rules(),
        );
        assert_eq!(merged.release["tender"], json!({}));
    }

    #[test]
    fn dates_are_ordered_as_points_in_time() {
        // 10:00+06:00 is 04:00Z, earlier than 05:00Z, though its text sorts later.
        let merged = compile(
            vec![
                json!({"ocid": "o", "date": "2020-01-01T05:00:00Z", "tender": {"title": "later"}}),
                json!({"ocid": "o", "date": "2020-01-01T10:00:00+06:00", "tender": {"title": "earlier"}}),
            ],
            &rules(),
        );
        assert_eq!(merged.release["tender"]["title"], "later");
        assert_eq!(merged.release["date"], "2020-01-01T05:00:00Z");
    }

    #[test]
    fn mixed_identifier_types_split_items() {
        let merged = compile(
            vec![
                json!({"ocid": "o", "date": "2020-01-01T00:00:00Z", "awards": [{"id": 1, "title": "a"}]}),
                json!({"ocid": "o", "date": "2020-01-02T00:00:00Z", "awards": [{"id": "1", "status": "active"}]}),
            ],
            &rules(),
        );
        assert_eq!(
            merged.release["awards"],
            json!([{"id": 1, "title": "a"}, {"id": "1", "status": "active"}])
        );
    }

    #[test]
    fn duplicate_ids_warn_and_merge() {
        let merged = compile(
            vec![
                json!({"ocid": "o", "date": "2020-01-01T00:00:00Z", "awards": [{"id": "1", "title": "a"}, {"id": "1", "status": "x"}]}),
            ],
            &rules(),
        );
        assert_eq!(
            merged.release["awards"],
            json!([{"id": "1", "title": "a", "status": "x"}])
        );
        assert_eq!(merged.warnings.len(), 1);
        assert_eq!(
            merged.warnings[0].message,
            "Multiple objects have the `id` value '1' in the `awards` array"
        );
        assert_eq!(merged.warnings[0].path, "/awards");
    }

    #[test]
    fn repeated_member_names_keep_the_last_value() {
        let merged = compile_texts(
            &[r#"{"ocid":"o","date":"2020-01-01T00:00:00Z","tender":{"a":1},"tender":{"b":2}}"#],
            &rules(),
        );
        assert_eq!(
            merged.json,
            r#"{"tag":["compiled"],"id":"o-2020-01-01T00:00:00Z","date":"2020-01-01T00:00:00Z","ocid":"o","tender":{"b":2}}"#
        );
    }

    #[test]
    fn type_conflict_warns_and_keeps_the_earlier() {
        let merged = compile(
            vec![
                json!({"ocid": "o", "date": "2020-01-01T00:00:00Z", "tender": {"x": "text"}}),
                json!({"ocid": "o", "date": "2020-01-02T00:00:00Z", "tender": {"x": {"a": 1}}}),
            ],
            &rules(),
        );
        assert_eq!(merged.release["tender"]["x"], "text");
        assert_eq!(merged.warnings.len(), 1);
        assert_eq!(merged.warnings[0].path, "/tender/x/a");
    }

    #[test]
    fn versioned_release_records_changes_only() {
        let merged = versioned(
            vec![
                json!({"ocid": "o", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"], "tender": {"title": "A", "status": "active"}}),
                json!({"ocid": "o", "id": "2", "date": "2020-01-02T00:00:00Z", "tag": ["tenderUpdate"], "tender": {"title": "A", "status": "complete"}}),
            ],
            &rules(),
        );
        assert_eq!(
            merged.release,
            json!({
                "ocid": "o",
                "tender": {
                    "title": [{"releaseID": "1", "releaseDate": "2020-01-01T00:00:00Z", "releaseTag": ["tender"], "value": "A"}],
                    "status": [
                        {"releaseID": "1", "releaseDate": "2020-01-01T00:00:00Z", "releaseTag": ["tender"], "value": "active"},
                        {"releaseID": "2", "releaseDate": "2020-01-02T00:00:00Z", "releaseTag": ["tenderUpdate"], "value": "complete"}
                    ]
                }
            })
        );
    }
}
