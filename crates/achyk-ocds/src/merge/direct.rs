//! The compiled release built straight from the releases' trees, for the common case.
//!
//! The reference's flatten → ordered map → unflatten puts every member and array item where
//! the first leaf below it was first seen, and the value of each leaf is the last one seen. As
//! long as every path keeps one shape (always a leaf, always an object, or always an array of
//! objects), that is what merging the trees member by member gives, when a member or an item is
//! added at its first leaf (an empty object or array adds nothing) and the output leaves out
//! `null` leaves. So this module merges trees, and gives up (returns `None`) whenever the input
//! leaves that case: a path changing shape, a repeated member name, a repeated or `null`
//! identifier, an identifier that is neither a string nor an integer, items whose identifiers
//! have the same text but different types, an item that adds nothing the first time its
//! identifier is met. Those, and everything the reference would warn about, go through the
//! general merge, which gives the same output in every case (a test holds the two to each
//! other on random releases).

use std::borrow::Cow;

use crate::json::{self, Body, Kind, Node};
use crate::rules::{Rule, RuleNode};

use super::{has_duplicate_keys, python_text};

/// A member of an object under construction.
struct Member<'a> {
    key: Cow<'a, str>,
    value: Value<'a>,
    /// Its merge rules, kept so that later releases need not look them up.
    rules: &'a RuleNode,
}

enum Value<'a> {
    /// The exact text of the last value seen (a `null` is left out of the output).
    Leaf(&'a str),
    /// Owned text: the compiled release's `id`.
    OwnedLeaf(String),
    Object(Vec<Member<'a>>),
    Items(Vec<Item<'a>>),
}

/// An item of an array of objects.
struct Item<'a> {
    /// The identifier as the reference keys it (Python's `str()`); `None` for an item without
    /// `id`, which never merges.
    key: Option<Cow<'a, str>>,
    /// Whether the identifier is a string (else an integer).
    string: bool,
    /// The text of the `id` member first seen, which the output keeps.
    id: &'a str,
    members: Vec<Member<'a>>,
}

/// Why the direct merge gave up; the general merge handles the input.
pub(super) struct GiveUp;

type Outcome = Result<(), GiveUp>;

/// The compiled release of `releases` (ordered oldest first), or `None` when the general merge
/// must handle them.
pub(super) fn compile<'a>(releases: &[Node<'a>], rules: &'a RuleNode) -> Option<String> {
    let mut top: Vec<Member<'a>> = vec![Member {
        key: Cow::Borrowed("tag"),
        value: Value::Leaf(r#"["compiled"]"#),
        rules: &EMPTY_RULES,
    }];
    let mut any = false;
    for release in releases {
        if !matches!(release.body, Body::Object(_)) {
            continue;
        }
        if !any {
            any = true;
            for key in ["id", "date", "ocid"] {
                top.push(Member {
                    key: Cow::Borrowed(key),
                    value: Value::Leaf("null"),
                    rules: rules.children.get(key).unwrap_or(&EMPTY_RULES),
                });
            }
        }
        let id = format!(
            "{}-{}",
            python_text(release.get("ocid")),
            python_text(release.get("date"))
        );
        let mut literal = String::with_capacity(id.len() + 2);
        json::write_string(&id, &mut literal);
        top[1].value = Value::OwnedLeaf(literal);
        top[2].value = Value::Leaf(release.get("date").map_or("null", |date| date.raw));
        top[3].value = Value::Leaf(release.get("ocid").map_or("null", |ocid| ocid.raw));
        merge_members(&mut top, release, rules, true, false).ok()?;
    }
    let mut out = String::with_capacity(4096);
    write_object(&top, None, &mut out);
    Some(out)
}

/// What a value is to the reference's flatten.
enum Shape {
    Leaf,
    /// An empty object or array: it yields nothing at all.
    Nothing,
    Object,
    Items,
}

fn shape(value: &Node<'_>, rule: Option<Rule>) -> Shape {
    match &value.body {
        Body::Scalar(_) => Shape::Leaf,
        Body::Array(items) => {
            if rule == Some(Rule::WholeList) || items.iter().any(|item| item.kind() != Kind::Object)
            {
                Shape::Leaf
            } else if items.is_empty() {
                Shape::Nothing
            } else {
                Shape::Items
            }
        }
        Body::Object(members) => {
            if rule == Some(Rule::WholeList) {
                Shape::Leaf
            } else if members.is_empty() {
                Shape::Nothing
            } else {
                Shape::Object
            }
        }
    }
}

static EMPTY_RULES: std::sync::LazyLock<RuleNode> = std::sync::LazyLock::new(RuleNode::default);

