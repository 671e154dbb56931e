//! The stored red-flag results on both backends: a run replaces the previous one whole, in
//! one transaction; reads return what was stored; counts equal a hand count.

mod common;

use achyk_store::{FlagCount, RiskScore, StoredFlag};
use common::{Databases, TestDb};

both_backends!(
    a_run_is_stored_and_read_back,
    a_second_run_replaces_the_first,
    replacing_twice_with_the_same_results_changes_nothing,
    a_failed_replace_leaves_the_previous_run_whole,
    counts_per_code_equal_a_hand_count,
    riskiest_are_highest_first_without_zero_scores,
);

fn flag(group: &str, id: &str, code: &str, value: f64) -> StoredFlag {
    StoredFlag {
        group: group.into(),
        id: id.into(),
        code: code.into(),
        value,
        facts: format!(r#"[{{"code":"fact_{code}","numbers":{{"days":3}},"texts":{{}}}}]"#),
    }
}

fn score(group: &str, id: &str, score: f64, flags: i64) -> RiskScore {
    RiskScore {
        group: group.into(),
        id: id.into(),
        score,
        flags,
    }
}

/// Three processes, one buyer and one tenderer flagged.
fn first_run() -> (Vec<StoredFlag>, Vec<RiskScore>) {
    (
        vec![
            flag("ocid", "ocds-a-1", "R003", 1.0),
            flag("ocid", "ocds-a-1", "R018", 1.0),
            flag("ocid", "ocds-a-2", "R003", 1.0),
            flag("ocid", "ocds-a-3", "R024", 0.5),
            flag("buyer", "KG-INN-1", "R025", 1.0),
            flag("tenderer", "KG-INN-9", "R038", 1.0),
        ],
        vec![
            score("ocid", "ocds-a-1", 2.0, 2),
            score("ocid", "ocds-a-2", 1.0, 1),
            score("ocid", "ocds-a-3", 1.0, 1),
            score("buyer", "KG-INN-1", 1.5, 2),
        ],
    )
}

async fn a_run_is_stored_and_read_back(db: &TestDb) {
    let store = db.store().await;
    assert_eq!(store.last_flag_run().await.unwrap(), None);
    let (flags, scores) = first_run();
    let run = store
        .replace_flag_results(3, "sha256:abc", &flags, &scores)
        .await
        .unwrap();
    assert_eq!(store.last_flag_run().await.unwrap(), Some(run.clone()));
    assert_eq!(run.processes, 3);
    assert_eq!(run.settings_digest, "sha256:abc");

    let of_one = store.flags_of_process("ocds-a-1").await.unwrap();
    assert_eq!(of_one, vec![flags[0].clone(), flags[1].clone()]);
    assert_eq!(store.flags_of_process("ocds-a-9").await.unwrap(), vec![]);
    // An organisation's flags: its own, in any role, not those of processes.
    assert_eq!(
        store.flags_of_organisation("KG-INN-1").await.unwrap(),
        vec![flags[4].clone()]
    );
    assert_eq!(
        store.flags_of_organisation("ocds-a-1").await.unwrap(),
        vec![]
    );
    assert_eq!(
        store.risk_score("buyer", "KG-INN-1").await.unwrap(),
        Some(score("buyer", "KG-INN-1", 1.5, 2))
    );
    assert_eq!(store.risk_score("ocid", "KG-INN-1").await.unwrap(), None);
}

async fn a_second_run_replaces_the_first(db: &TestDb) {
    let store = db.store().await;
    let (flags, scores) = first_run();
    let before = store.data_generation().await.unwrap();
    store
        .replace_flag_results(3, "one", &flags, &scores)
        .await
        .unwrap();
    // Pages show flags, so a run moves the data generation on (kept pages are dropped).
    assert_eq!(store.data_generation().await.unwrap(), before + 1);
    let second = vec![flag("ocid", "ocds-a-2", "R058", 1.0)];
    let second_scores = vec![score("ocid", "ocds-a-2", 1.0, 1)];
    store
        .replace_flag_results(2, "two", &second, &second_scores)
        .await
        .unwrap();
    assert_eq!(store.flags_of_process("ocds-a-1").await.unwrap(), vec![]);
    assert_eq!(store.flags_of_process("ocds-a-2").await.unwrap(), second);
    assert_eq!(
        store.flag_counts().await.unwrap(),
        vec![FlagCount {
            group: "ocid".into(),
            code: "R058".into(),
            count: 1
        }]
    );
    assert_eq!(store.riskiest("ocid", 10).await.unwrap(), second_scores);
    assert_eq!(store.riskiest("buyer", 10).await.unwrap(), vec![]);
    let run = store.last_flag_run().await.unwrap().unwrap();
    assert_eq!((run.processes, run.settings_digest.as_str()), (2, "two"));
}

async fn replacing_twice_with_the_same_results_changes_nothing(db: &TestDb) {
    let store = db.store().await;
    let (flags, scores) = first_run();
    for _ in 0..2 {
        store
            .replace_flag_results(3, "same", &flags, &scores)
            .await
            .unwrap();
    }
    let total: i64 = store
        .flag_counts()
        .await
        .unwrap()
        .iter()
        .map(|count| count.count)
        .sum();
    assert_eq!(total, 6);
    assert_eq!(store.riskiest("ocid", 10).await.unwrap().len(), 3);
}

async fn a_failed_replace_leaves_the_previous_run_whole(db: &TestDb) {
    let store = db.store().await;
    let (flags, scores) = first_run();
    let run = store
        .replace_flag_results(3, "good", &flags, &scores)
        .await
        .unwrap();
    // The same (group, id, code) twice breaks the primary key after the deletes and the
    // first rows are written: the whole transaction must roll back.
    let broken = vec![
        flag("ocid", "ocds-b-1", "R003", 1.0),
        flag("ocid", "ocds-b-1", "R003", 1.0),
    ];
    assert!(
        store
            .replace_flag_results(1, "bad", &broken, &[])
            .await
            .is_err()
    );
    assert_eq!(store.last_flag_run().await.unwrap(), Some(run));
    assert_eq!(store.flags_of_process("ocds-b-1").await.unwrap(), vec![]);
    assert_eq!(
        store.flags_of_process("ocds-a-1").await.unwrap(),
        vec![flags[0].clone(), flags[1].clone()]
    );
    assert_eq!(store.riskiest("ocid", 10).await.unwrap().len(), 3);
}

async fn counts_per_code_equal_a_hand_count(db: &TestDb) {
    let store = db.store().await;
    let (flags, scores) = first_run();
    store
        .replace_flag_results(3, "x", &flags, &scores)
        .await
        .unwrap();
    // By hand from first_run: buyer R025 ×1; ocid R003 ×2, R018 ×1, R024 ×1; tenderer R038 ×1.
    let expected = [
        ("buyer", "R025", 1),
        ("ocid", "R003", 2),
        ("ocid", "R018", 1),
        ("ocid", "R024", 1),
        ("tenderer", "R038", 1),
    ]
    .map(|(group, code, count)| FlagCount {
        group: group.into(),
        code: code.into(),
        count,
    });
    assert_eq!(store.flag_counts().await.unwrap(), expected.to_vec());
}

async fn riskiest_are_highest_first_without_zero_scores(db: &TestDb) {
    let store = db.store().await;
    let scores = vec![
        score("ocid", "ocds-c-1", 1.0, 1),
        score("ocid", "ocds-c-2", 3.0, 2),
        score("ocid", "ocds-c-0", 1.0, 1),
        score("ocid", "ocds-c-3", 0.0, 0),
        score("buyer", "KG-1", 9.0, 4),
    ];
    store
        .replace_flag_results(4, "x", &[], &scores)
        .await
        .unwrap();
    // Highest first, ties by identifier, no zero score, only the group asked for.
    assert_eq!(
        store.riskiest("ocid", 10).await.unwrap(),
        vec![scores[1].clone(), scores[2].clone(), scores[0].clone()]
    );
    assert_eq!(
        store.riskiest("ocid", 1).await.unwrap(),
        vec![scores[1].clone()]
    );
}
