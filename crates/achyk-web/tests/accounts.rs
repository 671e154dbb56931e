//! Accounts, sessions, the second factor and moderation, in-process on the feed sample. The
//! authorisation matrix lists, for every protected route and every role, the answer the rules
//! of the issue give (moderation for moderators and admins, the log for admins, a second
//! factor before either); it is written out by hand, not derived from the code.

mod common;

use achyk_civic::auth::{base32_decode, hash_password, hotp, token_hash, totp_step};
use achyk_store::{NewPhoto, NewReport, NewUser, Role, Store};
use achyk_web::auth::csrf_of;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

struct Site {
    app: axum::Router,
    store: Store,
    _directory: tempfile::TempDir,
}

async fn site() -> Site {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store.clone()));
    Site {
        app,
        store,
        _directory: directory,
    }
}

fn now() -> i64 {
    achyk_web::auth::now()
}

async fn user(store: &Store, email: &str, role: Role) -> i64 {
    store
        .create_user(
            &NewUser {
                email: email.into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                display_name: format!("{} user", role.as_str()),
                language: "en".into(),
                role,
            },
            now(),
        )
        .await
        .unwrap()
}

/// A session for `user` straight in the store: its cookie token.
async fn session(store: &Store, user: i64, second_factor: bool) -> String {
    let token = format!("token-of-{user}-{second_factor}");
    store
        .create_session(
            &token_hash(&token),
            user,
            second_factor,
            now(),
            now() + 3600,
        )
        .await
        .unwrap();
    token
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
    cookie: Option<String>,
}

async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    form: Option<&str>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("achyk_session={token}"));
    }
    let body = match form {
        Some(form) => {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(form.to_owned())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .map(|value: &header::HeaderValue| value.to_str().unwrap().to_owned())
    };
    let location = header_text(header::LOCATION);
    let cookie = header_text(header::SET_COOKIE);
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    Answer {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        cookie,
    }
}

fn token_of(cookie: &str) -> String {
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("achyk_session=")
        .unwrap()
        .to_owned()
}

async fn a_report(store: &Store, receipt: &str) -> i64 {
    // A real (tiny) JPEG, so that a rectangle can be blacked out.
    let png = {
        let mut bytes = Vec::new();
        let image = achyk_civic::photo::sanitise(&tiny_png(), &Default::default()).unwrap();
        bytes.extend(image.jpeg);
        bytes
    };
    store
        .create_report(&NewReport {
            receipt_hash: receipt.into(),
            category: "poor_quality".into(),
            body: "Call me at +996 555 000 111, the asphalt cracked".into(),
            disclosure: "anonymous".into(),
            received_on: "2026-11-28".into(),
            photos: vec![NewPhoto {
                jpeg: png,
                width: 4,
                height: 4,
            }],
            ..Default::default()
        })
        .await
        .unwrap()
}

/// A small PNG (no metadata of its own).
fn tiny_png() -> Vec<u8> {
    achyk_test_support::images::plain_png(&achyk_test_support::images::two_tone(4, 4))
}

/// Who asks: nobody, or a role (with its second factor passed).
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    As(Role),
}

const SEE_OTHER: u16 = 303;
const OK: u16 = 200;
const FORBIDDEN: u16 = 403;
const BAD_REQUEST: u16 = 400;

