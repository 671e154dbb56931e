//! `achyk_kg::sync` against a local replay of the API (`achyk_test_support::replay`) that
//! injects the failures the real one shows. Each test proves that the stored set of releases
//! equals the served set, each exactly once.

use std::time::Duration;

use achyk_kg::sync::{self, SyncError, SyncEvent, SyncOptions, SyncReport, format_since};
use achyk_store::{Ocid, Store, SyncCursor};
use achyk_test_support::databases::Databases;
use achyk_test_support::replay::{Fault, ReplayServer, synthetic_release};
use serde_json::{Value, json};

/// A migrated store in a fresh database.
struct TestStore {
    store: Store,
}

async fn fresh(databases: &Databases) -> TestStore {
    let store = Store::connect(&databases.fresh_url().await)
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    TestStore { store }
}

/// Declares each test once per backend.
macro_rules! on_each_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    let databases = achyk_test_support::databases::Databases::sqlite();
                    super::$test(&databases).await;
                    databases.remove().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    let Some(databases) = achyk_test_support::databases::Databases::postgres() else { return };
                    super::$test(&databases).await;
                    databases.remove().await;
                }
            )*
        }
    };
}

on_each_backend!(
    a_clean_sync_stores_the_served_set_once_each,
    every_kind_of_failure_is_retried_and_the_set_is_the_same,
    random_failures_with_a_seed_leave_the_same_set,
    giving_up_says_how_to_resume_and_the_next_run_resumes,
    a_process_republished_later_is_updated_and_new_ones_are_added,
    more_releases_in_one_second_than_a_page_holds_are_all_stored,
    since_overrides_the_stored_cursor,
    an_api_that_ignores_offset_is_reported_not_looped_on,
    check_lists_exactly_the_missing_ids,
);

/// Fast settings: small pages, short timeouts and waits.
fn options(server: &ReplayServer) -> SyncOptions {
    SyncOptions {
        base_url: server.url(),
        page_size: 10,
        timeout: Duration::from_millis(400),
        attempts: 5,
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        rate_limit: Duration::ZERO,
        since: None,
    }
}

async fn run(store: &Store, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    sync::sync(store, options, &mut |_: SyncEvent<'_>| {}).await
}

/// `(ocid, id, release)` of each release, sorted: a multiset to compare.
type ReleaseSet = Vec<(String, String, String)>;

fn key(release: &Value) -> (String, String, String) {
    (
        release["ocid"].as_str().unwrap().to_string(),
        release["id"].as_str().unwrap().to_string(),
        release.to_string(),
    )
}

/// Every release the server ever served (a release replaced by a later one of its process
/// included: the store keeps the history the feed drops).
fn served_set(server: &ReplayServer) -> ReleaseSet {
    let mut set: ReleaseSet = server.releases_ever().iter().map(key).collect();
    set.sort();
    set
}

async fn stored_set(store: &Store) -> ReleaseSet {
    let mut set = Vec::new();
    let mut after: Option<(Ocid, i64)> = None;
    loop {
        let page = store
            .releases_page(after.as_ref().map(|(ocid, id)| (ocid, *id)), 100)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.ocid.clone(), last.id));
        for row in &page {
            let release: Value = serde_json::from_str(&row.json).unwrap();
            set.push(key(&release));
        }
    }
    set.sort();
    set
}

/// `count` releases of processes `first..first + count`, `spacing` seconds apart from
/// `start` (seconds since the epoch).
fn releases(first: u64, count: u64, start: i64, spacing: i64, title: &str) -> Vec<Value> {
    (0..count)
        .map(|n| {
            synthetic_release(
                first + n,
                &format_since(start + n as i64 * spacing),
                &format!("{title} {}", first + n),
            )
        })
        .collect()
}

fn fixture_releases() -> Vec<Value> {
    ["page-1.json", "page-2.json"]
        .iter()
        .flat_map(|name| {
            let path = format!("{}/tests/fixtures/sync/{name}", env!("CARGO_MANIFEST_DIR"));
            let page: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            page["releases"].as_array().unwrap().clone()
        })
        .collect()
}

/// 2024-01-01T00:00:00+06:00.
const JANUARY_2024: i64 = 1_704_045_600;

async fn a_clean_sync_stores_the_served_set_once_each(databases: &Databases) {
    let mut served = fixture_releases();
    served.extend(releases(1, 45, JANUARY_2024, 3_600, "Works"));
    let server = ReplayServer::start(served);
    let db = fresh(databases).await;

    let report = run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
    assert_eq!(report.inserted, 49);
    assert!(report.pages >= 5, "{report:?}");
    // The cursor is the newest date, in the API's form.
    assert_eq!(
        db.store.sync_cursor(sync::TENDERING_FEED).await.unwrap(),
        Some(SyncCursor {
            since: "2024-03-05T08:00:00+06:00".into(),
            position: 0
        })
    );
    assert_eq!(db.store.count_dirty().await.unwrap(), 0);
    // The first request starts at the documented default and encodes the offset's `+`.
    let first = &server.requests()[0].target;
    assert_eq!(
        first,
        "/api/tendering?since=2015-01-01T00%3A00%3A00%2B06%3A00&offset=0&size=10"
    );

    // Again: nothing new is stored, and only the boundary is asked for again.
    let again = run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(again.inserted, 0);
    assert_eq!(again.pages, 1);
    assert_eq!(stored_set(&db.store).await, served_set(&server));
}

