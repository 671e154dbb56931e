//! Following and alerts in-process, with mail through a local SMTP sink. What counts as new is
//! made by the test itself (a new flag run, a re-published release, a case step), and the
//! expected notifications are those events, each told once.

mod common;

use achyk_store::{CaseStep, NewCase, NewUser, PublicBody, RiskScore, Role, Store, StoredFlag};
use achyk_test_support::smtp::SmtpSink;
use achyk_web::auth::csrf_of;
use achyk_web::mail::Mailer;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

const OCID: &str = "ocds-h7i0z4-240115013";

struct Site {
    state: AppState,
    app: axum::Router,
    store: Store,
    sink: SmtpSink,
    _directory: tempfile::TempDir,
}

async fn site() -> Site {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let sink = SmtpSink::start();
    let state = AppState::new(store.clone())
        .with_mailer(Mailer::new(&sink.url(), "Achyk <alerts@example.kg>").unwrap())
        .with_public_url("https://achyk.example/");
    Site {
        app: router(state.clone()),
        state,
        store,
        sink,
        _directory: directory,
    }
}

async fn user(store: &Store) -> (i64, String) {
    let id = store
        .create_user(
            &NewUser {
                email: "follower@example.kg".into(),
                password_hash: "x".into(),
                display_name: "Follower".into(),
                language: "en".into(),
                role: Role::Citizen,
            },
            1,
        )
        .await
        .unwrap();
    let token = "follower-token".to_string();
    let now = achyk_web::auth::now();
    store
        .create_session(
            &achyk_civic::auth::token_hash(&token),
            id,
            true,
            now,
            now + 3600,
        )
        .await
        .unwrap();
    (id, token)
}

