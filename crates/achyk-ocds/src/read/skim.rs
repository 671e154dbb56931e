//! Skimming a line of JSON Lines: where a release's top-level `ocid` and `date` are, found from
//! quotes and brackets alone, without checking the line.
//!
//! The members of the top-level object are walked one by one, but a nested object or array is
//! skipped 64 bytes at a time: masks of its quotes, backslashes and brackets tell which bytes
//! are inside strings (a prefix XOR of the unescaped quotes), and only the brackets outside
//! strings are counted. That is several times faster than checking the line, which is why
//! `achyk compile`, which parses every release fully when it merges it, skims lines when it
//! first reads them.
//!
//! On valid JSON the result is exact: the members a JSON parser keeps (the last `ocid` and
//! `date`). On anything else it may be wrong or `None`; a line skimmed must be checked before
//! it is used.

use super::ItemHead;
use super::scan::find_quote_or_backslash;
use crate::json::{skip_value, skip_whitespace_at as skip_whitespace};

/// Where the `ocid` and `date` of the release on `line` are, when the line looks like a plain
/// release: an object with an `ocid` and none of `releases`, `records`, `compiledRelease` and
/// `versionedRelease`, whose top-level member names have no escapes (a name with one is left to
/// the full check). `None` for anything else.
pub(crate) fn skim_release(line: &[u8]) -> Option<ItemHead> {
    let mut position = skip_whitespace(line, 0);
    if line.get(position) != Some(&b'{') {
        return None;
    }
    position = skip_whitespace(line, position + 1);
    let mut head = ItemHead::default();
    loop {
        if line.get(position) != Some(&b'"') {
            return None;
        }
        let name_end = position + 1 + find_quote_or_backslash(&line[position + 1..])?;
        if line[name_end] != b'"' {
            return None;
        }
        let name = &line[position + 1..name_end];
        position = skip_whitespace(line, name_end + 1);
        if line.get(position) != Some(&b':') {
            return None;
        }
        position = skip_whitespace(line, position + 1);
        let start = position;
        position = skip_value(line, position)?;
        match name {
            b"ocid" => head.ocid = Some((start, position)),
            b"date" => head.date = Some((start, position)),
            b"releases" | b"records" | b"compiledRelease" | b"versionedRelease" => return None,
            _ => {}
        }
        position = skip_whitespace(line, position);
        match line.get(position)? {
            b',' => position = skip_whitespace(line, position + 1),
            b'}' => break,
            _ => return None,
        }
    }
    let ends_the_line = skip_whitespace(line, position + 1) == line.len();
    (ends_the_line && head.ocid.is_some()).then_some(head)
}

/// The position after the object or array whose opening bracket is at `start`.
pub(crate) fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0u32;
    // All ones when the block before ended inside a string.
    let mut in_string = 0u64;
    // Whether the first byte of the next block is escaped by a backslash ending this one.
    let mut escape_carry = false;
    let mut base = start;
    while base < bytes.len() {
        let block = Block::at(bytes, base);
        let masks = block.masks();
        let quotes = masks.quote & !escaped(masks.backslash, &mut escape_carry);
        let strings = prefix_xor(quotes) ^ in_string;
        in_string = ((strings as i64) >> 63) as u64;
        let mut brackets = (masks.open | masks.close) & !strings;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            if masks.open >> bit & 1 == 1 {
                depth += 1;
            } else {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(base + bit as usize + 1);
                }
            }
            brackets &= brackets - 1;
        }
        base += 64;
    }
    None
}

/// Sixty-four bytes of input (the last block of a line padded with spaces).
struct Block([u8; 64]);

/// One bit per byte of a [`Block`], bit `i` for byte `i`.
struct Masks {
    quote: u64,
    backslash: u64,
    /// `{` or `[`.
    open: u64,
    /// `}` or `]`.
    close: u64,
}

impl Block {
    fn at(bytes: &[u8], base: usize) -> Block {
        let rest = &bytes[base..];
        let mut block = [b' '; 64];
        let length = rest.len().min(64);
        block[..length].copy_from_slice(&rest[..length]);
        Block(block)
    }

    #[cfg(target_arch = "x86_64")]
    fn masks(&self) -> Masks {
        // SAFETY: SSE2 is part of the x86_64 baseline, so every CPU this code runs on has it.
        unsafe { self.masks_sse2() }
    }

    /// Sixteen bytes compared at once; setting bit 0x20 turns `[` and `]` into `{` and `}`,
    /// and no other byte into either.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    fn masks_sse2(&self) -> Masks {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
        };
        let mut masks = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for (part, bytes) in self.0.chunks_exact(16).enumerate() {
            let word =
                |at: usize| i64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
            let vector = _mm_set_epi64x(word(8), word(0));
            let folded = _mm_or_si128(vector, _mm_set1_epi8(0x20));
            let bits = |matches| u64::from(_mm_movemask_epi8(matches) as u16) << (part * 16);
            masks.quote |= bits(_mm_cmpeq_epi8(vector, _mm_set1_epi8(b'"' as i8)));
            masks.backslash |= bits(_mm_cmpeq_epi8(vector, _mm_set1_epi8(b'\\' as i8)));
            masks.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)));
            masks.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)));
        }
        masks
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn masks(&self) -> Masks {
        self.masks_bytewise()
    }

    /// The masks a byte at a time: the reference the SSE2 version is tested against.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn masks_bytewise(&self) -> Masks {
        let mut masks = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for (bit, &byte) in self.0.iter().enumerate() {
            masks.quote |= u64::from(byte == b'"') << bit;
            masks.backslash |= u64::from(byte == b'\\') << bit;
            masks.open |= u64::from(matches!(byte, b'{' | b'[')) << bit;
            masks.close |= u64::from(matches!(byte, b'}' | b']')) << bit;
        }
        masks
    }
}

