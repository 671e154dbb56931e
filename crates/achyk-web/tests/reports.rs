//! Citizen reports through the site and the API, in-process, on the feed sample. Expected values
//! are the inputs themselves and the rules of the issue: nothing public before a moderator
//! publishes, receipts kept only as hashes, contacts readable only with the CSO's private key,
//! photos re-encoded without metadata, a server-wide limit.

mod common;

use achyk_civic::seal::{SealPrivateKey, generate_key_pair, open_base64};
use achyk_store::{Moderation, NewUser, ReportChange, Role, Store};
use achyk_web::reports::Civic;
use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

const OCID: &str = "ocds-h7i0z4-240115013";
use achyk_test_support::multipart::{Part, body as multipart, content_type};
const CONTACT: &str = "+996 555 123 456 marker-contact";

struct Site {
    app: axum::Router,
    store: Store,
    private: SealPrivateKey,
    directory: tempfile::TempDir,
}

async fn site_with(rate: Option<(f64, f64)>, seal: bool) -> Site {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let (private, public) = generate_key_pair().unwrap();
    let secret = achyk_civic::receipt::ServerSecret::new(&[7u8; 32]).unwrap();
    let mut civic = Civic::new(secret, seal.then_some(public));
    if let Some((per_minute, burst)) = rate {
        civic = civic.with_rate(per_minute, burst);
    }
    let app = router(AppState::new(store.clone()).with_civic(civic));
    Site {
        app,
        store,
        private,
        directory,
    }
}

async fn site() -> Site {
    site_with(None, true).await
}

async fn send(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.unwrap();
    (parts.status, parts.headers, body.to_vec())
}

async fn post_multipart(
    app: &axum::Router,
    path: &str,
    parts: &[Part<'_>],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type())
        .body(Body::from(multipart(parts)))
        .unwrap();
    send(app, request).await
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post_form(app: &axum::Router, path: &str, form: &str) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    let (status, _, body) = send(app, request).await;
    (status, String::from_utf8(body).unwrap())
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(body)))
}

