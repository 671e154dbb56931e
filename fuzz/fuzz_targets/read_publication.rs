//! The reader never panics, never fails on an in-memory input (only the caller's reader's IO
//! errors are errors), hands out only JSON texts, and reads a gzip-compressed input as it
//! reads the input itself.
#![no_main]

use std::io::Write;

use achyk_ocds::{Event, read_publication};
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

fuzz_target!(|data: &[u8]| {
    let events = read(data);
    if data.len() <= 4096 && !data.starts_with(&[0x1f, 0x8b]) {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(read(&compressed), events, "gzip changed what was read");
    }
});
