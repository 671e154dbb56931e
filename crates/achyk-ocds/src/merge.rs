//! Merging the releases of one contracting process into its compiled release (the current
//! state) and its versioned release (every value's history), with the same results as OCP's
//! reference implementation, `ocdsmerge`.
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
//! One deliberate difference: releases are ordered by `date` as a point in time, where the
//! reference compares the text. The two agree whenever the dates use the same offset.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use indexmap::{Equivalent, IndexMap};
use serde_json::{Map, Number, Value};

use crate::release::{ReleaseHead, parse_instant};
use crate::rules::{MergeRules, Rule, RuleNode};

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
        write!(f, "{} {}: {}", self.ocid, self.path, self.message)
    }
}

/// The result of merging the releases of one process.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub release: Value,
    pub warnings: Vec<MergeWarning>,
}

/// Merges the releases of one contracting process into its compiled release.
///
/// `releases` are in input order and should all have the same `ocid` and a usable `date` (see
/// [`ReleaseHead`]); they are ordered by `date` as a point in time here, ties keeping input
/// order. A release whose `date` cannot be read sorts first.
pub fn compile(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    merge(releases, rules, Mode::Compiled)
}

/// Like [`compile`], but writes the versioned release.
pub fn versioned(releases: Vec<Value>, rules: &MergeRules) -> Merged {
    merge(releases, rules, Mode::Versioned)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Compiled,
    Versioned,
}

fn merge(releases: Vec<Value>, rules: &MergeRules, mode: Mode) -> Merged {
    let mut releases = releases;
    if releases.len() > 1 {
        let instant_of = |release: &Value| {
            release
                .get("date")
                .and_then(Value::as_str)
                .and_then(parse_instant)
        };
        let mut keyed: Vec<(Option<i128>, Value)> = releases
            .into_iter()
            .map(|release| (instant_of(&release), release))
            .collect();
        // `sort_by` is stable: releases at the same instant keep their input order.
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        releases = keyed.into_iter().map(|(_, release)| release).collect();
    }
    let ocid = releases
        .iter()
        .find_map(|release| ReleaseHead::of(release).ok().map(|head| head.ocid))
        .or_else(|| {
            releases.iter().find_map(|release| {
                release
                    .get("ocid")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        })
        .unwrap_or_default();

    let mut state = State::new(mode, ocid);
    if mode == Mode::Compiled {
        state.set(
            ROOT_TAG,
            Stored::Plain(Value::Array(vec![Value::String("compiled".into())])),
            None,
        );
    }
    for release in releases {
        state.append(release, rules);
    }
    let release = state.unflatten();
    Merged {
        release,
        warnings: state.warnings,
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

/// A borrowed [`Segment`], to look paths up without allocating.
#[derive(Clone, Copy)]
enum SegmentRef<'a> {
    Key(&'a str),
    Id(&'a str),
    Unique(u64),
}

fn hash_segment<H: Hasher>(parent: u32, segment: SegmentRef<'_>, state: &mut H) {
    parent.hash(state);
    match segment {
        SegmentRef::Key(key) => {
            0u8.hash(state);
            key.hash(state);
        }
        SegmentRef::Id(id) => {
            1u8.hash(state);
            id.hash(state);
        }
        SegmentRef::Unique(unique) => {
            2u8.hash(state);
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PathKey(u32, Segment);

impl Hash for PathKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_segment(self.0, self.1.as_ref(), state);
    }
}

struct PathQuery<'a>(u32, SegmentRef<'a>);

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
    Integer(i128),
    Float(u64),
    Text(Box<str>),
    /// No `id` at all.
    Unique(u64),
    /// An object or array as an `id` (the reference fails on these; here they compare by text).
    Other(Box<str>),
}

impl TypedId {
    fn of(id: &Value) -> TypedId {
        match id {
            Value::Null => TypedId::Null,
            Value::Bool(flag) => TypedId::Integer(i128::from(*flag)),
            Value::Number(number) => typed_number(number),
            Value::String(text) => TypedId::Text(text.as_str().into()),
            other => TypedId::Other(other.to_string().into()),
        }
    }

    /// The `id` member the rebuilt item gets, if any.
    fn original(&self, original: &Value) -> Option<Value> {
        match self {
            TypedId::Null | TypedId::Unique(_) => None,
            _ => Some(original.clone()),
        }
    }
}

fn typed_number(number: &Number) -> TypedId {
    if let Some(integer) = number.as_i64() {
        TypedId::Integer(i128::from(integer))
    } else if let Some(integer) = number.as_u64() {
        TypedId::Integer(i128::from(integer))
    } else {
        let float = number.as_f64().unwrap_or(f64::NAN);
        if float.fract() == 0.0 && float.abs() < 1e30 {
            TypedId::Integer(float as i128)
        } else {
            TypedId::Float(float.to_bits())
        }
    }
}

/// The text form the reference gives an identifier (Python's `str()`), which decides which
/// array items merge.
fn identifier_text(id: &Value) -> String {
    match id {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(integer), _) => integer.to_string(),
            (None, Some(integer)) => integer.to_string(),
            _ => python_float_repr(number.as_f64().unwrap_or(f64::NAN)),
        },
        other => other.to_string(),
    }
}

/// Python's `repr()` of a float: the shortest text that reads back as the same float, in
/// positional notation when the exponent is between -5 and 15, in scientific otherwise.
fn python_float_repr(float: f64) -> String {
    if float.is_nan() {
        return "nan".into();
    }
    if float.is_infinite() {
        return if float > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let scientific = format!("{float:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes a decimal exponent");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let text = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{text}")
    } else {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{sign}{}{rest}e{exponent_sign}{:02}",
            &digits[..1],
            exponent.abs()
        )
    }
}

/// Equality as the reference sees it when deciding whether a value changed: numbers by value
/// (with `true` equal to `1`), objects whatever their member order, arrays item by item.
fn python_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| python_equal(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| python_equal(a, b))
        }
        (Value::Number(_) | Value::Bool(_), Value::Number(_) | Value::Bool(_)) => {
            numeric_compare(a, b) == Some(Ordering::Equal)
        }
        _ => a == b,
    }
}

