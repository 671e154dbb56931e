//! The OCDS 1.1.5 schemas and the extensions Achyk knows, embedded in the binary.
//!
//! Nothing is ever fetched: an extension is recognised by its identity (the repository name in
//! its URL, such as `ocds_lots_extension`), whatever version or branch the URL names, and an
//! extension Achyk does not embed is reported and left out.

use serde_json::{Map, Value};

pub const RELEASE_SCHEMA: &str = include_str!("../schema/1.1.5/release-schema.json");
pub const RELEASE_PACKAGE_SCHEMA: &str =
    include_str!("../schema/1.1.5/release-package-schema.json");
/// OC4IDS 0.9.5's project schema (open-contracting/infrastructure, Apache-2.0).
pub const PROJECT_SCHEMA: &str = include_str!("../schema/oc4ids-0.9.5/project-schema.json");
pub const RECORD_PACKAGE_SCHEMA: &str = include_str!("../schema/1.1.5/record-package-schema.json");
pub const VERSIONED_RELEASE_SCHEMA: &str =
    include_str!("../schema/1.1.5/versioned-release-validation-schema.json");

/// An extension embedded in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KnownExtension {
    Lots,
    Bid,
    Enquiry,
}

impl KnownExtension {
    pub const ALL: [KnownExtension; 3] = [
        KnownExtension::Lots,
        KnownExtension::Bid,
        KnownExtension::Enquiry,
    ];

    /// The extension's name in the OCDS extension registry.
    pub fn registry_id(self) -> &'static str {
        match self {
            KnownExtension::Lots => "lots",
            KnownExtension::Bid => "bids",
            KnownExtension::Enquiry => "enquiries",
        }
    }

    /// The name of the extension's repository, which every URL of it contains.
    pub fn repository(self) -> &'static str {
        match self {
            KnownExtension::Lots => "ocds_lots_extension",
            KnownExtension::Bid => "ocds_bid_extension",
            KnownExtension::Enquiry => "ocds_enquiry_extension",
        }
    }

    /// The extension's JSON Merge Patch to the release schema.
    pub fn release_schema_patch(self) -> &'static str {
        match self {
            KnownExtension::Lots => include_str!("../schema/extensions/lots/release-schema.json"),
            KnownExtension::Bid => include_str!("../schema/extensions/bid/release-schema.json"),
            KnownExtension::Enquiry => {
                include_str!("../schema/extensions/enquiry/release-schema.json")
            }
        }
    }

    /// Recognises an extension from the URL a package declares (of its `extension.json`, its
    /// `release-schema.json`, or a ZIP of its repository), by identity and not by version.
    pub fn from_url(url: &str) -> Option<KnownExtension> {
        let lowered = url.to_ascii_lowercase();
        KnownExtension::ALL.into_iter().find(|extension| {
            let repository = extension.repository();
            lowered.split(['/', '?', '#', '@']).any(|segment| {
                segment == repository
                    || segment
                        .strip_prefix(repository)
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with(".zip"))
            })
        })
    }
}

/// Applies a JSON Merge Patch (RFC 7396) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target_members) = target else {
        unreachable!("made an object above")
    };
    for (key, patch_value) in patch_members {
        if patch_value.is_null() {
            target_members.shift_remove(key);
        } else {
            merge_patch(
                target_members.entry(key.clone()).or_insert(Value::Null),
                patch_value,
            );
        }
    }
}

/// The release schema patched by the given extensions, applied in the order given.
pub fn patched_release_schema(extensions: &[KnownExtension]) -> Value {
    let mut schema: Value =
        serde_json::from_str(RELEASE_SCHEMA).expect("the embedded release schema is JSON");
    for extension in extensions {
        let patch: Value = serde_json::from_str(extension.release_schema_patch())
            .expect("an embedded extension is JSON");
        merge_patch(&mut schema, &patch);
    }
    schema
}

/// Splits a package's declared extension URLs into those Achyk embeds (without duplicates, in
/// first-declared order) and those it does not know.
pub fn resolve_extensions<'a>(
    urls: impl IntoIterator<Item = &'a str>,
) -> (Vec<KnownExtension>, Vec<String>) {
    let mut known = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for url in urls {
        match KnownExtension::from_url(url) {
            Some(extension) if !known.contains(&extension) => known.push(extension),
            Some(_) => {}
            None if !unknown.iter().any(|seen| seen == url) => unknown.push(url.to_string()),
            None => {}
        }
    }
    (known, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_extensions_whatever_the_version() {
        for (url, expected) in [
            (
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
                Some(KnownExtension::Lots),
            ),
            (
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
                Some(KnownExtension::Bid),
            ),
            (
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/release-schema.json",
                Some(KnownExtension::Enquiry),
            ),
            (
                "https://github.com/open-contracting-extensions/ocds_lots_extension/archive/v1.1.5.zip",
                Some(KnownExtension::Lots),
            ),
            (
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension-fork/master/extension.json",
                Some(KnownExtension::Lots),
            ),
            (
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/master/extension.json",
                None,
            ),
            (
                "https://example.com/not_ocds_lots_extension_at_all/extension.json",
                None,
            ),
        ] {
            assert_eq!(KnownExtension::from_url(url), expected, "{url}");
        }
    }

    #[test]
    fn merge_patch_follows_rfc_7396_examples() {
        // The examples of RFC 7396, appendix A.
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, expected) in cases {
            let mut result = target.clone();
            merge_patch(&mut result, &patch);
            assert_eq!(result, expected, "{target} + {patch}");
        }
    }

    #[test]
    fn extensions_add_their_fields() {
        let schema = patched_release_schema(&KnownExtension::ALL);
        assert!(schema["properties"]["bids"].is_object());
        assert!(schema["definitions"]["Tender"]["properties"]["lots"].is_object());
        assert!(schema["definitions"]["Tender"]["properties"]["enquiries"].is_object());
        let plain = patched_release_schema(&[]);
        assert!(plain["properties"].get("bids").is_none());
    }
}
