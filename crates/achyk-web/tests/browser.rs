//! What only a browser shows, in a real headless Chromium (Debian's, through chromedriver):
//! the pages fit a phone's width, the language switch and the search form work, and nothing
//! the page asks for is refused by its own security policy.

mod common;

use achyk_test_support::webdriver::Browser;
use achyk_web::{AppState, router};

/// Serves the site on the feed sample, on a port of its own, in a thread of its own.
const MODERATOR_PASSWORD: &str = "moderator passphrase";
const MONITOR_PASSWORD: &str = "monitor passphrase";
/// Base32 of RFC 6238's test key "12345678901234567890".
const MODERATOR_TOTP: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// Signs the sample's moderator in through the forms, with the current one-time code.
fn sign_in_as_moderator(browser: &Browser, site: &str) {
    browser.goto(&format!("{site}/en/login"));
    browser.type_into("#email", "m@example.kg");
    browser.type_into("#password", MODERATOR_PASSWORD);
    browser.click("form.report button[type=submit]");
    browser.wait_until("location.pathname === '/en/login/code'");
    let now = achyk_web::auth::now();
    let code = achyk_civic::auth::hotp(
        b"12345678901234567890",
        achyk_civic::auth::totp_step(now) as u64,
        6,
    );
    browser.type_into("#code", &format!("{code:06}"));
    browser.click("form.report button[type=submit]");
    browser.wait_until("location.pathname === '/en/account'");
}

fn serve_sample() -> (String, tempfile::TempDir) {
    serve_sample_with(None, |state| state)
}

