//! What only a browser shows, in a real headless Chromium (Debian's, through chromedriver):
//! the pages fit a phone's width, the language switch and the search form work, and nothing
//! the page asks for is refused by its own security policy.

mod common;

use achyk_test_support::webdriver::Browser;
use achyk_web::{AppState, router};

/// Serves the site on the feed sample, on a port of its own, in a thread of its own.
fn serve_sample() -> (String, tempfile::TempDir) {
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
            let store = common::sample_store(&path).await;
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
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender
                .send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, router(AppState::new(store)))
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
