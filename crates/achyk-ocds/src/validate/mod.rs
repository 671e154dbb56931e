//! Validation of publications against the OCDS 1.1.5 schemas.
//!
//! [`Validator`] checks one release (or compiled or versioned release) against the embedded
//! 1.1.5 release schema patched by the extensions its package declares, with a small JSON
//! Schema draft-04 validator written for the keywords OCDS uses (`draft4.rs`): every `$ref`
//! resolves to an embedded schema, so nothing is ever fetched. Closed codelists are checked
//! through the schema's `enum`s. [`validate_package_meta`] checks a package's metadata.
//!
//! [`Checker`] puts these together over the [`Event`](crate::Event)s of
//! [`read_publication`](crate::read_publication): it turns every problem into a [`Finding`]
//! that says where it is (source, line, ocid, JSON pointer) and keeps a [`Summary`].
//!
//! Problems are data, not errors: nothing here fails on any input.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::read::{ItemKind, PackageMeta};
use crate::schema::{self, KnownExtension};

mod checker;
mod draft4;
mod format;

pub use checker::{CheckOptions, Checker, Finding, FindingKind, Subject, Summary};
pub use draft4::SchemaError;

use draft4::{Document, Schema};

/// The JSON Schema keyword a value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    Type,
    Required,
    Enum,
    Format,
    Pattern,
    MinLength,
    MaxLength,
    MinItems,
    MaxItems,
    UniqueItems,
    AdditionalItems,
    MinProperties,
    MaxProperties,
    AdditionalProperties,
    Dependencies,
    Minimum,
    Maximum,
    MultipleOf,
    AnyOf,
    OneOf,
    Not,
}

impl Keyword {
    /// The keyword as the schema spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Type => "type",
            Keyword::Required => "required",
            Keyword::Enum => "enum",
            Keyword::Format => "format",
            Keyword::Pattern => "pattern",
            Keyword::MinLength => "minLength",
            Keyword::MaxLength => "maxLength",
            Keyword::MinItems => "minItems",
            Keyword::MaxItems => "maxItems",
            Keyword::UniqueItems => "uniqueItems",
            Keyword::AdditionalItems => "additionalItems",
            Keyword::MinProperties => "minProperties",
            Keyword::MaxProperties => "maxProperties",
            Keyword::AdditionalProperties => "additionalProperties",
            Keyword::Dependencies => "dependencies",
            Keyword::Minimum => "minimum",
            Keyword::Maximum => "maximum",
            Keyword::MultipleOf => "multipleOf",
            Keyword::AnyOf => "anyOf",
            Keyword::OneOf => "oneOf",
            Keyword::Not => "not",
        }
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// JSON pointer (RFC 6901) into the value checked, such as `/tender/items/0/id`. A missing
    /// required member is reported at the path it should have had.
    pub path: String,
    pub keyword: Keyword,
    pub message: String,
}

/// Checks releases against the 1.1.5 release schema patched by a set of known extensions.
///
/// Compiling the schema takes a few milliseconds: make one per extension set and reuse it.
#[derive(Debug)]
pub struct Validator {
    extensions: Vec<KnownExtension>,
    release: Schema,
}

const RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";
const VERSIONED_RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json";
const RELEASE_PACKAGE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json";

impl Validator {
    /// A validator for the release schema patched by `extensions`, applied in that order.
    pub fn new(extensions: &[KnownExtension]) -> Validator {
        let documents = [Document {
            url: RELEASE_SCHEMA_URL.to_string(),
            value: schema::patched_release_schema(extensions),
        }];
        let release = Schema::compile(&documents, 0)
            .expect("the embedded release schema compiles with any known extensions");
        Validator {
            extensions: extensions.to_vec(),
            release,
        }
    }

    /// The extensions whose fields this validator checks.
    pub fn extensions(&self) -> &[KnownExtension] {
        &self.extensions
    }

    /// Checks a release or compiled release.
    pub fn validate_release(&self, release: &Value) -> Vec<SchemaProblem> {
        self.release.validate(release)
    }

    /// Checks a versioned release against the 1.1.5 versioned release validation schema.
    /// Extension fields are not checked in versioned releases.
    pub fn validate_versioned_release(&self, versioned: &Value) -> Vec<SchemaProblem> {
        versioned_schema().validate(versioned)
    }

    /// Checks an item of [`read_publication`](crate::read_publication) by its kind.
    pub fn validate_item(&self, kind: ItemKind, item: &Value) -> Vec<SchemaProblem> {
        match kind {
            ItemKind::Release | ItemKind::CompiledRelease => self.validate_release(item),
            ItemKind::VersionedRelease => self.validate_versioned_release(item),
            ItemKind::Project => validate_project(item),
        }
    }
}

const PROJECT_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json";