/// Merges the members of `object` into `out`. A member or item is added only once something
/// was found below it, and it is added after what came before it in `out`, so that it takes
/// the place of its first leaf, as in the reference. In an item with an identifier, the `id`
/// member is skipped (`skip_id`): the item keeps the `id` it was first seen with.
fn merge_members<'a>(
    out: &mut Vec<Member<'a>>,
    object: &Node<'a>,
    rules: &'a RuleNode,
    top_level: bool,
    skip_id: bool,
) -> Outcome {
    let Body::Object(members) = &object.body else {
        return Ok(());
    };
    if has_duplicate_keys(members) {
        return Err(GiveUp);
    }
    // Releases of a process mostly have their members in the same order: look for each one
    // first after the one found before.
    let mut next = 0;
    for &(key, ref value) in members.iter() {
        if (top_level && key == "tag") || (skip_id && key == "id") {
            continue;
        }
        let existing = match out.get(next) {
            Some(member) if member.key == key => Some(next),
            _ => out.iter().position(|member| member.key == key),
        };
        // A member already merged has its rules; a new one looks them up.
        let child_rules: &'a RuleNode = match existing {
            Some(index) => out[index].rules,
            None => rules.children.get(key).unwrap_or(&EMPTY_RULES),
        };
        let rule = child_rules.rule;
        if rule == Some(Rule::Omit) {
            continue;
        }
        next = existing.map_or(out.len() + 1, |index| index + 1);
        match (shape(value, rule), existing) {
            (Shape::Nothing, _) => {}
            (Shape::Leaf, None) => out.push(Member {
                key: Cow::Borrowed(key),
                value: Value::Leaf(value.raw),
                rules: child_rules,
            }),
            (Shape::Leaf, Some(index)) => match &mut out[index].value {
                Value::Leaf(raw) => *raw = value.raw,
                _ => return Err(GiveUp),
            },
            (Shape::Object, None) => {
                let mut members = Vec::new();
                merge_members(&mut members, value, child_rules, false, false)?;
                if !members.is_empty() {
                    out.push(Member {
                        key: Cow::Borrowed(key),
                        value: Value::Object(members),
                        rules: child_rules,
                    });
                }
            }
            (Shape::Object, Some(index)) => match &mut out[index].value {
                Value::Object(members) => {
                    merge_members(members, value, child_rules, false, false)?;
                }
                _ => return Err(GiveUp),
            },
            (Shape::Items, None) => {
                let mut items = Vec::new();
                merge_items(&mut items, value, child_rules)?;
                if !items.is_empty() {
                    out.push(Member {
                        key: Cow::Borrowed(key),
                        value: Value::Items(items),
                        rules: child_rules,
                    });
                }
            }
            (Shape::Items, Some(index)) => match &mut out[index].value {
                Value::Items(items) => merge_items(items, value, child_rules)?,
                _ => return Err(GiveUp),
            },
        }
    }
    Ok(())
}

/// The reference's key for an identifier, and whether it is a string; `None` for identifiers
/// the direct merge leaves to the general one.
fn identifier_key<'a>(id: &Node<'a>) -> Option<(Cow<'a, str>, bool)> {
    match id.kind() {
        Kind::String => Some((json::unescape(id.raw), true)),
        Kind::Number if !id.raw.contains(['.', 'e', 'E']) => {
            // An integer literal: Python's `str(int)`, which only changes `-0`.
            Some((
                Cow::Borrowed(if id.raw == "-0" { "0" } else { id.raw }),
                false,
            ))
        }
        _ => None,
    }
}

fn merge_items<'a>(out: &mut Vec<Item<'a>>, array: &Node<'a>, rules: &'a RuleNode) -> Outcome {
    let Body::Array(items) = &array.body else {
        return Err(GiveUp);
    };
    // The `id` member of an item is a leaf of its own, unless the rules omit it.
    let id_is_leaf = rules.children.get("id").and_then(|node| node.rule) != Some(Rule::Omit);
    let mut seen: Vec<Cow<'a, str>> = Vec::new();
    for item in items.iter() {
        let Body::Object(members) = &item.body else {
            return Err(GiveUp);
        };
        let Some(id) = item.get("id") else {
            // No identifier: a new item every time.
            let mut members = Vec::new();
            merge_members(&mut members, item, rules, false, false)?;
            if !members.is_empty() {
                out.push(Item {
                    key: None,
                    string: false,
                    id: "null",
                    members,
                });
            }
            continue;
        };
        let (key, string) = identifier_key(id).ok_or(GiveUp)?;
        if seen.contains(&key) {
            // A repeated identifier in one array: the reference warns.
            return Err(GiveUp);
        }
        seen.push(key.clone());
        if members.is_empty() {
            continue;
        }
        match out
            .iter_mut()
            .find(|known| known.key.as_deref() == Some(key.as_ref()))
        {
            Some(known) => {
                if known.string != string {
                    return Err(GiveUp);
                }
                merge_members(&mut known.members, item, rules, false, true)?;
            }
            None => {
                let mut members = Vec::new();
                merge_members(&mut members, item, rules, false, true)?;
                if !id_is_leaf && members.is_empty() {
                    // The reference records the identifier of an item that adds nothing.
                    return Err(GiveUp);
                }
                out.push(Item {
                    key: Some(key),
                    string,
                    id: id.raw,
                    members,
                });
            }
        }
    }
    Ok(())
}

fn write_object(members: &[Member<'_>], id: Option<&str>, out: &mut String) {
    out.push('{');
    let mut first = true;
    if let Some(id) = id {
        out.push_str("\"id\":");
        json::write_minified(id, out);
        first = false;
    }
    for member in members {
        if matches!(member.value, Value::Leaf("null")) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        json::write_string(&member.key, out);
        out.push(':');
        match &member.value {
            Value::Leaf(raw) => json::write_minified(raw, out),
            Value::OwnedLeaf(text) => out.push_str(text),
            Value::Object(members) => write_object(members, None, out),
            Value::Items(items) => {
                out.push('[');
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    write_object(&item.members, item.key.is_some().then_some(item.id), out);
                }
                out.push(']');
            }
        }
    }
    out.push('}');
}