async fn every_kind_of_failure_is_retried_and_the_set_is_the_same(databases: &Databases) {
    let server = ReplayServer::start(releases(1, 120, JANUARY_2024, 60, "Goods"));
    let faults = [
        Fault::Status(500),
        Fault::Status(502),
        Fault::Status(504),
        Fault::Delay(Duration::from_millis(1_500)),
        Fault::Truncate,
        Fault::Close,
        Fault::InvalidJson,
    ];
    // Each fault once, between good responses, then two in a row.
    for fault in &faults {
        server.push_faults([Some(fault.clone()), None]);
    }
    server.push_faults([Some(Fault::Truncate), Some(Fault::Status(502)), None]);
    let db = fresh(databases).await;

    let report = run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
    assert_eq!(report.retries, faults.len() as u64 + 2, "{report:?}");
    let injected: Vec<Fault> = server
        .requests()
        .into_iter()
        .filter_map(|request| request.fault)
        .collect();
    for fault in &faults {
        assert!(injected.contains(fault), "{fault:?} was not injected");
    }
}

async fn random_failures_with_a_seed_leave_the_same_set(databases: &Databases) {
    for seed in [1_u64, 7, 42] {
        let server = ReplayServer::start(releases(1, 80, JANUARY_2024, 30, "Services"));
        server.set_random_faults(
            seed,
            35,
            vec![
                Fault::Status(500),
                Fault::Status(504),
                Fault::Delay(Duration::from_millis(1_000)),
                Fault::Truncate,
                Fault::Close,
                Fault::InvalidJson,
            ],
        );
        let db = fresh(databases).await;
        let mut options = options(&server);
        options.attempts = 12;
        let report = run(&db.store, &options).await.unwrap();
        assert_eq!(
            stored_set(&db.store).await,
            served_set(&server),
            "seed {seed}"
        );
        assert!(report.retries > 0, "seed {seed}: {report:?}");
    }
}

async fn giving_up_says_how_to_resume_and_the_next_run_resumes(databases: &Databases) {
    let server = ReplayServer::start(releases(1, 60, JANUARY_2024, 60, "Works"));
    // Three good pages, then an outage.
    server.push_faults([None, None, None]);
    server.set_outage(Some(Fault::Status(504)));
    let db = fresh(databases).await;

    let error = run(&db.store, &options(&server)).await.unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, SyncError::GaveUp { attempts: 5, .. }),
        "{message}"
    );
    assert!(message.contains("HTTP 504"), "{message}");
    assert!(message.contains("without --since resumes"), "{message}");
    let stored_before = db.store.count_releases().await.unwrap();
    assert!((20..60).contains(&stored_before), "{stored_before}");
    let cursor = db
        .store
        .sync_cursor(sync::TENDERING_FEED)
        .await
        .unwrap()
        .unwrap();
    assert!(message.contains(&cursor.since), "{message}");

    // The outage ends: the next run starts at the stored cursor, not at the beginning.
    server.set_outage(None);
    let requests_before = server.requests().len();
    run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
    let resumed = &server.requests()[requests_before].target;
    assert!(
        resumed.contains(&cursor.since.replace(':', "%3A").replace('+', "%2B")),
        "{resumed} does not start at {}",
        cursor.since
    );
}

async fn a_process_republished_later_is_updated_and_new_ones_are_added(databases: &Databases) {
    let server = ReplayServer::start(releases(1, 30, JANUARY_2024, 600, "First"));
    server.keep_latest_only();
    let db = fresh(databases).await;
    run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));

    // Five processes re-published a day later with new content, and five new processes.
    let later = JANUARY_2024 + 86_400;
    let mut more = releases(3, 5, later, 10, "Second");
    more.extend(releases(100, 5, later + 5, 10, "New"));
    server.add_releases(more);
    // The feed now holds 30 processes plus 5 new ones; the store keeps the 5 replaced too.
    assert_eq!(server.releases().len(), 35);
    let requests_before = server.requests().len();
    let report = run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(report.inserted, 10, "{report:?}");
    assert_eq!(stored_set(&db.store).await, served_set(&server));
    // Incremental: it did not start from the beginning again.
    assert!(server.requests().len() - requests_before <= 3);

    for number in 3..8 {
        let ocid = Ocid::from(format!("ocds-h7i0z4-{number}"));
        let compiled = db.store.compiled_release(&ocid).await.unwrap();
        let json: Value = serde_json::from_str(&compiled.json).unwrap();
        assert_eq!(json["tender"]["title"], format!("Second {number}"));
        assert_eq!(compiled.release_count, 2);
    }
    let untouched = db
        .store
        .compiled_release(&Ocid::from("ocds-h7i0z4-1"))
        .await
        .unwrap();
    assert_eq!(untouched.release_count, 1);
}

