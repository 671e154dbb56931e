//! `achyk import` killed with SIGKILL at many points, then run again to completion, stores
//! exactly what one clean run stores: every release once, every compiled release up to date.
//! The expectation is computed here from the generated input (the releases, deduplicated, in
//! ocid then input order; each process merged with `achyk_ocds::compile_texts`), not from
//! the store itself.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use achyk_ocds::MergeRules;

const ACHYK: &str = env!("CARGO_BIN_EXE_achyk");
const LOTS: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";

/// A small deterministic generator (a linear congruential one), so the input is the same on
/// every run without a dependency.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// The input as JSON Lines of release packages, and the releases it holds as (ocid, text) in
/// input order. Some releases repeat exactly (which must be stored once), some reuse an `id`
/// with other content (a new version), and one line is broken (rejected).
fn generate(releases: usize) -> (String, Vec<(String, String)>) {
    let mut random = Lcg(42);
    let processes = (releases / 4).max(1) as u64;
    let mut next_step = vec![0_u64; processes as usize];
    let mut all: Vec<(String, String)> = Vec::new();
    let mut page: Vec<String> = Vec::new();
    let mut input = String::new();
    let flush = |page: &mut Vec<String>, input: &mut String| {
        input.push_str(&format!(
            r#"{{"uri":"https://example.org/p","version":"1.1","publishedDate":"2024-06-01T00:00:00+06:00","extensions":["{LOTS}"],"releases":[{}]}}"#,
            page.join(",")
        ));
        input.push('\n');
        page.clear();
    };
    while all.len() < releases {
        let roll = random.below(100);
        let text = if roll < 5 && !all.is_empty() {
            // An exact repeat of an earlier release.
            let (ocid, text) = all[random.below(all.len() as u64) as usize].clone();
            all.push((ocid, text.clone()));
            text
        } else {
            let process = random.below(processes);
            let ocid = format!("ocds-kill-{process:05}");
            let step = next_step[process as usize];
            // A new version reuses the previous release's id with other content.
            let (id, variant) = if roll < 10 && step > 0 {
                (step - 1, "amended")
            } else {
                (step, "original")
            };
            next_step[process as usize] = id + 1;
            let supplier = random.below(500);
            let text = format!(
                r#"{{"ocid":"{ocid}","id":"{ocid}-{id}","date":"2024-{:02}-{:02}T10:00:00+06:00","tag":["tender"],"initiationType":"tender","parties":[{{"id":"pe","name":"Entity {}","identifier":{{"scheme":"KG-INN","id":"{:014}"}},"roles":["procuringEntity"]}},{{"id":"s{supplier}","name":"Supplier {supplier}","identifier":{{"scheme":"KG-INN","id":"{:014}"}},"roles":["tenderer"]}}],"tender":{{"id":"t","title":"Tender {process} {variant}","status":"active","lots":[{{"id":"lot-{}","value":{{"amount":{}.50,"currency":"KGS"}}}}],"tenderers":[{{"id":"s{supplier}"}}]}}}}"#,
                1 + (id % 12),
                1 + (process % 28),
                process % 97,
                process % 97,
                10_000 + supplier,
                step % 3,
                random.below(100_000),
            );
            all.push((ocid, text.clone()));
            text
        };
        page.push(text);
        if page.len() == 250 {
            flush(&mut page, &mut input);
        }
        if all.len() == releases / 2 {
            input.push_str("{\"this line\": is broken\n");
        }
    }
    if !page.is_empty() {
        flush(&mut page, &mut input);
    }
    (input, all)
}

fn achyk(arguments: &[&str]) -> Output {
    Command::new(ACHYK)
        .args(arguments)
        .output()
        .expect("run achyk")
}