/// A 3×2 PNG whose `tEXt` chunk carries `marker`, built by hand (PNG spec: signature, IHDR,
/// tEXt, IDAT of zlib-deflated filtered rows, IEND, each chunk with its CRC-32).
fn png_with_text(marker: &str) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&3u32.to_be_bytes());
    ihdr.extend_from_slice(&2u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(marker.as_bytes());
    chunk(&mut png, b"tEXt", &text);
    let rows: Vec<u8> = [[0u8, 200, 10, 10, 10, 200, 10, 10, 10, 200]; 2].concat();
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &rows).unwrap();
    chunk(&mut png, b"IDAT", &encoder.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

async fn moderator(store: &Store) -> i64 {
    if let Some(user) = store.user_by_email("m@example.kg").await.unwrap() {
        return user.id;
    }
    store
        .create_user(
            &NewUser {
                email: "m@example.kg".into(),
                password_hash: "x".into(),
                display_name: "M".into(),
                language: "en".into(),
                role: Role::Moderator,
            },
            1,
        )
        .await
        .unwrap()
}

async fn publish(store: &Store, id: i64, text: &str) {
    let actor = moderator(store).await;
    let at = |action| Moderation {
        actor,
        action,
        reason: "test",
        at: 2,
    };
    let review = ReportChange {
        state: Some("in_review".into()),
        ..ReportChange::default()
    };
    store
        .moderate_report(id, "received", at("review"), &review)
        .await
        .unwrap();
    let publish = ReportChange {
        state: Some("published".into()),
        public_text: Some(Some(text.into())),
        published_on: Some("2026-11-28".into()),
        ..ReportChange::default()
    };
    store
        .moderate_report(id, "in_review", at("publish"), &publish)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_api_report_gets_a_receipt_that_shows_its_state() {
    let site = site().await;
    let (status, headers, body) = post_multipart(
        &site.app,
        "/api/v1/reports",
        &[
            Part::Text("text", "The school roof was paid for but not built"),
            Part::Text("category", "work_not_done"),
            Part::Text("ocid", OCID),
            Part::Text("region", "KG-N"),
            Part::Text("place", "Kochkor"),
            Part::Text("contact", CONTACT),
            Part::Text("gender", "female"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let receipt = json(&body)["receipt"].as_str().unwrap().to_owned();
    let groups: Vec<&str> = receipt.split('-').collect();
    assert_eq!(groups.len(), 5);
    assert!(groups.iter().all(|group| group.len() == 4));

    let (status, _, body) = get(&site.app, &format!("/api/v1/reports/receipt/{receipt}")).await;
    assert_eq!(status, StatusCode::OK);
    let answer = json(&body);
    assert_eq!(answer["state"], "received");
    assert_eq!(answer["public"], false);
    // Lower case and without dashes is the same code.
    let loose = receipt.replace('-', "").to_lowercase();
    let (status, _, _) = get(&site.app, &format!("/api/v1/reports/receipt/{loose}")).await;
    assert_eq!(status, StatusCode::OK);
    for unknown in ["0000-0000-0000-0000-0000", "not-a-code"] {
        let (status, _, _) = get(&site.app, &format!("/api/v1/reports/receipt/{unknown}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
    }
    // Not public before a moderator publishes it.
    let (_, _, body) = get(&site.app, "/api/v1/reports").await;
    assert_eq!(json(&body)["total"], 0);

    let stored = site.store.reports_in_states(&["received"]).await.unwrap();
    assert_eq!(stored.len(), 1);
    let report = &stored[0];
    assert_eq!(report.ocid.as_deref(), Some(OCID));
    assert_eq!(report.region.as_deref(), Some("KG-N"));
    assert_eq!(report.gender.as_deref(), Some("female"));
    assert_eq!(report.disclosure, "anonymous");
    let sealed = report.contact_sealed.as_deref().unwrap();
    assert!(!sealed.contains("marker-contact"));
    assert_eq!(
        open_base64(&site.private, sealed).unwrap(),
        CONTACT.as_bytes()
    );
    // A dump of the database holds neither the contact nor the receipt code.
    site.store.close().await;
    for file in ["sample.db", "sample.db-wal"] {
        let Ok(bytes) = std::fs::read(site.directory.path().join(file)) else {
            continue;
        };
        assert!(
            !contains(&bytes, "marker-contact"),
            "{file} holds the contact"
        );
        assert!(!contains(&bytes, &receipt), "{file} holds the receipt");
        assert!(
            !contains(&bytes, &receipt.replace('-', "")),
            "{file} holds the receipt"
        );
    }
}

#[tokio::test]
async fn bad_reports_are_refused_field_by_field() {
    let site = site().await;
    let cases: Vec<(Vec<Part<'_>>, &str)> = vec![
        (vec![Part::Text("category", "other")], "text"),
        (
            vec![Part::Text("text", "x"), Part::Text("category", "bribes")],
            "category",
        ),
        (
            vec![
                Part::Text("text", "x"),
                Part::Text("category", "other"),
                Part::Text("ocid", "ocds-h7i0z4-nothing"),
            ],
            "ocid",
        ),
        (
            vec![
                Part::Text("text", "x"),
                Part::Text("category", "other"),
                Part::Text("region", "KG-ZZ"),
            ],
            "region",
        ),
        (
            vec![
                Part::Text("text", "x"),
                Part::Text("category", "other"),
                Part::Text("colour", "red"),
            ],
            "form",
        ),
        (
            vec![
                Part::Text("text", "x"),
                Part::Text("category", "other"),
                Part::File("photo", b"GIF89a not allowed"),
            ],
            "photo",
        ),
    ];
    for (parts, field) in cases {
        let (status, _, body) = post_multipart(&site.app, "/api/v1/reports", &parts).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
        let answer = json(&body);
        assert_eq!(answer["error"], "bad_report");
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{field}:")),
            "{field}: {message}"
        );
    }
    let long = "я".repeat(5_001);
    let (status, _, _) = post_multipart(
        &site.app,
        "/api/v1/reports",
        &[Part::Text("text", &long), Part::Text("category", "other")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        site.store
            .reports_in_states(&["received"])
            .await
            .unwrap()
            .is_empty()
    );

    // Without a sealing key, a contact is refused rather than kept in clear.
    let unsealed = site_with(None, false).await;
    let (status, _, body) = post_multipart(
        &unsealed.app,
        "/api/v1/reports",
        &[
            Part::Text("text", "x"),
            Part::Text("category", "other"),
            Part::Text("contact", CONTACT),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        json(&body)["message"]
            .as_str()
            .unwrap()
            .starts_with("contact:")
    );
}

#[tokio::test]
async fn photos_are_re_encoded_without_metadata_and_public_only_once_published() {
    let site = site().await;
    let png = png_with_text("marker-exif-text");
    let (status, _, body) = post_multipart(
        &site.app,
        "/api/v1/reports",
        &[
            Part::Text(
                "text",
                "Cracked asphalt a month after the road was accepted",
            ),
            Part::Text("category", "poor_quality"),
            Part::Text("organisation", "KG-INN-02305199310123"),
            Part::File("photo", &png),
            Part::File("photo", &png),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let report = site.store.reports_in_states(&["received"]).await.unwrap()[0].clone();
    let photos = site.store.report_photos(report.id).await.unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!((photos[0].width, photos[0].height), (3, 2));
    let (_, stored) = site.store.photo(photos[0].id).await.unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]));
    assert!(!contains(&stored, "marker-exif-text"));

    let full = format!("/reports/photos/{}.jpg", photos[0].id);
    let small = format!("/reports/photos/{}/small.jpg", photos[0].id);
    for path in [&full, &small] {
        let (status, _, _) = get(&site.app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} before publishing");
    }
    let page = format!("/en/reports/{}", report.id);
    assert_eq!(get(&site.app, &page).await.0, StatusCode::NOT_FOUND);

    publish(&site.store, report.id, "Cracked asphalt (published)").await;
    for path in [&full, &small] {
        let (status, headers, body) = get(&site.app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "image/jpeg");
        assert!(body.starts_with(&[0xFF, 0xD8]));
        assert!(!contains(&body, "marker-exif-text"));
    }
    let (status, _, body) = get(&site.app, &page).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Cracked asphalt (published)"));
    assert!(
        !html.contains("a month after"),
        "the private text stays private"
    );
    assert!(html.contains(&small));

    // A hidden photo is no longer served.
    let actor = site.store.list_users().await.unwrap()[0].id;
    site.store
        .moderate_photo(photos[1].id, actor, "a face", None, Some(true), 3)
        .await
        .unwrap();
    let hidden = format!("/reports/photos/{}.jpg", photos[1].id);
    assert_eq!(get(&site.app, &hidden).await.0, StatusCode::NOT_FOUND);
    let (_, _, body) = get(&site.app, "/api/v1/reports").await;
    let listed = json(&body);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["reports"][0]["text"], "Cracked asphalt (published)");
    assert_eq!(listed["reports"][0]["photos"].as_array().unwrap().len(), 1);
    assert!(listed["reports"][0].get("body").is_none());
    assert!(listed["reports"][0].get("contact_sealed").is_none());
}

#[tokio::test]
async fn the_form_takes_a_report_and_the_receipt_follows_it() {
    let site = site().await;
    let (status, headers, body) = get(&site.app, &format!("/ru/report?ocid={OCID}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers.get(header::CACHE_CONTROL).unwrap(),
        "private, no-cache"
    );
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains(&format!("name=\"ocid\" value=\"{OCID}\"")));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("name=\"contact\""));

    let (status, _, body) = post_multipart(
        &site.app,
        "/ru/report",
        &[
            Part::Text("ocid", OCID),
            Part::Text("organisation", ""),
            Part::Text("category", "price_too_high"),
            Part::Text("text", "Цена вдвое выше рыночной"),
            Part::File("photo", b""),
            Part::Text("region", ""),
            Part::Text("place", ""),
            Part::Text("contact", ""),
            Part::Text("disclosure", "confidential"),
            Part::Text("gender", ""),
            Part::Text("age_group", "30_44"),
        ],
    )
    .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    let document = scraper::Html::parse_document(&html);
    let selector = scraper::Selector::parse("#receipt").unwrap();
    let receipt = document
        .select(&selector)
        .next()
        .expect("a receipt on the page")
        .text()
        .collect::<String>();
    let stored = site.store.reports_in_states(&["received"]).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].disclosure, "confidential");
    assert_eq!(stored[0].age_group.as_deref(), Some("30_44"));
    assert_eq!(stored[0].contact_sealed, None);
    assert!(
        site.store
            .report_photos(stored[0].id)
            .await
            .unwrap()
            .is_empty()
    );

    let (status, html) =
        post_form(&site.app, "/ru/report/status", &format!("code={receipt}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Получено, ждёт модератора"), "{html}");
    assert!(html.contains("Цена вдвое выше рыночной"));
    let (status, html) = post_form(
        &site.app,
        "/ru/report/status",
        &format!("code={receipt}&addition=%D0%95%D1%89%D1%91"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ещё"));
    let additions = site.store.report_additions(stored[0].id).await.unwrap();
    assert_eq!(additions.len(), 1);
    assert_eq!(additions[0].body, "Ещё");

    let (status, html) = post_form(
        &site.app,
        "/ru/report/status",
        "code=0000-0000-0000-0000-0000",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Сообщения с таким кодом нет"));

    // A refused form comes back with what was typed and why, in the page's language.
    let (status, _, body) = post_multipart(
        &site.app,
        "/en/report",
        &[
            Part::Text("category", "other"),
            Part::Text("place", "Naryn"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Please say what you saw."));
    assert!(html.contains("value=\"Naryn\""));
}

#[tokio::test]
async fn a_published_report_shows_on_its_process_page_at_once() {
    let site = site().await;
    let process = format!("/en/tenders/{OCID}");
    let (_, _, before) = get(&site.app, &process).await;
    let before = String::from_utf8(before).unwrap();
    assert!(before.contains("No published reports yet."));
    assert!(before.contains(&format!("/en/report?ocid={OCID}")));
    let (status, _, _) = post_multipart(
        &site.app,
        "/api/v1/reports",
        &[
            Part::Text("text", "private words"),
            Part::Text("category", "favouritism"),
            Part::Text("ocid", OCID),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = site.store.reports_in_states(&["received"]).await.unwrap()[0].id;
    // Received but not published: the (cached) page is unchanged.
    let (_, _, same) = get(&site.app, &process).await;
    assert_eq!(String::from_utf8(same).unwrap(), before);
    publish(&site.store, id, "The winner is the director's cousin").await;
    let (_, _, after) = get(&site.app, &process).await;
    let after = String::from_utf8(after).unwrap();
    assert!(
        after.contains("The winner is the director&#39;s cousin")
            || after.contains("The winner is the director&#x27;s cousin"),
        "{after}"
    );
    assert!(!after.contains("private words"));
    let (_, _, list) = get(&site.app, "/ky/reports").await;
    let list = String::from_utf8(list).unwrap();
    assert!(list.contains(&format!("/ky/reports/{id}")));
}

#[tokio::test]
async fn the_limit_holds_for_everyone_at_once() {
    // Two at once, none refilled in the test's time: the third is refused whoever sends it.
    let site = site_with(Some((0.0, 2.0)), true).await;
    let parts = [Part::Text("text", "x"), Part::Text("category", "other")];
    for _ in 0..2 {
        let (status, _, _) = post_multipart(&site.app, "/api/v1/reports", &parts).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _, body) = post_multipart(&site.app, "/api/v1/reports", &parts).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(json(&body)["error"], "busy");
    let (status, _, _) = post_multipart(&site.app, "/en/report", &parts).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn no_metadata_survives_any_format_by_any_path() {
    use achyk_test_support::images::{
        assert_clean, jpeg_with_metadata, png_with_metadata, two_tone, webp_with_metadata,
    };
    let site = site().await;
    let picture = two_tone(64, 48);
    let inputs = [
        ("jpeg", jpeg_with_metadata(&picture, 6)),
        ("png", png_with_metadata(&picture)),
        ("webp", webp_with_metadata(&picture)),
    ];
    let mut stored = 0;
    for (format, bytes) in &inputs {
        for path in ["/api/v1/reports", "/en/report"] {
            let (status, _, body) = post_multipart(
                &site.app,
                path,
                &[
                    Part::Text("text", &format!("{format} through {path}")),
                    Part::Text("category", "other"),
                    Part::File("photo", bytes),
                ],
            )
            .await;
            assert!(
                status.is_success(),
                "{format} {path}: {status} {}",
                String::from_utf8_lossy(&body)
            );
            stored += 1;
        }
    }
    let reports = site.store.reports_in_states(&["received"]).await.unwrap();
    assert_eq!(reports.len(), stored);
    for report in reports {
        let photos = site.store.report_photos(report.id).await.unwrap();
        assert_eq!(photos.len(), 1, "{}", report.body);
        let (_, bytes) = site.store.photo(photos[0].id).await.unwrap();
        assert_clean(&bytes);
        publish(&site.store, report.id, &report.body).await;
        for served in [
            format!("/reports/photos/{}.jpg", photos[0].id),
            format!("/reports/photos/{}/small.jpg", photos[0].id),
        ] {
            let (status, _, body) = get(&site.app, &served).await;
            assert_eq!(status, StatusCode::OK, "{served}");
            assert_clean(&body);
        }
    }
}

#[tokio::test]
async fn a_photos_position_fills_the_region_only_when_asked_and_is_never_kept() {
    use achyk_test_support::images::{jpeg_with_metadata, two_tone};
    // The test JPEG carries EXIF GPS 42°52'30"N 74°36'45.5"E: Bishkek.
    let photo = jpeg_with_metadata(&two_tone(32, 32), 1);
    let site = site().await;
    for asked in ["1", ""] {
        let (status, _, _) = post_multipart(
            &site.app,
            "/api/v1/reports",
            &[
                Part::Text("text", &format!("asked={asked}")),
                Part::Text("category", "other"),
                Part::Text("place_from_photo", asked),
                Part::File("photo", &photo),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let reports = site.store.reports_in_states(&["received"]).await.unwrap();
    let region = |text: &str| {
        reports
            .iter()
            .find(|report| report.body == text)
            .unwrap()
            .region
            .clone()
    };
    assert_eq!(region("asked=1").as_deref(), Some("KG-GB"));
    assert_eq!(region("asked="), None);
    for report in &reports {
        assert_eq!(report.place, None, "no point is kept");
    }
    // The form offers it, and a region chosen on the map comes back selected.
    let (_, _, html) = get(&site.app, "/en/report?region=KG-N").await;
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("name=\"place_from_photo\""));
    assert!(html.contains("<option value=\"KG-N\" selected>"));
    assert!(html.contains("href=\"/en/report?region=KG-Y#region\""));
}

/// The holder of a receipt adds photos later: re-encoded without metadata like the first
/// ones; once the report is decided they stay hidden, and the report is back in the
/// moderators' queue, until a moderator acts on each.
#[tokio::test]
async fn photos_added_with_the_receipt_wait_for_a_moderator_and_keep_no_metadata() {
    use achyk_test_support::images::{
        assert_clean, jpeg_with_metadata, png_with_metadata, two_tone, webp_with_metadata,
    };
    let site = site().await;
    let (_, _, body) = post_multipart(
        &site.app,
        "/api/v1/reports",
        &[
            Part::Text("text", "The bridge railing is missing"),
            Part::Text("category", "poor_quality"),
        ],
    )
    .await;
    let receipt = json(&body)["receipt"].as_str().unwrap().to_owned();
    let id = site.store.reports_in_states(&["received"]).await.unwrap()[0].id;
    let picture = two_tone(64, 48);
    let add = |parts: Vec<(&'static str, Vec<u8>)>, code: String| {
        let app = site.app.clone();
        async move {
            let mut form = vec![Part::Text("code", &code)];
            for (name, bytes) in &parts {
                form.push(Part::File(name, bytes));
            }
            let (status, _, body) = post_multipart(&app, "/en/report/status/photos", &form).await;
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    // Before the decision: like the first photos.
    let (status, page) = add(
        vec![("photo", png_with_metadata(&picture))],
        receipt.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("The bridge railing is missing"));
    let first = site.store.report_photos(id).await.unwrap();
    assert_eq!(first.len(), 1);
    assert!(!first[0].hidden && !first[0].awaiting_review);
    assert_clean(&site.store.photo(first[0].id).await.unwrap().1);

    publish(&site.store, id, "The bridge railing is missing").await;
    let (status, _) = add(
        vec![
            ("photo", jpeg_with_metadata(&picture, 3)),
            ("photo", webp_with_metadata(&picture)),
        ],
        receipt.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let photos = site.store.report_photos(id).await.unwrap();
    assert_eq!(photos.len(), 3);
    let later: Vec<_> = photos[1..].to_vec();
    for photo in &later {
        assert!(photo.hidden && photo.awaiting_review, "{photo:?}");
        assert_clean(&site.store.photo(photo.id).await.unwrap().1);
        let (status, _, _) = get(&site.app, &format!("/reports/photos/{}.jpg", photo.id)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _, _) = get(&site.app, &format!("/reports/photos/{}.jpg", first[0].id)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the photo published with the report stays public"
    );
    let waiting = site
        .store
        .reports_with_photos_awaiting_review()
        .await
        .unwrap();
    assert_eq!(
        waiting.iter().map(|row| row.id).collect::<Vec<_>>(),
        vec![id]
    );

    // A moderator shows one and keeps the other hidden: both looked at, the queue is empty.
    let actor = moderator(&site.store).await;
    site.store
        .moderate_photo(later[0].id, actor, "fine", None, Some(false), 3)
        .await
        .unwrap();
    site.store
        .moderate_photo(later[1].id, actor, "shows a face", None, None, 3)
        .await
        .unwrap();
    assert!(
        site.store
            .reports_with_photos_awaiting_review()
            .await
            .unwrap()
            .is_empty()
    );
    let (status, _, body) = get(&site.app, &format!("/reports/photos/{}.jpg", later[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_clean(&body);
    let (status, _, _) = get(&site.app, &format!("/reports/photos/{}.jpg", later[1].id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An unknown receipt opens nothing; a form without a photo adds nothing.
    let (status, _) = add(
        vec![("photo", png_with_metadata(&picture))],
        "ABCD-EFGH-JKMN-PQRS-TVWX".into(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = add(Vec::new(), receipt).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(site.store.report_photos(id).await.unwrap().len(), 3);
}