/// The sample with `projects` (an OC4IDS package) imported too, served with the state
/// `configure` makes.
fn serve_sample_with(
    projects: Option<String>,
    configure: impl FnOnce(AppState) -> AppState + Send + 'static,
) -> (String, tempfile::TempDir) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().to_path_buf();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let store = common::sample_store(&path).await.with_project_regions(achyk_web::map::place_resolver());
            // OC4IDS's example project, and one in Naryn made of the flagged process.
            let naryn = serde_json::json!({"version": "0.9", "projects": [{
                "id": "kg-browser-1",
                "title": "Кочкор мектебинин чатыры",
                "status": "implementation",
                "sector": ["education"],
                "period": {"startDate": "2025-03-01T00:00:00+06:00", "endDate": "2026-06-30T00:00:00+06:00"},
                "locations": [{"id": "1", "geometry": {"type": "Point", "coordinates": [75.75, 42.21]}}],
                "budget": {"amount": {"amount": 1_000_000, "currency": "KGS"}},
                "contractingProcesses": [{"id": "1", "summary": {
                    "ocid": "ocds-h7i0z4-240115013",
                    "contractValue": {"amount": 1_300_000, "currency": "KGS"}
                }}]
            }]})
            .to_string();
            let example = include_str!("../../achyk-ocds/tests/fixtures/oc4ids/example-project-package.json");
            let more = projects.unwrap_or_default();
            let mut inputs = vec![
                ("naryn.json", naryn.as_bytes()),
                ("example.json", example.as_bytes()),
            ];
            if !more.is_empty() {
                inputs.push(("more.json", more.as_bytes()));
            }
            store.import_publications(&inputs).await.unwrap();
            // One flag run, so that the pages show their red-flag sections and markers.
            let flag = achyk_store::StoredFlag {
                group: "ocid".into(),
                id: "ocds-h7i0z4-240115013".into(),
                code: "R003".into(),
                value: 1.0,
                facts: r#"[{"code": "submission_period_days", "numbers": {"days": 3, "threshold": 15}, "texts": {}}]"#.into(),
            };
            let score = achyk_store::RiskScore {
                group: "ocid".into(),
                id: "ocds-h7i0z4-240115013".into(),
                score: 1.0,
                flags: 1,
            };
            store
                .replace_flag_results(3, "browser", &[flag], &[score])
                .await
                .unwrap();
            // One published report with a photo, so that the report pages have something.
            let id = store
                .create_report(&achyk_store::NewReport {
                    receipt_hash: "browser".into(),
                    category: "poor_quality".into(),
                    body: "private".into(),
                    ocid: Some("ocds-h7i0z4-240115013".into()),
                    region: Some("KG-N".into()),
                    place: Some("Kochkor".into()),
                    disclosure: "anonymous".into(),
                    received_on: "2026-11-20".into(),
                    ..Default::default()
                })
                .await
                .unwrap();
            let actor = store
                .create_user(
                    &achyk_store::NewUser {
                        email: "m@example.kg".into(),
                        password_hash: achyk_civic::auth::hash_password(MODERATOR_PASSWORD)
                            .unwrap(),
                        display_name: "M".into(),
                        language: "ky".into(),
                        role: achyk_store::Role::Moderator,
                    },
                    1,
                )
                .await
                .unwrap();
            store
                .set_totp(actor, Some(MODERATOR_TOTP), true)
                .await
                .unwrap();
            store
                .create_user(
                    &achyk_store::NewUser {
                        email: "monitor@example.kg".into(),
                        password_hash: achyk_civic::auth::hash_password(MONITOR_PASSWORD)
                            .unwrap(),
                        display_name: "Monitor".into(),
                        language: "en".into(),
                        role: achyk_store::Role::Monitor,
                    },
                    1,
                )
                .await
                .unwrap();
            for (from, to) in [("received", "in_review"), ("in_review", "published")] {
                let change = achyk_store::ReportChange {
                    state: Some(to.into()),
                    public_text: Some(Some("The new roof leaks already".into())),
                    published_on: Some("2026-11-21".into()),
                    ..Default::default()
                };
                let by = achyk_store::Moderation {
                    actor,
                    action: to,
                    reason: "browser test",
                    at: 2,
                };
                store.moderate_report(id, from, by, &change).await.unwrap();
            }
            // One case, sent by hand, so that the case pages have something.
            let body = store
                .save_public_body(&achyk_store::PublicBody {
                    name_ky: "Айыл өкмөтү".into(),
                    name_ru: "Айыл окмоту".into(),
                    name_en: "Village administration".into(),
                    ..Default::default()
                })
                .await
                .unwrap();
            let case = store
                .create_case(
                    &achyk_store::NewCase {
                        opened_by: actor,
                        body_id: body,
                        ocid: Some("ocds-h7i0z4-240115013".into()),
                        title: "Roof".into(),
                        legal_basis: "Law No. 67".into(),
                        request: "Explain".into(),
                        letter_language: "ky".into(),
                        opened_on: "2026-11-01".into(),
                        reports: vec![id],
                        ..Default::default()
                    },
                    1,
                )
                .await
                .unwrap();
            let sent = achyk_store::CaseStep {
                kind: "send".into(),
                state: "awaiting_response".into(),
                day: "2026-11-02".into(),
                public: true,
                channel: Some("hand".into()),
                clock: Some(("2026-11-02".into(), "2026-11-23".into(), None)),
                ..Default::default()
            };
            store.case_step(case, "prepared", &sent).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender
                .send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            let (_, public) = achyk_civic::seal::generate_key_pair().unwrap();
            let secret = achyk_civic::receipt::ServerSecret::new(&[9u8; 32]).unwrap();
            let civic = achyk_web::reports::Civic::new(secret, Some(public));
            axum::serve(
                listener,
                router(configure(AppState::new(store).with_civic(civic))),
            )
            .await
            .unwrap();
        });
    });
    (receiver.recv().unwrap(), directory)
}

/// Where screenshots go, to be looked at by people (not compared by the test).
fn keep_screenshot(name: &str, png: &[u8]) {
    let directory = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::write(directory.join(name), png).unwrap();
}