fn export(url: &str, releases: bool) -> Vec<String> {
    let mut arguments = vec!["export", "--db", url];
    if releases {
        arguments.push("--releases");
    }
    let output = achyk(&arguments);
    assert!(
        output.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn import_to_completion(url: &str, input: &Path) -> (Duration, Output) {
    let started = Instant::now();
    let output = achyk(&["import", "--db", url, input.to_str().unwrap()]);
    (started.elapsed(), output)
}

#[test]
fn import_killed_repeatedly_then_rerun_stores_what_a_clean_import_stores() {
    let directory = tempfile::tempdir().unwrap();
    let input_path = directory.path().join("input.jsonl");
    let (input, releases) = generate(12_000);
    std::fs::write(&input_path, &input).unwrap();

    // What must be stored, worked out from the input alone.
    let mut seen = HashSet::new();
    let mut expected_releases: Vec<(String, String)> = releases
        .into_iter()
        .filter(|release| seen.insert(release.clone()))
        .collect();
    expected_releases.sort_by(|a, b| a.0.cmp(&b.0));
    let mut by_process: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (ocid, text) in &expected_releases {
        by_process.entry(ocid).or_default().push(text);
    }
    let (rules, unknown) = MergeRules::for_extension_urls([LOTS]);
    assert!(unknown.is_empty());
    let expected_compiled: Vec<String> = by_process
        .values()
        .map(|texts| achyk_ocds::compile_texts(texts, &rules).json)
        .collect();
    let expected_releases: Vec<String> = expected_releases
        .into_iter()
        .map(|(_, text)| text)
        .collect();

    // A clean import, to learn how long one takes.
    let clean_url = format!("sqlite://{}", directory.path().join("clean.db").display());
    let (clean_time, output) = import_to_completion(&clean_url, &input_path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "one line is broken: {stderr}"
    );
    assert!(stderr.contains("rejected"), "{stderr}");
    assert_eq!(export(&clean_url, true), expected_releases);
    assert_eq!(export(&clean_url, false), expected_compiled);

    // Each scenario kills an import at one point of a clean import's duration (while reading
    // and storing, around the switch to recompiling, while recompiling), kills the next run
    // a third as far in, then runs to completion in the same database.
    let mut incomplete_before_rerun = 0;
    let mut total_killed_while_running = 0;
    let mut killed_urls = Vec::new();
    for (scenario, fraction) in [0.2, 0.6, 0.9].into_iter().enumerate() {
        let killed_url = format!(
            "sqlite://{}",
            directory
                .path()
                .join(format!("killed-{scenario}.db"))
                .display()
        );
        let mut killed_while_running = 0;
        for delay in [
            clean_time.mul_f64(fraction),
            clean_time.mul_f64(fraction / 3.0),
        ] {
            let mut child = Command::new(ACHYK)
                .args(["import", "--db", &killed_url, input_path.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start achyk import");
            std::thread::sleep(delay);
            if child.try_wait().unwrap().is_none() {
                killed_while_running += 1;
            }
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
        }
        let (releases, compiled, dirty) = state(&killed_url);
        eprintln!(
            "kill at {fraction} of {clean_time:?}: {killed_while_running} of 2 killed while running; \
             then {releases} releases stored, {compiled} compiled, {dirty} marked"
        );
        total_killed_while_running += killed_while_running;
        if dirty > 0 || compiled < expected_compiled.len() as i64 {
            incomplete_before_rerun += 1;
        }

        let (_, output) = import_to_completion(&killed_url, &input_path);
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprintln!("rerun: {}", stderr.lines().last().unwrap_or_default());
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(
            export(&killed_url, true),
            expected_releases,
            "every release once, as received"
        );
        assert_eq!(
            export(&killed_url, false),
            expected_compiled,
            "every compiled release up to date"
        );
        killed_urls.push(killed_url);
    }
    // How far each killed run got depends on the machine's load; most kills must hit a running
    // import, and at least one scenario must leave work for the rerun to finish (in practice
    // the first two do).
    assert!(
        total_killed_while_running >= 3,
        "most imports must be killed while running"
    );
    assert!(
        incomplete_before_rerun >= 1,
        "the kills must leave work for the rerun to finish"
    );

    // The organisations and roles too: the same as after the clean import.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let clean = achyk_store::Store::open_existing(&clean_url).await.unwrap();
        for killed_url in &killed_urls {
            let killed = achyk_store::Store::open_existing(killed_url).await.unwrap();
            assert_eq!(killed.count_dirty().await.unwrap(), 0);
            assert_eq!(
                killed.count_organisations().await.unwrap(),
                clean.count_organisations().await.unwrap()
            );
            for ocid in ["ocds-kill-00000", "ocds-kill-00001", "ocds-kill-02999"] {
                let ocid = achyk_store::Ocid::from(ocid);
                assert_eq!(
                    killed.parties_of(&ocid).await.unwrap(),
                    clean.parties_of(&ocid).await.unwrap()
                );
            }
        }
    });
}

/// Releases stored, processes compiled and processes marked for recompute (zeros when the
/// database or its tables do not exist yet).
fn state(url: &str) -> (i64, i64, i64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let Ok(store) = achyk_store::Store::open_existing(url).await else {
            return (0, 0, 0);
        };
        (
            store.count_releases().await.unwrap_or(0),
            store.count_compiled_releases().await.unwrap_or(0),
            store.count_dirty().await.unwrap_or(0),
        )
    })
}

#[test]
fn export_without_a_database_fails_and_migrate_creates_one() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("none.db").display());
    let output = achyk(&["export", "--db", &url]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !directory.path().join("none.db").exists(),
        "export must not create a database"
    );
    let output = achyk(&["migrate", "--db", &url]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(export(&url, false).is_empty());
}

#[test]
fn import_reads_standard_input_and_reports_new_versions() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("db.db").display());
    let first = r#"{"ocid":"ocds-x-1","id":"1","date":"2024-01-01T00:00:00Z","tender":{"id":"t","title":"A"}}"#;
    let second = r#"{"ocid":"ocds-x-1","id":"1","date":"2024-01-01T00:00:00Z","tender":{"id":"t","title":"B"}}"#;
    let run = |text: &str| {
        let mut child = Command::new(ACHYK)
            .args(["import", "--db", &url, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    };
    let output = run(&format!("{first}\n"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(&format!("{first}\n{second}\n"));
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("new version: -:2 [ocds-x-1] release 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 stored, 1 unchanged, 1 new version(s)"),
        "{stderr}"
    );
    assert_eq!(
        export(&url, true),
        vec![first.to_string(), second.to_string()]
    );
}
