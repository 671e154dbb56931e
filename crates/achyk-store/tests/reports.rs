//! Citizen reports and the moderation log, on SQLite and (when a server is named) PostgreSQL.
//! Expected values are the inputs themselves and the documented rules: nothing is public before a
//! moderator publishes it, a change applies only from the state it was decided in, and the log
//! refuses updates and deletes.

mod common;

use achyk_store::{
    Moderation, NewPhoto, NewReport, NewUser, ReportChange, ReportsAbout, Role, Store, StoreError,
};
use common::{Databases, TestDb};

both_backends!(
    a_report_is_kept_as_given_with_its_photos,
    only_published_reports_are_listed,
    a_change_applies_only_from_the_expected_state,
    the_moderation_log_is_append_only,
    a_receipt_is_used_once,
    additions_and_photo_actions_are_kept,
);

fn report(receipt: &str, ocid: Option<&str>) -> NewReport {
    NewReport {
        receipt_hash: receipt.into(),
        category: "work_not_done".into(),
        body: "Мектептин чатыры бүтө элек".into(),
        ocid: ocid.map(Into::into),
        organisation: Some("KG-INN-01234567890123".into()),
        region: Some("KG-J".into()),
        place: Some("Кочкор-Ата".into()),
        contact_sealed: Some("AQID".into()),
        disclosure: "anonymous".into(),
        gender: Some("female".into()),
        age_group: Some("18-29".into()),
        received_on: "2026-11-28".into(),
        photos: vec![
            NewPhoto {
                jpeg: vec![0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9],
                width: 640,
                height: 480,
            },
            NewPhoto {
                jpeg: vec![0xFF, 0xD8, 9, 0xFF, 0xD9],
                width: 10,
                height: 20,
            },
        ],
        visit: None,
    }
}

async fn moderator(store: &Store) -> i64 {
    store
        .create_user(
            &NewUser {
                email: "moderator@example.kg".into(),
                password_hash: "x".into(),
                display_name: "Moderator".into(),
                language: "ky".into(),
                role: Role::Moderator,
            },
            1,
        )
        .await
        .unwrap()
}

fn by<'a>(actor: i64, action: &'a str, reason: &'a str, at: i64) -> Moderation<'a> {
    Moderation {
        actor,
        action,
        reason,
        at,
    }
}

fn publish(day: &str) -> ReportChange {
    ReportChange {
        state: Some("published".into()),
        public_text: Some(Some("Чатыр бүтө элек".into())),
        published_on: Some(day.into()),
        ..ReportChange::default()
    }
}