async fn post(
    app: &axum::Router,
    path: &str,
    token: Option<&str>,
    form: &str,
) -> (StatusCode, Option<String>) {
    let mut request =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("achyk_session={token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(form.to_owned())).unwrap())
        .await
        .unwrap();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    (response.status(), location)
}

async fn get(app: &axum::Router, path: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("achyk_session={token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn follow(site: &Site, token: &str, kind: &str, target: &str, mode: &str) {
    let form = format!(
        "csrf={}&kind={kind}&target={}&mode={mode}&back=/en/",
        csrf_of(token),
        achyk_web::query::encode(target)
    );
    let (status, location) = post(&site.app, "/en/follow", Some(token), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{kind} {target}");
    assert_eq!(location.as_deref(), Some("/en/"));
}

/// A release of the sample process published again with a new title: the process changes.
async fn republish(store: &Store) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../achyk-kg/tests/fixtures/feed/page-1.json");
    let mut page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let release = page["releases"][0].clone();
    let mut changed = release.clone();
    changed["id"] = "240115013-2025-06-01".into();
    changed["date"] = "2025-06-01T09:00:00+06:00".into();
    changed["tender"]["title"] = "Roof repair, amended".into();
    page["releases"] = serde_json::json!([changed]);
    let bytes = serde_json::to_vec(&page).unwrap();
    store
        .import_publications(&[("amended.json", bytes.as_slice())])
        .await
        .unwrap();
}

#[tokio::test]
async fn followers_are_told_each_new_thing_once_and_can_leave_in_one_click() {
    let site = site().await;
    let (user_id, token) = user(&site.store).await;
    // Nobody signed in: to the sign-in page. A target that does not exist: refused.
    let (status, location) = post(&site.app, "/en/follow", None, "kind=process&target=x").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/en/login"))
    );
    let bad = format!("csrf={}&kind=process&target=ocds-nothing", csrf_of(&token));
    assert_eq!(
        post(&site.app, "/en/follow", Some(&token), &bad).await.0,
        StatusCode::BAD_REQUEST
    );

    let buyer = site.store.summaries_of(&[OCID.to_string()]).await.unwrap()[0]
        .buyer_id
        .clone()
        .unwrap();
    follow(&site, &token, "process", OCID, "immediate").await;
    follow(&site, &token, "organisation", &buyer, "immediate").await;
    follow(&site, &token, "search", "q=amended&sort=newest", "digest").await;
    assert_eq!(site.store.follows_of(user_id).await.unwrap().len(), 3);

    // Nothing happened since following: nothing to tell.
    let run = achyk_web::alerts::run(&site.state).await.unwrap();
    assert_eq!(run.notifications, 0);
    assert!(site.sink.messages().is_empty());

    // A flag run raises R018 on the process.
    let flag = StoredFlag {
        group: "ocid".into(),
        id: OCID.into(),
        code: "R018".into(),
        value: 1.0,
        facts: "[]".into(),
    };
    let score = RiskScore {
        group: "ocid".into(),
        id: OCID.into(),
        score: 1.0,
        flags: 1,
    };
    site.store
        .replace_flag_results(3, "test", &[flag], &[score])
        .await
        .unwrap();
    // The release is published again: the process and the buyer's list change.
    republish(&site.store).await;
    let run = achyk_web::alerts::run(&site.state).await.unwrap();
    let notifications = site.store.notifications_of(user_id, 100).await.unwrap();
    let titles: Vec<&str> = notifications
        .iter()
        .rev()
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "The purchase changed: Roof repair, amended",
            "New red flag \"Single bid received\": Roof repair, amended",
            "New or changed purchase: Roof repair, amended",
            // The saved search finds the new title.
            "New or changed purchase: Roof repair, amended",
        ],
        "{titles:?}"
    );
    assert_eq!(run.notifications, 4);
    assert!(
        notifications
            .iter()
            .all(|n| n.link == format!("https://achyk.example/en/tenders/{OCID}"))
    );
    // Immediate follows: one mail each, with a one-click unsubscribe; the digest waits a day.
    let mails = site.sink.messages();
    assert_eq!(mails.len(), 3);
    assert!(
        mails
            .iter()
            .all(|mail| mail.to == vec!["<follower@example.kg>".to_string()])
    );
    assert!(
        mails[0]
            .data
            .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );
    let unsubscribe = mails[0]
        .data
        .split("List-Unsubscribe: <")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(unsubscribe.starts_with("https://achyk.example/unsubscribe/"));

    // A second run tells nothing again.
    let again = achyk_web::alerts::run(&site.state).await.unwrap();
    assert_eq!(again, achyk_web::alerts::AlertRun::default());
    assert_eq!(site.sink.messages().len(), 3);

    // The feed has them all.
    let (status, page) = get(&site.app, "/en/account/follows", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let feed = page
        .split("https://achyk.example/feeds/")
        .nth(1)
        .unwrap()
        .split(".atom")
        .next()
        .unwrap()
        .to_owned();
    let (status, atom) = get(&site.app, &format!("/feeds/{feed}.atom"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(atom.matches("<entry>").count(), 4);
    assert!(atom.contains("New red flag &quot;Single bid received&quot;"));
    assert_eq!(
        get(&site.app, "/feeds/nobody.atom", None).await.0,
        StatusCode::NOT_FOUND
    );

    // One click, from a mail client: the follow is gone.
    let path = unsubscribe.strip_prefix("https://achyk.example").unwrap();
    let (status, page) = get(&site.app, path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Unsubscribe"));
    assert_eq!(
        post(&site.app, path, None, "List-Unsubscribe=One-Click")
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(site.store.follows_of(user_id).await.unwrap().len(), 2);
    assert_eq!(
        post(&site.app, path, None, "").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn case_followers_hear_of_steps_and_missed_deadlines() {
    let site = site().await;
    let (user_id, token) = user(&site.store).await;
    let body = site
        .store
        .save_public_body(&PublicBody {
            name_ky: "a".into(),
            name_ru: "b".into(),
            name_en: "The body".into(),
            ..PublicBody::default()
        })
        .await
        .unwrap();
    let case = site
        .store
        .create_case(
            &NewCase {
                opened_by: user_id,
                body_id: body,
                title: "Roof".into(),
                legal_basis: "Law".into(),
                request: "Explain".into(),
                letter_language: "ru".into(),
                opened_on: "2026-11-01".into(),
                ..NewCase::default()
            },
            1,
        )
        .await
        .unwrap();
    follow(&site, &token, "case", &case.to_string(), "digest").await;
    // Sent by hand on 2 November: due 23 November 2026, which has passed.
    let sent = CaseStep {
        kind: "send".into(),
        state: "awaiting_response".into(),
        day: "2026-11-02".into(),
        public: true,
        clock: Some(("2026-11-02".into(), "2026-11-23".into(), None)),
        ..CaseStep::default()
    };
    site.store.case_step(case, "prepared", &sent).await.unwrap();
    let note = CaseStep {
        kind: "note".into(),
        state: "awaiting_response".into(),
        day: "2026-11-03".into(),
        public: false,
        text: "internal".into(),
        ..CaseStep::default()
    };
    site.store
        .case_step(case, "awaiting_response", &note)
        .await
        .unwrap();
    achyk_web::alerts::run(&site.state).await.unwrap();
    achyk_web::alerts::run(&site.state).await.unwrap();
    let titles: Vec<String> = site
        .store
        .notifications_of(user_id, 10)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|n| n.title)
        .collect();
    assert_eq!(
        titles,
        vec![
            "Case \"Roof\": Appeal sent".to_string(),
            "Case \"Roof\": no answer by the deadline 2026-11-23".to_string(),
        ]
    );
    // A daily digest: not mailed before a day has passed.
    assert!(site.sink.messages().is_empty());
}

#[tokio::test]
async fn a_search_with_a_region_offers_to_follow_the_region() {
    let site = site().await;
    let (user_id, token) = user(&site.store).await;
    let (status, page) = get(&site.app, "/en/tenders?region=KG-C&page=2", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("name=\"kind\" value=\"region\""));
    assert!(page.contains("name=\"target\" value=\"KG-C\""));
    // The saved search leaves the page number out.
    assert!(
        page.contains("name=\"target\" value=\"region=KG-C\""),
        "{page}"
    );
    follow(&site, &token, "region", "KG-C", "immediate").await;
    let bad = format!("csrf={}&kind=region&target=KG-XX", csrf_of(&token));
    assert_eq!(
        post(&site.app, "/en/follow", Some(&token), &bad).await.0,
        StatusCode::BAD_REQUEST
    );
    let follows = site.store.follows_of(user_id).await.unwrap();
    assert_eq!(
        follows
            .iter()
            .map(|f| (f.kind.as_str(), f.target.as_str()))
            .collect::<Vec<_>>(),
        vec![("region", "KG-C")]
    );
}