/// The bytes of a block escaped by a backslash: the one after each backslash that is not
/// itself escaped. `carry` says whether the block's first byte is (a backslash ended the block
/// before) and is set for the next block.
fn escaped(backslashes: u64, carry: &mut bool) -> u64 {
    let mut escaped = u64::from(*carry);
    *carry = false;
    let mut rest = backslashes;
    while rest != 0 {
        let bit = rest.trailing_zeros();
        rest &= rest - 1;
        if escaped >> bit & 1 == 1 {
            continue;
        }
        if bit == 63 {
            *carry = true;
        } else {
            escaped |= 1 << (bit + 1);
        }
    }
    escaped
}

/// Bit `i` of the result is the XOR of bits `0..=i` of `bits`: from each opening quote up to
/// (not including) its closing quote.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_where_containers_end() {
        // (text, where the container starting at 0 ends), by hand.
        let cases = [
            (r#"{}"#, 2),
            (r#"[1, [2, {"a": [3]}], 4] tail"#, 23),
            (r#"{"a": "}]", "b": "\"}"}x"#, 23),
            (r#"{"a": "\\"}"#, 11),
            (r#"{"a": "\\\"}"}"#, 14),
            (r#"["\\\\", "]"]"#, 13),
        ];
        for (text, end) in cases {
            assert_eq!(container_end(text.as_bytes(), 0), Some(end), "{text}");
        }
        assert_eq!(container_end(br#"{"a": [1, 2}"#, 0), None);
        assert_eq!(container_end(br#"{"a": "}"#, 0), None);
    }

    #[test]
    fn carries_strings_and_escapes_across_blocks() {
        // A string, and a run of backslashes, across the 64-byte boundary, at every shift.
        for padding in 0..70 {
            for backslashes in 0..5 {
                let filler = "x".repeat(padding);
                let escapes = "\\\\".repeat(backslashes);
                let text = format!(r#"{{"a": "{filler}{escapes}\"]}}", "b": [{{"c": "{{"}}]}}"#);
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value["b"][0]["c"], "{");
                assert_eq!(
                    container_end(text.as_bytes(), 0),
                    Some(text.len()),
                    "{text}"
                );
            }
        }
    }

    /// A small deterministic generator of JSON values whose names and strings are full of
    /// quotes, backslashes and brackets, and of release-like objects.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % bound
        }

        fn text(&mut self) -> String {
            const PIECES: [&str; 10] = [
                "a",
                "\"",
                "\\",
                "{",
                "]",
                "ocid",
                "Бишкек",
                " ",
                "\n",
                "}\"",
            ];
            (0..self.below(12))
                .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
                .collect()
        }

        fn value(&mut self, depth: u32) -> serde_json::Value {
            use serde_json::Value;
            match self.below(if depth > 4 { 4 } else { 7 }) {
                0 => Value::Null,
                1 => Value::from(self.below(2000) as i64 - 1000),
                2 => Value::from(self.text()),
                3 => Value::from(self.below(2) == 0),
                4 | 5 => (0..self.below(5)).map(|_| self.value(depth + 1)).collect(),
                _ => self.object(depth + 1),
            }
        }

        fn object(&mut self, depth: u32) -> serde_json::Value {
            const NAMES: [&str; 8] = [
                "ocid", "date", "tag", "id", "releases", "tender", "a\"b", "x\\",
            ];
            let mut object = serde_json::Map::new();
            for _ in 0..self.below(6) {
                let name = if self.below(3) == 0 {
                    self.text()
                } else {
                    NAMES[self.below(NAMES.len() as u64) as usize].to_owned()
                };
                object.insert(name, self.value(depth));
            }
            serde_json::Value::Object(object)
        }
    }

    #[test]
    fn agrees_with_the_checking_reader_on_valid_lines() {
        use crate::read::stream::plain_release_head;
        let mut random = Random(0x2545_F491_4F6C_DD1D);
        let mut skimmed = 0;
        for case in 0..20_000 {
            let mut release = random.object(0);
            if case % 2 == 0 {
                release["ocid"] = serde_json::Value::from(random.text());
            }
            let text = if case % 3 == 0 {
                serde_json::to_string_pretty(&release).unwrap()
            } else {
                serde_json::to_string(&release).unwrap()
            };
            let expected = plain_release_head(&text).unwrap();
            let escaped_name = release
                .as_object()
                .unwrap()
                .keys()
                .any(|name| name.contains(['"', '\\', '\n']));
            let found = skim_release(text.as_bytes());
            if escaped_name {
                assert_eq!(found, None, "{text}");
            } else {
                assert_eq!(found, expected, "{text}");
            }
            skimmed += usize::from(found.is_some());
        }
        // Both outcomes were met (a check of the generator, not a result).
        assert!(skimmed > 1000, "{skimmed}");
        // A repeated name: the last one counts, as in a parser.
        let text = r#"{"ocid": "a", "x": {"ocid": "inner"}, "date": 1, "ocid": "b"}"#;
        assert_eq!(
            skim_release(text.as_bytes()),
            plain_release_head(text).unwrap()
        );
    }

    #[test]
    fn sse2_masks_agree_with_bytewise_ones() {
        let text: Vec<u8> = (0..=255u8).chain(b"\"\\{}[]".iter().copied()).collect();
        for start in 0..text.len() {
            let block = Block::at(&text, start);
            let (fast, slow) = (block.masks(), block.masks_bytewise());
            assert_eq!(
                (fast.quote, fast.backslash, fast.open, fast.close),
                (slow.quote, slow.backslash, slow.open, slow.close),
                "{start}"
            );
        }
    }
}
