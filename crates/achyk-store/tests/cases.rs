//! Cases to public bodies and the directory, on SQLite and (when a server is named)
//! PostgreSQL. Expected values are the inputs and the rule that a step applies only from the
//! state it was decided from.

mod common;

use achyk_store::{
    CaseStep, NewAttachment, NewCase, NewReport, NewUser, PublicBody, Role, Store, StoreError,
};
use common::{Databases, TestDb};

both_backends!(
    a_case_steps_through_its_timeline,
    a_stale_step_changes_nothing,
    the_directory_keeps_one_body_per_organisation,
);

async fn monitor(store: &Store) -> i64 {
    store
        .create_user(
            &NewUser {
                email: "monitor@example.kg".into(),
                password_hash: "x".into(),
                display_name: "Monitor".into(),
                language: "ru".into(),
                role: Role::Monitor,
            },
            1,
        )
        .await
        .unwrap()
}

async fn body(store: &Store, organisation: &str) -> i64 {
    store
        .save_public_body(&PublicBody {
            organisation: Some(organisation.into()),
            name_ky: "Айыл өкмөтү".into(),
            name_ru: "Айыл окмоту".into(),
            name_en: "Village administration".into(),
            email: Some("info@ao.kg".into()),
            ..PublicBody::default()
        })
        .await
        .unwrap()
}

async fn a_case(store: &Store) -> (i64, i64, i64) {
    let actor = monitor(store).await;
    let body = body(store, "KG-INN-1").await;
    let report = store
        .create_report(&NewReport {
            receipt_hash: "r".into(),
            category: "work_not_done".into(),
            body: "x".into(),
            disclosure: "anonymous".into(),
            received_on: "2026-11-20".into(),
            ..NewReport::default()
        })
        .await
        .unwrap();
    let case = store
        .create_case(
            &NewCase {
                opened_by: actor,
                body_id: body,
                ocid: Some("ocds-1".into()),
                title: "Roof not built".into(),
                legal_basis: "Law No. 67".into(),
                request: "Explain".into(),
                evidence: "Photos".into(),
                letter_language: "ru".into(),
                opened_on: "2026-11-25".into(),
                reports: vec![report],
                flags: vec!["R018".into(), "R003".into()],
                ..NewCase::default()
            },
            100,
        )
        .await
        .unwrap();
    (case, actor, report)
}

async fn a_case_steps_through_its_timeline(db: &TestDb) {
    let store = &db.store().await;
    let (case, actor, report) = a_case(store).await;
    let row = store.case(case).await.unwrap();
    assert_eq!(row.state, "prepared");
    assert_eq!(row.due_on, None);
    assert_eq!(
        store.case_evidence(case).await.unwrap(),
        (vec![report], vec!["R003".to_string(), "R018".to_string()])
    );
    assert_eq!(
        store
            .cases_of_report(report)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![case]
    );
    let sent = CaseStep {
        actor: Some(actor),
        kind: "sent".into(),
        state: "awaiting_response".into(),
        day: "2026-11-26".into(),
        at: 200,
        public: true,
        text: "By e-mail".into(),
        channel: Some("email".into()),
        clock: Some(("2026-11-26".into(), "2026-12-17".into(), None)),
        ..CaseStep::default()
    };
    store.case_step(case, "prepared", &sent).await.unwrap();
    let answer = CaseStep {
        actor: Some(actor),
        kind: "response".into(),
        state: "response_received".into(),
        day: "2026-12-10".into(),
        at: 300,
        public: true,
        text: "We will build it".into(),
        attachments: vec![NewAttachment {
            name: "answer.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 answer".to_vec(),
        }],
        ..CaseStep::default()
    };
    let event = store
        .case_step(case, "awaiting_response", &answer)
        .await
        .unwrap();
    let classified = CaseStep {
        kind: "classified".into(),
        state: "action_promised".into(),
        day: "2026-12-11".into(),
        at: 301,
        outcome: Some("action_promised".into()),
        ..CaseStep::default()
    };
    store
        .case_step(case, "response_received", &classified)
        .await
        .unwrap();
    let row = store.case(case).await.unwrap();
    assert_eq!(row.state, "action_promised");
    assert_eq!(row.outcome.as_deref(), Some("action_promised"));
    // The clock set at sending stays through later steps.
    assert_eq!(row.clock_started_on.as_deref(), Some("2026-11-26"));
    assert_eq!(row.due_on.as_deref(), Some("2026-12-17"));
    let events = store.case_events(case).await.unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| (e.kind.as_str(), e.state.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("opened", "prepared"),
            ("sent", "awaiting_response"),
            ("response", "response_received"),
            ("classified", "action_promised"),
        ]
    );
    assert_eq!(events[3].public, 0);
    let attachments = store.case_attachments(case).await.unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].event_id, event);
    let (row, of_case, bytes) = store.attachment(attachments[0].id).await.unwrap();
    assert_eq!((row.name.as_str(), of_case), ("answer.pdf", case));
    assert_eq!(bytes, b"%PDF-1.4 answer");
}

async fn a_stale_step_changes_nothing(db: &TestDb) {
    let store = &db.store().await;
    let (case, actor, _) = a_case(store).await;
    let step = CaseStep {
        actor: Some(actor),
        kind: "response".into(),
        state: "response_received".into(),
        day: "2026-12-10".into(),
        at: 1,
        text: "x".into(),
        ..CaseStep::default()
    };
    let stale = store.case_step(case, "awaiting_response", &step).await;
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    assert_eq!(store.case(case).await.unwrap().state, "prepared");
    assert_eq!(store.case_events(case).await.unwrap().len(), 1);
}

async fn the_directory_keeps_one_body_per_organisation(db: &TestDb) {
    let store = &db.store().await;
    let id = body(store, "KG-INN-7").await;
    let again = store
        .save_public_body(&PublicBody {
            organisation: Some("KG-INN-7".into()),
            name_ky: "a".into(),
            name_ru: "b".into(),
            name_en: "c".into(),
            ..PublicBody::default()
        })
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })));
    let mut edited = store.public_body(id).await.unwrap();
    edited.email = Some("appeals@ao.kg".into());
    edited.oversight = 1;
    store.save_public_body(&edited).await.unwrap();
    assert_eq!(
        store.public_body_of("KG-INN-7").await.unwrap(),
        Some(edited)
    );
    assert_eq!(store.public_bodies().await.unwrap().len(), 1);
    assert_eq!(store.public_body_of("KG-INN-8").await.unwrap(), None);
}