#[test]
fn pages_fit_a_phone_and_the_language_switch_and_search_work() {
    let Some(browser) = Browser::start(360, 800) else {
        return;
    };
    let (site, _directory) = serve_sample();
    let no_sideways_scroll = "return document.documentElement.scrollWidth <= window.innerWidth;";

    for lang in ["ky", "ru", "en"] {
        for path in [
            "/",
            "/tenders",
            "/tenders/ocds-h7i0z4-240115013",
            "/organisations/KG-INN-02305199310123",
            "/about",
            "/analytics",
        ] {
            browser.goto(&format!("{site}/{lang}{path}"));
            assert_eq!(
                browser.execute(no_sideways_scroll),
                serde_json::json!(true),
                "/{lang}{path} is wider than a phone"
            );
            // The stylesheet loaded (the page is styled), so the security policy allows it.
            assert_eq!(
                browser.execute(
                    "return getComputedStyle(document.querySelector('header.site')).display;"
                ),
                serde_json::json!("flex"),
                "/{lang}{path} has no stylesheet"
            );
        }
    }
    browser.goto(&format!("{site}/ky/analytics"));
    keep_screenshot("analytics-ky-360.png", &browser.screenshot());
    browser.goto(&format!("{site}/ru/tenders/ocds-h7i0z4-240115013"));
    keep_screenshot("tender-ru-360.png", &browser.screenshot());

    // The switch keeps the page.
    browser.click("nav.languages a[hreflang=ky]");
    browser.wait_until("document.documentElement.lang === 'ky'");
    assert_eq!(
        browser.url(),
        format!("{site}/ky/tenders/ocds-h7i0z4-240115013")
    );
    assert_eq!(
        browser.execute("return document.documentElement.lang;"),
        serde_json::json!("ky")
    );

    // The search form, typed into and sent, lands on a shareable URL with the query.
    browser.goto(&format!("{site}/en/"));
    browser.type_into("#q", "кровли");
    browser.click("form.search button");
    browser.wait_until("location.pathname === '/en/tenders'");
    let url = browser.url();
    assert!(url.starts_with(&format!("{site}/en/tenders?q=")), "{url}");
    assert_eq!(
        browser.execute("return document.querySelectorAll('ul.tenders li').length;"),
        serde_json::json!(1)
    );
    keep_screenshot("search-en-360.png", &browser.screenshot());

    // The search downloads as the page found it: the CSV link, clicked, saves the one process
    // found.
    browser.click("p.downloads a[href^='/api/v1/tenders.csv']");
    let csv = String::from_utf8(
        browser
            .downloaded("tenders.csv")
            .expect("the CSV is downloaded"),
    )
    .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("ocid,title,"), "{csv}");
    assert!(lines[1].starts_with("ocds-h7i0z4-240115013,"), "{csv}");
}

