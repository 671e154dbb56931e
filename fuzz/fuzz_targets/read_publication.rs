//! The reader never panics, never fails on an in-memory input (only the caller's reader's IO
//! errors are errors), hands out only JSON texts, and reads a gzip-compressed input as it
//! reads the input itself. Skimming (as `achyk compile` reads files) never panics either, and a
//! skimmed line that is valid JSON has the `ocid` and `date` a parser finds in it.
#![no_main]

use std::io::Write;

use achyk_ocds::{Event, ReadOptions, read_publication, read_publication_skimming};
use serde_json::Value;
use libfuzzer_sys::fuzz_target;

fn read(bytes: &[u8]) -> Vec<String> {
    let mut events = Vec::new();
    read_publication("fuzz", bytes, &mut |event| {
        if let Event::Item(item) = &event {
            let checked = serde_json::from_str::<serde::de::IgnoredAny>(&item.json);
            assert!(checked.is_ok(), "item is not JSON: {:?}", item.json);
            assert_eq!(
                item.json.trim(),
                item.json,
                "item text has surrounding whitespace"
            );
        }
        events.push(format!("{event:?}"));
    })
    .expect("reading from memory never fails");
    events
}

fn skim(bytes: &[u8]) {
    let mut lines = Vec::new();
    let options = ReadOptions::default();
    read_publication_skimming("fuzz", bytes, &options, &mut |_| {}, &mut |line| {
        lines.push(line)
    })
    .expect("reading from memory never fails");
    for line in lines {
        let text = &bytes[line.offset as usize..][..line.length as usize];
        if let Ok(Value::Object(release)) = serde_json::from_slice::<Value>(text) {
            let raw = |raw: Option<&String>| raw.map(|raw| serde_json::from_str::<Value>(raw).unwrap());
            assert_eq!(raw(Some(&line.ocid)).as_ref(), release.get("ocid"));
            assert_eq!(raw(line.date.as_ref()).as_ref(), release.get("date"));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    skim(data);
    let events = read(data);
    if data.len() <= 4096 && !data.starts_with(&[0x1f, 0x8b]) {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(read(&compressed), events, "gzip changed what was read");
    }
});
