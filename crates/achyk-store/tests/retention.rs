//! Retention on both backends, and the SQLite online backup. Expected values are the rules:
//! older than the cut-off loses contact and private text (published text stays), newer is
//! untouched, a second run changes nothing.

mod common;

use achyk_store::{Moderation, NewReport, NewUser, ReportChange, Role, Store};
use common::{Databases, TestDb};

both_backends!(old_reports_lose_contact_and_private_text_once);

async fn report(store: &Store, receipt: &str, day: &str) -> i64 {
    store
        .create_report(&NewReport {
            receipt_hash: receipt.into(),
            category: "other".into(),
            body: format!("private words {receipt}"),
            contact_sealed: Some("c2VhbGVk".into()),
            gender: Some("female".into()),
            disclosure: "confidential".into(),
            received_on: day.into(),
            ..NewReport::default()
        })
        .await
        .unwrap()
}

async fn old_reports_lose_contact_and_private_text_once(db: &TestDb) {
    let store = &db.store().await;
    let old_private = report(store, "a", "2025-01-10").await;
    let old_published = report(store, "b", "2025-01-11").await;
    let recent = report(store, "c", "2026-11-01").await;
    store
        .add_to_report(old_private, "more private words", "2025-01-12")
        .await
        .unwrap();
    store
        .add_to_report(recent, "recent addition", "2026-11-02")
        .await
        .unwrap();
    let actor = store
        .create_user(
            &NewUser {
                email: "m@x.kg".into(),
                password_hash: "x".into(),
                display_name: "m".into(),
                language: "ky".into(),
                role: Role::Moderator,
            },
            1,
        )
        .await
        .unwrap();
    for (from, to) in [("received", "in_review"), ("in_review", "published")] {
        let change = ReportChange {
            state: Some(to.into()),
            public_text: Some(Some("what the public read".into())),
            ..ReportChange::default()
        };
        let by = Moderation {
            actor,
            action: to,
            reason: "r",
            at: 1,
        };
        store
            .moderate_report(old_published, from, by, &change)
            .await
            .unwrap();
    }

    let changed = store
        .anonymise_reports("2026-01-01", "2026-11-28")
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let private = store.report(old_private).await.unwrap();
    assert_eq!(private.body, "");
    assert_eq!(private.contact_sealed, None);
    assert_eq!(private.anonymised_on.as_deref(), Some("2026-11-28"));
    // Only for totals, never per person: kept.
    assert_eq!(private.gender.as_deref(), Some("female"));
    assert_eq!(
        store.report_additions(old_private).await.unwrap()[0].body,
        ""
    );
    let published = store.report(old_published).await.unwrap();
    assert_eq!(published.body, "what the public read");
    assert_eq!(
        published.public_text.as_deref(),
        Some("what the public read")
    );
    assert_eq!(published.contact_sealed, None);
    let untouched = store.report(recent).await.unwrap();
    assert_eq!(untouched.body, "private words c");
    assert_eq!(untouched.contact_sealed.as_deref(), Some("c2VhbGVk"));
    assert_eq!(untouched.anonymised_on, None);
    assert_eq!(
        store.report_additions(recent).await.unwrap()[0].body,
        "recent addition"
    );
    assert_eq!(
        store
            .anonymise_reports("2026-01-01", "2026-11-29")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .report(old_private)
            .await
            .unwrap()
            .anonymised_on
            .as_deref(),
        Some("2026-11-28")
    );
}

#[tokio::test]
async fn a_sqlite_backup_is_a_whole_database() {
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("live.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    report(&store, "a", "2026-11-01").await;
    let copy = directory.path().join("copy.db");
    store.backup_to(&copy).await.unwrap();
    // Written after the backup: not in it.
    report(&store, "b", "2026-11-02").await;
    let restored = Store::open_existing(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    assert_eq!(restored.integrity_check().await.unwrap(), "ok");
    let rows = restored.reports_in_states(&["received"]).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].body, "private words a");
    assert!(
        store.backup_to(&copy).await.is_err(),
        "an existing file is not overwritten"
    );
}
