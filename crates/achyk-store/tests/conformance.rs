//! The storage conformance suite: every test runs on SQLite, and on PostgreSQL when
//! `ACHYK_TEST_POSTGRES_URL` (or a `postgres://` `DATABASE_URL`) names a server where it may
//! create databases. Each test gets a fresh database. Under CI (`CI` set) a missing
//! PostgreSQL URL fails the PostgreSQL tests instead of skipping them.
//!
//! Run against a local throwaway cluster with `eval "$(bash .ci/start-postgres.sh)"` first.

use std::collections::BTreeMap;

use achyk_ocds::{Location, MergeRules};
use achyk_store::{
    Facet, ImportReport, NewRelease, NormalisedProcess, Normaliser, Ocid, OrgId, QualityNote,
    SearchParams, Sort, Store, StoreError,
};
use common::{Databases, TestDb};
use serde_json::{Value, json};

mod common;

both_backends!(
    migrating_twice_changes_nothing,
    reimporting_changes_nothing,
    member_order_and_whitespace_do_not_make_a_new_release,
    same_id_with_new_content_is_a_new_version_and_reported,
    a_release_without_id_is_identified_by_its_content,
    only_changed_processes_are_recompiled,
    compiled_release_is_the_merge_of_the_stored_releases,
    extensions_declared_after_the_releases_apply_to_them,
    unknown_extensions_are_kept_as_merge_warnings,
    organisations_are_keyed_by_identifier_with_their_roles,
    an_organisation_shows_the_party_of_its_latest_process,
    exported_releases_are_the_texts_as_received_in_ocid_then_import_order,
    compiled_releases_come_in_byte_order_of_ocid,
    a_crash_between_insert_and_recompute_is_finished_by_the_next_import,
    bad_releases_are_rejected_and_the_rest_is_stored,
    batches_larger_than_one_statement_are_stored_whole,
    missing_rows_are_not_found,
    kg_feed_pages_import_with_their_extensions,
    two_recomputes_at_once_write_what_one_writes,
    normalised_releases_and_quality_notes_are_kept_beside_compiled_ones,
    marking_every_process_dirty_rebuilds_every_normalised_release,
    searches_match_inflected_words_filter_sort_page_and_count_facets,
    partners_are_the_suppliers_of_a_buyer_and_the_buyers_of_a_supplier,
    bulk_files_read_each_year_a_page_at_a_time,
    the_search_index_gives_the_hand_worked_answers_too,
    the_search_index_answers_random_searches_as_sql_does,
    the_search_index_sees_every_committed_import,
    analytics_groups_count_flagged_processes_and_top_suppliers,
);

/// Places each process in the region its tender's `x_region` names.
struct RegionNormaliser;

impl Normaliser for RegionNormaliser {
    fn normalise(&self, compiled_json: &str) -> NormalisedProcess {
        let release: Value = serde_json::from_str(compiled_json).unwrap();
        NormalisedProcess {
            json: compiled_json.to_string(),
            notes: Vec::new(),
            region: release["tender"]["x_region"].as_str().map(str::to_string),
            party_regions: Vec::new(),
            release: Some(release),
        }
    }
}

/// A small deterministic generator (a 64-bit LCG), so that the random searches repeat.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<T: Clone>(&mut self, choices: &[T]) -> T {
        choices[self.next() as usize % choices.len()].clone()
    }
}

const WORDS: [&str; 6] = ["школа", "дорога", "ремонт", "кровля", "мектеп", "жол"];
/// How titles join two words: the index splits texts at whitespace, and a word must still be
/// found inside quotes, after punctuation, across a hyphen or a no-break space.
const JOINS: [&str; 6] = [" ", "  ", ", «", "-", "\u{a0}", "\t"];
/// Query words beyond [`WORDS`]: parts of words, a hyphenated pair, a part across the hyphen.
const PARTS: [&str; 5] = ["монт", "ол", "жол-мектеп", "л-ш", "«школа"];
const REGIONS: [Option<&str>; 4] = [Some("KG-C"), Some("KG-GB"), Some("KG-O"), None];
const METHODS: [Option<&str>; 4] = [Some("open"), Some("direct"), Some("limited"), None];
const STATUSES: [Option<&str>; 4] = [Some("active"), Some("complete"), Some("unsuccessful"), None];
const CATEGORIES: [Option<&str>; 3] = [Some("goods"), Some("works"), None];
/// Values on and around the facet's range bounds, repeated so that sorting meets ties.
const VALUES: [Option<f64>; 8] = [
    None,
    Some(50_000.0),
    Some(100_000.0),
    Some(999_999.5),
    Some(1_000_000.0),
    Some(5_000_000.0),
    Some(10_000_000.0),
    Some(50_000.0),
];

fn random_process(random: &mut Lcg, number: usize) -> Value {
    random_release(random, number, "1")
}

fn random_release(random: &mut Lcg, number: usize, id: &str) -> Value {
    let ocid = format!("ocds-r-{number:03}");
    // Few distinct dates, so that many processes tie and the ocid decides.
    let day = 1 + random.next() % 9;
    let year = 2021 + random.next() % 4;
    let date = format!("{year}-0{day}-01T10:00:00+06:00");
    let mut tender = json!({
        "id": "t",
        "title": format!("{}{}{}", random.pick(&WORDS), random.pick(&JOINS), random.pick(&WORDS)),
    });
    for (key, value) in [
        ("x_region", random.pick(&REGIONS)),
        ("procurementMethod", random.pick(&METHODS)),
        ("status", random.pick(&STATUSES)),
        ("mainProcurementCategory", random.pick(&CATEGORIES)),
    ] {
        if let Some(value) = value {
            tender[key] = json!(value);
        }
    }
    if let Some(amount) = random.pick(&VALUES) {
        tender["value"] = json!({"amount": amount, "currency": "KGS"});
    }
    if random.next().is_multiple_of(3) {
        tender["datePublished"] = json!(format!("{}-12-31T10:00:00+06:00", year - 1));
    }
    let buyer = random.next() % 5;
    release(
        &ocid,
        id,
        &date,
        json!({
            "parties": [{"id": format!("KG-INN-{buyer}"), "name": format!("Buyer {buyer}"), "roles": ["buyer"]}],
            "tender": tender,
        }),
    )
}

fn random_search(random: &mut Lcg) -> SearchParams {
    let text = match random.next() % 5 {
        0 => None,
        1 => Some(random.pick(&WORDS).to_string()),
        2 => Some(format!("{} {}", random.pick(&WORDS), random.pick(&WORDS))),
        3 => Some(random.pick(&PARTS).to_string()),
        _ => Some("нет-такого-слова".to_string()),
    };
    let maybe = |random: &mut Lcg, choices: &[Option<&str>], extra: &str| -> Option<String> {
        match random.next() % 3 {
            0 => random.pick(choices).map(str::to_string),
            1 if random.next().is_multiple_of(4) => Some(extra.to_string()),
            _ => None,
        }
    };
    let (min_value, max_value, below_value) = match random.next() % 5 {
        0 => (Some(100_000.0), Some(1_000_000.0), None),
        1 => (Some(1_000_000.0), None, Some(10_000_000.0)),
        2 => (None, Some(999_999.5), None),
        _ => (None, None, None),
    };
    SearchParams {
        text,
        region: maybe(random, &REGIONS, "KG-Y"),
        method: maybe(random, &METHODS, "electronic"),
        status: maybe(random, &STATUSES, "planned"),
        category: maybe(random, &CATEGORIES, "services"),
        year: match random.next() % 4 {
            0 => Some(2020 + (random.next() % 6) as i64),
            _ => None,
        },
        buyer: match random.next() % 5 {
            0 => Some(format!("KG-INN-{}", random.next() % 6)),
            _ => None,
        },
        participant: None,
        flag: match random.next() % 6 {
            0 => Some("any".to_string()),
            1 => Some(random.pick(&["R003", "R018", "R028", "R099"]).to_string()),
            _ => None,
        },
        min_value,
        max_value,
        below_value,
        sort: random.pick(&[Sort::Newest, Sort::Oldest, Sort::ValueHigh, Sort::ValueLow]),
        skip_facets: random.next().is_multiple_of(5),
        page: (random.next() % 4) as u32,
        per_page: random.pick(&[1, 3, 10, 50]),
    }
}