async fn more_releases_in_one_second_than_a_page_holds_are_all_stored(databases: &Databases) {
    let second = JANUARY_2024 + 1_000;
    let mut served = releases(1, 5, JANUARY_2024, 10, "Before");
    served.extend(releases(100, 35, second, 0, "Same second"));
    served.extend(releases(200, 5, second + 1, 1, "After"));
    let server = ReplayServer::start(served);
    let db = fresh(databases).await;

    run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
    // The cursor stuck at that second, so the offset stepped past its releases.
    let since = format_since(second).replace(':', "%3A").replace('+', "%2B");
    let targets: Vec<String> = server
        .requests()
        .into_iter()
        .map(|request| request.target)
        .collect();
    for offset in [10, 20, 30] {
        let wanted = format!("since={since}&offset={offset}&size=10");
        assert!(
            targets.iter().any(|target| target.contains(&wanted)),
            "no request for {wanted} in {targets:#?}"
        );
    }

    // A run that stops at a stuck second resumes from the offset stored: the first page
    // moves the cursor to that second, the second steps 10 into it, the third fails.
    let server = ReplayServer::start(releases(100, 35, second, 0, "Same second"));
    server.push_faults([None, None]);
    server.set_outage(Some(Fault::Close));
    let db = fresh(databases).await;
    run(&db.store, &options(&server)).await.unwrap_err();
    assert_eq!(
        db.store.sync_cursor(sync::TENDERING_FEED).await.unwrap(),
        Some(SyncCursor {
            since: format_since(second),
            position: 10
        })
    );
    server.set_outage(None);
    run(&db.store, &options(&server)).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
}

async fn an_api_that_ignores_offset_is_reported_not_looped_on(databases: &Databases) {
    let second = JANUARY_2024 + 1_000;
    let server = ReplayServer::start(releases(100, 25, second, 0, "Same second"));
    server.ignore_offset();
    let db = fresh(databases).await;
    let error = run(&db.store, &options(&server)).await.unwrap_err();
    assert!(matches!(error, SyncError::Stuck { .. }), "{error}");
    assert!(error.to_string().contains("--page-size"), "{error}");
    assert!(server.requests().len() <= 4, "{:#?}", server.requests());

    // With pages large enough for the second, it goes through.
    let mut larger = options(&server);
    larger.page_size = 30;
    run(&db.store, &larger).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
}

async fn since_overrides_the_stored_cursor(databases: &Databases) {
    let server = ReplayServer::start(releases(1, 20, JANUARY_2024, 86_400, "Works"));
    let db = fresh(databases).await;
    let mut from_the_tenth = options(&server);
    from_the_tenth.since = Some(format_since(JANUARY_2024 + 9 * 86_400));
    let report = run(&db.store, &from_the_tenth).await.unwrap();
    assert_eq!(report.inserted, 11);
    assert_eq!(db.store.count_releases().await.unwrap(), 11);
    // Back to the start with a bare date (Bishkek time).
    from_the_tenth.since = Some("2024-01-01".into());
    run(&db.store, &from_the_tenth).await.unwrap();
    assert_eq!(stored_set(&db.store).await, served_set(&server));
}

async fn check_lists_exactly_the_missing_ids(databases: &Databases) {
    let server = ReplayServer::start(releases(1, 5, JANUARY_2024, 60, "Works"));
    server.set_validation(
        "2024-01-01",
        json!({
            "date": "2024-01-01",
            "tenders": {"count": 5, "ids": ["ocds-h7i0z4-1", "2", 3, "ocds-h7i0z4-9", "10"]},
            "contracts": {"count": 2, "ids": ["contract-based-77120", "ocds-h7i0z4-4"]},
        }),
    );
    let db = fresh(databases).await;
    // Before the check, only the first three processes are stored.
    let mut partial = options(&server);
    partial.page_size = 3;
    server.push_faults([None]);
    server.set_outage(Some(Fault::Status(500)));
    let _ = run(&db.store, &partial).await;
    server.set_outage(None);
    assert_eq!(db.store.count_releases().await.unwrap(), 3);

    // The first attempt fails: a check retries too.
    server.push_faults([Some(Fault::Status(502))]);
    let report = sync::check(&db.store, &options(&server), "2024-01-01", &mut |_| {})
        .await
        .unwrap();
    let missing: Vec<&str> = report.missing.iter().map(Ocid::as_str).collect();
    assert_eq!(
        missing,
        [
            "ocds-h7i0z4-9",
            "ocds-h7i0z4-10",
            "ocds-h7i0z4-contract-based-77120",
            "ocds-h7i0z4-4"
        ]
    );
    assert_eq!(report.listed.len(), 7);

    // A day the API does not know is refused, not retried forever.
    let error = sync::check(&db.store, &options(&server), "2024-01-02", &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(error, SyncError::Refused { .. }), "{error}");
    assert!(matches!(
        sync::check(&db.store, &options(&server), "January", &mut |_| {}).await,
        Err(SyncError::BadDate(_))
    ));
}