fn numeric_compare(a: &Value, b: &Value) -> Option<Ordering> {
    fn exact(value: &Value) -> Option<i128> {
        match value {
            Value::Bool(flag) => Some(i128::from(*flag)),
            Value::Number(number) => number
                .as_i64()
                .map(i128::from)
                .or_else(|| number.as_u64().map(i128::from)),
            _ => None,
        }
    }
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => {
            let float = |value: &Value| match value {
                Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
                Value::Number(number) => number.as_f64(),
                _ => None,
            };
            float(a)?.partial_cmp(&float(b)?)
        }
    }
}

/// The path of the compiled release's `tag`, made before anything else.
const ROOT_TAG: &str = "tag";

/// A leaf as stored in the ordered map.
enum Stored {
    Plain(Value),
    Versions(Vec<Version>),
}

struct Version {
    release_id: Value,
    release_date: Value,
    release_tag: Value,
    value: Value,
}

/// One leaf of the ordered map: its value and, when they differ from the types first seen at
/// its path, the typed identifiers of the array items on its path.
struct Slot {
    stored: Stored,
    typed_ids: Option<Box<[TypedId]>>,
}

/// A leaf collected from one release, before it is applied.
struct Leaf {
    path: u32,
    value: Value,
    typed_ids: Option<Box<[TypedId]>>,
}

struct State {
    mode: Mode,
    ocid: String,
    /// Every path seen, as (parent path, last segment); path 0 is the root.
    paths: IndexMap<PathKey, ()>,
    /// For each path ending in an array item, the typed identifier and the `id` value it was
    /// first seen with.
    first_ids: HashMap<u32, (TypedId, Value)>,
    /// The ordered map of leaves.
    leaves: IndexMap<u32, Slot>,
    next_unique: u64,
    warnings: Vec<MergeWarning>,
}