/// The SQL path is the reference: on random data (ties, missing values, values on the range
/// bounds) and random searches, the index gives the same rows, total and facet counts.
async fn the_search_index_answers_random_searches_as_sql_does(db: &TestDb) {
    let sql = db
        .store()
        .await
        .with_normaliser(std::sync::Arc::new(RegionNormaliser));
    let indexed = db.store().await.with_search_index();
    let mut random = Lcg(20_261_128);
    let releases: Vec<Value> = (0..240)
        .map(|number| random_process(&mut random, number))
        .collect();
    import(&sql, "random.json", &package(&releases)).await;
    // Flags on about a third of the processes, some with two codes; organisation flags too,
    // which process searches must not count.
    let mut flags = Vec::new();
    for number in 0..240 {
        for code in ["R003", "R018", "R028"] {
            if random.next().is_multiple_of(5) {
                flags.push(achyk_store::StoredFlag {
                    group: "ocid".into(),
                    id: format!("ocds-r-{number:03}"),
                    code: code.into(),
                    value: 1.0,
                    facts: "[]".into(),
                });
            }
        }
    }
    flags.push(achyk_store::StoredFlag {
        group: "buyer".into(),
        id: "KG-INN-1".into(),
        code: "R038".into(),
        value: 0.5,
        facts: "[]".into(),
    });
    sql.replace_flag_results(240, "random", &flags, &[])
        .await
        .unwrap();
    for round in 0..300 {
        let params = random_search(&mut random);
        let expected = sql.search(&params).await.unwrap();
        let answered = indexed.search(&params).await.unwrap();
        assert_eq!(answered, expected, "search {round}: {params:?}");
    }
    // Processes published again, with new words and facets: four times half of them, so that
    // the index first keeps dead rows beside live ones, then loads itself afresh.
    for (republished, id) in ["2", "3", "4", "5"].into_iter().enumerate() {
        let again: Vec<Value> = (0..120)
            .map(|number| {
                let mut release = random_release(&mut random, number * 2 + republished % 2, id);
                // Later than every earlier date, so that the new release decides.
                release["date"] = json!(format!("2030-0{}-01T00:00:00Z", republished + 1));
                release
            })
            .collect();
        import(&sql, &format!("again-{id}.json"), &package(&again)).await;
        for round in 0..100 {
            let params = random_search(&mut random);
            let expected = sql.search(&params).await.unwrap();
            let answered = indexed.search(&params).await.unwrap();
            assert_eq!(answered, expected, "again {id}, search {round}: {params:?}");
        }
    }
}