#[tokio::test]
async fn every_protected_route_answers_each_role_as_the_rules_say() {
    let site = site().await;
    let report = a_report(&site.store, "matrix").await;
    let photo = site.store.report_photos(report).await.unwrap()[0].id;
    let mut tokens = std::collections::HashMap::new();
    let mut ids = std::collections::HashMap::new();
    for role in Role::ALL {
        let id = user(&site.store, &format!("{}@example.kg", role.as_str()), role).await;
        ids.insert(role.as_str(), id);
        tokens.insert(role.as_str(), session(&site.store, id, true).await);
    }
    // A case opened by the admin (no CSO), with an attachment, addressed to a body none of the
    // officials here belongs to.
    let body = site
        .store
        .save_public_body(&achyk_store::PublicBody {
            name_ky: "a".into(),
            name_ru: "b".into(),
            name_en: "c".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let case = site
        .store
        .create_case(
            &achyk_store::NewCase {
                opened_by: ids["admin"],
                body_id: body,
                title: "t".into(),
                legal_basis: "l".into(),
                request: "r".into(),
                letter_language: "ru".into(),
                opened_on: "2026-11-01".into(),
                ..Default::default()
            },
            1,
        )
        .await
        .unwrap();
    let note = achyk_store::CaseStep {
        kind: "note".into(),
        state: "prepared".into(),
        day: "2026-11-01".into(),
        text: "n".into(),
        attachments: vec![achyk_store::NewAttachment {
            name: "a.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF".to_vec(),
        }],
        ..Default::default()
    };
    site.store.case_step(case, "prepared", &note).await.unwrap();
    let attachment = site.store.case_attachments(case).await.unwrap()[0].id;
    let who = [
        Who::Anonymous,
        Who::As(Role::Citizen),
        Who::As(Role::Monitor),
        Who::As(Role::Moderator),
        Who::As(Role::Official),
        Who::As(Role::Admin),
    ];
    // Expected status per route, in the order of `who` above.
    let matrix: Vec<(&str, String, bool, [u16; 6])> = vec![
        (
            "GET",
            "/en/account".into(),
            false,
            [SEE_OTHER, OK, OK, OK, OK, OK],
        ),
        (
            "GET",
            "/en/account/export".into(),
            false,
            [SEE_OTHER, OK, OK, OK, OK, OK],
        ),
        (
            "GET",
            "/en/moderation".into(),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "GET",
            format!("/en/moderation/{report}"),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "POST",
            format!("/en/moderation/{report}"),
            true,
            [
                SEE_OTHER, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN, SEE_OTHER,
            ],
        ),
        (
            "GET",
            format!("/moderation/photos/{photo}.jpg"),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "POST",
            format!("/en/moderation/photos/{photo}"),
            true,
            [
                SEE_OTHER, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN, SEE_OTHER,
            ],
        ),
        (
            "GET",
            "/en/admin/audit".into(),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
        ),
        (
            "GET",
            "/en/admin/bodies".into(),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
        ),
        (
            "GET",
            "/en/account/follows".into(),
            false,
            [SEE_OTHER, OK, OK, OK, OK, OK],
        ),
        ("POST", "/en/follow".into(), true, [SEE_OTHER; 6]),
        ("POST", "/en/account/profile".into(), true, [SEE_OTHER; 6]),
        (
            "GET",
            "/en/cases/new".into(),
            false,
            [SEE_OTHER, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK],
        ),
        (
            "GET",
            "/en/projects/new".into(),
            false,
            [SEE_OTHER, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK],
        ),
        (
            // Allowed roles get past the rules to the form's own checks (no title: 400).
            "POST",
            "/en/projects/new".into(),
            true,
            [
                SEE_OTHER,
                FORBIDDEN,
                BAD_REQUEST,
                FORBIDDEN,
                FORBIDDEN,
                BAD_REQUEST,
            ],
        ),
        (
            "GET",
            format!("/en/cases/{case}/letter"),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
        ),
        (
            "GET",
            format!("/cases/attachments/{attachment}"),
            false,
            [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
        ),
        ("GET", format!("/en/cases/{case}"), false, [OK; 6]),
        ("GET", "/en/cases".into(), false, [OK; 6]),
        ("GET", "/en/impact".into(), false, [OK; 6]),
        (
            "GET",
            "/en/monitor/reports".into(),
            false,
            [SEE_OTHER, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK],
        ),
        ("GET", "/en/reports".into(), false, [OK; 6]),
        ("GET", "/en/report".into(), false, [OK; 6]),
        ("GET", "/en/report/status".into(), false, [OK; 6]),
        ("GET", "/en/login".into(), false, [OK; 6]),
        ("GET", "/en/tenders".into(), false, [OK; 6]),
        (
            "GET",
            format!("/reports/photos/{photo}.jpg"),
            false,
            // Not published: nobody sees it on the public route.
            [404; 6],
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, form, expected) in &matrix {
        for (who, expected) in who.iter().zip(expected) {
            let token = match who {
                Who::Anonymous => None,
                Who::As(role) => Some(tokens[role.as_str()].as_str()),
            };
            let body = if *form {
                let csrf = token.map(csrf_of).unwrap_or_default();
                Some(if path.contains("photos") {
                    format!("csrf={csrf}&reason=check&hide=1")
                } else if path.ends_with("/follow") {
                    format!("csrf={csrf}&kind=process&target=ocds-h7i0z4-240115013&back=/en/")
                } else if path.ends_with("/profile") {
                    format!("csrf={csrf}&display_name=Name&language=ky&gender=&age_group=30_44")
                } else {
                    format!("csrf={csrf}&action=link&reason=check")
                })
            } else {
                None
            };
            let answer = send(&site.app, method, path, token, body.as_deref()).await;
            if answer.status.as_u16() != *expected {
                wrong.push(format!(
                    "{method} {path} as {who:?}: {} (expected {expected})",
                    answer.status
                ));
            }
            if answer.status == StatusCode::SEE_OTHER
                && matches!(who, Who::Anonymous)
                && !path.starts_with("/en/follow")
            {
                // Routes without a language (photos) sign in in Kyrgyz, the default.
                let expected = if path.starts_with("/en/") {
                    "/en/login"
                } else {
                    "/ky/login"
                };
                assert_eq!(answer.location.as_deref(), Some(expected), "{path}");
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The profile form changed what it names, and only for its own account.
    let citizen = site.store.user(ids["citizen"]).await.unwrap();
    assert_eq!(
        (citizen.display_name.as_str(), citizen.language.as_str()),
        ("Name", "ky")
    );
    assert_eq!(citizen.age_group.as_deref(), Some("30_44"));
    assert_eq!(citizen.gender, None);
}

#[tokio::test]
async fn roles_that_need_a_second_factor_get_nothing_without_it() {
    let site = site().await;
    for role in [Role::Moderator, Role::Official, Role::Admin] {
        let id = user(&site.store, &format!("{}@example.kg", role.as_str()), role).await;
        let token = session(&site.store, id, false).await;
        for path in ["/en/account", "/en/moderation", "/en/admin/audit"] {
            let answer = send(&site.app, "GET", path, Some(&token), None).await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path} as {role:?}");
            assert_eq!(answer.location.as_deref(), Some("/en/login/code"));
        }
    }
}

#[tokio::test]
async fn a_moderator_signs_in_with_a_password_and_a_one_time_code_used_once() {
    let site = site().await;
    user(&site.store, "mod@example.kg", Role::Moderator).await;
    let form = "email=MOD%40example.kg&password=correct+horse+battery";
    let answer = send(&site.app, "POST", "/en/login", None, Some(form)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location.as_deref(), Some("/en/account/totp"));
    let cookie = answer.cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let token = token_of(&cookie);
    // Before the second factor: no moderation.
    let blocked = send(&site.app, "GET", "/en/moderation", Some(&token), None).await;
    assert_eq!(blocked.status, StatusCode::SEE_OTHER);

    let setup = send(&site.app, "GET", "/en/account/totp", Some(&token), None).await;
    assert_eq!(setup.status, StatusCode::OK);
    let secret = setup
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    let key = base32_decode(&secret).unwrap();
    let code = format!("{:06}", hotp(&key, totp_step(now()) as u64, 6));
    let csrf = csrf_of(&token);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let refused = send(
        &site.app,
        "POST",
        "/en/account/totp",
        Some(&token),
        Some(&format!("csrf={csrf}&code={wrong}")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let on = send(
        &site.app,
        "POST",
        "/en/account/totp",
        Some(&token),
        Some(&format!("csrf={csrf}&code={code}")),
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    let open = send(&site.app, "GET", "/en/moderation", Some(&token), None).await;
    assert_eq!(open.status, StatusCode::OK);

    // A second sign-in asks for a code; the one already used is refused.
    let again = send(&site.app, "POST", "/en/login", None, Some(form)).await;
    assert_eq!(again.location.as_deref(), Some("/en/login/code"));
    let second = token_of(&again.cookie.unwrap());
    let replay = send(
        &site.app,
        "POST",
        "/en/login/code",
        Some(&second),
        Some(&format!("csrf={}&code={code}", csrf_of(&second))),
    )
    .await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let still_blocked = send(&site.app, "GET", "/en/moderation", Some(&second), None).await;
    assert_eq!(still_blocked.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_for_the_right_one() {
    let site = site().await;
    user(&site.store, "citizen@example.kg", Role::Citizen).await;
    for _ in 0..5 {
        let answer = send(
            &site.app,
            "POST",
            "/en/login",
            None,
            Some("email=citizen%40example.kg&password=wrong+password"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.cookie.is_none());
    }
    let right = send(
        &site.app,
        "POST",
        "/en/login",
        None,
        Some("email=citizen%40example.kg&password=correct+horse+battery"),
    )
    .await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED);
    assert!(right.body.contains("locked for 15 minutes"));
    // An unknown address gets the answer a wrong password gets.
    let unknown = send(
        &site.app,
        "POST",
        "/en/login",
        None,
        Some("email=nobody%40example.kg&password=whatever+it+is"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        unknown
            .body
            .contains("The e-mail or the password is wrong.")
    );
}

#[tokio::test]
async fn register_sign_out_and_delete_need_the_session_token() {
    let site = site().await;
    let answer = send(
        &site.app,
        "POST",
        "/ky/register",
        None,
        Some("name=Aigul&email=aigul%40example.kg&password=long+enough+pass"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let token = token_of(&answer.cookie.unwrap());
    let account = send(&site.app, "GET", "/ky/account", Some(&token), None).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("Aigul"));
    let taken = send(
        &site.app,
        "POST",
        "/ky/register",
        None,
        Some("name=Other&email=AIGUL%40example.kg&password=long+enough+pass"),
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    let short = send(
        &site.app,
        "POST",
        "/ky/register",
        None,
        Some("name=Short&email=s%40example.kg&password=short"),
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);

    // Without the form token, or from another site, nothing happens.
    let forged = send(
        &site.app,
        "POST",
        "/ky/logout",
        Some(&token),
        Some("csrf=guess"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let request = Request::post("/ky/logout")
        .header(header::COOKIE, format!("achyk_session={token}"))
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", csrf_of(&token))))
        .unwrap();
    let cross = site.app.clone().oneshot(request).await.unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        send(&site.app, "GET", "/ky/account", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );

    let export = send(&site.app, "GET", "/ky/account/export", Some(&token), None).await;
    let exported: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(exported["email"], "aigul@example.kg");
    assert_eq!(exported["role"], "citizen");

    let out = send(
        &site.app,
        "POST",
        "/ky/logout",
        Some(&token),
        Some(&format!("csrf={}", csrf_of(&token))),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.cookie.unwrap().contains("Max-Age=0"));
    assert_eq!(
        send(&site.app, "GET", "/ky/account", Some(&token), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let again = send(
        &site.app,
        "POST",
        "/ky/login",
        None,
        Some("email=aigul%40example.kg&password=long+enough+pass"),
    )
    .await;
    let token = token_of(&again.cookie.unwrap());
    let csrf = csrf_of(&token);
    let wrong = send(
        &site.app,
        "POST",
        "/ky/account/delete",
        Some(&token),
        Some(&format!("csrf={csrf}&password=not+the+password")),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let deleted = send(
        &site.app,
        "POST",
        "/ky/account/delete",
        Some(&token),
        Some(&format!("csrf={csrf}&password=long+enough+pass")),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(
        site.store
            .user_by_email("aigul@example.kg")
            .await
            .unwrap()
            .is_none()
    );
    let relogin = send(
        &site.app,
        "POST",
        "/ky/login",
        None,
        Some("email=aigul%40example.kg&password=long+enough+pass"),
    )
    .await;
    assert_eq!(relogin.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_moderator_publishes_redacted_blacks_out_merges_and_the_log_keeps_it_all() {
    let site = site().await;
    let moderator = user(&site.store, "mod@example.kg", Role::Moderator).await;
    let token = session(&site.store, moderator, true).await;
    let csrf = csrf_of(&token);
    let first = a_report(&site.store, "first").await;
    let second = a_report(&site.store, "second").await;

    let queue = send(&site.app, "GET", "/en/moderation", Some(&token), None).await;
    assert!(queue.body.contains(&format!("/en/moderation/{first}")));
    assert!(queue.body.contains(&format!("/en/moderation/{second}")));

    // No reason, no change.
    let path = format!("/en/moderation/{first}");
    let bare = send(
        &site.app,
        "POST",
        &path,
        Some(&token),
        Some(&format!("csrf={csrf}&action=publish&reason=")),
    )
    .await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST);
    assert_eq!(site.store.report(first).await.unwrap().state, "received");

    let published = send(
        &site.app,
        "POST",
        &path,
        Some(&token),
        Some(&format!(
            "csrf={csrf}&action=publish_redacted&reason=phone+number&public_text=The+asphalt+cracked&ocid=ocds-h7i0z4-240115013"
        )),
    )
    .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let row = site.store.report(first).await.unwrap();
    assert_eq!(row.state, "published_redacted");
    assert_eq!(row.public_text.as_deref(), Some("The asphalt cracked"));
    assert_eq!(row.ocid.as_deref(), Some("ocds-h7i0z4-240115013"));
    let public = send(
        &site.app,
        "GET",
        &format!("/en/reports/{first}"),
        None,
        None,
    )
    .await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("The asphalt cracked"));
    assert!(!public.body.contains("555 000 111"));
    // A decided report cannot be decided again.
    let twice = send(
        &site.app,
        "POST",
        &path,
        Some(&token),
        Some(&format!("csrf={csrf}&action=reject&reason=again")),
    )
    .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        site.store.report(first).await.unwrap().state,
        "published_redacted"
    );

    // Black out the top-left 2×2 pixels of the photo.
    let photo = site.store.report_photos(first).await.unwrap()[0].id;
    let (_, before) = site.store.photo(photo).await.unwrap();
    let blacked = send(
        &site.app,
        "POST",
        &format!("/en/moderation/photos/{photo}"),
        Some(&token),
        Some(&format!(
            "csrf={csrf}&reason=a+face&x=0&y=0&width=2&height=2"
        )),
    )
    .await;
    assert_eq!(blacked.status, StatusCode::SEE_OTHER, "{}", blacked.body);
    let (_, after) = site.store.photo(photo).await.unwrap();
    assert_ne!(before, after);
    assert!(after.starts_with(&[0xFF, 0xD8]));
    let served = send(
        &site.app,
        "GET",
        &format!("/reports/photos/{photo}.jpg"),
        None,
        None,
    )
    .await;
    assert_eq!(served.status, StatusCode::OK);

    let merged = send(
        &site.app,
        "POST",
        &format!("/en/moderation/{second}"),
        Some(&token),
        Some(&format!(
            "csrf={csrf}&action=merge&reason=same+road&merge_into={first}"
        )),
    )
    .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER);
    let row = site.store.report(second).await.unwrap();
    assert_eq!(
        (row.state.as_str(), row.merged_into),
        ("merged", Some(first))
    );

    let log = site.store.moderation_log(None).await.unwrap();
    let actions: Vec<(i64, &str, &str)> = log
        .iter()
        .map(|entry| {
            (
                entry.report_id,
                entry.action.as_str(),
                entry.reason.as_str(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            (first, "review", "phone number"),
            (first, "publish_redacted", "phone number"),
            (first, "black_out_photo", "a face"),
            (second, "review", "same road"),
            (second, "merge", "same road"),
        ]
    );
    assert!(log.iter().all(|entry| entry.actor == moderator));

    let admin = user(&site.store, "admin@example.kg", Role::Admin).await;
    let admin_token = session(&site.store, admin, true).await;
    let audit = send(
        &site.app,
        "GET",
        "/en/admin/audit",
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("publish_redacted"));
    assert!(audit.body.contains("moderator user"));
}

#[tokio::test]
async fn pages_with_a_form_token_are_never_compressed() {
    let site = site().await;
    let id = user(&site.store, "c@example.kg", Role::Citizen).await;
    let token = session(&site.store, id, true).await;
    for (path, compressed) in [
        ("/en/account", false),
        ("/en/account/follows", false),
        // The empty report form holds no secret.
        ("/en/report", true),
        ("/en/tenders", true),
    ] {
        let request = Request::get(path)
            .header(header::COOKIE, format!("achyk_session={token}"))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        let response = site.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers().get(header::CONTENT_ENCODING).is_some(),
            compressed,
            "{path}"
        );
    }
}