const ROOT: u32 = u32::MAX;

impl State {
    fn new(mode: Mode, ocid: String) -> State {
        State {
            mode,
            ocid,
            paths: IndexMap::new(),
            first_ids: HashMap::new(),
            leaves: IndexMap::new(),
            next_unique: 0,
            warnings: Vec::new(),
        }
    }

    fn path(&mut self, parent: u32, segment: SegmentRef<'_>) -> (u32, bool) {
        if let Some(index) = self.paths.get_index_of(&PathQuery(parent, segment)) {
            return (index as u32, false);
        }
        let owned = match segment {
            SegmentRef::Key(key) => Segment::Key(key.into()),
            SegmentRef::Id(id) => Segment::Id(id.into()),
            SegmentRef::Unique(unique) => Segment::Unique(unique),
        };
        let (index, _) = self.paths.insert_full(PathKey(parent, owned), ());
        (index as u32, true)
    }

    fn top_level(&mut self, key: &str) -> u32 {
        self.path(ROOT, SegmentRef::Key(key)).0
    }

    fn set(&mut self, key: &str, stored: Stored, typed_ids: Option<Box<[TypedId]>>) {
        let path = self.top_level(key);
        match self.leaves.get_mut(&path) {
            Some(slot) => slot.stored = stored,
            None => {
                self.leaves.insert(path, Slot { stored, typed_ids });
            }
        }
    }

    fn append(&mut self, release: Value, rules: &MergeRules) {
        let Value::Object(mut members) = release else {
            return;
        };
        let ocid = members.get("ocid").cloned().unwrap_or(Value::Null);
        let release_id = members.get("id").cloned().unwrap_or(Value::Null);
        let date = members.get("date").cloned().unwrap_or(Value::Null);
        // The reference drops `tag` before flattening (it was not omitted by the schema before
        // OCDS 1.1.4) and keeps it only as the `releaseTag` of versioned values.
        let tag = members.shift_remove("tag").unwrap_or(Value::Null);

        let mut collected = Collected::default();
        let mut context = FlattenContext {
            typed_stack: Vec::new(),
            differs: false,
        };
        self.flatten_object(members, &rules.root, ROOT, "", &mut context, &mut collected);

        match self.mode {
            Mode::Compiled => {
                let id = format!("{}-{}", python_text(&ocid), python_text(&date));
                self.set("id", Stored::Plain(Value::String(id)), None);
                self.set("date", Stored::Plain(date), None);
                self.set("ocid", Stored::Plain(ocid), None);
                for leaf in collected.leaves {
                    match self.leaves.get_mut(&leaf.path) {
                        Some(slot) => slot.stored = Stored::Plain(leaf.value),
                        None => {
                            self.leaves.insert(
                                leaf.path,
                                Slot {
                                    stored: Stored::Plain(leaf.value),
                                    typed_ids: leaf.typed_ids,
                                },
                            );
                        }
                    }
                }
            }
            Mode::Versioned => {
                let ocid_path = self.top_level("ocid");
                self.set("ocid", Stored::Plain(ocid), None);
                for leaf in collected.leaves {
                    if leaf.path == ocid_path {
                        continue;
                    }
                    let version = |value| Version {
                        release_id: release_id.clone(),
                        release_date: date.clone(),
                        release_tag: tag.clone(),
                        value,
                    };
                    match self.leaves.get_mut(&leaf.path) {
                        Some(slot) => match &mut slot.stored {
                            Stored::Versions(versions) => {
                                let unchanged = versions
                                    .last()
                                    .is_some_and(|last| python_equal(&last.value, &leaf.value));
                                if !unchanged {
                                    versions.push(version(leaf.value));
                                }
                            }
                            Stored::Plain(_) => {}
                        },
                        None => {
                            self.leaves.insert(
                                leaf.path,
                                Slot {
                                    stored: Stored::Versions(vec![version(leaf.value)]),
                                    typed_ids: leaf.typed_ids,
                                },
                            );
                        }
                    }
                }
            }
        }
    }

