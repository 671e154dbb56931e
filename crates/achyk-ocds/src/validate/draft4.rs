//! A JSON Schema draft-04 validator for the keywords OCDS schemas use.
//!
//! Supported: `type`, `enum`, `properties`, `patternProperties`, `additionalProperties`,
//! `required`, `minProperties`, `maxProperties`, `dependencies`, `items` (one schema or a
//! tuple), `additionalItems`, `minItems`, `maxItems`, `uniqueItems`, `minLength`, `maxLength`,
//! `pattern`, `format` (`date-time`, `uri`, `email`; other formats are not checked, as draft-04
//! allows), `minimum`, `maximum` (with their `exclusive*` flags), `multipleOf`, `allOf`,
//! `anyOf`, `oneOf`, `not`, and `$ref` to a JSON pointer within a document or to another
//! registered document by its `id` URL. As draft-04 says, a schema with `$ref` is only that
//! reference: its other keywords are ignored. Nested `id`s that change the base URL are not
//! supported (no OCDS schema has them).
//!
//! The schema is compiled once into a flat list of nodes; `$ref`s become node indices, so a
//! definition used in many places is compiled once, and recursive definitions are fine.
//! Documents are looked up in the registry given to [`Schema::compile`]: nothing is fetched.

use std::collections::HashMap;

use regex::Regex;
use serde_json::{Map, Value};

use super::format::Format;
use super::{Keyword, SchemaProblem};
use crate::release::json_type_name;

/// Why a schema could not be compiled. The embedded schemas always compile (a test checks
/// every combination of known extensions), so this only concerns schemas given by a caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("`$ref` {0:?} names a document that is not embedded")]
    UnknownDocument(String),
    #[error("`$ref` {0:?} points to nothing")]
    DanglingReference(String),
    #[error("`$ref` {0:?} only leads back to itself")]
    ReferenceCycle(String),
    #[error(
        "the pattern {pattern:?} at {at} is not a regular expression Achyk understands: {message}"
    )]
    BadPattern {
        pattern: String,
        at: String,
        message: String,
    },
    #[error("the schema at {0} is not a JSON object")]
    NotASchema(String),
}

/// A compiled schema.
#[derive(Debug)]
pub(crate) struct Schema {
    nodes: Vec<Node>,
    root: NodeId,
}

type NodeId = usize;

#[derive(Debug, Default)]
struct Node {
    types: Option<Types>,
    enumeration: Option<Enumeration>,
    minimum: Option<Bound>,
    maximum: Option<Bound>,
    multiple_of: Option<f64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<Pattern>,
    format: Option<Format>,
    items: Items,
    additional_items: Additional,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    required: Vec<String>,
    properties: HashMap<String, NodeId>,
    pattern_properties: Vec<(Pattern, NodeId)>,
    additional_properties: Additional,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    dependencies: Vec<(String, Dependency)>,
    all_of: Vec<NodeId>,
    any_of: Vec<NodeId>,
    one_of: Vec<NodeId>,
    not: Option<NodeId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Types(u8);

impl Types {
    const NAMES: [&'static str; 7] = [
        "array", "boolean", "integer", "null", "number", "object", "string",
    ];

    fn bit(name: &str) -> Option<u8> {
        Types::NAMES
            .iter()
            .position(|known| *known == name)
            .map(|position| 1 << position)
    }

    fn allows(self, value: &Value) -> bool {
        let has = |name: &str| self.0 & Types::bit(name).unwrap_or(0) != 0;
        match value {
            Value::Null => has("null"),
            Value::Bool(_) => has("boolean"),
            // As in draft-04 (and Python's jsonschema for it), an integer is a number written
            // without a fraction or exponent: `1.0` is a number but not an integer.
            Value::Number(number) => {
                has("number") || (has("integer") && (number.is_i64() || number.is_u64()))
            }
            Value::String(_) => has("string"),
            Value::Array(_) => has("array"),
            Value::Object(_) => has("object"),
        }
    }