async fn a_report_is_kept_as_given_with_its_photos(db: &TestDb) {
    let store = &db.store().await;
    let given = report("hash-1", Some("ocds-abc-1"));
    let id = store.create_report(&given).await.unwrap();
    let row = store.report_by_receipt("hash-1").await.unwrap().unwrap();
    assert_eq!(row.id, id);
    assert_eq!(row.state, "received");
    assert_eq!(row.body, given.body);
    assert_eq!(row.category, "work_not_done");
    assert_eq!(row.ocid.as_deref(), Some("ocds-abc-1"));
    assert_eq!(row.region.as_deref(), Some("KG-J"));
    assert_eq!(row.place.as_deref(), Some("Кочкор-Ата"));
    assert_eq!(row.contact_sealed.as_deref(), Some("AQID"));
    assert_eq!(row.gender.as_deref(), Some("female"));
    assert_eq!(row.received_on, "2026-11-28");
    assert_eq!(row.public_text, None);
    assert_eq!(store.report_by_receipt("hash-2").await.unwrap(), None);

    let photos = store.report_photos(id).await.unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!((photos[0].width, photos[0].height), (640, 480));
    assert!(!photos[0].hidden);
    let (_, bytes) = store.photo(photos[1].id).await.unwrap();
    assert_eq!(bytes, vec![0xFF, 0xD8, 9, 0xFF, 0xD9]);
    assert!(matches!(
        store.photo(photos[1].id + 100).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn only_published_reports_are_listed(db: &TestDb) {
    let store = &db.store().await;
    let actor = moderator(store).await;
    let a = store
        .create_report(&report("a", Some("ocds-1")))
        .await
        .unwrap();
    let b = store
        .create_report(&report("b", Some("ocds-2")))
        .await
        .unwrap();
    let c = store
        .create_report(&report("c", Some("ocds-1")))
        .await
        .unwrap();
    let (rows, total) = store
        .published_reports(ReportsAbout::All, 10, 0)
        .await
        .unwrap();
    assert!(rows.is_empty());
    assert_eq!(total, 0);

    for id in [a, b, c] {
        let review = ReportChange {
            state: Some("in_review".into()),
            ..ReportChange::default()
        };
        store
            .moderate_report(id, "received", by(actor, "review", "queue", 10), &review)
            .await
            .unwrap();
    }
    store
        .moderate_report(
            a,
            "in_review",
            by(actor, "publish", "ok", 11),
            &publish("2026-11-29"),
        )
        .await
        .unwrap();
    let private = ReportChange {
        state: Some("kept_private".into()),
        ..ReportChange::default()
    };
    store
        .moderate_report(
            c,
            "in_review",
            by(actor, "keep_private", "names a person", 12),
            &private,
        )
        .await
        .unwrap();
    let redacted = ReportChange {
        state: Some("published_redacted".into()),
        public_text: Some(Some("[…]".into())),
        ..ReportChange::default()
    };
    store
        .moderate_report(
            b,
            "in_review",
            by(actor, "publish_redacted", "phone number", 13),
            &redacted,
        )
        .await
        .unwrap();

    let (rows, total) = store
        .published_reports(ReportsAbout::All, 10, 0)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
    assert_eq!(total, 2);
    let (rows, total) = store
        .published_reports(ReportsAbout::Process("ocds-1"), 10, 0)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(total, 1);
    let (rows, total) = store
        .published_reports(ReportsAbout::Organisation("KG-INN-01234567890123"), 1, 1)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(total, 2);
    let published = store.report(a).await.unwrap();
    assert_eq!(published.public_text.as_deref(), Some("Чатыр бүтө элек"));
    assert_eq!(published.published_on.as_deref(), Some("2026-11-29"));
    let queue = store
        .reports_in_states(&["received", "in_review"])
        .await
        .unwrap();
    assert!(queue.is_empty());
}

async fn a_change_applies_only_from_the_expected_state(db: &TestDb) {
    let store = &db.store().await;
    let actor = moderator(store).await;
    let id = store.create_report(&report("r", None)).await.unwrap();
    let stale = store
        .moderate_report(
            id,
            "in_review",
            by(actor, "publish", "ok", 5),
            &publish("2026-11-29"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    let row = store.report(id).await.unwrap();
    assert_eq!(row.state, "received");
    assert_eq!(row.public_text, None);
    assert!(store.moderation_log(Some(id)).await.unwrap().is_empty());
}

async fn the_moderation_log_is_append_only(db: &TestDb) {
    let store = &db.store().await;
    let actor = moderator(store).await;
    let id = store
        .create_report(&report("r", Some("ocds-9")))
        .await
        .unwrap();
    let link = ReportChange {
        state: Some("in_review".into()),
        ocid: Some(Some("ocds-10".into())),
        ..ReportChange::default()
    };
    store
        .moderate_report(id, "received", by(actor, "link", "wrong tender", 77), &link)
        .await
        .unwrap();
    let log = store.moderation_log(None).await.unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(
        (
            entry.report_id,
            entry.actor,
            entry.action.as_str(),
            entry.reason.as_str(),
            entry.at
        ),
        (id, actor, "link", "wrong tender", 77)
    );
    let before: serde_json::Value = serde_json::from_str(&entry.before).unwrap();
    let after: serde_json::Value = serde_json::from_str(&entry.after).unwrap();
    assert_eq!(
        before,
        serde_json::json!({"state": "received", "ocid": "ocds-9"})
    );
    assert_eq!(
        after,
        serde_json::json!({"state": "in_review", "ocid": "ocds-10"})
    );

    // Straight to the database, past the store: the triggers refuse both.
    let update = "UPDATE moderation_log SET reason = 'rewritten'";
    let delete = "DELETE FROM moderation_log";
    if db.url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        assert!(sqlx::query(update).execute(&pool).await.is_err());
        assert!(sqlx::query(delete).execute(&pool).await.is_err());
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        assert!(sqlx::query(update).execute(&pool).await.is_err());
        assert!(sqlx::query(delete).execute(&pool).await.is_err());
        pool.close().await;
    }
    assert_eq!(store.moderation_log(Some(id)).await.unwrap(), log);
}

async fn a_receipt_is_used_once(db: &TestDb) {
    let store = &db.store().await;
    store.create_report(&report("same", None)).await.unwrap();
    let again = store.create_report(&report("same", None)).await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })));
    assert_eq!(
        store.reports_in_states(&["received"]).await.unwrap().len(),
        1
    );
}

async fn additions_and_photo_actions_are_kept(db: &TestDb) {
    let store = &db.store().await;
    let actor = moderator(store).await;
    let id = store.create_report(&report("r", None)).await.unwrap();
    store
        .add_to_report(id, "Дагы бир сүрөт", "2026-11-30")
        .await
        .unwrap();
    store
        .add_to_report(id, "Үчүнчү", "2026-12-01")
        .await
        .unwrap();
    let additions = store.report_additions(id).await.unwrap();
    assert_eq!(
        additions
            .iter()
            .map(|a| (a.body.as_str(), a.received_on.as_str()))
            .collect::<Vec<_>>(),
        vec![("Дагы бир сүрөт", "2026-11-30"), ("Үчүнчү", "2026-12-01")]
    );

    let photos = store.report_photos(id).await.unwrap();
    let black = [0xFF, 0xD8, 0, 0, 0xFF, 0xD9];
    store
        .moderate_photo(photos[0].id, actor, "a face", Some(&black), None, 50)
        .await
        .unwrap();
    store
        .moderate_photo(photos[1].id, actor, "a plate", None, Some(true), 51)
        .await
        .unwrap();
    assert_eq!(store.photo(photos[0].id).await.unwrap().1, black.to_vec());
    let after = store.report_photos(id).await.unwrap();
    assert_eq!(
        after.iter().map(|p| p.hidden).collect::<Vec<_>>(),
        vec![false, true]
    );
    let log = store.moderation_log(Some(id)).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["black_out_photo", "hide_photo"]
    );
}
