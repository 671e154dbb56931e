//! The Impact totals on both backends, against counts made by hand from the rows given.

mod common;

use achyk_store::{CaseStep, NewCase, NewReport, NewUser, PublicBody, Role, Store};
use common::{Databases, TestDb};

both_backends!(totals_count_reports_and_cases_as_given);

async fn report(
    store: &Store,
    n: usize,
    category: &str,
    region: Option<&str>,
    gender: Option<&str>,
) -> i64 {
    store
        .create_report(&NewReport {
            receipt_hash: format!("receipt-{n}"),
            category: category.into(),
            body: "x".into(),
            region: region.map(Into::into),
            gender: gender.map(Into::into),
            age_group: n.is_multiple_of(2).then(|| "18_29".into()),
            disclosure: "anonymous".into(),
            received_on: "2026-11-01".into(),
            ..NewReport::default()
        })
        .await
        .unwrap()
}

async fn case_answered_on(store: &Store, actor: i64, body: i64, due: &str, answer: Option<&str>) {
    let id = store
        .create_case(
            &NewCase {
                opened_by: actor,
                body_id: body,
                title: "t".into(),
                legal_basis: "l".into(),
                request: "r".into(),
                evidence: String::new(),
                letter_language: "ru".into(),
                opened_on: "2026-11-01".into(),
                ..NewCase::default()
            },
            1,
        )
        .await
        .unwrap();
    let sent = CaseStep {
        kind: "send".into(),
        state: "awaiting_response".into(),
        day: "2026-11-02".into(),
        clock: Some(("2026-11-02".into(), due.into(), None)),
        ..CaseStep::default()
    };
    store.case_step(id, "prepared", &sent).await.unwrap();
    if let Some(day) = answer {
        let response = CaseStep {
            kind: "response".into(),
            state: "response_received".into(),
            day: day.into(),
            text: "answer".into(),
            ..CaseStep::default()
        };
        store
            .case_step(id, "awaiting_response", &response)
            .await
            .unwrap();
        let classified = CaseStep {
            kind: "classified".into(),
            state: "resolved".into(),
            day: day.into(),
            outcome: Some("resolved".into()),
            ..CaseStep::default()
        };
        store
            .case_step(id, "response_received", &classified)
            .await
            .unwrap();
    }
}

async fn totals_count_reports_and_cases_as_given(db: &TestDb) {
    let store = &db.store().await;
    report(store, 1, "poor_quality", Some("KG-N"), Some("female")).await;
    report(store, 2, "poor_quality", Some("KG-N"), None).await;
    report(store, 3, "work_not_done", None, Some("female")).await;
    report(store, 4, "other", Some("KG-J"), Some("male")).await;
    let actor = store
        .create_user(
            &NewUser {
                email: "m@x.kg".into(),
                password_hash: "x".into(),
                display_name: "m".into(),
                language: "ru".into(),
                role: Role::Monitor,
            },
            1,
        )
        .await
        .unwrap();
    let body = store
        .save_public_body(&PublicBody {
            name_ky: "a".into(),
            name_ru: "b".into(),
            name_en: "c".into(),
            ..PublicBody::default()
        })
        .await
        .unwrap();
    // On the due day, a day late, and never.
    case_answered_on(store, actor, body, "2026-11-23", Some("2026-11-23")).await;
    case_answered_on(store, actor, body, "2026-11-23", Some("2026-11-24")).await;
    case_answered_on(store, actor, body, "2026-11-23", None).await;

    let impact = store.impact().await.unwrap();
    assert_eq!(impact.reports, 4);
    assert_eq!(impact.published_reports, 0);
    assert_eq!(
        impact.by_category,
        vec![
            ("poor_quality".to_string(), 2),
            ("other".to_string(), 1),
            ("work_not_done".to_string(), 1)
        ]
    );
    assert_eq!(
        impact.by_region,
        vec![
            ("KG-N".to_string(), 2),
            (String::new(), 1),
            ("KG-J".to_string(), 1)
        ]
    );
    assert_eq!(
        impact.by_gender,
        vec![
            ("female".to_string(), 2),
            (String::new(), 1),
            ("male".to_string(), 1)
        ]
    );
    assert_eq!(
        impact.by_age_group,
        vec![(String::new(), 2), ("18_29".to_string(), 2)]
    );
    assert_eq!(impact.cases, 3);
    assert_eq!(
        impact.by_case_state,
        vec![
            ("resolved".to_string(), 2),
            ("awaiting_response".to_string(), 1)
        ]
    );
    assert_eq!(impact.by_outcome, vec![("resolved".to_string(), 2)]);
    assert_eq!((impact.answered, impact.answered_on_time), (2, 1));
}