/// An import committed by another handle (another process, in production) is searchable by
/// the next search, and a process published again moves between facets.
async fn the_search_index_sees_every_committed_import(db: &TestDb) {
    let writer = db
        .store()
        .await
        .with_normaliser(std::sync::Arc::new(RegionNormaliser));
    let indexed = db.store().await.with_search_index();
    let open = |ocid: &str, date: &str, method: &str| {
        release(
            ocid,
            date,
            date,
            json!({"tender": {"id": "t", "title": "ремонт", "procurementMethod": method, "x_region": "KG-C"}}),
        )
    };
    import(
        &writer,
        "one.json",
        &package(&[open("ocds-f-1", "2024-01-01T00:00:00Z", "open")]),
    )
    .await;
    let all = SearchParams {
        per_page: 10,
        ..Default::default()
    };
    let found = indexed.search(&all).await.unwrap();
    assert_eq!(found.total, 1);
    // The words' matches are remembered, and forgotten when new rows arrive.
    let words = SearchParams {
        text: Some("ремонт".into()),
        ..all.clone()
    };
    assert_eq!(indexed.search(&words).await.unwrap().total, 1);
    import(
        &writer,
        "two.json",
        &package(&[open("ocds-f-2", "2024-02-01T00:00:00Z", "open")]),
    )
    .await;
    let found = indexed.search(&all).await.unwrap();
    assert_eq!(found.total, 2);
    assert_eq!(found.rows[0].ocid, "ocds-f-2", "newest first");
    assert_eq!(indexed.search(&words).await.unwrap().total, 2);
    // ocds-f-1 published again as a direct purchase: the method facet moves it.
    import(
        &writer,
        "three.json",
        &package(&[open("ocds-f-1", "2024-03-01T00:00:00Z", "direct")]),
    )
    .await;
    let found = indexed.search(&all).await.unwrap();
    assert_eq!(found.total, 2);
    let methods = found
        .facets
        .iter()
        .find(|(facet, _)| *facet == Facet::Method)
        .map(|(_, counts)| counts.clone())
        .unwrap();
    assert_eq!(
        methods,
        vec![("direct".to_string(), 1), ("open".to_string(), 1)]
    );
    assert_eq!(found.rows[0].ocid, "ocds-f-1");
    let direct = indexed
        .search(&SearchParams {
            method: Some("direct".into()),
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(direct.total, 1);
    // Red flags: f-1 has R003; f-2 has R003 and R018. Both paths, by hand.
    let flag = |ocid: &str, code: &str| achyk_store::StoredFlag {
        group: "ocid".into(),
        id: ocid.into(),
        code: code.into(),
        value: 1.0,
        facts: "[]".into(),
    };
    writer
        .replace_flag_results(
            2,
            "one",
            &[
                flag("ocds-f-1", "R003"),
                flag("ocds-f-2", "R003"),
                flag("ocds-f-2", "R018"),
            ],
            &[],
        )
        .await
        .unwrap();
    let flagged = |code: &str| SearchParams {
        flag: Some(code.into()),
        per_page: 10,
        ..Default::default()
    };
    for store in [&writer, &indexed] {
        let r018 = store.search(&flagged("R018")).await.unwrap();
        assert_eq!(
            r018.rows
                .iter()
                .map(|row| row.ocid.as_str())
                .collect::<Vec<_>>(),
            ["ocds-f-2"]
        );
        assert_eq!(store.search(&flagged("any")).await.unwrap().total, 2);
        assert_eq!(store.search(&flagged("R099")).await.unwrap().total, 0);
        let flags = r018
            .facets
            .iter()
            .find(|(facet, _)| *facet == Facet::Flag)
            .map(|(_, counts)| counts.clone())
            .unwrap();
        // The flag facet leaves its own filter out: both processes have R003, one has R018.
        assert_eq!(
            flags,
            vec![("R003".to_string(), 2), ("R018".to_string(), 1)]
        );
    }
    // A new run replaces the flags, and the index follows.
    writer
        .replace_flag_results(2, "two", &[flag("ocds-f-1", "R018")], &[])
        .await
        .unwrap();
    let r018 = indexed.search(&flagged("R018")).await.unwrap();
    assert_eq!(
        r018.rows
            .iter()
            .map(|row| row.ocid.as_str())
            .collect::<Vec<_>>(),
        ["ocds-f-1"]
    );
}

async fn bulk_files_read_each_year_a_page_at_a_time(db: &TestDb) {
    let store = db.store().await;
    // The year is the tender's publication year, else the year of the latest release.
    let releases = [
        release(
            "ocds-a-3",
            "1",
            "2024-02-01T00:00:00+06:00",
            json!({"tender": {"id": "t", "datePublished": "2023-12-30T10:00:00+06:00"}}),
        ),
        release("ocds-a-1", "1", "2023-05-01T00:00:00+06:00", json!({})),
        release(
            "ocds-a-2",
            "1",
            "2024-01-01T00:00:00+06:00",
            json!({"tender": {"id": "t", "title": "Кровля"}}),
        ),
        release("ocds-a-4", "1", "2024-03-01T00:00:00Z", json!({})),
        release("ocds-a-5", "1", "2024-03-02T00:00:00Z", json!({})),
    ];
    import(&store, "years.json", &package(&releases)).await;
    assert_eq!(
        store.years().await.unwrap(),
        vec![(Some(2023), 2), (Some(2024), 3)]
    );
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .summaries_of_year(Some(2024), after.as_deref(), 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.ocid.clone());
        seen.push(page.iter().map(|row| row.ocid.clone()).collect::<Vec<_>>());
    }
    assert_eq!(
        seen,
        vec![vec!["ocds-a-2", "ocds-a-4"], vec!["ocds-a-5"]],
        "two pages of 2024 in ocid order"
    );
    let of_2023 = store.summaries_of_year(Some(2023), None, 10).await.unwrap();
    let ocids: Vec<&str> = of_2023.iter().map(|row| row.ocid.as_str()).collect();
    assert_eq!(ocids, ["ocds-a-1", "ocds-a-3"]);
    assert!(
        store
            .summaries_of_year(None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let titled = store.summaries_of_year(Some(2024), None, 1).await.unwrap();
    assert_eq!(titled[0].title.as_deref(), Some("Кровля"));
}

// ---------------------------------------------------------------------------------------------
// Inputs.

fn release(ocid: &str, id: &str, date: &str, extra: Value) -> Value {
    let mut release = json!({"ocid": ocid, "id": id, "date": date, "tag": ["tender"], "initiationType": "tender"});
    if let (Value::Object(members), Value::Object(extra)) = (&mut release, extra) {
        members.extend(extra);
    }
    release
}

fn package(releases: &[Value]) -> String {
    package_with(releases, &[])
}

fn package_with(releases: &[Value], extensions: &[&str]) -> String {
    serde_json::to_string_pretty(&json!({
        "uri": "https://example.org/package.json",
        "version": "1.1",
        "publishedDate": "2024-01-01T00:00:00Z",
        "publisher": {"name": "Test"},
        "extensions": extensions,
        "releases": releases,
    }))
    .unwrap()
}

fn lines(releases: &[Value]) -> String {
    releases
        .iter()
        .map(|release| serde_json::to_string(release).unwrap() + "\n")
        .collect()
}

async fn import(store: &Store, source: &str, text: &str) -> ImportReport {
    store
        .import_publications(&[(source, text.as_bytes())])
        .await
        .expect("import")
}

async fn compiled_json(store: &Store, ocid: &str) -> Value {
    serde_json::from_str(
        &store
            .compiled_release(&Ocid::from(ocid))
            .await
            .expect("compiled release")
            .json,
    )
    .unwrap()
}

async fn all_compiled(store: &Store) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut after: Option<Ocid> = None;
    loop {
        let page = store
            .compiled_releases_page(after.as_ref(), 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { return all };
        after = Some(last.ocid.clone());
        all.extend(page.into_iter().map(|row| (row.ocid.0, row.json)));
    }
}

async fn all_release_texts(store: &Store) -> Vec<String> {
    let mut all = Vec::new();
    let mut after: Option<(Ocid, i64)> = None;
    loop {
        let page = store
            .releases_page(after.as_ref().map(|(ocid, id)| (ocid, *id)), 3)
            .await
            .unwrap();
        let Some(last) = page.last() else { return all };
        after = Some((last.ocid.clone(), last.id));
        all.extend(page.into_iter().map(|row| row.json));
    }
}

async fn counts(store: &Store) -> (i64, i64, i64, i64) {
    (
        store.count_releases().await.unwrap(),
        store.count_compiled_releases().await.unwrap(),
        store.count_organisations().await.unwrap(),
        store.count_dirty().await.unwrap(),
    )
}

// ---------------------------------------------------------------------------------------------
// Tests.

async fn migrating_twice_changes_nothing(db: &TestDb) {
    let store = db.store().await;
    store.migrate().await.expect("second migrate");
    assert_eq!(counts(&store).await, (0, 0, 0, 0));
}

async fn reimporting_changes_nothing(db: &TestDb) {
    let store = db.store().await;
    let text = package(&[
        release(
            "ocds-a-1",
            "1",
            "2024-01-01T00:00:00Z",
            json!({"tender": {"id": "t", "title": "Roads"}}),
        ),
        release(
            "ocds-a-1",
            "2",
            "2024-02-01T00:00:00Z",
            json!({"tender": {"id": "t", "status": "active"}}),
        ),
        release("ocds-a-2", "1", "2024-01-05T00:00:00Z", json!({})),
    ]);
    let first = import(&store, "p.json", &text).await;
    assert_eq!(
        (first.releases_read, first.inserted, first.unchanged),
        (3, 3, 0)
    );
    assert_eq!(first.recomputed.processes, 2);
    let before = (
        counts(&store).await,
        all_compiled(&store).await,
        all_release_texts(&store).await,
    );

    let again = import(&store, "p.json", &text).await;
    assert_eq!(
        (again.releases_read, again.inserted, again.unchanged),
        (3, 0, 3)
    );
    assert!(again.new_versions.is_empty());
    assert_eq!(
        again.recomputed.processes, 0,
        "nothing changed, so nothing is recompiled"
    );
    let after = (
        counts(&store).await,
        all_compiled(&store).await,
        all_release_texts(&store).await,
    );
    assert_eq!(before, after);
}

async fn member_order_and_whitespace_do_not_make_a_new_release(db: &TestDb) {
    let store = db.store().await;
    import(&store, "a.jsonl", "{\"ocid\":\"ocds-a-1\",\"id\":\"1\",\"date\":\"2024-01-01T00:00:00Z\",\"tag\":[\"tender\"]}\n").await;
    let report =
        import(&store, "b.jsonl", "{ \"tag\": [ \"tender\" ], \"date\": \"2024-01-01T00:00:00Z\", \"id\": \"1\", \"ocid\": \"ocds-a-1\" }\n")
            .await;
    assert_eq!((report.inserted, report.unchanged), (0, 1));
    assert_eq!(store.count_releases().await.unwrap(), 1);
    // The text kept is the first one received.
    assert_eq!(
        all_release_texts(&store).await,
        vec![
            "{\"ocid\":\"ocds-a-1\",\"id\":\"1\",\"date\":\"2024-01-01T00:00:00Z\",\"tag\":[\"tender\"]}"
        ]
    );
}

async fn same_id_with_new_content_is_a_new_version_and_reported(db: &TestDb) {
    let store = db.store().await;
    let original = release(
        "ocds-a-1",
        "1",
        "2024-01-01T00:00:00Z",
        json!({"tender": {"id": "t", "title": "Roads"}}),
    );
    let changed = release(
        "ocds-a-1",
        "1",
        "2024-01-01T00:00:00Z",
        json!({"tender": {"id": "t", "title": "Bridges"}}),
    );
    import(
        &store,
        "first.jsonl",
        &lines(std::slice::from_ref(&original)),
    )
    .await;
    let report = import(
        &store,
        "second.jsonl",
        &lines(&[original.clone(), changed.clone()]),
    )
    .await;
    assert_eq!((report.inserted, report.unchanged), (1, 1));
    assert_eq!(report.new_versions.len(), 1);
    let version = &report.new_versions[0];
    assert_eq!(
        (version.ocid.as_str(), version.release_id.as_str()),
        ("ocds-a-1", "1")
    );
    assert_eq!(version.location.to_string(), "second.jsonl:2");
    assert_eq!(report.recomputed.processes, 1);

    let stored = store.releases_of(&Ocid::from("ocds-a-1")).await.unwrap();
    assert_eq!(stored.len(), 2, "both versions are kept");
    assert_eq!(stored[0].source, "first.jsonl");
    assert_eq!(stored[1].source, "second.jsonl");
    assert_eq!(stored[1].json, serde_json::to_string(&changed).unwrap());
    assert_eq!(
        store
            .compiled_release(&Ocid::from("ocds-a-1"))
            .await
            .unwrap()
            .release_count,
        2
    );
    // Both have the same date; the merge keeps input order on ties, so the later import wins.
    assert_eq!(
        compiled_json(&store, "ocds-a-1").await["tender"]["title"],
        "Bridges"
    );

    // Importing the new version again is not another new version.
    let again = import(&store, "third.jsonl", &lines(&[changed])).await;
    assert_eq!(
        (again.inserted, again.unchanged, again.new_versions.len()),
        (0, 1, 0)
    );
}

async fn a_release_without_id_is_identified_by_its_content(db: &TestDb) {
    let store = db.store().await;
    let first = json!({"ocid": "ocds-a-1", "date": "2024-01-01T00:00:00Z", "tender": {"id": "t"}});
    let second = json!({"ocid": "ocds-a-1", "date": "2024-01-02T00:00:00Z", "tender": {"id": "t"}});
    let report = import(
        &store,
        "a.jsonl",
        &lines(&[first.clone(), second.clone(), first.clone()]),
    )
    .await;
    assert_eq!(
        (report.inserted, report.unchanged, report.new_versions.len()),
        (2, 1, 0)
    );
    let stored = store.releases_of(&Ocid::from("ocds-a-1")).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|row| row.release_id.is_none()));
    assert_ne!(stored[0].content_hash, stored[1].content_hash);
    assert_eq!(
        stored[0].content_hash,
        achyk_ocds::canonical::content_hash(&first)
    );
}

async fn only_changed_processes_are_recompiled(db: &TestDb) {
    let store = db.store().await;
    let a1 = release(
        "ocds-a-1",
        "1",
        "2024-01-01T00:00:00Z",
        json!({"tender": {"id": "t", "title": "A"}}),
    );
    let b1 = release(
        "ocds-b-1",
        "1",
        "2024-01-01T00:00:00Z",
        json!({"tender": {"id": "t", "title": "B"}}),
    );
    import(&store, "one.json", &package(&[a1.clone(), b1.clone()])).await;
    let b_before = store
        .compiled_release(&Ocid::from("ocds-b-1"))
        .await
        .unwrap();

    let a2 = release(
        "ocds-a-1",
        "2",
        "2024-03-01T00:00:00Z",
        json!({"tender": {"id": "t", "status": "complete"}}),
    );
    let report = import(&store, "two.json", &package(&[a1, a2, b1])).await;
    assert_eq!((report.inserted, report.unchanged), (1, 2));
    assert_eq!(report.recomputed.processes, 1, "only ocds-a-1 changed");
    let a = compiled_json(&store, "ocds-a-1").await;
    assert_eq!(a["tender"]["title"], "A");
    assert_eq!(a["tender"]["status"], "complete");
    assert_eq!(
        store
            .compiled_release(&Ocid::from("ocds-a-1"))
            .await
            .unwrap()
            .release_count,
        2
    );
    assert_eq!(
        store
            .compiled_release(&Ocid::from("ocds-a-1"))
            .await
            .unwrap()
            .latest_date,
        "2024-03-01T00:00:00Z"
    );
    assert_eq!(
        store
            .compiled_release(&Ocid::from("ocds-b-1"))
            .await
            .unwrap(),
        b_before
    );
    assert_eq!(store.count_dirty().await.unwrap(), 0);
}

async fn compiled_release_is_the_merge_of_the_stored_releases(db: &TestDb) {
    let store = db.store().await;
    let text = include_str!("fixtures/fictional-package.json");
    let report = import(&store, "fictional-package.json", text).await;
    assert_eq!((report.releases_read, report.inserted), (6, 6));
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    let package: Value = serde_json::from_str(text).unwrap();
    let releases = package["releases"].as_array().unwrap().clone();
    let expected = achyk_ocds::compile(releases, &MergeRules::for_extension_urls([]).0).release;
    assert_eq!(
        compiled_json(&store, "ocds-213czf-000-00001").await,
        expected
    );
    let row = store
        .compiled_release(&Ocid::from("ocds-213czf-000-00001"))
        .await
        .unwrap();
    assert_eq!(row.release_count, 6);
    assert_eq!(row.latest_date, "2011-01-10T09:30:00Z");
    // The compiled release is stored as compact JSON on one line.
    assert!(!row.json.contains('\n'));
}

async fn extensions_declared_after_the_releases_apply_to_them(db: &TestDb) {
    let store = db.store().await;
    let lots = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";
    // `extensions` after `releases`, as a publisher may write it.
    let text = format!(
        r#"{{"uri":"u","version":"1.1","publishedDate":"2024-01-01T00:00:00Z","releases":[{}],"extensions":["{lots}"]}}"#,
        serde_json::to_string(&release("ocds-a-1", "1", "2024-01-01T00:00:00Z", json!({})))
            .unwrap()
    );
    let report = import(&store, "late.json", &text).await;
    assert_eq!(report.inserted, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let stored = store.releases_of(&Ocid::from("ocds-a-1")).await.unwrap();
    assert_eq!(stored[0].extensions, vec![lots.to_string()]);
    assert!(
        store
            .merge_warnings(&Ocid::from("ocds-a-1"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn unknown_extensions_are_kept_as_merge_warnings(db: &TestDb) {
    let store = db.store().await;
    let unknown = "https://example.org/ocds_unheard_of_extension/extension.json";
    let text = package_with(
        &[release("ocds-a-1", "1", "2024-01-01T00:00:00Z", json!({}))],
        &[unknown],
    );
    let report = import(&store, "p.json", &text).await;
    assert_eq!(report.warnings.len(), 1, "the import tells about it once");
    let warnings = store.merge_warnings(&Ocid::from("ocds-a-1")).await.unwrap();
    assert!(
        warnings
            .iter()
            .any(|warning| warning.message.contains(unknown)),
        "{warnings:?}"
    );
}

fn supplier_process(ocid: &str, date: &str, local_id: &str, supplier_name: &str) -> Value {
    release(
        ocid,
        "1",
        date,
        json!({
            "parties": [
                {"id": "buyer-1", "name": "Ministry of Roads", "identifier": {"scheme": "KG-INN", "id": "00000000000001", "legalName": "Ministry of Roads"}, "roles": ["buyer", "procuringEntity"]},
                {"id": local_id, "name": supplier_name, "identifier": {"scheme": "KG-INN", "id": "01234567890123", "legalName": "Builder LLC"}, "roles": ["tenderer"]},
                {"id": "lonely", "name": "No identifier Ltd", "roles": ["tenderer"]}
            ],
            "buyer": {"id": "buyer-1", "name": "Ministry of Roads"},
            "tender": {"id": "t", "procuringEntity": {"id": "buyer-1"}, "tenderers": [{"id": local_id}, {"id": "lonely"}]},
            "awards": [{"id": "a1", "suppliers": [{"id": local_id, "name": supplier_name}]}]
        }),
    )
}

async fn organisations_are_keyed_by_identifier_with_their_roles(db: &TestDb) {
    let store = db.store().await;
    // The same supplier under different local party ids in two processes.
    let text = package(&[
        supplier_process("ocds-a-1", "2024-01-01T00:00:00Z", "p7", "Builder"),
        supplier_process("ocds-a-2", "2024-02-01T00:00:00Z", "sup-x", "Builder"),
    ]);
    import(&store, "p.json", &text).await;
    assert_eq!(store.count_organisations().await.unwrap(), 3);

    let builder = store
        .organisation(&OrgId::from("KG-INN-01234567890123"))
        .await
        .unwrap();
    assert_eq!(builder.name.as_deref(), Some("Builder"));
    assert_eq!(builder.identifier_scheme.as_deref(), Some("KG-INN"));
    assert_eq!(builder.identifier_id.as_deref(), Some("01234567890123"));
    assert_eq!(builder.legal_name.as_deref(), Some("Builder LLC"));
    let roles: Vec<(String, String)> = store
        .processes_of(&builder.id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.ocid.0, row.role))
        .collect();
    let expected: Vec<(String, String)> = [
        ("ocds-a-1", "supplier"),
        ("ocds-a-1", "tenderer"),
        ("ocds-a-2", "supplier"),
        ("ocds-a-2", "tenderer"),
    ]
    .iter()
    .map(|(ocid, role)| (ocid.to_string(), role.to_string()))
    .collect();
    assert_eq!(roles, expected);

    let parties: BTreeMap<String, Vec<String>> = store
        .parties_of(&Ocid::from("ocds-a-1"))
        .await
        .unwrap()
        .into_iter()
        .fold(BTreeMap::new(), |mut map, row| {
            map.entry(row.organisation_id.0).or_default().push(row.role);
            map
        });
    assert_eq!(
        parties["KG-INN-00000000000001"],
        vec!["buyer", "procuringEntity"]
    );
    assert_eq!(
        parties["lonely"],
        vec!["tenderer"],
        "without an identifier, the party id is the key"
    );
}

async fn an_organisation_shows_the_party_of_its_latest_process(db: &TestDb) {
    let store = db.store().await;
    let later = supplier_process(
        "ocds-a-2",
        "2024-02-01T00:00:00Z",
        "sup-x",
        "Builder (renamed)",
    );
    let earlier = supplier_process("ocds-a-1", "2024-01-01T00:00:00Z", "p7", "Builder");
    // The later process is imported first: the earlier one must not overwrite it.
    import(&store, "later.json", &package(&[later])).await;
    import(&store, "earlier.json", &package(&[earlier])).await;
    let builder = store
        .organisation(&OrgId::from("KG-INN-01234567890123"))
        .await
        .unwrap();
    assert_eq!(builder.name.as_deref(), Some("Builder (renamed)"));
    assert_eq!(builder.seen_in.as_str(), "ocds-a-2");
    let party: Value = serde_json::from_str(&builder.json).unwrap();
    assert_eq!(party["id"], "sup-x");
}

async fn exported_releases_are_the_texts_as_received_in_ocid_then_import_order(db: &TestDb) {
    let store = db.store().await;
    let texts = [
        r#"{"ocid": "ocds-b", "id": "1", "date": "2024-01-03T00:00:00Z", "value": 1.50}"#,
        r#"{"date":"2024-01-01T00:00:00Z","ocid":"ocds-a","id":"2","title":"Ж"}"#,
        r#"{"ocid":"ocds-a",  "id":"1","date":"2023-12-31T00:00:00+06:00","n":1e2}"#,
        r#"{"ocid":"ocds-b","id":"0","date":"2024-01-02T00:00:00Z"}"#,
    ];
    let input: String = texts.iter().map(|text| format!("{text}\n")).collect();
    import(&store, "a.jsonl", &input).await;
    assert_eq!(
        all_release_texts(&store).await,
        vec![texts[1], texts[2], texts[0], texts[3]]
    );
}

async fn compiled_releases_come_in_byte_order_of_ocid(db: &TestDb) {
    let store = db.store().await;
    let ocids = ["b", "B", "a-9", "a-10", "Ä", "_x"];
    let releases: Vec<Value> = ocids
        .iter()
        .map(|ocid| release(ocid, "1", "2024-01-01T00:00:00Z", json!({})))
        .collect();
    import(&store, "p.json", &package(&releases)).await;
    let order: Vec<String> = all_compiled(&store)
        .await
        .into_iter()
        .map(|(ocid, _)| ocid)
        .collect();
    let mut expected: Vec<String> = ocids.iter().map(|ocid| ocid.to_string()).collect();
    expected.sort();
    assert_eq!(order, expected);
}

async fn a_crash_between_insert_and_recompute_is_finished_by_the_next_import(db: &TestDb) {
    let input = package(&[
        supplier_process("ocds-a-1", "2024-01-01T00:00:00Z", "p7", "Builder"),
        release(
            "ocds-a-1",
            "2",
            "2024-02-01T00:00:00Z",
            json!({"tender": {"id": "t", "status": "complete"}}),
        ),
        supplier_process("ocds-a-2", "2024-02-01T00:00:00Z", "sup-x", "Builder"),
    ]);

    // What a clean import gives, in a database of its own.
    let clean_db = TestDb::on(Databases::sqlite()).await;
    let clean = clean_db.store().await;
    import(&clean, "p.json", &input).await;
    let expected = (
        counts(&clean).await,
        all_compiled(&clean).await,
        all_release_texts(&clean).await,
    );
    clean.close().await;

    // The releases are stored and their processes marked, then the process dies before
    // recomputing: simulated by storing without recompute and dropping the store.
    {
        let store = db.store().await;
        let mut releases = Vec::new();
        let mut ingest = achyk_store::Ingest::new(100);
        achyk_ocds::read_publication("p.json", input.as_bytes(), &mut |event| {
            ingest.push(event, &mut |ingested| {
                if let achyk_store::Ingested::Releases(batch) = ingested {
                    releases.extend(batch)
                }
            })
        })
        .unwrap();
        ingest.finish(&mut |ingested| {
            if let achyk_store::Ingested::Releases(batch) = ingested {
                releases.extend(batch)
            }
        });
        store.insert_releases(&releases).await.unwrap();
        assert_eq!(
            counts(&store).await,
            (3, 0, 0, 2),
            "releases stored, two processes marked, nothing compiled"
        );
        drop(store);
    }

    // Running the same import again finishes the job and duplicates nothing.
    let store = db.store().await;
    let report = import(&store, "p.json", &input).await;
    assert_eq!((report.inserted, report.unchanged), (0, 3));
    assert_eq!(report.recomputed.processes, 2);
    let actual = (
        counts(&store).await,
        all_compiled(&store).await,
        all_release_texts(&store).await,
    );
    assert_eq!(actual, expected);
    assert_eq!(actual.0.3, 0, "no process is left marked");

    // And so does a bare recompute.
    let store2 = db.store().await;
    assert_eq!(
        store2.recompute_dirty(10, |_| {}).await.unwrap().processes,
        0
    );
}

async fn bad_releases_are_rejected_and_the_rest_is_stored(db: &TestDb) {
    let store = db.store().await;
    let input = concat!(
        "{\"ocid\":\"ocds-a-1\",\"id\":\"1\",\"date\":\"2024-01-01T00:00:00Z\"}\n",
        "{\"id\":\"2\",\"date\":\"2024-01-01T00:00:00Z\"}\n",
        "{\"ocid\":\"ocds-a-3\",\"id\":\"3\",\"date\":\"last week\"}\n",
        "{\"ocid\":\"ocds-a-4\",\"id\":\"4\"\n",
        "{\"ocid\":\"ocds-a-5\",\"id\":\"5\",\"date\":\"2024-01-05T00:00:00Z\"}\n",
    );
    let report = import(&store, "mixed.jsonl", input).await;
    assert_eq!(report.inserted, 2);
    let rejected: Vec<String> = report
        .rejected
        .iter()
        .map(|rejection| rejection.location.to_string())
        .collect();
    assert_eq!(
        rejected,
        vec!["mixed.jsonl:2", "mixed.jsonl:3", "mixed.jsonl:4"]
    );
    assert_eq!(report.rejected[1].ocid.as_deref(), Some("ocds-a-3"));
    assert_eq!(counts(&store).await.1, 2);
}

async fn batches_larger_than_one_statement_are_stored_whole(db: &TestDb) {
    let store = db.store().await;
    let location = |index: u64| Location {
        source: "big".into(),
        line: Some(index + 1),
        index,
    };
    let mut releases = Vec::new();
    for index in 0..1_234_u64 {
        let text = serde_json::to_string(&release(
            &format!("ocds-p-{}", index % 300),
            &format!("r{}", index / 300),
            "2024-01-01T00:00:00Z",
            json!({}),
        ))
        .unwrap();
        releases.push(NewRelease::parse(text, location(index), Vec::new()).unwrap());
    }
    // A duplicate and a new version inside the same batch.
    releases.push(releases[0].clone());
    let changed = serde_json::to_string(&release(
        "ocds-p-0",
        "r0",
        "2024-01-01T00:00:00Z",
        json!({"x": 1}),
    ))
    .unwrap();
    releases.push(NewRelease::parse(changed, location(9_999), Vec::new()).unwrap());

    let summary = store.insert_releases(&releases).await.unwrap();
    assert_eq!((summary.inserted, summary.unchanged), (1_235, 1));
    assert_eq!(summary.new_versions.len(), 1);
    assert_eq!(summary.new_versions[0].index, 1_235);
    assert_eq!(store.count_dirty().await.unwrap(), 300);
    let mut batches = Vec::new();
    let recomputed = store
        .recompute_dirty(128, |count| batches.push(count))
        .await
        .unwrap();
    assert_eq!(recomputed.processes, 300);
    assert_eq!(batches, vec![128, 128, 44]);
    assert_eq!(counts(&store).await, (1_235, 300, 0, 0));
}

async fn missing_rows_are_not_found(db: &TestDb) {
    let store = db.store().await;
    assert!(matches!(
        store.compiled_release(&Ocid::from("nothing")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.organisation(&OrgId::from("nobody")).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store
            .releases_of(&Ocid::from("nothing"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn kg_feed_pages_import_with_their_extensions(db: &TestDb) {
    let store = db.store().await;
    let report = store
        .import_publications(&[
            ("page-1.json", include_bytes!("fixtures/kg-page-1.json")),
            ("page-2.json", include_bytes!("fixtures/kg-page-2.json")),
        ])
        .await
        .unwrap();
    assert_eq!((report.releases_read, report.inserted), (4, 4));
    assert!(
        report.rejected.is_empty() && report.warnings.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.recomputed.processes, 3);
    let works = store
        .releases_of(&Ocid::from("ocds-h7i0z4-240115013"))
        .await
        .unwrap();
    assert_eq!(works.len(), 2);
    assert_eq!(works[0].extensions.len(), 3);
    assert!(
        store
            .merge_warnings(&Ocid::from("ocds-h7i0z4-240115013"))
            .await
            .unwrap()
            .iter()
            .all(|warning| !warning.message.contains("not one Achyk embeds"))
    );
    let supplier = store
        .organisation(&OrgId::from("KG-INN-01712200910045"))
        .await
        .unwrap();
    let roles: Vec<String> = store
        .processes_of(&supplier.id)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.role)
        .collect();
    assert!(roles.contains(&"supplier".to_string()), "{roles:?}");
}

async fn two_recomputes_at_once_write_what_one_writes(db: &TestDb) {
    let releases: Vec<Value> = (0..900)
        .map(|index| {
            supplier_process(
                &format!("ocds-c-{}", index % 300),
                &format!("2024-01-{:02}T00:00:00Z", 1 + index / 300),
                &format!("s{}", index % 7),
                &format!("Supplier {}", index % 11),
            )
        })
        .map(|mut release| {
            release["id"] = json!(release["date"].as_str().unwrap());
            release
        })
        .collect();
    let input = package(&releases);

    let clean_db = TestDb::on(Databases::sqlite()).await;
    let clean = clean_db.store().await;
    import(&clean, "p.json", &input).await;
    let expected = (counts(&clean).await, all_compiled(&clean).await);

    // Store without recomputing, then let two stores (two processes, say) recompute at once.
    let first = db.store().await;
    let mut ingest = achyk_store::Ingest::new(1_000);
    let mut batches = Vec::new();
    achyk_ocds::read_publication("p.json", input.as_bytes(), &mut |event| {
        ingest.push(event, &mut |ingested| batches.push(ingested))
    })
    .unwrap();
    ingest.finish(&mut |ingested| batches.push(ingested));
    for ingested in batches {
        if let achyk_store::Ingested::Releases(batch) = ingested {
            first.insert_releases(&batch).await.unwrap();
        }
    }
    let second = db.store().await;
    let (a, b) = tokio::join!(
        first.recompute_dirty(50, |_| {}),
        second.recompute_dirty(50, |_| {})
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.processes + b.processes >= 300, "{a:?} {b:?}");
    assert_eq!((counts(&first).await, all_compiled(&first).await), expected);
    let parties = first.parties_of(&Ocid::from("ocds-c-7")).await.unwrap();
    assert_eq!(
        parties,
        clean.parties_of(&Ocid::from("ocds-c-7")).await.unwrap()
    );
}

/// A normaliser for the store's tests: it adds `"normalised": <number of releases merged>`
/// (read from the compiled release's `tag`), one note per compiled release, and places every
/// party whose name starts with "Bishkek" in Bishkek.
struct CountingNormaliser {
    rule: &'static str,
}

impl Normaliser for CountingNormaliser {
    fn normalise(&self, compiled_json: &str) -> NormalisedProcess {
        let mut release: Value = serde_json::from_str(compiled_json).unwrap();
        let before = release.get("normalised").map(Value::to_string);
        release["normalised"] = json!(true);
        let party_regions = release["parties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|party| {
                party["name"]
                    .as_str()
                    .is_some_and(|name| name.starts_with("Bishkek"))
            })
            .map(|party| {
                (
                    party["id"].as_str().unwrap().to_string(),
                    "KG-GB".to_string(),
                )
            })
            .collect();
        NormalisedProcess {
            json: release.to_string(),
            notes: vec![QualityNote {
                rule: self.rule.to_string(),
                path: "/normalised".into(),
                before,
                after: Some("true".into()),
            }],
            region: Some("KG-GB".into()),
            party_regions,
            // Not handed over: the store parses `json` itself.
            release: None,
        }
    }
}

async fn normalised_releases_and_quality_notes_are_kept_beside_compiled_ones(db: &TestDb) {
    let store = db
        .store()
        .await
        .with_normaliser(std::sync::Arc::new(CountingNormaliser { rule: "marked" }));
    let parties = json!({"parties": [
        {"id": "b", "name": "Bishkek City Hall", "name_ky": "Бишкек мэриясы", "roles": ["buyer"]},
        {"id": "s", "name": "Supplier", "identifier": {"scheme": "KG-INN", "id": "1", "legalName_ky": "Жеткирүүчү"}, "roles": ["supplier"]}
    ]});
    import(
        &store,
        "a.json",
        &package(&[
            release(
                "ocds-n-1",
                "1",
                "2024-01-01T00:00:00+06:00",
                parties.clone(),
            ),
            release("ocds-n-2", "1", "2024-01-01T00:00:00+06:00", json!({})),
        ]),
    )
    .await;
    assert_eq!(store.count_normalised_releases().await.unwrap(), 2);
    let ocid = Ocid::from("ocds-n-1");
    let normalised = store.normalised_release(&ocid).await.unwrap();
    let mut expected = compiled_json(&store, "ocds-n-1").await;
    expected["normalised"] = json!(true);
    assert_eq!(
        serde_json::from_str::<Value>(&normalised.json).unwrap(),
        expected
    );
    assert_eq!(normalised.region.as_deref(), Some("KG-GB"));
    let notes = store.quality_notes(&ocid).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].note.rule, "marked");
    assert_eq!(notes[0].note.before, None);
    assert_eq!(notes[0].note.after.as_deref(), Some("true"));

    // Organisations carry the Kyrgyz name and the region the normaliser found.
    let buyer = store.organisation(&OrgId::from("b")).await.unwrap();
    assert_eq!(buyer.name_ky.as_deref(), Some("Бишкек мэриясы"));
    assert_eq!(buyer.region.as_deref(), Some("KG-GB"));
    let supplier = store.organisation(&OrgId::from("KG-INN-1")).await.unwrap();
    assert_eq!(supplier.name_ky.as_deref(), Some("Жеткирүүчү"));
    assert_eq!(supplier.region, None);

    // A new release replaces the process's notes rather than adding to them.
    import(
        &store,
        "b.json",
        &package(&[release(
            "ocds-n-1",
            "2",
            "2024-02-01T00:00:00+06:00",
            json!({"tender": {"id": "t"}}),
        )]),
    )
    .await;
    assert_eq!(store.quality_notes(&ocid).await.unwrap().len(), 1);
    let totals = store.quality_totals().await.unwrap();
    assert_eq!(totals.len(), 1);
    assert_eq!(
        (
            totals[0].rule.as_str(),
            totals[0].processes,
            totals[0].notes
        ),
        ("marked", 2, 2)
    );

    // Pages in byte order of ocid.
    let page = store.normalised_releases_page(None, 1).await.unwrap();
    assert_eq!(page[0].ocid.as_str(), "ocds-n-1");
    let page = store
        .normalised_releases_page(Some(&page[0].ocid), 5)
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].ocid.as_str(), "ocds-n-2");
    assert!(matches!(
        store.normalised_release(&Ocid::from("ocds-none")).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn marking_every_process_dirty_rebuilds_every_normalised_release(db: &TestDb) {
    let plain = db.store().await;
    import(
        &plain,
        "a.json",
        &lines(&[
            release("ocds-m-1", "1", "2024-01-01T00:00:00Z", json!({})),
            release("ocds-m-2", "1", "2024-01-01T00:00:00Z", json!({})),
            release("ocds-m-2", "2", "2024-01-02T00:00:00Z", json!({})),
        ]),
    )
    .await;
    // Without a normaliser nothing is normalised.
    assert_eq!(plain.count_normalised_releases().await.unwrap(), 0);
    assert!(plain.quality_totals().await.unwrap().is_empty());

    let normalising =
        plain.with_normaliser(std::sync::Arc::new(CountingNormaliser { rule: "again" }));
    assert_eq!(normalising.mark_all_dirty().await.unwrap(), 2);
    assert_eq!(normalising.count_dirty().await.unwrap(), 2);
    let summary = normalising.recompute_dirty(10, |_| {}).await.unwrap();
    assert_eq!(summary.processes, 2);
    assert_eq!(normalising.count_dirty().await.unwrap(), 0);
    assert_eq!(normalising.count_normalised_releases().await.unwrap(), 2);
    let totals = normalising.quality_totals().await.unwrap();
    assert_eq!((totals[0].rule.as_str(), totals[0].processes), ("again", 2));
}

fn searchable(ocid: &str, date: &str, tender: Value, buyer: &str) -> Value {
    release(
        ocid,
        "1",
        date,
        json!({
            "parties": [{"id": format!("{ocid}-b"), "name": buyer, "roles": ["buyer"]}],
            "tender": tender,
        }),
    )
}

async fn searches_match_inflected_words_filter_sort_page_and_count_facets(db: &TestDb) {
    check_searches(db.store().await).await;
}

/// The same hand-worked expectations, answered by the in-memory index.
async fn the_search_index_gives_the_hand_worked_answers_too(db: &TestDb) {
    check_searches(db.store().await.with_search_index()).await;
}

async fn check_searches(store: Store) {
    import(
        &store,
        "search.json",
        &package(&[
            searchable("ocds-s-a", "2023-05-01T10:00:00+06:00", json!({"title": "Капитальный ремонт школы", "status": "active", "procurementMethod": "open", "mainProcurementCategory": "works", "datePublished": "2023-05-01T10:00:00+06:00", "value": {"amount": 1000, "currency": "KGS"}}), "Мэрия города Бишкек"),
            searchable("ocds-s-b", "2024-03-01T10:00:00+06:00", json!({"title": "Ремонт кровли больницы", "status": "complete", "procurementMethod": "open", "mainProcurementCategory": "works", "datePublished": "2024-02-01T10:00:00+06:00", "value": {"amount": 5000, "currency": "KGS"}}), "Ош шаардык ооруканасы"),
            searchable("ocds-s-c", "2024-01-15T10:00:00+06:00", json!({"title": "Мектептерге китеп сатып алуу", "status": "complete", "procurementMethod": "direct", "mainProcurementCategory": "goods", "datePublished": "2024-01-10T10:00:00+06:00"}), "Билим берүү башкармалыгы"),
            searchable("ocds-s-d", "2022-07-01T10:00:00+06:00", json!({"title": "Поставка медикаментов", "status": "active", "procurementMethod": "limited", "mainProcurementCategory": "goods", "datePublished": "2022-06-01T10:00:00+06:00", "value": {"amount": 300, "currency": "KGS"}}), "ЦСМ Таласской области"),
        ]),
    )
    .await;
    let search = |params: SearchParams| {
        let store = store.clone();
        async move {
            store
                .search(&SearchParams {
                    per_page: 10,
                    ..params
                })
                .await
                .unwrap()
        }
    };
    let ocids = |result: &achyk_store::SearchResult| -> Vec<String> {
        result.rows.iter().map(|row| row.ocid.clone()).collect()
    };

    // «школе» (locative) finds «школы» (genitive); «мектеп» finds «мектептерге».
    let found = search(SearchParams {
        text: Some("школе".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-a"]);
    let found = search(SearchParams {
        text: Some("мектеп".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-c"]);
    // Organisation names are searched too, and every word must match.
    let found = search(SearchParams {
        text: Some("ремонт Бишкек".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-a"]);
    let found = search(SearchParams {
        text: Some("РЕМОНТ".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-b", "ocds-s-a"], "newest first");
    assert_eq!(found.total, 2);

    // Sorting by value puts processes without one last.
    let found = search(SearchParams {
        sort: Sort::ValueHigh,
        ..Default::default()
    })
    .await;
    assert_eq!(
        ocids(&found),
        ["ocds-s-b", "ocds-s-a", "ocds-s-d", "ocds-s-c"]
    );
    let found = search(SearchParams {
        sort: Sort::ValueLow,
        category: Some("works".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-a", "ocds-s-b"]);

    // Pages of two, newest first: B (2024-03), C (2024-01) | A (2023), D (2022).
    let second = store
        .search(&SearchParams {
            per_page: 2,
            page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ocids(&second), ["ocds-s-a", "ocds-s-d"]);
    assert_eq!(second.total, 4);

    // The year the tender was published; values within a range.
    let found = search(SearchParams {
        year: Some(2024),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-b", "ocds-s-c"]);
    let found = search(SearchParams {
        min_value: Some(300.0),
        max_value: Some(1000.0),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-a", "ocds-s-d"]);

    // Facets count with every filter but their own.
    let found = search(SearchParams {
        status: Some("complete".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-b", "ocds-s-c"]);
    let facet = |facet: Facet| {
        found
            .facets
            .iter()
            .find(|(which, _)| *which == facet)
            .map(|(_, counts)| counts.clone())
            .unwrap()
    };
    assert_eq!(
        facet(Facet::Status),
        vec![("active".to_string(), 2), ("complete".to_string(), 2)]
    );
    assert_eq!(
        facet(Facet::Category),
        vec![("goods".to_string(), 1), ("works".to_string(), 1)]
    );
    assert_eq!(facet(Facet::Year), vec![("2024".to_string(), 2)]);
    assert_eq!(facet(Facet::Region), vec![(String::new(), 2)]);
    // B's 5,000 is under 100,000; C has no value.
    assert_eq!(
        facet(Facet::Value),
        vec![(String::new(), 1), ("0-100000".to_string(), 1)]
    );

    // A row carries what a list shows.
    let row = &search(SearchParams {
        text: Some("медикаментов".into()),
        ..Default::default()
    })
    .await
    .rows[0];
    assert_eq!(row.title.as_deref(), Some("Поставка медикаментов"));
    assert_eq!(row.buyer_name.as_deref(), Some("ЦСМ Таласской области"));
    assert_eq!(row.value_amount, Some(300.0));
    assert_eq!(row.method.as_deref(), Some("limited"));
    // Below a bound, the bound excluded: D's 300, not A's 1,000.
    let found = search(SearchParams {
        below_value: Some(1000.0),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-d"]);

    // A role an organisation plays, and what a buyer's processes add up to.
    let found = search(SearchParams {
        participant: Some(("ocds-s-b-b".into(), "buyer".into())),
        ..Default::default()
    })
    .await;
    assert_eq!(ocids(&found), ["ocds-s-b"]);
    let stats = store.buyer_stats(&OrgId::from("ocds-s-d-b")).await.unwrap();
    assert_eq!(
        (stats.processes, stats.value_kgs, stats.bids, stats.direct),
        (1, 300.0, 0, 0)
    );
    let stats = store.buyer_stats(&OrgId::from("ocds-s-c-b")).await.unwrap();
    assert_eq!(
        (stats.processes, stats.value_kgs, stats.direct),
        (1, 0.0, 1)
    );
    let stats = store.buyer_stats(&OrgId::from("nobody")).await.unwrap();
    assert_eq!(stats.processes, 0);

    // Analytics groups: by category, every process counted once, values in KGS summed.
    let groups = store.group_stats(Facet::Category).await.unwrap();
    let summary: Vec<(String, i64, f64, i64)> = groups
        .iter()
        .map(|group| {
            (
                group.key.clone(),
                group.processes,
                group.value_kgs,
                group.direct,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("goods".to_string(), 2, 300.0, 1),
            ("works".to_string(), 2, 6000.0, 0)
        ]
    );
    let years = store.group_stats(Facet::Year).await.unwrap();
    let keys: Vec<&str> = years.iter().map(|group| group.key.as_str()).collect();
    assert_eq!(keys, ["2022", "2023", "2024"]);

    let of_buyer = store
        .group_stats_of(Facet::Year, Some(&OrgId::from("ocds-s-b-b")))
        .await
        .unwrap();
    assert_eq!(of_buyer.len(), 1);
    assert_eq!(
        (of_buyer[0].key.as_str(), of_buyer[0].processes),
        ("2024", 1)
    );

    // Nothing matches a word that is nowhere; a query of punctuation only is no filter.
    assert_eq!(
        search(SearchParams {
            text: Some("тракторов".into()),
            ..Default::default()
        })
        .await
        .total,
        0
    );
    assert_eq!(
        search(SearchParams {
            text: Some("%".into()),
            ..Default::default()
        })
        .await
        .total,
        4
    );
}
// ---------------------------------------------------------------------------------------------
// What `achyk sync` keeps between runs.

mod sync_state {
    use super::*;

    both_backends!(
        a_sync_cursor_is_absent_until_set_then_replaced,
        sync_cursors_are_kept_per_feed,
        missing_ocids_are_those_without_a_stored_release,
    );
}

async fn a_sync_cursor_is_absent_until_set_then_replaced(db: &TestDb) {
    use achyk_store::SyncCursor;
    let store = db.store().await;
    assert_eq!(store.sync_cursor("tendering").await.unwrap(), None);
    let first = SyncCursor {
        since: "2024-01-15T10:12:00+06:00".into(),
        position: 0,
    };
    store.set_sync_cursor("tendering", &first).await.unwrap();
    assert_eq!(store.sync_cursor("tendering").await.unwrap(), Some(first));
    let second = SyncCursor {
        since: "2024-03-05T08:00:00+06:00".into(),
        position: 250,
    };
    store.set_sync_cursor("tendering", &second).await.unwrap();
    assert_eq!(store.sync_cursor("tendering").await.unwrap(), Some(second));
    // A second connection (the next run) sees it.
    let again = db.store().await;
    assert_eq!(
        again
            .sync_cursor("tendering")
            .await
            .unwrap()
            .unwrap()
            .position,
        250
    );
}

async fn sync_cursors_are_kept_per_feed(db: &TestDb) {
    use achyk_store::SyncCursor;
    let store = db.store().await;
    let cursor = |since: &str| SyncCursor {
        since: since.into(),
        position: 1,
    };
    store
        .set_sync_cursor("tendering", &cursor("2024-01-01T00:00:00+06:00"))
        .await
        .unwrap();
    store
        .set_sync_cursor("contracting", &cursor("2023-01-01T00:00:00+06:00"))
        .await
        .unwrap();
    assert_eq!(
        store.sync_cursor("tendering").await.unwrap(),
        Some(cursor("2024-01-01T00:00:00+06:00"))
    );
    assert_eq!(
        store.sync_cursor("contracting").await.unwrap(),
        Some(cursor("2023-01-01T00:00:00+06:00"))
    );
}

async fn missing_ocids_are_those_without_a_stored_release(db: &TestDb) {
    let store = db.store().await;
    let releases: Vec<Value> = (0..700)
        .filter(|n| n % 3 != 0)
        .map(|n| {
            release(
                &format!("ocds-m-{n}"),
                "1",
                "2024-01-01T00:00:00Z",
                json!({}),
            )
        })
        .collect();
    import(&store, "p.json", &package(&releases)).await;
    // More ocids than one statement takes, with repeats.
    let mut asked: Vec<Ocid> = (0..700)
        .map(|n| Ocid::from(format!("ocds-m-{n}")))
        .collect();
    asked.push(Ocid::from("ocds-m-3"));
    asked.push(Ocid::from("ocds-m-1"));
    let expected: Vec<Ocid> = (0..700)
        .filter(|n| n % 3 == 0)
        .map(|n| Ocid::from(format!("ocds-m-{n}")))
        .collect();
    assert_eq!(store.missing_ocids(&asked).await.unwrap(), expected);
    assert_eq!(store.missing_ocids(&[]).await.unwrap(), Vec::<Ocid>::new());
}

async fn partners_are_the_suppliers_of_a_buyer_and_the_buyers_of_a_supplier(db: &TestDb) {
    let store = db.store().await;
    // Buyer B buys three times: twice from S1, once from S2; buyer C once from S1.
    let process = |ocid: &str, buyer: &str, supplier: &str| {
        release(
            ocid,
            "1",
            "2024-01-01T00:00:00Z",
            json!({
                "parties": [
                    {"id": buyer, "name": format!("Buyer {buyer}"), "roles": ["buyer"]},
                    {"id": supplier, "name": format!("Supplier {supplier}"), "roles": ["supplier"]}
                ],
                "tender": {"title": "t"}
            }),
        )
    };
    import(
        &store,
        "partners.json",
        &package(&[
            process("ocds-p-1", "B", "S1"),
            process("ocds-p-2", "B", "S1"),
            process("ocds-p-3", "B", "S2"),
            process("ocds-p-4", "C", "S1"),
        ]),
    )
    .await;
    let of = |id: &str| {
        let store = store.clone();
        let id = id.to_string();
        async move {
            store
                .partners(&OrgId::from(id.as_str()), 10)
                .await
                .unwrap()
                .into_iter()
                .map(|(id, name, count)| (id.0, name.unwrap_or_default(), count))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        of("B").await,
        vec![
            ("S1".to_string(), "Supplier S1".to_string(), 2),
            ("S2".to_string(), "Supplier S2".to_string(), 1)
        ]
    );
    assert_eq!(
        of("S1").await,
        vec![
            ("B".to_string(), "Buyer B".to_string(), 2),
            ("C".to_string(), "Buyer C".to_string(), 1)
        ]
    );
    assert!(of("nobody").await.is_empty());
}

/// A process in `region` won by `suppliers` (their identifiers), for the analytics groups.
fn awarded(ocid: &str, region: &str, suppliers: &[&str]) -> Value {
    let parties: Vec<Value> = suppliers
        .iter()
        .map(|id| json!({"id": id, "name": id, "identifier": {"scheme": "KG-INN", "id": id}, "roles": ["supplier"]}))
        .collect();
    let awards: Vec<Value> = suppliers
        .iter()
        .enumerate()
        .map(|(number, id)| json!({"id": format!("a{number}"), "suppliers": [{"id": id, "name": id}]}))
        .collect();
    release(
        ocid,
        "1",
        "2024-01-01T00:00:00Z",
        json!({"parties": parties, "awards": awards, "tender": {"id": "t", "x_region": region}}),
    )
}

/// By hand: Chüy has seven processes and seven awards (A won three; B, C, D and E one each, C
/// and D on one two-lot process), so its three busiest suppliers hold 3 + 1 + 1 = 5 of 7
/// awards; Osh has one award. Two Chüy processes are flagged, one of them twice; a buyer's flag
/// is not a process's.
async fn analytics_groups_count_flagged_processes_and_top_suppliers(db: &TestDb) {
    let store = db
        .store()
        .await
        .with_normaliser(std::sync::Arc::new(RegionNormaliser));
    let releases = [
        awarded("ocds-g-c1", "KG-C", &["A"]),
        awarded("ocds-g-c2", "KG-C", &["A"]),
        awarded("ocds-g-c3", "KG-C", &["B"]),
        awarded("ocds-g-c4", "KG-C", &["C", "D"]),
        awarded("ocds-g-c5", "KG-C", &["E"]),
        awarded("ocds-g-c6", "KG-C", &[]),
        awarded("ocds-g-o1", "KG-O", &["A"]),
        // A's third Chüy award, in another year and by another method: the groups of several
        // facets at once must add it to A's other two.
        {
            let mut release = awarded("ocds-g-c7", "KG-C", &["A"]);
            release["date"] = json!("2023-05-01T00:00:00Z");
            release["tender"]["procurementMethod"] = json!("direct");
            release
        },
    ];
    import(&store, "groups.json", &package(&releases)).await;
    let flag = |group: &str, id: &str, code: &str| achyk_store::StoredFlag {
        group: group.into(),
        id: id.into(),
        code: code.into(),
        value: 1.0,
        facts: "[]".into(),
    };
    store
        .replace_flag_results(
            7,
            "groups",
            &[
                flag("ocid", "ocds-g-c1", "R018"),
                flag("ocid", "ocds-g-c1", "R024"),
                flag("ocid", "ocds-g-c3", "R018"),
                flag("buyer", "ocds-g-o1", "R038"),
            ],
            &[],
        )
        .await
        .unwrap();
    let groups = store.group_stats(Facet::Region).await.unwrap();
    let found: Vec<(&str, i64, i64, i64, i64)> = groups
        .iter()
        .map(|group| {
            (
                group.key.as_str(),
                group.processes,
                group.flagged,
                group.awards,
                group.top_supplier_awards,
            )
        })
        .collect();
    assert_eq!(found, [("KG-C", 7, 2, 7, 5), ("KG-O", 1, 0, 1, 1)]);
    // Several facets at once give what each gives alone.
    let facets = [Facet::Year, Facet::Region, Facet::Method];
    let together = store.group_stats_by(&facets, None).await.unwrap();
    for (facet, groups) in facets.iter().zip(&together) {
        assert_eq!(
            *groups,
            store.group_stats(*facet).await.unwrap(),
            "{facet:?}"
        );
    }
    let methods: Vec<(&str, i64, i64)> = together[2]
        .iter()
        .map(|group| (group.key.as_str(), group.awards, group.top_supplier_awards))
        .collect();
    // No method given: A won c1, c2 and o1, the other four one each.
    assert_eq!(methods, [("", 7, 5), ("direct", 1, 1)]);
}
