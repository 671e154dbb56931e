//! Content identity of a JSON value: two releases with the same `id` are the same release when
//! they have the same content, whatever the order of their members or the whitespace between
//! them.

use serde_json::Value;
use std::io::Write;

use sha2::{Digest, Sha256};

/// Writes `value` as compact JSON with every object's members sorted by key, so that equal
/// content gives equal text.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("JSON text is UTF-8")
}

/// Writes the canonical text of `value` to `out` (a hasher, a buffer), allocating only to
/// sort each object's keys.
pub fn write_canonical(value: &Value, out: &mut impl Write) -> std::io::Result<()> {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.write_all(b"{")?;
            for (position, (key, member)) in entries.into_iter().enumerate() {
                if position > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key)?;
                out.write_all(b":")?;
                write_canonical(member, out)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(item, out)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(&mut *out, scalar)?),
    }
}

/// Feeds what is written to a SHA-256.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 of [`canonical_json`], as lowercase hex.
pub fn content_hash(value: &Value) -> String {
    let mut hasher = Hashing(Sha256::new());
    write_canonical(value, &mut hasher).expect("hashing cannot fail");
    let digest = hasher.0.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).expect("a nibble is a hex digit"));
        hex.push(char::from_digit(u32::from(byte & 15), 16).expect("a nibble is a hex digit"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn member_order_and_whitespace_do_not_change_the_hash() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2], "x": null}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":null,"y":[1,2]},"b":1}"#).unwrap();
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_eq!(canonical_json(&a), r#"{"a":{"x":null,"y":[1,2]},"b":1}"#);
    }

    #[test]
    fn hash_is_sha256_of_the_canonical_text() {
        // sha256 of `{"a":"\u00e9\n","b":[1,2.5,null]}` with the é as UTF-8, computed with
        // `printf '{"a":"\xc3\xa9\\n","b":[1,2.5,null]}' | sha256sum`.
        let value: Value = serde_json::from_str(r#"{"b": [1, 2.5, null], "a": "é\n"}"#).unwrap();
        assert_eq!(
            canonical_json(&value),
            "{\"a\":\"é\\n\",\"b\":[1,2.5,null]}"
        );
        assert_eq!(
            content_hash(&value),
            "040cd3949302af5d2f0aec58c8c5ed06254d8c948610907c24df4c52ef816c6d"
        );
    }

    #[test]
    fn array_order_and_values_change_the_hash() {
        assert_ne!(content_hash(&json!([1, 2])), content_hash(&json!([2, 1])));
        assert_ne!(
            content_hash(&json!({"a": "1"})),
            content_hash(&json!({"a": 1}))
        );
    }

    #[test]
    fn hash_of_empty_object_is_sha256_of_braces() {
        // sha256("{}"), computed with `printf '{}' | sha256sum`.
        assert_eq!(
            content_hash(&json!({})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