/// WCAG 2.1 AA as axe-core checks it, on every page type in the three languages, at a phone's
/// width and a desktop's: zero violations.
#[test]
fn every_page_type_has_no_accessibility_violations() {
    let (site, _directory) = serve_sample();
    for (width, height) in [(360, 800), (1280, 900)] {
        let Some(browser) = Browser::start(width, height) else {
            return;
        };
        let mut found = Vec::new();
        for lang in ["ky", "ru", "en"] {
            for path in [
                "/",
                "/tenders",
                "/tenders?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8",
                "/tenders?method=open&sort=value-desc",
                "/tenders?flag=any",
                "/tenders/ocds-h7i0z4-240115013",
                "/organisations/KG-INN-02305199310123",
                "/about",
                "/analytics",
                "/developers",
                "/methodology",
                "/tenders/ocds-unknown-1",
                "/tenders?page=-3",
                "/report",
                "/report?ocid=ocds-h7i0z4-240115013",
                "/report/status",
                "/reports",
                "/reports/1",
                "/login",
                "/register",
                "/cases",
                "/cases/1",
                "/impact",
                "/projects",
                "/projects?late=1&region=KG-N",
                "/projects/kg-browser-1",
                "/projects/oc4ids-bu3kcz-m75-junctions-4-to-5-smart-motorway",
                "/projects/kg-browser-1/visit",
            ] {
                browser.goto(&format!("{site}/{lang}{path}"));
                for violation in browser.accessibility_violations() {
                    found.push(format!("{width}px /{lang}{path}: {violation}"));
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}

/// The projects list draws the late project on the map and leads to its page, from which its
/// purchase and the report form are one click away; the tender page leads back.
#[test]
fn a_project_is_found_on_the_map_and_list_and_opened() {
    let (site, _directory) = serve_sample();
    let Some(browser) = Browser::start(360, 800) else {
        return;
    };
    browser.goto(&format!("{site}/en/projects"));
    // The Naryn project is late and 30 % over budget: a square on the map, titled.
    let alerts = browser.execute(
        "return Array.from(document.querySelectorAll('svg.map rect.pt-alert[data-count=\"1\"] title')).map(t => t.textContent)",
    );
    assert_eq!(alerts, serde_json::json!(["Кочкор мектебинин чатыры"]));
    browser.click("ul.projects a[href='/en/projects/kg-browser-1']");
    browser.wait_until("location.pathname === '/en/projects/kg-browser-1'");
    let summary = browser.execute("return document.querySelector('.project-summary').textContent");
    assert!(
        summary
            .as_str()
            .unwrap()
            .contains("1,300,000\u{a0}som now, 30% more than budgeted"),
        "{summary}"
    );
    browser.click("table a[href='/en/tenders/ocds-h7i0z4-240115013']");
    browser.wait_until("location.pathname === '/en/tenders/ocds-h7i0z4-240115013'");
    browser.click("a[href='/en/projects/kg-browser-1']");
    browser.wait_until("location.pathname === '/en/projects/kg-browser-1'");
}

#[test]
fn a_report_with_a_photo_is_sent_from_the_form_and_followed_by_its_receipt() {
    let (site, directory) = serve_sample();
    let Some(browser) = Browser::start(360, 800) else {
        return;
    };
    // A real photo file for the file input: a 2×2 PNG (signature, IHDR, IDAT, IEND).
    let photo = directory.path().join("roof.png");
    std::fs::write(&photo, tiny_png()).unwrap();
    browser.goto(&format!("{site}/ky/tenders/ocds-h7i0z4-240115013"));
    browser.click("section.citizen-reports a.action");
    browser.wait_until("location.pathname === '/ky/report'");
    browser.click("input[name=category][value=work_not_done]");
    browser.type_into("#text", "Чатыр жабылган жок");
    browser.type_into("#photo", photo.to_str().unwrap());
    browser.type_into("#place", "Кочкор");
    keep_screenshot("report-form-ky-360.png", &browser.screenshot());
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('receipt') !== null");
    keep_screenshot("report-receipt-ky-360.png", &browser.screenshot());
    let receipt = browser.execute("return document.getElementById('receipt').textContent");
    let receipt = receipt.as_str().unwrap().to_string();
    assert_eq!(receipt.len(), 24, "{receipt}");
    browser.goto(&format!("{site}/ky/report/status"));
    browser.type_into("#code", &receipt);
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('report-state') !== null");
    let state = browser.execute("return document.getElementById('report-state').textContent");
    assert_eq!(state.as_str().unwrap(), "Кабыл алынды, модераторду күтүүдө");
    let text = browser.execute("return document.querySelector('.report-text').textContent");
    assert_eq!(text.as_str().unwrap(), "Чатыр жабылган жок");
    // The photo went through the browser's upload and was stored re-encoded.
    let url = format!("sqlite://{}", directory.path().join("sample.db").display());
    let photos = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = achyk_store::Store::open_existing(&url).await.unwrap();
        let received = store.reports_in_states(&["received"]).await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].place.as_deref(), Some("Кочкор"));
        store.report_photos(received[0].id).await.unwrap()
    });
    assert_eq!(photos.len(), 1);
    assert_eq!((photos[0].width, photos[0].height), (2, 2));
}

/// A site visit from a phone: from the project page to the guided form, answered by tapping,
/// with a photo, to a receipt; the visit is stored as a report about the project's process
/// with its checklist.
#[test]
fn a_site_visit_is_made_from_a_phone() {
    let (site, directory) = serve_sample();
    let Some(browser) = Browser::start(360, 800) else {
        return;
    };
    let photo = directory.path().join("site.png");
    std::fs::write(&photo, tiny_png()).unwrap();
    browser.goto(&format!("{site}/ru/projects/kg-browser-1"));
    browser.click("a.action[href='/ru/projects/kg-browser-1/visit']");
    browser.wait_until("location.pathname === '/ru/projects/kg-browser-1/visit'");
    browser.click("input[name=work][value=no]");
    browser.click("input[name=signboard][value=missing]");
    browser.click("input[name=defects][value=unsure]");
    browser.type_into("#photo", photo.to_str().unwrap());
    browser.type_into("#note", "Крыша наполовину открыта");
    keep_screenshot("visit-form-ru-360.png", &browser.screenshot());
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('receipt') !== null");
    let url = format!("sqlite://{}", directory.path().join("sample.db").display());
    let (report, photos) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = achyk_store::Store::open_existing(&url).await.unwrap();
        let received = store.reports_in_states(&["received"]).await.unwrap();
        assert_eq!(received.len(), 1);
        let photos = store.report_photos(received[0].id).await.unwrap();
        (received[0].clone(), photos)
    });
    assert_eq!(report.ocid.as_deref(), Some("ocds-h7i0z4-240115013"));
    assert_eq!(report.region.as_deref(), Some("KG-N"));
    assert_eq!(report.category, "work_not_done");
    assert!(
        report.body.contains("Идут ли на объекте работы? Нет"),
        "{}",
        report.body
    );
    assert!(report.body.contains("Крыша наполовину открыта"));
    assert_eq!(photos.len(), 1);
}