/// Checks an OC4IDS project against the embedded 0.9.5 project schema.
pub fn validate_project(project: &Value) -> Vec<SchemaProblem> {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let documents = [Document {
                url: PROJECT_SCHEMA_URL.to_string(),
                value: serde_json::from_str(schema::PROJECT_SCHEMA)
                    .expect("the embedded project schema is JSON"),
            }];
            Schema::compile(&documents, 0).expect("the embedded project schema compiles")
        })
        .validate(project)
}

fn versioned_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let documents = [Document {
            url: VERSIONED_RELEASE_SCHEMA_URL.to_string(),
            value: serde_json::from_str(schema::VERSIONED_RELEASE_SCHEMA)
                .expect("the embedded versioned release schema is JSON"),
        }];
        Schema::compile(&documents, 0).expect("the embedded versioned release schema compiles")
    })
}

/// The release package schema without its `releases`: the metadata every package (release
/// or record package) must carry, the same in both package schemas of 1.1.5.
fn package_meta_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut package: Value = serde_json::from_str(schema::RELEASE_PACKAGE_SCHEMA)
            .expect("the embedded release package schema is JSON");
        if let Some(properties) = package["properties"].as_object_mut() {
            properties.shift_remove("releases");
        }
        if let Some(required) = package["required"].as_array_mut() {
            required.retain(|name| name != "releases");
        }
        let documents = [Document {
            url: RELEASE_PACKAGE_SCHEMA_URL.to_string(),
            value: package,
        }];
        Schema::compile(&documents, 0).expect("the embedded release package schema compiles")
    })
}

/// Checks a package's metadata (`uri`, `version`, `publishedDate`, `publisher`, `extensions`)
/// against the package schema; paths are JSON pointers into the package.
///
/// [`PackageMeta`] keeps `uri`, `version` and `publishedDate` only when they are strings, so a
/// member of another type is reported as missing. `license` and `publicationPolicy` are not in
/// [`PackageMeta`] and are not checked.
pub fn validate_package_meta(meta: &PackageMeta) -> Vec<SchemaProblem> {
    let mut package = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            package.insert(name.to_string(), value);
        }
    };
    put("uri", meta.uri.clone().map(Value::String));
    put("version", meta.version.clone().map(Value::String));
    put(
        "publishedDate",
        meta.published_date.clone().map(Value::String),
    );
    put("publisher", meta.publisher.clone());
    put(
        "extensions",
        Some(Value::Array(
            meta.extensions.iter().cloned().map(Value::String).collect(),
        )),
    );
    let mut problems = package_meta_schema().validate(&Value::Object(package));
    for problem in &mut problems {
        if problem.keyword == Keyword::Required
            && matches!(
                problem.path.as_str(),
                "/uri" | "/version" | "/publishedDate"
            )
        {
            problem.message.push_str(" (or is not a string)");
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all_subsets() -> Vec<Vec<KnownExtension>> {
        let all = KnownExtension::ALL;
        (0..1u32 << all.len())
            .map(|mask| {
                all.iter()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, extension)| *extension)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_extension_set_compiles() {
        for extensions in all_subsets() {
            let validator = Validator::new(&extensions);
            assert_eq!(validator.extensions(), extensions.as_slice());
        }
        let _ = versioned_schema();
        let _ = package_meta_schema();
    }

    /// The `Checker` validates items it could not hold until their package's extensions were
    /// known against the schema without extensions, and says their extension fields went
    /// unchecked. That is right only if no embedded extension changes or removes anything in
    /// the core schema: each may only add.
    #[test]
    fn embedded_extensions_only_add_to_the_schema() {
        fn only_adds(base: &Value, patch: &Value, path: &str) {
            let (Value::Object(base), Value::Object(patch)) = (base, patch) else {
                panic!("{path}: an extension replaces a core value");
            };
            for (key, value) in patch {
                assert!(
                    !value.is_null(),
                    "{path}/{key}: an extension removes a core value"
                );
                if let Some(existing) = base.get(key) {
                    only_adds(existing, value, &format!("{path}/{key}"));
                }
            }
        }
        let base: Value = serde_json::from_str(schema::RELEASE_SCHEMA).unwrap();
        for extension in KnownExtension::ALL {
            let patch: Value = serde_json::from_str(extension.release_schema_patch()).unwrap();
            only_adds(&base, &patch, extension.registry_id());
        }
    }

    #[test]
    fn package_metadata() {
        let problems = validate_package_meta(&PackageMeta {
            uri: Some("not a uri".into()),
            version: Some("1.1".into()),
            publisher: Some(json!({"scheme": "X"})),
            ..PackageMeta::default()
        });
        let found: Vec<(&str, Keyword)> = problems
            .iter()
            .map(|problem| (problem.path.as_str(), problem.keyword))
            .collect();
        assert_eq!(
            found,
            [
                ("/publishedDate", Keyword::Required),
                ("/uri", Keyword::Format),
                ("/publisher/name", Keyword::Required),
            ]
        );
    }
}