    fn describe(self) -> String {
        let names: Vec<&str> = Types::NAMES
            .iter()
            .enumerate()
            .filter(|(position, _)| self.0 & (1 << position) != 0)
            .map(|(_, name)| match *name {
                "array" => "an array",
                "boolean" => "a boolean",
                "integer" => "an integer",
                "null" => "null",
                "number" => "a number",
                "object" => "an object",
                _ => "a string",
            })
            .collect();
        match names.as_slice() {
            [] => "nothing".to_string(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

#[derive(Debug)]
struct Enumeration {
    values: Vec<Value>,
    /// The OCDS `codelist` annotation beside the `enum`, for messages.
    codelist: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Bound {
    limit: f64,
    exclusive: bool,
}

#[derive(Debug)]
struct Pattern {
    regex: Regex,
    source: String,
}

#[derive(Debug, Default)]
enum Items {
    #[default]
    Any,
    All(NodeId),
    Tuple(Vec<NodeId>),
}

#[derive(Debug, Default)]
enum Additional {
    #[default]
    Allowed,
    Forbidden,
    Schema(NodeId),
}

#[derive(Debug)]
enum Dependency {
    Members(Vec<String>),
    Schema(NodeId),
}

/// A document a `$ref` may point into, with the URL it is known by.
pub(crate) struct Document {
    pub url: String,
    pub value: Value,
}

struct Compiler<'a> {
    documents: &'a [Document],
    nodes: Vec<Node>,
    /// Compiled (document, JSON pointer) locations.
    compiled: HashMap<(usize, String), NodeId>,
    patterns: HashMap<String, Regex>,
}

impl Schema {
    /// Compiles the document `documents[root]`; `$ref`s to other documents are resolved among
    /// `documents` by their URL, and never fetched.
    pub(crate) fn compile(documents: &[Document], root: usize) -> Result<Schema, SchemaError> {
        let mut compiler = Compiler {
            documents,
            nodes: Vec::new(),
            compiled: HashMap::new(),
            patterns: HashMap::new(),
        };
        let root = compiler.compile(root, String::new(), &mut Vec::new())?;
        Ok(Schema {
            nodes: compiler.nodes,
            root,
        })
    }

    /// Every way `value` breaks the schema, with JSON pointers into `value`.
    pub(crate) fn validate(&self, value: &Value) -> Vec<SchemaProblem> {
        let mut problems = Vec::new();
        let mut path = String::new();
        self.check(self.root, value, &mut path, &mut problems);
        problems
    }

    /// Whether `value` is valid, for `anyOf`, `oneOf` and `not`, without building messages.
    fn is_valid(&self, node: NodeId, value: &Value) -> bool {
        let mut problems = Vec::new();
        self.check(node, value, &mut String::new(), &mut problems);
        problems.is_empty()
    }

    fn check(&self, id: NodeId, value: &Value, path: &mut String, out: &mut Vec<SchemaProblem>) {
        let node = &self.nodes[id];
        if let Some(types) = node.types
            && !types.allows(value)
        {
            let message = format!(
                "expected {}, found {}",
                types.describe(),
                json_type_name(value)
            );
            report(out, path, Keyword::Type, message);
        }
        if let Some(enumeration) = &node.enumeration
            && !enumeration
                .values
                .iter()
                .any(|allowed| json_equal(allowed, value))
        {
            // Some closed codelists are long (currency has hundreds of codes): name a few.
            let mut codes: Vec<String> = enumeration
                .values
                .iter()
                .take(20)
                .map(|code| short_json(code, 40))
                .collect();
            if enumeration.values.len() > codes.len() {
                codes.push(format!("… {} codes in all", enumeration.values.len()));
            }
            let message = match &enumeration.codelist {
                Some(codelist) => format!(
                    "{} is not a code of the closed codelist {codelist} ({})",
                    short_json(value, 60),
                    codes.join(", ")
                ),
                None => format!(
                    "{} is not one of {}",
                    short_json(value, 60),
                    codes.join(", ")
                ),
            };
            report(out, path, Keyword::Enum, message);
        }
        match value {
            Value::Number(number) => {
                let Some(number) = number.as_f64() else {
                    return;
                };
                if let Some(bound) = node.minimum
                    && (number < bound.limit || (bound.exclusive && number == bound.limit))
                {
                    let relation = if bound.exclusive {
                        "at most"
                    } else {
                        "less than"
                    };
                    report(
                        out,
                        path,
                        Keyword::Minimum,
                        format!("{number} is {relation} the minimum {}", bound.limit),
                    );
                }
                if let Some(bound) = node.maximum
                    && (number > bound.limit || (bound.exclusive && number == bound.limit))
                {
                    let relation = if bound.exclusive {
                        "at least"
                    } else {
                        "more than"
                    };
                    report(
                        out,
                        path,
                        Keyword::Maximum,
                        format!("{number} is {relation} the maximum {}", bound.limit),
                    );
                }
                if let Some(divisor) = node.multiple_of {
                    let quotient = number / divisor;
                    if !quotient.is_finite() || quotient.fract() != 0.0 {
                        report(
                            out,
                            path,
                            Keyword::MultipleOf,
                            format!("{number} is not a multiple of {divisor}"),
                        );
                    }
                }
            }
            Value::String(text) => {
                if node.min_length.is_some() || node.max_length.is_some() {
                    let length = text.chars().count() as u64;
                    if let Some(minimum) = node.min_length
                        && length < minimum
                    {
                        report(
                            out,
                            path,
                            Keyword::MinLength,
                            format!(
                                "{} is shorter than {minimum} character{}",
                                short_json(value, 60),
                                plural(minimum)
                            ),
                        );
                    }
                    if let Some(maximum) = node.max_length
                        && length > maximum
                    {
                        report(
                            out,
                            path,
                            Keyword::MaxLength,
                            format!(
                                "{} is longer than {maximum} character{}",
                                short_json(value, 60),
                                plural(maximum)
                            ),
                        );
                    }
                }
                if let Some(pattern) = &node.pattern
                    && !pattern.regex.is_match(text)
                {
                    report(
                        out,
                        path,
                        Keyword::Pattern,
                        format!(
                            "{} does not match the pattern {}",
                            short_json(value, 60),
                            pattern.source
                        ),
                    );
                }
                if let Some(format) = node.format
                    && !format.accepts(text)
                {
                    report(
                        out,
                        path,
                        Keyword::Format,
                        format!("{} is not {}", short_json(value, 60), format.describe()),
                    );
                }
            }
            Value::Array(elements) => {
                let count = elements.len() as u64;
                if let Some(minimum) = node.min_items
                    && count < minimum
                {
                    report(
                        out,
                        path,
                        Keyword::MinItems,
                        format!(
                            "expected at least {minimum} item{}, found {count}",
                            plural(minimum)
                        ),
                    );
                }
                if let Some(maximum) = node.max_items
                    && count > maximum
                {
                    report(
                        out,
                        path,
                        Keyword::MaxItems,
                        format!(
                            "expected at most {maximum} item{}, found {count}",
                            plural(maximum)
                        ),
                    );
                }
                if node.unique_items
                    && let Some((first, second)) = first_duplicate(elements)
                {
                    report(
                        out,
                        path,
                        Keyword::UniqueItems,
                        format!("items {first} and {second} are identical; items must be unique"),
                    );
                }
                for (index, element) in elements.iter().enumerate() {
                    let schema = match &node.items {
                        Items::Any => None,
                        Items::All(schema) => Some(*schema),
                        Items::Tuple(schemas) => match schemas.get(index) {
                            Some(schema) => Some(*schema),
                            None => match node.additional_items {
                                Additional::Allowed => None,
                                Additional::Schema(schema) => Some(schema),
                                Additional::Forbidden => {
                                    let length = path.len();
                                    push_index(path, index);
                                    report(
                                        out,
                                        path,
                                        Keyword::AdditionalItems,
                                        format!(
                                            "only {} item{} allowed",
                                            schemas.len(),
                                            plural(schemas.len() as u64)
                                        ),
                                    );
                                    path.truncate(length);
                                    None
                                }
                            },
                        },
                    };
                    if let Some(schema) = schema {
                        let length = path.len();
                        push_index(path, index);
                        self.check(schema, element, path, out);
                        path.truncate(length);
                    }
                }
            }
            Value::Object(members) => {
                self.check_object(node, members, path, out);
            }
            Value::Null | Value::Bool(_) => {}
        }
        for &schema in &node.all_of {
            self.check(schema, value, path, out);
        }
        if !node.any_of.is_empty() && !node.any_of.iter().any(|&s| self.is_valid(s, value)) {
            out.push(SchemaProblem {
                path: path.clone(),
                keyword: Keyword::AnyOf,
                message: format!(
                    "not valid under any of the {} allowed forms",
                    node.any_of.len()
                ),
            });
        }
        if !node.one_of.is_empty() {
            let valid = node
                .one_of
                .iter()
                .filter(|&&s| self.is_valid(s, value))
                .count();
            if valid != 1 {
                let message = if valid == 0 {
                    format!(
                        "not valid under any of the {} allowed forms",
                        node.one_of.len()
                    )
                } else {
                    format!(
                        "valid under {valid} of the {} allowed forms; exactly one is allowed",
                        node.one_of.len()
                    )
                };
                out.push(SchemaProblem {
                    path: path.clone(),
                    keyword: Keyword::OneOf,
                    message,
                });
            }
        }
        if let Some(schema) = node.not
            && self.is_valid(schema, value)
        {
            out.push(SchemaProblem {
                path: path.clone(),
                keyword: Keyword::Not,
                message: "valid under a schema it must not match".to_string(),
            });
        }
    }

    fn check_object(
        &self,
        node: &Node,
        members: &Map<String, Value>,
        path: &mut String,
        out: &mut Vec<SchemaProblem>,
    ) {
        let count = members.len() as u64;
        if let Some(minimum) = node.min_properties
            && count < minimum
        {
            out.push(SchemaProblem {
                path: path.clone(),
                keyword: Keyword::MinProperties,
                message: format!(
                    "expected at least {minimum} member{}, found {count}",
                    plural(minimum)
                ),
            });
        }
        if let Some(maximum) = node.max_properties
            && count > maximum
        {
            out.push(SchemaProblem {
                path: path.clone(),
                keyword: Keyword::MaxProperties,
                message: format!(
                    "expected at most {maximum} member{}, found {count}",
                    plural(maximum)
                ),
            });
        }
        // A missing member is reported at the path it should have had, so that the path alone
        // says what is missing.
        for name in &node.required {
            if !members.contains_key(name) {
                let length = path.len();
                push_key(path, name);
                out.push(SchemaProblem {
                    path: path.clone(),
                    keyword: Keyword::Required,
                    message: format!("required member `{name}` is missing"),
                });
                path.truncate(length);
            }
        }
        for (name, dependency) in &node.dependencies {
            if !members.contains_key(name) {
                continue;
            }
            match dependency {
                Dependency::Members(needed) => {
                    for needed in needed {
                        if !members.contains_key(needed) {
                            out.push(SchemaProblem {
                                path: path.clone(),
                                keyword: Keyword::Dependencies,
                                message: format!("`{name}` requires `{needed}`, which is missing"),
                            });
                        }
                    }
                }
                Dependency::Schema(schema) => {
                    self.check(*schema, &Value::Object(members.clone()), path, out)
                }
            }
        }
        let checks_members = !node.properties.is_empty()
            || !node.pattern_properties.is_empty()
            || !matches!(node.additional_properties, Additional::Allowed);
        if !checks_members {
            return;
        }
        for (name, member) in members {
            let length = path.len();
            push_key(path, name);
            let mut matched = false;
            if let Some(&schema) = node.properties.get(name) {
                matched = true;
                self.check(schema, member, path, out);
            }
            for (pattern, schema) in &node.pattern_properties {
                if pattern.regex.is_match(name) {
                    matched = true;
                    self.check(*schema, member, path, out);
                }
            }
            if !matched {
                match node.additional_properties {
                    Additional::Allowed => {}
                    Additional::Schema(schema) => self.check(schema, member, path, out),
                    Additional::Forbidden => out.push(SchemaProblem {
                        path: path.clone(),
                        keyword: Keyword::AdditionalProperties,
                        message: format!("member `{name}` is not allowed here"),
                    }),
                }
            }
            path.truncate(length);
        }
    }
}

impl Compiler<'_> {
    /// Compiles the schema at `pointer` in document `document`, following `$ref`s.
    /// `following` holds the references being followed, to detect a reference to itself.
    fn compile(
        &mut self,
        document: usize,
        pointer: String,
        following: &mut Vec<(usize, String)>,
    ) -> Result<NodeId, SchemaError> {
        if let Some(&id) = self.compiled.get(&(document, pointer.clone())) {
            return Ok(id);
        }
        let documents = self.documents;
        let schema = resolve_pointer(&documents[document].value, &pointer)
            .ok_or_else(|| SchemaError::DanglingReference(self.describe(document, &pointer)))?;
        let Value::Object(keywords) = schema else {
            return Err(SchemaError::NotASchema(self.describe(document, &pointer)));
        };
        if let Some(reference) = keywords.get("$ref").and_then(Value::as_str) {
            let target = self.resolve_reference(document, reference)?;
            if following.contains(&target) {
                return Err(SchemaError::ReferenceCycle(reference.to_string()));
            }
            following.push((document, pointer.clone()));
            let id = self.compile(target.0, target.1, following)?;
            following.pop();
            self.compiled.insert((document, pointer), id);
            return Ok(id);
        }
        // Reserve the node before compiling children, so that a recursive definition finds it.
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.compiled.insert((document, pointer.clone()), id);
        let mut node = Node::default();
        let mut fresh = Vec::new();
        let mut child = |compiler: &mut Compiler<'_>, suffix: &[&str]| {
            let mut child_pointer = pointer.clone();
            for token in suffix {
                push_key(&mut child_pointer, token);
            }
            compiler.compile(document, child_pointer, &mut fresh)
        };
        let at = |suffix: &str| format!("{}{pointer}/{suffix}", documents[document].url);

        match keywords.get("type") {
            Some(Value::String(name)) => {
                node.types = Some(Types(Types::bit(name).unwrap_or(0)));
            }
            Some(Value::Array(names)) => {
                let bits = names
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(Types::bit)
                    .fold(0, |bits, bit| bits | bit);
                node.types = Some(Types(bits));
            }
            _ => {}
        }
        if let Some(Value::Array(values)) = keywords.get("enum") {
            node.enumeration = Some(Enumeration {
                values: values.clone(),
                codelist: keywords
                    .get("codelist")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
        let flag = |name: &str| keywords.get(name).and_then(Value::as_bool) == Some(true);
        if let Some(limit) = keywords.get("minimum").and_then(Value::as_f64) {
            node.minimum = Some(Bound {
                limit,
                exclusive: flag("exclusiveMinimum"),
            });
        }
        if let Some(limit) = keywords.get("maximum").and_then(Value::as_f64) {
            node.maximum = Some(Bound {
                limit,
                exclusive: flag("exclusiveMaximum"),
            });
        }
        node.multiple_of = keywords
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|divisor| *divisor > 0.0);
        let count = |name: &str| keywords.get(name).and_then(Value::as_u64);
        node.min_length = count("minLength");
        node.max_length = count("maxLength");
        node.min_items = count("minItems");
        node.max_items = count("maxItems");
        node.min_properties = count("minProperties");
        node.max_properties = count("maxProperties");
        node.unique_items = flag("uniqueItems");
        if let Some(source) = keywords.get("pattern").and_then(Value::as_str) {
            node.pattern = Some(self.pattern(source, at("pattern"))?);
        }
        node.format = keywords
            .get("format")
            .and_then(Value::as_str)
            .and_then(Format::named);

        match keywords.get("items") {
            Some(Value::Object(items)) => {
                let items_id = child(self, &["items"])?;
                // OCDS puts the `codelist` of an array of codes (`tag`) on the array, beside
                // its `items`' `enum`: name it in messages about the items (when they are
                // written in place, so that the node is not shared).
                if !items.contains_key("$ref")
                    && let Some(codelist) = keywords.get("codelist").and_then(Value::as_str)
                    && let Some(enumeration) = &mut self.nodes[items_id].enumeration
                    && enumeration.codelist.is_none()
                {
                    enumeration.codelist = Some(codelist.to_string());
                }
                node.items = Items::All(items_id);
            }
            Some(Value::Array(schemas)) => {
                let mut ids = Vec::with_capacity(schemas.len());
                for index in 0..schemas.len() {
                    ids.push(child(self, &["items", &index.to_string()])?);
                }
                node.items = Items::Tuple(ids);
            }
            _ => {}
        }
        node.additional_items = match keywords.get("additionalItems") {
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(Value::Object(_)) => Additional::Schema(child(self, &["additionalItems"])?),
            _ => Additional::Allowed,
        };

        if let Some(Value::Array(names)) = keywords.get("required") {
            node.required = names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        if let Some(Value::Object(properties)) = keywords.get("properties") {
            for name in properties.keys() {
                let schema = child(self, &["properties", name])?;
                node.properties.insert(name.clone(), schema);
            }
        }
        if let Some(Value::Object(patterns)) = keywords.get("patternProperties") {
            for source in patterns.keys() {
                let pattern = self.pattern(source, at("patternProperties"))?;
                let schema = child(self, &["patternProperties", source])?;
                node.pattern_properties.push((pattern, schema));
            }
        }
        node.additional_properties = match keywords.get("additionalProperties") {
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(Value::Object(_)) => Additional::Schema(child(self, &["additionalProperties"])?),
            _ => Additional::Allowed,
        };
        if let Some(Value::Object(dependencies)) = keywords.get("dependencies") {
            for (name, dependency) in dependencies {
                let dependency = match dependency {
                    Value::Array(names) => Dependency::Members(
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    ),
                    Value::Object(_) => Dependency::Schema(child(self, &["dependencies", name])?),
                    _ => continue,
                };
                node.dependencies.push((name.clone(), dependency));
            }
        }

        for (name, list) in [
            ("allOf", &mut node.all_of),
            ("anyOf", &mut node.any_of),
            ("oneOf", &mut node.one_of),
        ] {
            if let Some(Value::Array(schemas)) = keywords.get(name) {
                for index in 0..schemas.len() {
                    list.push(child(self, &[name, &index.to_string()])?);
                }
            }
        }
        if keywords.get("not").is_some_and(Value::is_object) {
            node.not = Some(child(self, &["not"])?);
        }

        self.nodes[id] = node;
        Ok(id)
    }

    /// The (document, JSON pointer) a `$ref` names.
    fn resolve_reference(
        &self,
        document: usize,
        reference: &str,
    ) -> Result<(usize, String), SchemaError> {
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if url.is_empty() || url == self.documents[document].url {
            document
        } else {
            self.documents
                .iter()
                .position(|candidate| candidate.url == url)
                .ok_or_else(|| SchemaError::UnknownDocument(reference.to_string()))?
        };
        let pointer = percent_decode(fragment)
            .ok_or_else(|| SchemaError::DanglingReference(reference.to_string()))?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(SchemaError::DanglingReference(reference.to_string()));
        }
        Ok((target, pointer))
    }

    fn pattern(&mut self, source: &str, at: String) -> Result<Pattern, SchemaError> {
        let regex = match self.patterns.get(source) {
            Some(regex) => regex.clone(),
            None => {
                let regex = Regex::new(source).map_err(|error| SchemaError::BadPattern {
                    pattern: source.to_string(),
                    at,
                    message: error.to_string(),
                })?;
                self.patterns.insert(source.to_string(), regex.clone());
                regex
            }
        };
        Ok(Pattern {
            regex,
            source: source.to_string(),
        })
    }

    fn describe(&self, document: usize, pointer: &str) -> String {
        format!("{}#{pointer}", self.documents[document].url)
    }
}

/// Follows a JSON pointer (RFC 6901) from `value`.
fn resolve_pointer<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(value);
    }
    let mut current = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        current = match current {
            Value::Object(members) => members.get(&token)?,
            Value::Array(elements) => elements.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while position < bytes.len() {
        if bytes[position] == b'%' {
            let hex = text.get(position + 1..position + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            position += 3;
        } else {
            decoded.push(bytes[position]);
            position += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Appends a member name to a JSON pointer, escaped as RFC 6901 says.
pub(crate) fn push_key(pointer: &mut String, key: &str) {
    pointer.push('/');
    if key.contains(['~', '/']) {
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(key);
    }
}

fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{index}");
}

fn report(out: &mut Vec<SchemaProblem>, path: &str, keyword: Keyword, message: String) {
    out.push(SchemaProblem {
        path: path.to_string(),
        keyword,
        message,
    });
}

/// JSON equality as JSON Schema means it: numbers are equal when their values are (`1` and
/// `1.0`), and `true` is not `1`.
pub(crate) fn json_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            if let (Some(left), Some(right)) = (left.as_i64(), right.as_i64()) {
                left == right
            } else if let (Some(left), Some(right)) = (left.as_u64(), right.as_u64()) {
                left == right
            } else {
                left.as_f64() == right.as_f64()
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| json_equal(l, r))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .all(|(key, l)| right.get(key).is_some_and(|r| json_equal(l, r)))
        }
        _ => left == right,
    }
}

/// The first pair of identical elements, by position.
fn first_duplicate(elements: &[Value]) -> Option<(usize, usize)> {
    // Arrays in releases are short; a quadratic scan keeps equality exactly `json_equal`.
    for (second, element) in elements.iter().enumerate() {
        if let Some(first) = elements[..second]
            .iter()
            .position(|earlier| json_equal(earlier, element))
        {
            return Some((first, second));
        }
    }
    None
}

/// A value as compact JSON for a message, cut to about `limit` characters.
pub(crate) fn short_json(value: &Value, limit: usize) -> String {
    let text = value.to_string();
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}…")
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(schema: Value) -> Schema {
        Schema::compile(
            &[Document {
                url: "https://example.com/schema.json".to_string(),
                value: schema,
            }],
            0,
        )
        .unwrap()
    }

    fn problems(schema: &Schema, value: Value) -> Vec<(String, &'static str)> {
        schema
            .validate(&value)
            .into_iter()
            .map(|problem| (problem.path, problem.keyword.as_str()))
            .collect()
    }

    fn pairs(expected: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        expected
            .iter()
            .map(|(path, keyword)| (path.to_string(), *keyword))
            .collect()
    }

    #[test]
    fn types_follow_draft_4() {
        let schema = compile(json!({"properties": {
            "i": {"type": "integer"},
            "n": {"type": "number"},
            "s": {"type": ["string", "null"]},
        }}));
        assert_eq!(
            problems(&schema, json!({"i": 1, "n": 1, "s": null})),
            pairs(&[])
        );
        assert_eq!(
            problems(&schema, json!({"i": 1.0, "n": "1", "s": 1, "other": []})),
            pairs(&[("/i", "type"), ("/n", "type"), ("/s", "type")])
        );
        assert_eq!(
            problems(&schema, json!({"i": true})),
            pairs(&[("/i", "type")])
        );
    }

    #[test]
    fn references_resolve_and_recurse() {
        let schema = compile(json!({
            "$ref": "#/definitions/Node",
            "definitions": {"Node": {
                "type": "object",
                "required": ["id"],
                "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}
            }}
        }));
        assert_eq!(
            problems(
                &schema,
                json!({"id": 1, "children": [{"id": 2}, {"children": [{}]}]})
            ),
            pairs(&[
                ("/children/1/id", "required"),
                ("/children/1/children/0/id", "required")
            ])
        );
    }

    #[test]
    fn a_reference_to_itself_is_refused() {
        let error = Schema::compile(
            &[Document {
                url: "u".to_string(),
                value: json!({"definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}}, "$ref": "#/definitions/A"}),
            }],
            0,
        )
        .unwrap_err();
        assert!(matches!(error, SchemaError::ReferenceCycle(_)), "{error}");
    }

    #[test]
    fn unknown_documents_are_never_fetched() {
        let error = Schema::compile(
            &[Document {
                url: "u".to_string(),
                value: json!({"$ref": "https://example.com/elsewhere.json"}),
            }],
            0,
        )
        .unwrap_err();
        assert_eq!(
            error,
            SchemaError::UnknownDocument("https://example.com/elsewhere.json".to_string())
        );
    }

    #[test]
    fn enum_and_unique_items_use_json_equality() {
        let schema = compile(json!({"properties": {
            "e": {"enum": [1, "a", null]},
            "u": {"uniqueItems": true},
        }}));
        assert_eq!(
            problems(&schema, json!({"e": 1.0, "u": [1, true, "1"]})),
            pairs(&[])
        );
        assert_eq!(
            problems(&schema, json!({"e": true, "u": [{"a": [1]}, {"a": [1.0]}]})),
            pairs(&[("/e", "enum"), ("/u", "uniqueItems")])
        );
    }

    #[test]
    fn strings_arrays_objects_and_combinators() {
        let schema = compile(json!({
            "minProperties": 1,
            "properties": {
                "s": {"minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"},
                "a": {"minItems": 1, "maxItems": 2, "items": [{"type": "string"}], "additionalItems": false},
                "o": {"oneOf": [{"type": "string"}, {"type": "number"}]},
                "n": {"anyOf": [{"minimum": 5}, {"maximum": 0, "exclusiveMaximum": true}], "not": {"enum": [10]}},
                "d": {"dependencies": {"x": ["y"]}},
                "c": {"additionalProperties": false, "patternProperties": {"^x_": {"type": "string"}}},
                "a/b": {"type": "string"},
            }
        }));
        assert_eq!(
            problems(&schema, json!({})),
            pairs(&[("", "minProperties")])
        );
        assert_eq!(
            problems(
                &schema,
                json!({"s": "é", "a": [1, 2, 3], "o": null, "n": 0, "d": {"x": 1}, "c": {"x_1": 2, "z": 1}, "a/b": 1})
            ),
            pairs(&[
                ("/s", "minLength"),
                ("/s", "pattern"),
                ("/a", "maxItems"),
                ("/a/0", "type"),
                ("/a/1", "additionalItems"),
                ("/a/2", "additionalItems"),
                ("/o", "oneOf"),
                ("/n", "anyOf"),
                ("/d", "dependencies"),
                ("/c/x_1", "type"),
                ("/c/z", "additionalProperties"),
                ("/a~1b", "type"),
            ])
        );
        assert_eq!(
            problems(&schema, json!({"s": "abc", "a": ["x"], "o": 1, "n": 10})),
            pairs(&[("/n", "not")])
        );
    }

    #[test]
    fn pointers_are_escaped_and_unescaped() {
        let mut pointer = String::new();
        push_key(&mut pointer, "a/b~c");
        assert_eq!(pointer, "/a~1b~0c");
        let value = json!({"a/b~c": [0, {"x": 1}]});
        assert_eq!(resolve_pointer(&value, "/a~1b~0c/1/x"), Some(&json!(1)));
        assert_eq!(resolve_pointer(&value, "/missing"), None);
    }
}