#[test]
fn a_report_is_moderated_and_published_through_the_pages() {
    let (site, _directory) = serve_sample();
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    browser.goto(&format!("{site}/en/report"));
    browser.click("input[name=category][value=price_too_high]");
    browser.type_into(
        "#text",
        "Paid 3 times the market price. My number is 0555 123 456.",
    );
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('receipt') !== null");
    let receipt = browser.execute("return document.getElementById('receipt').textContent");

    sign_in_as_moderator(&browser, &site);
    browser.goto(&format!("{site}/en/moderation"));
    let mut found = browser.accessibility_violations();
    // The report just sent is the only one waiting (the sample's is published).
    browser.click("ul.reports h3 a");
    browser.wait_until("location.pathname.startsWith('/en/moderation/')");
    found.extend(browser.accessibility_violations());
    let id: i64 = browser
        .execute("return location.pathname.split('/').pop()")
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    browser.click("input[name=action][value=publish_redacted]");
    browser.execute("document.getElementById('public_text').value = ''; return null");
    browser.type_into("#public_text", "Paid 3 times the market price.");
    browser.type_into("#reason", "phone number removed");
    browser.click("#decide-form button[type=submit]");
    // The page before the decision has the state too: wait for the new one.
    browser.wait_until(
        "document.getElementById('moderated-state') !== null && \
         document.getElementById('moderated-state').textContent === 'Published with parts hidden'",
    );
    let state = browser.execute("return document.getElementById('moderated-state').textContent");
    assert_eq!(state.as_str().unwrap(), "Published with parts hidden");
    keep_screenshot("moderation-en-1280.png", &browser.screenshot());
    found.extend(browser.accessibility_violations());
    browser.goto(&format!("{site}/en/admin/audit"));
    found.extend(browser.accessibility_violations());
    for path in ["/en/account", "/en/account/totp"] {
        browser.goto(&format!("{site}{path}"));
        found.extend(browser.accessibility_violations());
    }
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The public sees the redacted text, the reporter sees the state by receipt.
    browser.goto(&format!("{site}/en/reports/{id}"));
    let text = browser.execute("return document.querySelector('.report-text').textContent");
    assert_eq!(text.as_str().unwrap(), "Paid 3 times the market price.");
    browser.goto(&format!("{site}/en/report/status"));
    browser.type_into("#code", receipt.as_str().unwrap());
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('report-state') !== null");
    let state = browser.execute("return document.getElementById('report-state').textContent");
    assert_eq!(state.as_str().unwrap(), "Published with parts hidden");

    // A monitor signs in, opens a case from the published report, records it as delivered by
    // hand, and records the body's answer.
    browser.goto(&format!("{site}/en/account"));
    browser.click("#sign-out button[type=submit]");
    browser.wait_until("location.pathname === '/en/'");
    browser.goto(&format!("{site}/en/login"));
    browser.type_into("#email", "monitor@example.kg");
    browser.type_into("#password", MONITOR_PASSWORD);
    browser.click("form.report button[type=submit]");
    browser.wait_until("location.pathname === '/en/account'");
    browser.goto(&format!("{site}/en/reports/{id}"));
    browser.click("a[href^='/en/cases/new']");
    browser.wait_until("location.pathname === '/en/cases/new'");
    let mut found = browser.accessibility_violations();
    browser.type_into(
        "#request",
        "Explain why the price is three times the market price.",
    );
    browser.click("form.report button[type=submit]");
    browser.wait_until("/^[/]en[/]cases[/][0-9]+$/.test(location.pathname)");
    found.extend(browser.accessibility_violations());
    browser.click("input[name=action][value=send]");
    browser.execute("document.getElementById('channel').value = 'hand'; return null");
    browser.click("form.report button[type=submit]");
    browser
        .wait_until("document.getElementById('case-status').textContent === 'Awaiting the answer'");
    browser.click("input[name=action][value=response]");
    browser.type_into("#text", "We will check the price.");
    browser.click("form.report button[type=submit]");
    browser.wait_until("document.getElementById('case-status').textContent === 'Answer received'");
    keep_screenshot("case-en-1280.png", &browser.screenshot());
    found.extend(browser.accessibility_violations());
    assert!(found.is_empty(), "{}", found.join("\n"));
    let timeline = browser.execute("return document.querySelector('ol.timeline').textContent");
    assert!(
        timeline
            .as_str()
            .unwrap()
            .contains("We will check the price.")
    );
}

