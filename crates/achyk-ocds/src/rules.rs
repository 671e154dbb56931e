//! Merge rules, worked out from a (patched) release schema the way the OCDS merge routine
//! specifies: a field is omitted when merged, an array is merged as a whole, or (by default)
//! objects merge member by member and arrays of objects merge by `id`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::schema::{self, KnownExtension};

/// How one field of the release schema merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// `omitWhenMerged`: the field is left out of compiled and versioned releases.
    Omit,
    /// `wholeListMerge`: the array is replaced as a whole, never merged item by item.
    WholeList,
}

/// The rules of one field and those of the fields below it, keyed by member name (array
/// positions do not appear in rule paths).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleNode {
    pub rule: Option<Rule>,
    /// Looked up for every member of every release merged, so with a fast hash (the names
    /// come from the schema; input only looks them up).
    pub children: HashMap<String, RuleNode, foldhash::fast::FixedState>,
}

/// Merge rules for a whole release.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeRules {
    pub root: RuleNode,
}

/// Schemas nest this deep at most; deeper `$ref` chains are taken to be cycles and cut.
const MAX_DEPTH: usize = 64;

impl MergeRules {
    /// No schema: every field follows the default rules (what `ocdsmerge` does for a field
    /// the schema does not describe).
    pub fn none() -> MergeRules {
        MergeRules::default()
    }

    /// The rules of the embedded OCDS 1.1.5 release schema patched by `extensions`.
    pub fn for_extensions(extensions: &[KnownExtension]) -> MergeRules {
        MergeRules::from_schema(&schema::patched_release_schema(extensions))
    }