    fn flatten_object(
        &mut self,
        members: Map<String, Value>,
        rules: &RuleNode,
        parent: u32,
        rule_path: &str,
        context: &mut FlattenContext,
        collected: &mut Collected,
    ) {
        for (key, value) in members {
            let child_rules = rules.children.get(&key);
            let rule = child_rules.and_then(|node| node.rule);
            if rule == Some(Rule::Omit) {
                continue;
            }
            let (path, _) = self.path(parent, SegmentRef::Key(&key));
            let is_leaf = rule == Some(Rule::WholeList)
                || !matches!(value, Value::Object(_) | Value::Array(_))
                || matches!(&value, Value::Array(items) if items.iter().any(|item| !item.is_object()));
            if is_leaf {
                collected.push(path, value, context);
                continue;
            }
            let empty_rules = RuleNode::default();
            let child_rules = child_rules.unwrap_or(&empty_rules);
            let child_rule_path = if rule_path.is_empty() {
                key.clone()
            } else {
                format!("{rule_path}.{key}")
            };
            match value {
                Value::Object(child) if !child.is_empty() => {
                    self.flatten_object(
                        child,
                        child_rules,
                        path,
                        &child_rule_path,
                        context,
                        collected,
                    );
                }
                Value::Array(items) if !items.is_empty() => {
                    self.flatten_array(
                        items,
                        child_rules,
                        path,
                        &child_rule_path,
                        context,
                        collected,
                    );
                }
                _ => {}
            }
        }
    }