/// A small PNG (no metadata of its own).
fn tiny_png() -> Vec<u8> {
    achyk_test_support::images::plain_png(&achyk_test_support::images::two_tone(2, 2))
}

/// Any security-policy violation the page has met since it loaded (the browser keeps them as
/// reports), as `directive blocked-URL`.
fn policy_violations(browser: &Browser) -> Vec<String> {
    let found = browser.execute_async(
        "const done = arguments[arguments.length - 1];\
         const seen = [];\
         const keep = reports => reports.forEach(r => seen.push(r.body.effectiveDirective + ' ' + r.body.blockedURL));\
         const observer = new ReportingObserver(keep, {types: ['csp-violation'], buffered: true});\
         observer.observe();\
         setTimeout(() => { keep(observer.takeRecords()); observer.disconnect(); done(seen); }, 200);",
    );
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| violation.as_str().unwrap().to_string())
        .collect()
}

/// A folder of plain 256-pixel tiles over Kyrgyzstan (and the margin around it) at zooms 5
/// and 6.
fn tile_folder(directory: &std::path::Path) -> std::path::PathBuf {
    let tiles = directory.join("tiles");
    let png =
        achyk_test_support::images::plain_png(&achyk_test_support::images::two_tone(256, 256));
    for (zoom, columns, rows) in [(5, 21..=24, 11..=12), (6, 43..=47, 22..=25)] {
        for x in columns {
            std::fs::create_dir_all(tiles.join(format!("{zoom}/{x}"))).unwrap();
            for y in rows.clone() {
                std::fs::write(tiles.join(format!("{zoom}/{x}/{y}.png")), &png).unwrap();
            }
        }
    }
    tiles
}