    /// The rules of the embedded 1.1.5 release schema patched by the extensions among `urls`
    /// that Achyk embeds, and the URLs it does not know (their fields follow the default rules).
    pub fn for_extension_urls<'a>(
        urls: impl IntoIterator<Item = &'a str>,
    ) -> (MergeRules, Vec<String>) {
        let (known, unknown) = schema::resolve_extensions(urls);
        (MergeRules::for_extensions(&known), unknown)
    }

    /// The rules of a release schema whose `$ref`s point into its own `definitions`.
    pub fn from_schema(schema: &Value) -> MergeRules {
        let definitions = schema.get("definitions").and_then(Value::as_object);
        let mut root = RuleNode::default();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            collect(properties, definitions, &mut root, 0);
        }
        MergeRules { root }
    }

    /// Every rule with its dotted path (`tender.items.additionalClassifications`), sorted by
    /// path, for comparing with other implementations.
    pub fn listing(&self) -> Vec<(String, Rule)> {
        fn walk(node: &RuleNode, prefix: &str, out: &mut Vec<(String, Rule)>) {
            for (key, child) in &node.children {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                if let Some(rule) = child.rule {
                    out.push((path.clone(), rule));
                }
                walk(child, &path, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.root, "", &mut out);
        out.sort();
        out
    }

    /// The rule at a path of member names, if any.
    pub fn get(&self, path: &[&str]) -> Option<Rule> {
        let mut node = &self.root;
        for key in path {
            node = node.children.get(*key)?;
        }
        node.rule
    }
}

/// Follows a local `$ref` (`#/definitions/Name`) the way a JSON reference resolver does: the
/// referenced schema replaces the referring one, and sibling keywords are ignored.
fn dereference<'a>(mut value: &'a Value, definitions: Option<&'a Map<String, Value>>) -> &'a Value {
    for _ in 0..MAX_DEPTH {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let Some(target) = reference
            .strip_prefix("#/definitions/")
            .and_then(|name| definitions.and_then(|definitions| definitions.get(name)))
        else {
            return value;
        };
        value = target;
    }
    value
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_true(schema: &Value, keyword: &str) -> bool {
    schema.get(keyword).is_some_and(|value| match value {
        Value::Bool(flag) => *flag,
        Value::Null => false,
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(members) => !members.is_empty(),
    })
}

fn collect(
    properties: &Map<String, Value>,
    definitions: Option<&Map<String, Value>>,
    node: &mut RuleNode,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (key, property) in properties {
        let property = dereference(property, definitions);
        let property_types = types(property);
        let merge_strategy = property.get("mergeStrategy").and_then(Value::as_str);
        // `omitWhenMerged` comes first; `wholeListMerge` then hides any rules nested below.
        let rule = if is_true(property, "omitWhenMerged") || merge_strategy == Some("ocdsOmit") {
            Some(Rule::Omit)
        } else if property_types.contains(&"array")
            && (is_true(property, "wholeListMerge") || merge_strategy == Some("ocdsVersion"))
        {
            Some(Rule::WholeList)
        } else if property_types.contains(&"object") && property.get("properties").is_some() {
            if let Some(members) = property.get("properties").and_then(Value::as_object) {
                let child = node.children.entry(key.clone()).or_default();
                collect(members, definitions, child, depth + 1);
            }
            None
        } else if property_types.contains(&"array") && property.get("items").is_some() {
            let items = dereference(&property["items"], definitions);
            let item_types = types(items);
            if item_types.iter().any(|item_type| *item_type != "object") {
                Some(Rule::WholeList)
            } else if item_types.contains(&"object") && items.get("properties").is_some() {
                let members = items.get("properties").and_then(Value::as_object);
                if members.is_some_and(|members| members.contains_key("id")) {
                    let child = node.children.entry(key.clone()).or_default();
                    collect(
                        members.expect("checked above"),
                        definitions,
                        child,
                        depth + 1,
                    );
                    None
                } else {
                    Some(Rule::WholeList)
                }
            } else {
                None
            }
        } else {
            None
        };
        if let Some(rule) = rule {
            node.children.entry(key.clone()).or_default().rule = Some(rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn release_schema_rules_match_the_standard() {
        // The merging page of the OCDS 1.1 documentation: `id`, `date` and `tag` of a release
        // are omitted; arrays of strings and of objects without an `id` merge as a whole.
        let rules = MergeRules::for_extensions(&[]);
        assert_eq!(rules.get(&["id"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["date"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["tag"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["ocid"]), None);
        assert_eq!(rules.get(&["parties", "roles"]), Some(Rule::WholeList));
        assert_eq!(
            rules.get(&["tender", "submissionMethod"]),
            Some(Rule::WholeList)
        );
        assert_eq!(
            rules.get(&["tender", "items", "additionalClassifications"]),
            Some(Rule::WholeList)
        );
        assert_eq!(rules.get(&["awards", "suppliers"]), None);
        assert_eq!(
            rules.get(&["tender", "items", "unit", "value", "amount"]),
            None
        );
        assert_eq!(rules.get(&["relatedProcesses", "scheme"]), None);
    }

    #[test]
    fn extension_fields_get_rules() {
        let rules = MergeRules::for_extensions(&KnownExtension::ALL);
        // The lots extension's `relatedLots` arrays hold strings.
        assert_eq!(rules.get(&["awards", "relatedLots"]), Some(Rule::WholeList));
        assert_eq!(rules.get(&["tender", "items", "relatedLot"]), None);
        // The bid extension's `tenderers` is an array of organisation references with `id`s.
        assert_eq!(rules.get(&["bids", "details", "tenderers", "name"]), None);
    }

    #[test]
    fn hand_written_schema() {
        let schema = json!({
            "properties": {
                "a": {"type": "array", "items": {"type": "string"}},
                "b": {"type": "array", "items": {"$ref": "#/definitions/NoId"}},
                "c": {"type": "array", "items": {"$ref": "#/definitions/WithId"}},
                "d": {"type": ["array", "null"], "wholeListMerge": true, "items": {"$ref": "#/definitions/WithId"}},
                "e": {"type": "string", "omitWhenMerged": true},
                "f": {"$ref": "#/definitions/WithId"},
                "g": {"type": "array", "mergeStrategy": "ocdsVersion"}
            },
            "definitions": {
                "NoId": {"type": "object", "properties": {"x": {"type": "string"}}},
                "WithId": {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "string", "omitWhenMerged": true}}}
            }
        });
        let rules = MergeRules::from_schema(&schema);
        assert_eq!(rules.get(&["a"]), Some(Rule::WholeList));
        assert_eq!(rules.get(&["b"]), Some(Rule::WholeList));
        assert_eq!(rules.get(&["c"]), None);
        assert_eq!(rules.get(&["c", "n"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["d"]), Some(Rule::WholeList));
        assert_eq!(rules.get(&["e"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["f", "n"]), Some(Rule::Omit));
        assert_eq!(rules.get(&["g"]), Some(Rule::WholeList));
    }
}