    fn flatten_array(
        &mut self,
        items: Vec<Value>,
        rules: &RuleNode,
        parent: u32,
        rule_path: &str,
        context: &mut FlattenContext,
        collected: &mut Collected,
    ) {
        // Which position first used each identifier text, to report duplicates.
        let mut first_position: HashMap<String, usize> = HashMap::new();
        for (position, item) in items.into_iter().enumerate() {
            let Value::Object(members) = item else {
                continue;
            };
            let (segment_text, typed, original) = match members.get("id") {
                Some(id) => (Some(identifier_text(id)), TypedId::of(id), id.clone()),
                None => {
                    self.next_unique += 1;
                    (None, TypedId::Unique(self.next_unique), Value::Null)
                }
            };
            let segment = match &segment_text {
                Some(text) => {
                    let first = *first_position.entry(text.clone()).or_insert(position);
                    if first != position {
                        self.warnings.push(MergeWarning {
                            ocid: self.ocid.clone(),
                            path: format!("/{}", rule_path.replace('.', "/")),
                            message: format!("Multiple objects have the `id` value {} in the `{rule_path}` array", python_str_repr(text)),
                        });
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
                self.first_ids.insert(path, (typed.clone(), original));
            } else if let Some((first_typed, _)) = self.first_ids.get(&path)
                && *first_typed != typed
            {
                context.differs = true;
            }
            context.typed_stack.push(typed);
            self.flatten_object(members, rules, path, rule_path, context, collected);
            context.typed_stack.pop();
            context.differs = saved_differs;
        }
    }

    fn unflatten(&mut self) -> Value {
        let mut builder = Builder {
            nodes: vec![Node::Object(IndexMap::new())],
            identifiers: HashMap::new(),
        };
        let leaves = std::mem::take(&mut self.leaves);
        let mut segments: Vec<u32> = Vec::new();
        for (path, slot) in leaves {
            segments.clear();
            let mut cursor = path;
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
            let value = match slot.stored {
                Stored::Plain(value) => value,
                Stored::Versions(versions) => Value::Array(
                    versions
                        .into_iter()
                        .map(|version| {
                            let mut members = Map::new();
                            members.insert("releaseID".into(), version.release_id);
                            members.insert("releaseDate".into(), version.release_date);
                            members.insert("releaseTag".into(), version.release_tag);
                            members.insert("value".into(), version.value);
                            Value::Object(members)
                        })
                        .collect(),
                ),
            };
            if let Err(conflict) =
                self.place(&mut builder, &segments, slot.typed_ids.as_deref(), value)
            {
                self.warnings.push(MergeWarning {
                    ocid: self.ocid.clone(),
                    path: self.display_path(&segments),
                    message: conflict,
                });
            }
        }
        builder.into_value(0)
    }

    /// Puts one leaf into the output, the way the reference's `unflatten` does.
    fn place(
        &self,
        builder: &mut Builder,
        segments: &[u32],
        typed_ids: Option<&[TypedId]>,
        value: Value,
    ) -> Result<(), String> {
        let mut current = 0usize;
        let mut id_position = 0usize;
        for (position, &path) in segments.iter().enumerate() {
            let (PathKey(parent, segment), _) = self
                .paths
                .get_index(path as usize)
                .expect("paths are never removed");
            let last = position + 1 == segments.len();
            match segment {
                Segment::Id(_) | Segment::Unique(_) => {
                    let (first_typed, first_original) = self
                        .first_ids
                        .get(&path)
                        .expect("array item paths record their first id");
                    let typed = typed_ids
                        .and_then(|ids| ids.get(id_position))
                        .unwrap_or(first_typed);
                    id_position += 1;
                    let key = (*parent, typed.clone());
                    if let Some(&existing) = builder.identifiers.get(&key) {
                        current = existing;
                        continue;
                    }
                    let mut item = IndexMap::new();
                    let original = if typed == first_typed {
                        first_original.clone()
                    } else {
                        original_of(typed)
                    };
                    if let Some(id) = typed.original(&original) {
                        let id_node = builder.push(Node::Leaf(id));
                        item.insert("id".to_owned(), id_node);
                    }
                    let item_node = builder.push(Node::Object(item));
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
                    current = item_node;
                }
                Segment::Key(key) => {
                    let Node::Object(members) = &builder.nodes[current] else {
                        return Err(format!(
                            "an earlier release had {} here, a later one has an object with a `{key}` member; kept the earlier",
                            builder.describe(current)
                        ));
                    };
                    if let Some(&child) = members.get(&**key) {
                        current = child;
                    } else if !last {
                        let next_is_item = matches!(
                            self.paths
                                .get_index(segments[position + 1] as usize)
                                .expect("paths are never removed")
                                .0
                                .1,
                            Segment::Id(_) | Segment::Unique(_)
                        );
                        let child = builder.push(if next_is_item {
                            Node::Array(Vec::new())
                        } else {
                            Node::Object(IndexMap::new())
                        });
                        if let Node::Object(members) = &mut builder.nodes[current] {
                            members.insert(key.to_string(), child);
                        }
                        current = child;
                    } else if !value.is_null() {
                        let child = builder.push(Node::Leaf(value));
                        if let Node::Object(members) = &mut builder.nodes[current] {
                            members.insert(key.to_string(), child);
                        }
                        return Ok(());
                    }
                }
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

/// The `id` value of an item first seen with another type of identifier.
fn original_of(typed: &TypedId) -> Value {
    match typed {
        TypedId::Null | TypedId::Unique(_) => Value::Null,
        TypedId::Integer(integer) => {
            if let Ok(small) = i64::try_from(*integer) {
                Value::from(small)
            } else {
                Value::from(*integer as f64)
            }
        }
        TypedId::Float(bits) => {
            Number::from_f64(f64::from_bits(*bits)).map_or(Value::Null, Value::Number)
        }
        TypedId::Text(text) => Value::String(text.to_string()),
        TypedId::Other(text) => serde_json::from_str(text).unwrap_or(Value::Null),
    }
}

/// Python's `str()` of a JSON value, as used to make the compiled release's `id`.
fn python_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => identifier_text(other),
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

struct FlattenContext {
    /// Typed identifiers of the array items on the current path.
    typed_stack: Vec<TypedId>,
    /// Whether one of them differs from the one first seen at its path.
    differs: bool,
}

/// The leaves of one release, in order, each path once (a later duplicate takes the first
/// one's place, as assigning to a key of a Python dict does).
#[derive(Default)]
struct Collected {
    leaves: Vec<Leaf>,
    positions: HashMap<u32, usize>,
}

impl Collected {
    fn push(&mut self, path: u32, value: Value, context: &FlattenContext) {
        match self.positions.get(&path) {
            Some(&position) => self.leaves[position].value = value,
            None => {
                self.positions.insert(path, self.leaves.len());
                let typed_ids = context
                    .differs
                    .then(|| context.typed_stack.clone().into_boxed_slice());
                self.leaves.push(Leaf {
                    path,
                    value,
                    typed_ids,
                });
            }
        }
    }
}

/// The output under construction: nodes in an arena, so that arrays can be found again by the
/// identifiers of their items.
struct Builder {
    nodes: Vec<Node>,
    /// (path of the array, typed identifier) → the item's node.
    identifiers: HashMap<(u32, TypedId), usize>,
}

enum Node {
    Object(IndexMap<String, usize>),
    Array(Vec<usize>),
    Leaf(Value),
}

impl Builder {
    fn push(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The node as an array to append to, if it is one. A leaf that holds an array of
    /// non-objects is turned into an array node: the reference appends objects to it.
    fn array_of(&mut self, index: usize) -> Option<&mut Vec<usize>> {
        if let Node::Leaf(Value::Array(items)) = &mut self.nodes[index] {
            let items = std::mem::take(items);
            let children: Vec<usize> = items
                .into_iter()
                .map(|item| self.push(Node::Leaf(item)))
                .collect();
            self.nodes[index] = Node::Array(children);
        }
        match &mut self.nodes[index] {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    fn describe(&self, index: usize) -> String {
        match &self.nodes[index] {
            Node::Object(_) => "an object".into(),
            Node::Array(_) => "an array".into(),
            Node::Leaf(value) => format!("the value {value}"),
        }
    }

    fn into_value(&mut self, index: usize) -> Value {
        match std::mem::replace(&mut self.nodes[index], Node::Leaf(Value::Null)) {
            Node::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(key, child)| (key, self.into_value(child)))
                    .collect(),
            ),
            Node::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|child| self.into_value(child))
                    .collect(),
            ),
            Node::Leaf(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> MergeRules {
        MergeRules::for_extensions(&[])
    }

    #[test]
    fn python_float_repr_matches_python() {
        // Each expected text is what `repr(float(x))` prints in CPython 3.
        for (float, expected) in [
            (1.5, "1.5"),
            (100.0, "100.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (123456.789, "123456.789"),
            (1.2345e20, "1.2345e+20"),
        ] {
            assert_eq!(python_float_repr(float), expected);
        }
    }

    #[test]
    fn compiled_release_has_tag_id_date_ocid_first() {
        let merged = compile(
            vec![
                json!({"ocid": "o", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"], "tender": {"title": "A"}}),
                json!({"ocid": "o", "id": "2", "date": "2020-01-02T00:00:00Z", "tag": ["award"], "tender": {"title": "B"}}),
            ],
            &rules(),
        );
        let text = serde_json::to_string(&merged.release).unwrap();
        assert_eq!(
            text,
            r#"{"tag":["compiled"],"id":"o-2020-01-02T00:00:00Z","date":"2020-01-02T00:00:00Z","ocid":"o","tender":{"title":"B"}}"#
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