/// With tiles configured, the projects list draws its map with Leaflet over this site's tiles:
/// one marker per listed project with a point in the country, opening a link to its page,
/// every tile from this site, no policy violation, and the SVG map hidden; the page passes axe
/// at a phone's width. Without tiles the SVG map is what shows.
#[test]
fn the_projects_map_is_drawn_over_this_sites_tiles_where_they_are_configured() {
    let tiles_directory = tempfile::tempdir().unwrap();
    let tiles = tile_folder(tiles_directory.path());
    // Three more projects in Kyrgyzstan and one without a point, besides the sample's Naryn
    // school (in Kyrgyzstan) and OC4IDS's example (in England).
    let project = |id: &str, title: &str, point: Option<[f64; 2]>| {
        let mut project = serde_json::json!({"id": id, "title": title, "status": "implementation",
            "locations": [{"id": "1", "description": "Talas"}]});
        if let Some(point) = point {
            project["locations"][0]["geometry"] =
                serde_json::json!({"type": "Point", "coordinates": point});
        }
        project
    };
    let more = serde_json::json!({"version": "0.9", "projects": [
        project("kg-tiles-talas", "Talas road", Some([72.23, 42.52])),
        project("kg-tiles-osh", "Osh clinic", Some([72.80, 40.53])),
        project("kg-tiles-karakol", "Karakol pipe", Some([78.39, 42.49])),
        project("kg-tiles-nowhere", "A bridge somewhere", None),
    ]})
    .to_string();
    let (site, _directory) = serve_sample_with(Some(more), move |state| {
        state
            .with_tiles(achyk_web::tiles::Tiles::open(&tiles, Some("© Test tiles".into())).unwrap())
    });
    let listed_with_a_point = 4;
    let drawn = "document.querySelector('#tile-map.leaflet-container') !== null \
                 && document.querySelectorAll('#tile-map img.leaflet-tile-loaded').length > 0";
    for (width, height) in [(1280, 900), (360, 800)] {
        let Some(browser) = Browser::start(width, height) else {
            return;
        };
        browser.goto(&format!("{site}/en/projects"));
        browser.wait_until(drawn);
        assert_eq!(
            browser
                .execute("return document.querySelectorAll('#tile-map path.map-project').length"),
            serde_json::json!(listed_with_a_point),
            "{width}px"
        );
        // Every project found has its (pale) place: four places, one project each.
        assert_eq!(
            browser.execute("return document.querySelectorAll('#tile-map path.map-found').length"),
            serde_json::json!(4)
        );
        // The Naryn school is over budget: drawn as needing attention, the others plain.
        assert_eq!(
            browser.execute(
                "return document.querySelectorAll('#tile-map path.map-project.pt-alert').length"
            ),
            serde_json::json!(1)
        );
        // Tiles come from this site's /tiles/ only, and everything else the page loaded too.
        let sources = browser.execute(
            "return Array.from(document.querySelectorAll('img.leaflet-tile')).map(img => img.src)",
        );
        let sources = sources.as_array().unwrap();
        assert!(!sources.is_empty());
        for source in sources {
            let source = source.as_str().unwrap();
            assert!(
                source.starts_with(&format!("{site}/tiles/")) && source.ends_with(".png"),
                "{source}"
            );
        }
        let loaded = browser
            .execute("return performance.getEntriesByType('resource').map(entry => entry.name)");
        for name in loaded.as_array().unwrap() {
            let name = name.as_str().unwrap();
            assert!(name.starts_with(&format!("{site}/")), "{name}");
        }
        assert!(loaded.as_array().unwrap().iter().any(|name| {
            name.as_str()
                .unwrap()
                .contains("/static/leaflet/1.9.4/leaflet.js")
        }));
        assert_eq!(
            policy_violations(&browser),
            Vec::<String>::new(),
            "{width}px"
        );
        // The SVG map gave way; the tiles' credit and the legend's words for the tiled map
        // show.
        assert_eq!(
            browser.execute("return document.querySelector('svg.map').getClientRects().length"),
            serde_json::json!(0)
        );
        assert_eq!(
            browser.execute("return document.querySelector('.tile-credit').innerText"),
            serde_json::json!("Map tiles: © Test tiles")
        );
        keep_screenshot(
            &format!("projects-tiles-en-{width}.png"),
            &browser.screenshot(),
        );
        if width == 360 {
            let found = browser.accessibility_violations();
            assert!(found.is_empty(), "{}", found.join("\n"));
        } else {
            // A marker opens a popup with the link to its project's page.
            browser.execute(
                "const map = document.getElementById('tile-map');\
                 Array.from(map.querySelectorAll('path.map-project.pt-alert'))[0]\
                 .dispatchEvent(new MouseEvent('click', {bubbles: true})); return null;",
            );
            browser.wait_until("document.querySelector('.leaflet-popup-content a') !== null");
            assert_eq!(
                browser.execute(
                    "const a = document.querySelector('.leaflet-popup-content a');\
                     return [a.getAttribute('href'), a.textContent];"
                ),
                serde_json::json!(["/en/projects/kg-browser-1", "Кочкор мектебинин чатыры"])
            );
            // The check above can fail: a picture from another host is refused and reported.
            browser.execute(
                "const img = document.createElement('img');\
                 img.src = 'https://tiles.example.org/5/22/12.png';\
                 img.alt = ''; document.body.appendChild(img); return null;",
            );
            std::thread::sleep(std::time::Duration::from_millis(300));
            assert_eq!(
                policy_violations(&browser),
                ["img-src https://tiles.example.org/5/22/12.png"]
            );
        }
    }

    // Without tiles: no script, and the SVG map shows.
    let (site, _directory) = serve_sample();
    let Some(browser) = Browser::start(1280, 900) else {
        return;
    };
    browser.goto(&format!("{site}/en/projects"));
    assert_eq!(
        browser.execute(
            "return [document.scripts.length, typeof window.L, document.getElementById('tile-map') === null]"
        ),
        serde_json::json!([0, "undefined", true])
    );
    let shown =
        browser.execute("return document.querySelector('svg.map').getBoundingClientRect().height");
    assert!(shown.as_f64().unwrap() > 100.0, "{shown}");
}
