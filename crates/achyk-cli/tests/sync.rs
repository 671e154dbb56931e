//! The `achyk sync` binary against a local replay of the Kyrgyz API: killed with SIGKILL
//! mid-way and run again, it stores exactly the served set; when it gives up it prints a
//! command that resumes; `--check` lists the missing ids and exits 1.

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use achyk_kg::sync::format_since;
use achyk_store::{Ocid, Store};
use achyk_test_support::replay::{Fault, ReplayServer, synthetic_release};
use serde_json::{Value, json};

const ACHYK: &str = env!("CARGO_BIN_EXE_achyk");

/// 2024-01-01T00:00:00+06:00.
const JANUARY_2024: i64 = 1_704_045_600;

fn releases(count: u64) -> Vec<Value> {
    (0..count)
        .map(|n| {
            synthetic_release(
                n + 1,
                &format_since(JANUARY_2024 + n as i64 * 60),
                &format!("Works {n}"),
            )
        })
        .collect()
}

fn sync_command(db: &str, server: &ReplayServer, extra: &[&str]) -> Command {
    let mut command = Command::new(ACHYK);
    command
        .args(["sync", "--db", db, "--base-url", &server.url()])
        .args(["--page-size", "10", "--timeout-ms", "2000"])
        .args(["--backoff-ms", "10", "--max-backoff-ms", "50"])
        .args(extra)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run achyk")
}

type ReleaseSet = Vec<(String, String, String)>;

fn key(release: &Value) -> (String, String, String) {
    (
        release["ocid"].as_str().unwrap().to_string(),
        release["id"].as_str().unwrap().to_string(),
        release.to_string(),
    )
}

fn served_set(server: &ReplayServer) -> ReleaseSet {
    let mut set: ReleaseSet = server.releases_ever().iter().map(key).collect();
    set.sort();
    set
}

/// The stored releases; after a finished sync (`finished`), no process may wait for its
/// compiled release.
fn stored_set_of(db: &str, finished: bool) -> ReleaseSet {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::open_existing(db).await.unwrap();
        let mut set = Vec::new();
        let mut after: Option<(Ocid, i64)> = None;
        loop {
            let page = store
                .releases_page(after.as_ref().map(|(ocid, id)| (ocid, *id)), 200)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.ocid.clone(), last.id));
            for row in &page {
                set.push(key(&serde_json::from_str(&row.json).unwrap()));
            }
        }
        if finished {
            assert_eq!(store.count_dirty().await.unwrap(), 0);
        }
        store.close().await;
        set.sort();
        set
    })
}

fn stored_set(db: &str) -> ReleaseSet {
    stored_set_of(db, true)
}

fn wait_for_requests(server: &ReplayServer, count: usize, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.requests().len() < count {
        assert!(
            child.try_wait().unwrap().is_none(),
            "achyk sync ended before it was killed"
        );
        assert!(Instant::now() < deadline, "achyk sync made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn killed_with_sigkill_mid_way_then_run_again_stores_the_served_set_once_each() {
    let directory = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", directory.path().join("kill.db").display());
    let server = ReplayServer::start(releases(400));

    // Kill at several points; each run goes on from where the one before was killed.
    for requests in [3, 9, 17, 26] {
        let mut child = sync_command(&db, &server, &["--rate-limit-ms", "60"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_requests(&server, requests, &mut child);
        // `Child::kill` is SIGKILL on Unix.
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let killed_requests = server.requests().len();
    let stored = stored_set_of(&db, false);
    assert!(
        stored.len() < 400,
        "the kills came too late to test anything"
    );

    let output = run(&mut sync_command(&db, &server, &["--rate-limit-ms", "0"]));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stored_set(&db), served_set(&server));
    // The last run resumed at a stored cursor rather than at the beginning.
    let resumed = &server.requests()[killed_requests].target;
    assert!(!resumed.contains("since=2015"), "{resumed}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("achyk: synced"), "{stderr}");
}

#[test]
fn giving_up_prints_the_command_that_resumes() {
    let directory = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", directory.path().join("outage.db").display());
    let server = ReplayServer::start(releases(50));
    server.push_faults([None, None]);
    server.set_outage(Some(Fault::Status(504)));

    let output = run(&mut sync_command(
        &db,
        &server,
        &["--rate-limit-ms", "0", "--retries", "2"],
    ));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gave up on"), "{stderr}");
    assert!(stderr.contains("HTTP 504"), "{stderr}");
    let resume = stderr
        .lines()
        .find_map(|line| line.strip_prefix("achyk: to resume, run: "))
        .unwrap_or_else(|| panic!("no resume command in {stderr}"));
    assert!(
        resume.starts_with(&format!("achyk sync --db {db} --base-url {}", server.url())),
        "{resume}"
    );
    assert!(!resume.contains("--since"), "{resume}");

    // The outage ends; the printed command, as printed, finishes the job.
    server.set_outage(None);
    let words: Vec<&str> = resume.split_whitespace().collect();
    let output = run(Command::new(ACHYK)
        .args(&words[1..])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null()));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stored_set(&db), served_set(&server));
}

#[test]
fn check_prints_the_missing_ocids_and_exits_1() {
    let directory = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", directory.path().join("check.db").display());
    let server = ReplayServer::start(releases(4));
    server.set_validation(
        "2024-01-01",
        json!({
            "date": "2024-01-01",
            "tenders": {"count": 3, "ids": ["ocds-h7i0z4-1", "2", "77"]},
            "contracts": {"count": 1, "ids": ["contract-based-5"]},
        }),
    );
    let output = run(&mut sync_command(&db, &server, &["--rate-limit-ms", "0"]));
    assert!(output.status.success(), "{output:?}");

    let output = run(&mut sync_command(&db, &server, &["--check", "2024-01-01"]));
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ocds-h7i0z4-77\nocds-h7i0z4-contract-based-5\n"
    );

    server.set_validation(
        "2024-01-02",
        json!({"tenders": {"count": 2, "ids": ["3", "ocds-h7i0z4-4"]}}),
    );
    let output = run(&mut sync_command(&db, &server, &["--check", "2024-01-02"]));
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stdout.is_empty());
}
