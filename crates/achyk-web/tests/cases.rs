//! CSO cases in-process, on the feed sample, with mail through a local SMTP sink. Due dates are
//! worked out by hand below (Law No. 67: registration on the 1st working day after receipt,
//! the answer by the 14th working day after registration; weekends off; 7–8 November worked).

mod common;

use achyk_civic::deadline::{Calendar, Rules};
use achyk_civic::receipt::{ReceiptCode, ServerSecret};
use achyk_store::{NewReport, PublicBody, Role, Store};
use achyk_test_support::smtp::SmtpSink;
use achyk_web::auth::csrf_of;
use achyk_web::mail::Mailer;
use achyk_web::reports::Civic;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

const OCID: &str = "ocds-h7i0z4-240115013";
const BOUNDARY: &str = "case-boundary";
const SECRET: [u8; 32] = [5; 32];

struct Site {
    app: axum::Router,
    store: Store,
    sink: SmtpSink,
    _directory: tempfile::TempDir,
}

async fn site(very_overdue_after: u32) -> Site {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.url(), "Achyk <achyk@example.kg>").unwrap();
    let rules = Rules {
        very_overdue_after,
        ..Rules::default()
    };
    let civic = Civic::new(ServerSecret::new(&SECRET).unwrap(), None);
    let state = AppState::new(store.clone())
        .with_mailer(mailer)
        .with_civic(civic)
        .with_deadlines(rules, Calendar::kyrgyzstan());
    Site {
        app: router(state),
        store,
        sink,
        _directory: directory,
    }
}

