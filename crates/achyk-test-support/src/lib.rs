//! Helpers shared by the tests of several crates: running OCP's reference implementation
//! (`ocdskit compile`, `ocdsmerge`'s rules) so that expected results come from it.
//!
//! The reference is installed with `pip install ocdskit` (`.ci/run` does it). When it is
//! missing, [`reference_available`] fails the test under CI (`CI` set) and otherwise says
//! SKIPPED and returns `false`.
//!
//! [`webdriver`] drives Debian's headless Chromium through chromedriver for browser tests.
//!
//! [`replay`] is a local replay of the Kyrgyz OCDS API that injects failures, for `achyk sync`.

pub mod databases;
pub mod images;
pub mod multipart;
pub mod replay;
pub mod smtp;
pub mod webdriver;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The embedded schemas and the reference scripts live in the `achyk-ocds` crate.
pub fn ocds_crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../achyk-ocds")
}

/// Whether `ocdskit` and `ocdsmerge` can run here; panics under CI when they cannot.
pub fn reference_available() -> bool {
    let found = Command::new("ocdskit")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
        && Command::new("python3")
            .args(["-c", "import ocdsmerge, json_merge_patch"])
            .status()
            .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "the reference (pip install ocdskit) must be installed under CI"
        );
        eprintln!("SKIPPED: ocdskit is not installed (pip install ocdskit)");
    }
    found
}

/// Patches the 1.1.5 release schema with the named embedded extensions (`lots`, `bid`,
/// `enquiry`) using the reference's own JSON Merge Patch library, writes it under `dir` for
/// `ocdskit compile --schema`, and returns the merge rules `ocdsmerge` derives from it
/// (`dotted.path`, `omitWhenMerged`|`wholeListMerge`) with the schema's path.
pub fn reference_schema(dir: &Path, extensions: &[&str]) -> (Vec<(String, String)>, PathBuf) {
    let ocds = ocds_crate_dir();
    let out = dir.join(format!("schema-{}.json", extensions.join("-")));
    let mut command = Command::new("python3");
    command
        .arg(ocds.join("tests/reference/patched_rules.py"))
        .arg(ocds.join("schema/1.1.5/release-schema.json"))
        .arg(&out);
    for extension in extensions {
        command.arg(ocds.join(format!("schema/extensions/{extension}/release-schema.json")));
    }
    let output = command.output().expect("python3 runs");
    assert!(
        output.status.success(),
        "patched_rules.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rules = String::from_utf8(output.stdout)
        .expect("the rules are text")
        .lines()
        .map(|line| {
            let (path, rule) = line.split_once('\t').expect("a rule line has a tab");
            (path.to_owned(), rule.to_owned())
        })
        .collect();
    (rules, out)
}

/// Runs `ocdskit compile --schema SCHEMA [--versioned]` on `input`; returns its output lines.
pub fn ocdskit_compile(input: &[u8], schema: &Path, versioned: bool) -> Vec<Value> {
    let mut command = Command::new("ocdskit");
    command.arg("compile").arg("--schema").arg(schema);
    if versioned {
        command.arg("--versioned");
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ocdskit runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("ocdskit finishes");
    writer
        .join()
        .expect("the writer thread ends")
        .expect("ocdskit reads its input");
    assert!(
        output.status.success(),
        "ocdskit compile failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("ocdskit writes UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("ocdskit writes JSON"))
        .collect()
}
