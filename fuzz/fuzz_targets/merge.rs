//! Merging never panics: the input is read as JSON Lines of releases; those with a usable head
//! are grouped by `ocid` and each group is compiled (and versioned) with every known extension.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use achyk_ocds::schema::KnownExtension;
use achyk_ocds::{MergeRules, ReleaseHead};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

static RULES: OnceLock<MergeRules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(|| MergeRules::for_extensions(&KnownExtension::ALL));
    let mut processes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in data.split(|&byte| byte == b'\n') {
        let Ok(release) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        let Ok(head) = ReleaseHead::of(&release) else {
            continue;
        };
        processes.entry(head.ocid).or_default().push(release);
    }
    for releases in processes.into_values() {
        let _ = achyk_ocds::merge::compile(releases.clone(), rules);
        let _ = achyk_ocds::merge::versioned(releases, rules);
    }
});