async fn user(store: &Store, email: &str, role: Role) -> (i64, String) {
    common::signed_in(store, email, role).await
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn send(app: &axum::Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    Answer {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &axum::Router, path: &str, token: Option<&str>) -> Answer {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("achyk_session={token}"));
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

async fn post_form(app: &axum::Router, path: &str, token: &str, form: &str) -> Answer {
    let request = Request::post(path)
        .header(header::COOKIE, format!("achyk_session={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(app, request).await
}

/// A step: multipart fields, and an optional file.
async fn step(
    app: &axum::Router,
    case: i64,
    token: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    let mut body = Vec::new();
    let csrf = csrf_of(token);
    for (name, value) in [("csrf", csrf.as_str())].iter().chain(fields) {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post(format!("/en/cases/{case}/step"))
        .header(header::COOKIE, format!("achyk_session={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

async fn buyer_of_sample(store: &Store) -> String {
    store.summaries_of(&[OCID.to_string()]).await.unwrap()[0]
        .buyer_id
        .clone()
        .unwrap()
}

async fn bodies(store: &Store, email: Option<&str>) -> (i64, i64) {
    let buyer = buyer_of_sample(store).await;
    let body = store
        .save_public_body(&PublicBody {
            organisation: Some(buyer),
            name_ky: "Сатып алуучу".into(),
            name_ru: "Закупщик".into(),
            name_en: "The buyer".into(),
            email: email.map(Into::into),
            ..PublicBody::default()
        })
        .await
        .unwrap();
    let oversight = store
        .save_public_body(&PublicBody {
            name_ky: "Эсептөө палатасы".into(),
            name_ru: "Счётная палата".into(),
            name_en: "Chamber of Accounts".into(),
            oversight: 1,
            ..PublicBody::default()
        })
        .await
        .unwrap();
    (body, oversight)
}

/// Opens a case about the sample process with a report, as `token`'s monitor; its id.
async fn open_case(site: &Site, token: &str, body: i64, report: i64, language: &str) -> i64 {
    let form = format!(
        "csrf={}&body={body}&title=Roof+not+built&legal_basis=Law+No.+67&request=Explain+the+payment&evidence=Photos&letter_language={language}&ocid={OCID}&organisation=&reports={report}&flags=R018",
        csrf_of(token)
    );
    let answer = post_form(&site.app, "/en/cases", token, &form).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn report_with_receipt(store: &Store, code: &str) -> i64 {
    let receipt = ReceiptCode::parse(code).unwrap();
    store
        .create_report(&NewReport {
            receipt_hash: receipt.hash(&ServerSecret::new(&SECRET).unwrap()).to_hex(),
            category: "work_not_done".into(),
            body: "The roof".into(),
            ocid: Some(OCID.into()),
            disclosure: "anonymous".into(),
            received_on: "2026-10-30".into(),
            ..NewReport::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_case_goes_from_opening_to_an_answer_and_an_escalation() {
    let site = site(10_000).await;
    let (body, oversight) = bodies(&site.store, Some("appeals@buyer.kg")).await;
    let (_, monitor) = user(&site.store, "monitor@cso.kg", Role::Monitor).await;
    let (official_id, official) = user(&site.store, "official@buyer.kg", Role::Official).await;
    let buyer = buyer_of_sample(&site.store).await;
    site.store
        .set_role(official_id, Role::Official, None, Some(&buyer))
        .await
        .unwrap();
    let (_, citizen) = user(&site.store, "citizen@example.kg", Role::Citizen).await;
    let code = "ABCD-EFGH-JKMN-PQRS-TVWX";
    let report = report_with_receipt(&site.store, code).await;

    // The form addresses the process's buyer.
    let form = get(
        &site.app,
        &format!("/en/cases/new?ocid={OCID}&report={report}"),
        Some(&monitor),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("<option value=\"{body}\" selected>")),
        "{}",
        form.body
    );
    assert_eq!(
        get(&site.app, "/en/cases/new", Some(&citizen)).await.status,
        StatusCode::FORBIDDEN
    );

    let case = open_case(&site, &monitor, body, report, "ru").await;
    assert_eq!(site.store.case(case).await.unwrap().state, "prepared");

    // Delivered by hand on Monday 2 November 2026: registered by Tuesday 3 November, answer
    // due on the 14th working day after: 4–6 (3), 9–13 (8), 16–20 (13), 23 November (14).
    let sent = step(
        &site.app,
        case,
        &monitor,
        &[
            ("action", "send"),
            ("channel", "hand"),
            ("day", "2026-11-02"),
        ],
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let row = site.store.case(case).await.unwrap();
    assert_eq!(row.state, "awaiting_response");
    assert_eq!(row.clock_started_on.as_deref(), Some("2026-11-02"));
    assert_eq!(row.due_on.as_deref(), Some("2026-11-23"));
    assert_eq!(row.due_beyond_year, None);
    // Today is after 23 November 2026: overdue, derived on reading.
    let page = get(&site.app, &format!("/en/cases/{case}"), None).await;
    assert!(
        page.body.contains("Overdue: no answer by the deadline"),
        "{}",
        page.body
    );

    // The body's official finds the case under their body's heading; a citizen and an
    // official of another body only in the list of all cases.
    let (other_id, other_official) = user(&site.store, "official@other.kg", Role::Official).await;
    site.store
        .set_role(
            other_id,
            Role::Official,
            None,
            Some("KG-INN-00000000000000"),
        )
        .await
        .unwrap();
    let href = format!("href=\"/en/cases/{case}\"");
    for (token, heading) in [
        (&official, Some("Addressed to your body")),
        (&monitor, Some("Your organisation")),
        (&other_official, None),
        (&citizen, None),
    ] {
        let list = get(&site.app, "/en/cases", Some(token)).await;
        assert_eq!(list.status, StatusCode::OK);
        let at = list.body.find(&href).expect("the case is listed");
        match heading {
            Some(heading) => {
                let mine = list.body.find(heading).expect(heading);
                let all = list.body.find("All cases").expect("all cases heading");
                assert!(mine < at && at < all, "{}", list.body);
            }
            None => assert!(!list.body.contains("id=\"yours\""), "{}", list.body),
        }
    }
    let account = get(&site.app, "/en/account", Some(&official)).await;
    assert!(account.body.contains("/en/cases#yours"), "{}", account.body);

    // Only the team and the body's officials act.
    let refused = step(
        &site.app,
        case,
        &citizen,
        &[("action", "note"), ("text", "x")],
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let official_close = step(&site.app, case, &official, &[("action", "close")], None).await;
    assert_eq!(official_close.status, StatusCode::FORBIDDEN);

    let answered = step(
        &site.app,
        case,
        &official,
        &[
            ("action", "response"),
            ("text", "The roof will be built in spring"),
        ],
        Some(("answer.pdf", b"%PDF-1.4 the answer")),
    )
    .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let attachment = site.store.case_attachments(case).await.unwrap()[0].id;
    let path = format!("/cases/attachments/{attachment}");
    let download = get(&site.app, &path, Some(&monitor)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body, "%PDF-1.4 the answer");
    assert_eq!(
        get(&site.app, &path, Some(&official)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&site.app, &path, Some(&citizen)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&site.app, &path, None).await.status,
        StatusCode::SEE_OTHER
    );

    let classified = step(
        &site.app,
        case,
        &monitor,
        &[("action", "classify"), ("outcome", "action_promised")],
        None,
    )
    .await;
    assert_eq!(classified.status, StatusCode::SEE_OTHER);
    let note = step(
        &site.app,
        case,
        &monitor,
        &[("action", "note"), ("text", "secret plan")],
        None,
    )
    .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER);
    // A move the lifecycle forbids changes nothing.
    let wrong = step(&site.app, case, &monitor, &[("action", "reopen")], None).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);

    // Escalated on Monday 16 November: registered 17, due 18–20 (3), 23–27 (8), 30 Nov–4 Dec
    // (13), 7 December (14).
    let escalated = step(
        &site.app,
        case,
        &monitor,
        &[
            ("action", "escalate"),
            ("oversight", &oversight.to_string()),
            ("day", "2026-11-16"),
        ],
        None,
    )
    .await;
    assert_eq!(
        escalated.status,
        StatusCode::SEE_OTHER,
        "{}",
        escalated.body
    );
    let row = site.store.case(case).await.unwrap();
    assert_eq!(row.state, "escalated");
    assert_eq!(row.escalated_to, Some(oversight));
    assert_eq!(row.clock_started_on.as_deref(), Some("2026-11-16"));
    assert_eq!(row.due_on.as_deref(), Some("2026-12-07"));
    assert_eq!(row.outcome.as_deref(), Some("action_promised"));

    // The public sees the public timeline, not the note nor the attachment.
    let public = get(&site.app, &format!("/en/cases/{case}"), None).await;
    assert!(public.body.contains("The roof will be built in spring"));
    assert!(public.body.contains("Escalated to an oversight body"));
    assert!(!public.body.contains("secret plan"));
    assert!(!public.body.contains("answer.pdf"));
    let inside = get(&site.app, &format!("/en/cases/{case}"), Some(&monitor)).await;
    assert!(inside.body.contains("secret plan"));
    assert!(inside.body.contains("answer.pdf"));

    // The reporter, holding the receipt, sees the case.
    let request = Request::post("/en/report/status")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("code={code}")))
        .unwrap();
    let status = send(&site.app, request).await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(status.body.contains(&format!("/en/cases/{case}")));
    assert!(status.body.contains("Roof not built"));

    // Nothing went by mail in this case.
    assert!(site.sink.messages().is_empty());
}

#[tokio::test]
async fn an_appeal_sent_by_email_goes_through_smtp_in_the_chosen_language() {
    let site = site(10_000).await;
    let (body, _) = bodies(&site.store, Some("appeals@buyer.kg")).await;
    let (_, monitor) = user(&site.store, "monitor@cso.kg", Role::Monitor).await;
    let report = report_with_receipt(&site.store, "0000-1111-2222-3333-4444").await;
    let case = open_case(&site, &monitor, body, report, "ky").await;
    let letter = get(
        &site.app,
        &format!("/en/cases/{case}/letter"),
        Some(&monitor),
    )
    .await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(
        letter.body.starts_with("Кимге: Сатып алуучу"),
        "{}",
        letter.body
    );
    assert!(letter.body.contains("Explain the payment"));
    assert!(letter.body.contains(OCID));

    let sent = step(
        &site.app,
        case,
        &monitor,
        &[("action", "send"), ("channel", "email")],
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let messages = site.sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, vec!["<appeals@buyer.kg>".to_string()]);
    assert_eq!(messages[0].from, "<achyk@example.kg>");
    // The letter is the body, base64-encoded (as its header says), in Kyrgyz.
    let data = &messages[0].data;
    assert!(data.contains("Content-Transfer-Encoding: base64"), "{data}");
    let encoded: String = data
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    use base64::Engine as _;
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(text.starts_with("Кимге: Сатып алуучу"), "{text}");
    assert!(text.contains("Explain the payment"));
    assert!(text.contains("14 жумуш күнүнүн ичинде"));
    assert!(data.contains("Subject: =?utf-8?b?"), "{data}");
    let row = site.store.case(case).await.unwrap();
    assert_eq!(row.state, "awaiting_response");
    let today = row.clock_started_on.clone().unwrap();
    assert!(row.due_on.unwrap() > today);
}

#[tokio::test]
async fn an_email_to_a_body_without_an_address_is_a_failed_delivery() {
    let site = site(0).await;
    let (body, _) = bodies(&site.store, None).await;
    let (_, monitor) = user(&site.store, "monitor@cso.kg", Role::Monitor).await;
    let report = report_with_receipt(&site.store, "5555-6666-7777-8888-9999").await;
    let case = open_case(&site, &monitor, body, report, "ru").await;
    let failed = step(
        &site.app,
        case,
        &monitor,
        &[("action", "send"), ("channel", "email")],
        None,
    )
    .await;
    assert_eq!(failed.status, StatusCode::SEE_OTHER);
    let row = site.store.case(case).await.unwrap();
    assert_eq!(row.state, "delivery_failed");
    assert_eq!(row.due_on, None);
    let events = site.store.case_events(case).await.unwrap();
    assert_eq!(events.last().unwrap().public, 0);
    // Retried by hand on 2 November: with `very_overdue_after` 0, any working day past the
    // 23 November deadline makes it very overdue.
    let sent = step(
        &site.app,
        case,
        &monitor,
        &[
            ("action", "send"),
            ("channel", "hand"),
            ("day", "2026-11-02"),
        ],
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let page = get(&site.app, &format!("/en/cases/{case}"), None).await;
    assert!(page.body.contains("Very overdue"), "{}", page.body);
    // A day in the future is refused.
    let later = step(
        &site.app,
        case,
        &monitor,
        &[("action", "response"), ("text", "x"), ("day", "2999-01-01")],
        None,
    )
    .await;
    assert_eq!(later.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn only_admins_keep_the_directory() {
    let site = site(10).await;
    let (_, admin) = user(&site.store, "admin@example.kg", Role::Admin).await;
    let (_, monitor) = user(&site.store, "monitor@cso.kg", Role::Monitor).await;
    let form = "name_ky=Айыл+өкмөтү&name_ru=Айыл+окмоту&name_en=Village&organisation=KG-INN-9&email=a%40b.kg";
    let denied = post_form(
        &site.app,
        "/en/admin/bodies",
        &monitor,
        &format!("csrf={}&{form}", csrf_of(&monitor)),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let saved = post_form(
        &site.app,
        "/en/admin/bodies",
        &admin,
        &format!("csrf={}&{form}", csrf_of(&admin)),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let body = site
        .store
        .public_body_of("KG-INN-9")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(body.email.as_deref(), Some("a@b.kg"));
    let page = get(&site.app, "/en/admin/bodies", Some(&admin)).await;
    assert!(page.body.contains("Айыл окмоту"));
    assert_eq!(
        get(&site.app, "/en/admin/bodies", Some(&monitor))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn monitors_read_reports_kept_private_for_them() {
    let site = site(10).await;
    let (_, monitor) = user(&site.store, "monitor@cso.kg", Role::Monitor).await;
    let (moderator, _) = user(&site.store, "mod@example.kg", Role::Moderator).await;
    let (_, citizen) = user(&site.store, "citizen@example.kg", Role::Citizen).await;
    let report = report_with_receipt(&site.store, "AAAA-BBBB-CCCC-DDDD-EEEE").await;
    let waiting = report_with_receipt(&site.store, "AAAA-BBBB-CCCC-DDDD-EEE1").await;
    for (from, to) in [("received", "in_review"), ("in_review", "kept_private")] {
        let change = achyk_store::ReportChange {
            state: Some(to.into()),
            ..Default::default()
        };
        let by = achyk_store::Moderation {
            actor: moderator,
            action: to,
            reason: "names a person",
            at: 1,
        };
        site.store
            .moderate_report(report, from, by, &change)
            .await
            .unwrap();
    }
    let page = get(&site.app, "/en/monitor/reports", Some(&monitor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("#{report}")));
    assert!(page.body.contains("The roof"));
    assert!(
        page.body
            .contains(&format!("/en/cases/new?report={report}"))
    );
    // Not yet decided by a moderator: not passed on.
    assert!(!page.body.contains(&format!("#{waiting} ")));
    assert_eq!(
        get(&site.app, "/en/monitor/reports", Some(&citizen))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Private, not public.
    assert_eq!(
        get(&site.app, &format!("/en/reports/{report}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
