//! The site in-process (`Router::oneshot`), on a SQLite database filled from the feed sample
//! (`achyk-kg/tests/fixtures/feed`) through the real import and normaliser. HTML is checked by
//! CSS selectors; expected words come from the sample's input and the locale files.

mod common;

use achyk_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use scraper::{Html, Selector};
use tower::ServiceExt;

struct Site {
    router: axum::Router,
    _directory: tempfile::TempDir,
}

async fn site() -> Site {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    Site {
        router: router(AppState::new(store)),
        _directory: directory,
    }
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl Site {
    async fn get(&self, path: &str) -> Answer {
        self.get_with(path, None).await
    }

    async fn get_with(&self, path: &str, accept_language: Option<&str>) -> Answer {
        let mut request = Request::builder().uri(path);
        if let Some(language) = accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|value| value.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
            .await
            .unwrap();
        Answer {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

fn select(html: &str, selector: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .map(|element| {
            element
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The cells of each body row of the table under the heading with `id`'s section.
fn rows(html: &str, section: &str) -> Vec<Vec<String>> {
    rows_of(html, &format!("#{section} + .scroll tbody tr"))
}

fn rows_of(html: &str, selector: &str) -> Vec<Vec<String>> {
    let document = Html::parse_document(html);
    let rows = Selector::parse(selector).unwrap();
    let cells = Selector::parse("td").unwrap();
    document
        .select(&rows)
        .map(|row| {
            row.select(&cells)
                .map(|cell| cell.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

fn attribute(html: &str, selector: &str, name: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(selector).unwrap();
    document
        .select(&selector)
        .filter_map(|element| element.value().attr(name).map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_root_redirects_by_accept_language_and_falls_back_to_kyrgyz() {
    let site = site().await;
    for (header, expected) in [
        (None, "/ky/"),
        (Some("ru-RU,ru;q=0.9"), "/ru/"),
        (Some("de, en;q=0.5"), "/en/"),
        (Some("fr"), "/ky/"),
    ] {
        let answer = site.get_with("/", header).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{header:?}");
        assert_eq!(answer.location.as_deref(), Some(expected), "{header:?}");
    }
}

#[tokio::test]
async fn every_page_is_in_its_language_with_a_switch_to_the_same_page() {
    let site = site().await;
    let path = "/tenders/ocds-h7i0z4-240115013";
    for (lang, tenders) in [
        ("ky", "Сатып алуулар"),
        ("ru", "Закупки"),
        ("en", "Tenders"),
    ] {
        let answer = site.get(&format!("/{lang}{path}")).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(
            attribute(&answer.body, "html", "lang"),
            vec![lang.to_string()]
        );
        assert_eq!(
            select(&answer.body, "header nav:not(.languages) a")[0],
            tenders
        );
        let mut switch = attribute(&answer.body, "nav.languages a", "href");
        switch.sort();
        let mut expected: Vec<String> = ["ky", "ru", "en"]
            .iter()
            .filter(|other| **other != lang)
            .map(|other| format!("/{other}{path}"))
            .collect();
        expected.sort();
        assert_eq!(switch, expected);
        assert_eq!(
            select(&answer.body, "nav.languages [aria-current]").len(),
            1
        );
    }
}

#[tokio::test]
async fn the_tender_page_leads_with_a_plain_summary_from_the_normalised_release() {
    let site = site().await;
    let english = site.get("/en/tenders/ocds-h7i0z4-240115013").await.body;
    assert_eq!(
        select(&english, "h1"),
        vec!["Капитальный ремонт кровли школы № 3 с. Беловодское"]
    );
    // The buyer comes from the procuring entity (the feed has no buyer), the region from
    // its ateCode 41708… (Chüy), the value 4,750,000 KGS, three bids.
    assert_eq!(
        select(&english, "p.lead"),
        vec![
            "Управление образования Московского района is buying “Капитальный ремонт кровли школы № 3 с. Беловодское” in Chüy Region, for an estimated 4,750,000 som. 3 bids received."
        ]
    );
    // In Kyrgyz the buyer's Kyrgyz name is used.
    let kyrgyz = site.get("/ky/tenders/ocds-h7i0z4-240115013").await.body;
    let facts = select(&kyrgyz, "dl.facts dd");
    assert_eq!(facts[0], "Москва районунун билим берүү башкармалыгы");
    assert_eq!(facts[1], "Чүй облусу");
    // The award's supplier, found through its bid; the award `disqualified` is "not awarded".
    let awards = rows(&english, "awards");
    assert_eq!(
        awards,
        vec![
            vec![
                "ОсОО «Ала-Тоо Курулуш»",
                "Кровельные работы",
                "4,690,000\u{a0}som",
                "awarded",
                "2024-02-08 11:00"
            ],
            vec![
                "ОсОО «Нур Строй Групп»",
                "Кровельные работы",
                "4,300,000\u{a0}som",
                "not awarded",
                "2024-02-08 11:00"
            ],
        ]
    );
    // The bidder Нур Строй's complaint, rejected; the contract's advance payment of 30%.
    assert_eq!(
        rows(&english, "complaints"),
        vec![vec![
            "2024-02-05 10:00",
            "ОсОО «Нур Строй Групп»",
            "Необоснованное отклонение заявки",
            "rejected",
            "Жалоба отклонена"
        ]]
    );
    assert_eq!(
        rows(&english, "payments"),
        vec![vec![
            "24-0113",
            "advance payment",
            "2024-03-10 00:00",
            "30%"
        ]]
    );
    // The data-quality section says what was repaired, in the page's language.
    let quality = select(&english, "table.quality tbody tr td:first-child");
    assert!(
        quality.contains(&"No buyer was given: the procuring entity is the buyer.".to_string()),
        "{quality:?}"
    );
    let russian = site.get("/ru/tenders/ocds-h7i0z4-240115013").await.body;
    assert!(
        select(&russian, "table.quality tbody tr td:first-child").contains(
            &"Заказчик не указан: заказчиком считается закупающая организация.".to_string()
        )
    );
    // Both releases of the process are in its history.
    assert!(english.contains("240115013-2024-01-15") && english.contains("240115013-2024-03-05"));
    // Raw OCDS is the normalised release.
    let raw = site
        .get("/en/tenders/ocds-h7i0z4-240115013/ocds.json")
        .await;
    let json: serde_json::Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(json["buyer"]["id"], "KG-INN-02305199310123");
}

#[tokio::test]
async fn the_single_source_purchase_reads_as_direct_without_a_value() {
    let site = site().await;
    let page = site
        .get("/ru/tenders/ocds-h7i0z4-contract-based-77120")
        .await
        .body;
    let facts = select(&page, "dl.facts dd");
    assert!(
        facts
            .iter()
            .any(|fact| fact.starts_with("прямая закупка (один источник)")),
        "{facts:?}"
    );
    // Its value of 0 means unknown.
    assert!(select(&page, "p.lead")[0].contains("ожидаемая стоимость — неизвестно"));
}

#[tokio::test]
async fn the_list_links_every_process_and_unknown_addresses_are_404_in_their_language() {
    let site = site().await;
    let list = site.get("/en/tenders").await.body;
    let mut links = attribute(&list, "ul.tenders a", "href");
    links.sort();
    assert_eq!(
        links,
        vec![
            "/en/tenders/ocds-h7i0z4-240115013",
            "/en/tenders/ocds-h7i0z4-240201550",
            "/en/tenders/ocds-h7i0z4-contract-based-77120"
        ]
    );
    assert_eq!(select(&list, "p.found"), vec!["3 processes found."]);
    let missing = site.get("/ru/tenders/ocds-h7i0z4-000").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(select(&missing.body, "h1"), vec!["Страница не найдена"]);
    let unknown_language = site.get("/de/tenders").await;
    assert_eq!(unknown_language.status, StatusCode::NOT_FOUND);
    assert_eq!(
        attribute(&unknown_language.body, "html", "lang"),
        vec!["ky"]
    );
    assert_eq!(site.get("/nowhere").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let site = site().await;
    assert_eq!(site.get("/healthz").await.status, StatusCode::OK);
    site.get("/en/").await;
    site.get("/en/nothing-here").await;
    let metrics = site.get("/metrics").await.body;
    let value = |name: &str| {
        metrics
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .and_then(|line| line.split_whitespace().nth(1))
            .map(str::to_string)
    };
    // healthz, home and the 404 before this request.
    assert_eq!(value("achyk_http_requests_total").as_deref(), Some("3"));
    assert_eq!(
        value("achyk_http_client_errors_total").as_deref(),
        Some("1")
    );
    assert_eq!(value("achyk_processes").as_deref(), Some("3"));
}

#[tokio::test]
async fn pages_load_nothing_from_elsewhere() {
    let site = site().await;
    let page = site.get("/en/tenders/ocds-h7i0z4-240115013").await.body;
    for (selector, name) in [("link", "href"), ("script", "src"), ("img", "src")] {
        for address in attribute(&page, selector, name) {
            assert!(address.starts_with('/'), "{selector} {address}");
        }
    }
}

#[tokio::test]
async fn searches_and_filters_live_in_the_url() {
    let site = site().await;
    // «кровлю» (accusative) finds the roof repair, titled with «кровли».
    let found = site
        .get("/ru/tenders?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D1%8E")
        .await
        .body;
    assert_eq!(
        attribute(&found, "ul.tenders a", "href"),
        vec!["/ru/tenders/ocds-h7i0z4-240115013"]
    );
    assert_eq!(select(&found, "p.found"), vec!["Найдена 1 закупка."]);
    // The search box keeps the query.
    assert_eq!(attribute(&found, "input#q", "value"), vec!["кровлю"]);

    // The single-source purchase is `direct` after normalising; the filter lists the
    // methods with their counts, the chosen one selected.
    let direct = site.get("/en/tenders?method=direct").await.body;
    assert_eq!(
        attribute(&direct, "ul.tenders a", "href"),
        vec!["/en/tenders/ocds-h7i0z4-contract-based-77120"]
    );
    let methods = select(&direct, "select[name=method] option");
    assert_eq!(
        methods,
        vec!["any", "open tender (2)", "direct (single source) (1)"]
    );
    assert_eq!(
        select(&direct, "select[name=method] option[selected]"),
        vec!["direct (single source) (1)"]
    );
    // Regions by name, counted: two processes in Chüy, one in Talas.
    let regions = select(&direct, "select[name=region] option");
    assert_eq!(regions, vec!["any", "Chüy Region (1)"]);
    let all = site.get("/en/tenders").await.body;
    assert_eq!(
        select(&all, "select[name=region] option"),
        vec!["any", "Chüy Region (2)", "Talas Region (1)"]
    );
    // Value ranges: 612,000 is in 100,000–1,000,000, 4,750,000 in 1,000,000–10,000,000.
    let ranged = site.get("/en/tenders?value=100000-1000000").await.body;
    assert_eq!(
        attribute(&ranged, "ul.tenders a", "href"),
        vec!["/en/tenders/ocds-h7i0z4-240201550"]
    );
    assert_eq!(
        select(&ranged, "select[name=value] option"),
        vec![
            "any",
            "100,000 – 1,000,000 som (1)",
            "1,000,000 – 10,000,000 som (1)"
        ]
    );
    assert_eq!(
        site.get("/en/tenders?value=1-2").await.status,
        StatusCode::BAD_REQUEST
    );
    // Sorting by value: the works tender (4,750,000), the quotation request (612,000), then
    // the single-source purchase, whose published value of 0 means unknown.
    let by_value = site.get("/en/tenders?sort=value-high").await.body;
    assert_eq!(
        attribute(&by_value, "ul.tenders a", "href"),
        vec![
            "/en/tenders/ocds-h7i0z4-240115013",
            "/en/tenders/ocds-h7i0z4-240201550",
            "/en/tenders/ocds-h7i0z4-contract-based-77120"
        ]
    );
}

#[tokio::test]
async fn organisation_pages_add_up_their_processes() {
    let site = site().await;
    // The education department buys the roof repair (3 bids) and the single-source purchase
    // (1 bid, direct); the latter's value of 0 is unknown, so 4,750,000 som in all.
    let buyer = site
        .get("/en/organisations/KG-INN-02305199310123")
        .await
        .body;
    assert_eq!(
        select(&buyer, "h1"),
        vec!["Управление образования Московского района"]
    );
    assert_eq!(
        select(&buyer, "p.lead"),
        vec![
            "As a buyer: 2 processes with an estimated 4,750,000 som in all; 2.0 bids per process that received any; 50% of those had a single bid; 50% were direct purchases."
        ]
    );
    let mut listed = attribute(&buyer, "#as-buyer + ul.tenders a", "href");
    listed.sort();
    assert_eq!(
        listed,
        vec![
            "/en/tenders/ocds-h7i0z4-240115013",
            "/en/tenders/ocds-h7i0z4-contract-based-77120"
        ]
    );
    // Its supplier in both processes is the roofing company.
    assert_eq!(
        select(&buyer, "ol.partners li"),
        vec!["ОсОО «Ала-Тоо Курулуш» (2)"]
    );
    assert_eq!(
        select(&buyer, "#by-year + figure + .scroll tbody th"),
        vec!["2024"]
    );
    assert_eq!(
        rows_of(&buyer, "#by-year + figure + .scroll tbody tr"),
        vec![vec!["2", "4,750,000\u{a0}som"]]
    );
    // In Kyrgyz, its Kyrgyz name leads.
    let kyrgyz = site
        .get("/ky/organisations/KG-INN-02305199310123")
        .await
        .body;
    assert_eq!(
        select(&kyrgyz, "h1"),
        vec!["Москва районунун билим берүү башкармалыгы"]
    );
    // The roofing company won both.
    let supplier = site
        .get("/en/organisations/KG-INN-01712200910045")
        .await
        .body;
    assert_eq!(
        select(&supplier, "p.lead"),
        vec!["As a supplier: won 2 processes."]
    );
    assert!(select(&supplier, "dl.facts dd").contains(&"Chüy Region".to_string()));
    // The tender page links its buyer here.
    let tender = site.get("/en/tenders/ocds-h7i0z4-240115013").await.body;
    assert_eq!(
        attribute(&tender, "dl.facts a", "href"),
        vec!["/en/organisations/KG-INN-02305199310123"]
    );
    assert_eq!(
        site.get("/en/organisations/KG-INN-0").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_about_page_totals_the_data_quality_report() {
    let site = site().await;
    let about = site.get("/en/about").await.body;
    // 4 releases about 3 processes, 5 organisations (the sample's parties).
    assert!(
        select(&about, "p").contains(
            &"The database holds 4 releases about 3 contracting processes and 5 organisations."
                .to_string()
        )
    );
    let rows = rows_of(&about, "#quality ~ .scroll tbody tr");
    // The category was `work` or `product` in all three processes.
    assert!(
        rows.contains(&vec![
            "The purchase category was not a standard one: it is mapped to goods, works or services.".to_string(),
            "3".to_string(),
            "3".to_string()
        ]),
        "{rows:?}"
    );
}

#[tokio::test]
async fn the_analytics_map_colours_regions_by_the_chosen_measure_with_a_table_beside() {
    let site = site().await;
    // Two processes in Chüy (the education department's), one in Talas.
    let page = site.get("/en/analytics").await.body;
    let fill = |html: &str, region: &str| {
        attribute(html, &format!("svg.map [data-region={region}]"), "fill")
    };
    assert_eq!(
        fill(&page, "KG-C"),
        vec!["#08519c"],
        "the most processes: darkest"
    );
    assert_eq!(
        fill(&page, "KG-T"),
        vec!["#6baed6"],
        "half as many: the middle class"
    );
    assert_eq!(fill(&page, "KG-N"), vec!["#f0f0f0"], "none");
    assert_eq!(
        select(&page, "svg.map [data-region=KG-C] title"),
        vec!["Chüy Region: 2"]
    );
    let table = rows_of(&page, "#regions-table tbody tr");
    assert_eq!(table.len(), 2);
    assert_eq!(
        select(&page, "#regions-table tbody th"),
        vec!["Chüy Region", "Talas Region"]
    );
    // By estimated value: 4,750,000 som in Chüy (the single-source value is unknown), 612,000
    // in Talas; Russian words for the measure.
    let by_value = site.get("/ru/analytics?measure=value").await.body;
    assert_eq!(
        select(&by_value, "svg.map [data-region=KG-T] title"),
        vec!["Таласская область: 612 000 сом"]
    );
    assert_eq!(
        select(&by_value, "nav.measures [aria-current]"),
        vec!["Ожидаемая стоимость"]
    );
    // Concentration: both Chüy awards went to one supplier; Talas awarded nothing, so it has
    // no share (no colour, a dash in the table). Single bids: one of Chüy's two processes with
    // bids had one; Talas's process had no bids, so no share either.
    let concentration = site.get("/en/analytics?measure=concentration").await.body;
    assert_eq!(
        select(&concentration, "svg.map [data-region=KG-C] title"),
        vec!["Chüy Region: 100%"]
    );
    assert_eq!(fill(&concentration, "KG-T"), vec!["#f0f0f0"]);
    assert_eq!(
        rows_of(&concentration, "#regions-table tbody tr"),
        vec![
            vec!["2", "4,750,000\u{a0}som", "50%", "50%", "0%", "100%"],
            vec!["1", "612,000\u{a0}som", "—", "0%", "0%", "—"]
        ]
    );
    // Spending by method: open tenders 5,362,000 som in two processes, direct one unknown.
    let methods = rows_of(&page, "#by-method + figure + .scroll tbody tr");
    // The single-source purchase had one bid: 100% single-bid, 100% direct. Each method's
    // one award went to a single supplier: 100% to the top three; no flags were computed.
    assert_eq!(
        methods,
        vec![
            vec!["2", "5,362,000\u{a0}som", "0%", "0%", "0%", "100%"],
            vec!["1", "0\u{a0}som", "100%", "100%", "0%", "100%"]
        ]
    );
    assert_eq!(
        select(&page, "#by-method + figure svg title"),
        vec![
            "open tender: 5,362,000 som",
            "direct (single source): 0 som"
        ]
    );
}

#[tokio::test]
async fn the_developers_guide_gives_working_examples_on_this_server() {
    let site = site().await;
    let guide = site.get("/ky/developers").await;
    assert_eq!(guide.status, StatusCode::OK);
    let examples = select(&guide.body, "dl.examples dd code");
    assert_eq!(examples.len(), 10);
    // Every example, run against this server, answers 200.
    for example in examples {
        let url = example
            .trim_start_matches("curl '")
            .trim_end_matches('\'')
            .to_string();
        let path = url
            .splitn(4, '/')
            .nth(3)
            .map(|rest| format!("/{rest}"))
            .unwrap();
        let answer = site.get(&path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
}

/// Every page type, gzip-compressed as the server sends it to a browser that accepts gzip, with
/// its stylesheet: under the 100 KB a page may weigh on a slow connection; and the compressed
/// body is the page itself.
#[tokio::test]
async fn every_page_weighs_under_100_kb_compressed() {
    use std::io::Read;
    let site = site().await;
    let fetch = |path: &'static str, gzip: bool| {
        let router = site.router.clone();
        async move {
            let mut request = Request::builder().uri(path);
            if gzip {
                request = request.header(header::ACCEPT_ENCODING, "gzip");
            }
            let response = router
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            let encoding = response
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|value| value.to_str().unwrap().to_string());
            let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
                .await
                .unwrap();
            (encoding, bytes.to_vec())
        }
    };
    let (encoding, stylesheet) = fetch("/static/site.css", true).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    for path in [
        "/ky/",
        "/ru/tenders",
        "/en/tenders?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8",
        "/ky/tenders/ocds-h7i0z4-240115013",
        "/ru/organisations/KG-INN-02305199310123",
        "/en/about",
        "/ky/analytics",
        "/ru/developers",
        "/ky/methodology",
        "/ky/report",
        "/ru/reports",
        "/en/cases",
        "/ky/impact",
    ] {
        let (encoding, compressed) = fetch(path, true).await;
        assert_eq!(encoding.as_deref(), Some("gzip"), "{path}");
        let weight = compressed.len() + stylesheet.len();
        assert!(weight < 100_000, "{path} weighs {weight} bytes compressed");
        let mut page = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut page)
            .unwrap();
        let (encoding, plain) = fetch(path, false).await;
        assert_eq!(encoding, None, "{path} compressed unasked");
        assert_eq!(page, plain, "{path}");
    }
}

/// The sample feed's first page, and its Talas tender (`ocds-h7i0z4-240201550`), to publish
/// again changed.
fn talas_tender() -> (serde_json::Value, serde_json::Value) {
    let feed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../achyk-kg/tests/fixtures/feed");
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(feed.join("page-1.json")).unwrap()).unwrap();
    let release = package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|release| release["ocid"] == "ocds-h7i0z4-240201550")
        .unwrap()
        .clone();
    (package, release)
}

/// A process page is rendered once per data generation: the same page again until an import
/// changes the data, then the new one at once.
#[tokio::test]
async fn process_pages_are_kept_until_the_data_changes() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store.clone()));
    let get = |cookie: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut request = Request::builder().uri("/en/tenders/ocds-h7i0z4-240201550");
            if let Some(cookie) = cookie {
                request = request.header(header::COOKIE, cookie);
            }
            let response = app
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let security = response
                .headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .is_some();
            let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
                .await
                .unwrap();
            (String::from_utf8(bytes.to_vec()).unwrap(), security)
        }
    };
    let (first, security) = get(None).await;
    assert!(security);
    let (again, security) = get(None).await;
    assert!(security, "a kept page still carries the security headers");
    assert_eq!(again, first);
    let title = |page: &str| select(page, "h1").join(" ");

    // The portal publishes the process again, later, under a new title.
    let (mut package, mut release) = talas_tender();
    release["id"] = serde_json::json!("ocds-h7i0z4-240201550-republished");
    release["date"] = serde_json::json!("2024-06-01T09:00:00+06:00");
    release["tender"]["title"] = serde_json::json!("Новое название закупки");
    package["releases"] = serde_json::json!([release]);
    let text = package.to_string();
    store
        .import_publications(&[("again.json", text.as_bytes())])
        .await
        .unwrap();
    let (changed, _) = get(None).await;
    assert!(
        title(&changed).contains("Новое название закупки"),
        "{}",
        title(&changed)
    );
    assert!(!title(&first).contains("Новое название закупки"));
    // A visitor with a cookie gets the page rendered for them, the same here.
    let (with_cookie, _) = get(Some("lang=ky")).await;
    assert_eq!(with_cookie, changed);
}

/// The body of a GET of `path`, which must answer 200.
async fn body_of(app: &axum::Router, path: &str) -> String {
    let response = app
        .clone()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The server loads its search index as it starts, before anyone searches, and says how far
/// it got in `/metrics`.
#[tokio::test]
async fn the_search_index_loads_as_the_server_starts() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path())
        .await
        .with_search_index();
    let state = AppState::new(store.clone());
    let app = router(state.clone());
    let metric = || async {
        body_of(&app, "/metrics")
            .await
            .lines()
            .find_map(|line| line.strip_prefix("achyk_search_index_processes "))
            .map(str::to_string)
    };
    assert_eq!(metric().await.as_deref(), Some("0"), "nothing searched yet");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    tokio::spawn(achyk_web::serve(state.clone(), listener));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store.search_index_processes() != Some(3) {
        assert!(
            std::time::Instant::now() < deadline,
            "the index never loaded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(metric().await.as_deref(), Some("3"));
}

/// Requests for kept pages that arrive together share the question to the database whether
/// the data changed, and each still gets the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_page_requests_share_the_generation_check() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store));
    let get = |path: &'static str| {
        let app = app.clone();
        async move { body_of(&app, path).await }
    };
    let checks = || async {
        get("/metrics")
            .await
            .lines()
            .find_map(|line| line.strip_prefix("achyk_page_generation_checks_total "))
            .map(|count| count.parse::<u64>().unwrap())
            .unwrap()
    };
    let page = get("/en/tenders/ocds-h7i0z4-240201550").await;
    let before = checks().await;
    let requests: Vec<_> = (0..64)
        .map(|_| tokio::spawn(get("/en/tenders/ocds-h7i0z4-240201550")))
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), page);
    }
    let asked = checks().await - before;
    assert!(
        (1..32).contains(&asked),
        "64 requests at once asked {asked} times"
    );
}

/// Analytics are grouped once per data generation, and an import shows in them at once.
#[tokio::test]
async fn analytics_follow_an_import() {
    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let app = router(AppState::new(store.clone()));
    let talas = || async {
        let page = body_of(&app, "/en/analytics").await;
        select(&page, "#regions-table tbody th")
            .into_iter()
            .zip(rows_of(&page, "#regions-table tbody tr"))
            .find(|(region, _)| region == "Talas Region")
            .map(|(_, cells)| cells[0].clone())
    };
    assert_eq!(talas().await.as_deref(), Some("1"));
    assert_eq!(talas().await.as_deref(), Some("1"), "again, from the cache");
    // A second Talas process: the Talas tender under another ocid.
    let (mut package, mut release) = talas_tender();
    release["ocid"] = serde_json::json!("ocds-h7i0z4-240201551");
    release["id"] = serde_json::json!("ocds-h7i0z4-240201551-1");
    package["releases"] = serde_json::json!([release]);
    let text = package.to_string();
    store
        .import_publications(&[("more.json", text.as_bytes())])
        .await
        .unwrap();
    assert_eq!(talas().await.as_deref(), Some("2"));
}

/// Lists name the buyer in the page's language: the sample's Kyrgyz name (its
/// `identifier.legalName_kg`) in Kyrgyz, the Russian one in Russian.
#[tokio::test]
async fn lists_name_the_buyer_in_the_page_s_language() {
    let site = site().await;
    let kyrgyz = site
        .get("/ky/tenders?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8")
        .await
        .body;
    assert!(
        kyrgyz.contains("Москва районунун билим берүү башкармалыгы"),
        "{kyrgyz}"
    );
    let russian = site
        .get("/ru/tenders?q=%D0%BA%D1%80%D0%BE%D0%B2%D0%BB%D0%B8")
        .await
        .body;
    assert!(russian.contains("Управление образования Московского района"));
    assert!(!russian.contains("Москва районунун"));
}

/// Every search offers its downloads and feed, with its text, filters and order but not its
/// page; each answers.
#[tokio::test]
async fn a_search_offers_its_downloads() {
    let site = site().await;
    let page = site
        .get("/ru/tenders?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest&page=1")
        .await
        .body;
    let links = attribute(&page, "p.downloads a", "href");
    assert_eq!(
        links,
        [
            "/api/v1/tenders.csv?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest",
            "/api/v1/tenders.xlsx?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest",
            "/api/v1/tenders.jsonl?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest",
            "/api/v1/tenders.records.json?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest",
            "/api/v1/tenders.atom?q=%D1%80%D0%B5%D0%BC%D0%BE%D0%BD%D1%82&region=KG-C&sort=oldest",
        ]
    );
    for link in links {
        assert_eq!(site.get(&link).await.status, StatusCode::OK, "{link}");
    }
}

/// A process page explains its stored flags in its language, with the numbers behind each; a
/// process without flags says so; a database where flags never ran shows no section.
#[tokio::test]
async fn the_tender_page_explains_its_red_flags() {
    let site = site().await;
    let page = site.get("/en/tenders/ocds-h7i0z4-240115013").await.body;
    assert!(
        select(&page, "section.flags").is_empty(),
        "no run, no section"
    );

    let directory = tempfile::tempdir().unwrap();
    let store = common::sample_store(directory.path()).await;
    let flag = |ocid: &str, code: &str, facts: serde_json::Value| achyk_store::StoredFlag {
        group: "ocid".into(),
        id: ocid.into(),
        code: code.into(),
        value: 1.0,
        facts: facts.to_string(),
    };
    let flags = vec![
        flag(
            "ocds-h7i0z4-240115013",
            "R003",
            serde_json::json!([{"code": "submission_period_days", "numbers": {"days": 3, "threshold": 15}, "texts": {}}]),
        ),
        flag(
            "ocds-h7i0z4-240115013",
            "R028",
            serde_json::json!([{"code": "identical_bid_price", "numbers": {"amount": 4750000, "tenderers": 2}, "texts": {"currency": "KGS", "ocid": "ocds-h7i0z4-240115013", "lot": "2"}}]),
        ),
        achyk_store::StoredFlag {
            group: "buyer".into(),
            id: "KG-INN-02305199310123".into(),
            code: "R038".into(),
            value: 0.75,
            facts: serde_json::json!([{"code": "disqualified_bids_share", "numbers": {"disqualified_bids": 3, "submitted_bids": 4, "fence": 0.5}, "texts": {}}]).to_string(),
        },
    ];
    let scores = vec![
        achyk_store::RiskScore {
            group: "ocid".into(),
            id: "ocds-h7i0z4-240115013".into(),
            score: 2.0,
            flags: 2,
        },
        achyk_store::RiskScore {
            group: "buyer".into(),
            id: "KG-INN-02305199310123".into(),
            score: 1.75,
            flags: 3,
        },
    ];
    store
        .replace_flag_results(3, "test", &flags, &scores)
        .await
        .unwrap();
    let app = router(AppState::new(store));
    let get = |path: String| {
        let app = app.clone();
        async move {
            let response = app
                .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
                .await
                .unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    let facts = |page: &str| select(page, "ul.flags ul li");
    let english = get("/en/tenders/ocds-h7i0z4-240115013".into()).await;
    assert_eq!(
        select(&english, "ul.flags h3"),
        ["Short submission period R003", "Identical bid prices R028"]
    );
    assert_eq!(
        facts(&english),
        [
            "The tender was open for 3 days; the threshold is 15.",
            // A fact of one lot says which.
            "Lot 2: 2 tenderers bid exactly 4,750,000 KGS."
        ]
    );
    assert!(english.contains("Risk score: 2.0"));
    let russian = get("/ru/tenders/ocds-h7i0z4-240115013".into()).await;
    assert_eq!(
        facts(&russian),
        [
            "Приём заявок длился 3 дн.; порог — 15.",
            // `select` folds white space; the page groups digits with narrow no-break spaces.
            "Лот 2: 2 участника предложили ровно 4 750 000 KGS."
        ]
    );
    assert!(russian.contains("4\u{202f}750\u{202f}000"));
    let kyrgyz = get("/ky/tenders/ocds-h7i0z4-240115013".into()).await;
    assert_eq!(facts(&kyrgyz)[0], "Арыздар 3 күн кабыл алынган; чек — 15.");
    // The buyer's page shows its own flag.
    let buyer = get("/en/organisations/KG-INN-02305199310123".into()).await;
    assert_eq!(
        select(&buyer, "ul.flags h3"),
        ["Many disqualified bids R038"]
    );
    assert_eq!(
        facts(&buyer),
        ["3 of 4 submitted bids were disqualified, an unusually high share (the bound is 0.50)."]
    );
    // Analytics lists the riskiest processes and buyers, by name, with their scores.
    let analytics = get("/en/analytics".into()).await;
    assert_eq!(
        select(&analytics, "#riskiest-processes + .scroll tbody tr > *"),
        [
            "Капитальный ремонт кровли школы № 3 с. Беловодское",
            "2.0",
            "2"
        ]
    );
    assert_eq!(
        select(&analytics, "#riskiest-buyers + .scroll tbody tr > *"),
        ["Управление образования Московского района", "1.8", "3"]
    );
    // Search by red flag: the facet names each code with its count, and the filter keeps
    // the flagged process only.
    let flagged = get("/en/tenders?flag=R003".into()).await;
    assert_eq!(
        attribute(&flagged, "ul.tenders a", "href"),
        ["/en/tenders/ocds-h7i0z4-240115013"]
    );
    // Lists mark flagged processes with their count, in the page's language.
    assert_eq!(
        select(&flagged, "ul.tenders .flag-count"),
        ["⚑ 2 red flags"]
    );
    let russian_list = get("/ru/tenders?flag=R003".into()).await;
    assert_eq!(
        select(&russian_list, "ul.tenders .flag-count"),
        ["⚑ 2 красных флага"]
    );
    let choices = select(&flagged, "select[name=flag] option");
    assert!(
        choices.contains(&"Short submission period (1)".to_string()),
        "{choices:?}"
    );
    assert!(choices.contains(&"any red flag".to_string()), "{choices:?}");
    let any = get("/ky/tenders?flag=any".into()).await;
    assert_eq!(attribute(&any, "ul.tenders a", "href").len(), 1);
    // The methodology page: every indicator, with how often the last run raised it.
    let methodology = get("/en/methodology".into()).await;
    let headings = select(&methodology, "h2");
    // Cardinal's eleven, Achyk's twenty (R010, R011, R013, R020, R022, R023, R031, R039, R040,
    // R044, R049, R050, R051, R053, R055, R059, R060, R061, R062, R063), and the risk score.
    assert_eq!(headings.len(), 32, "{headings:?}");
    assert_eq!(headings[0], "Short submission period R003");
    assert!(methodology.contains("Raised 1 time in the last run."));
    assert!(methodology.contains("Raised 0 times in the last run."));
    // Another process of the same run: no flag, and the page says so.
    let other = get("/en/tenders/ocds-h7i0z4-240201550".into()).await;
    assert_eq!(
        select(&other, "section.flags p").last().unwrap(),
        "No red flag was raised for this process."
    );
}

/// Every indicator code and fact code the indicators can raise has its messages in the three
/// languages (read from the indicators' source, so a new indicator cannot ship unexplained).
#[test]
fn every_flag_and_fact_the_indicators_raise_is_explained() {
    let source_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../achyk-flags/src");
    let mut codes = std::collections::BTreeSet::new();
    let mut facts = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(source_dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (marker, into) in [("Flag::new(\"", &mut codes), ("Fact::new(\"", &mut facts)] {
            for piece in source.split(marker).skip(1) {
                into.insert(piece.split('"').next().unwrap().to_string());
            }
        }
        // Facts built by a shared function take their code as its first argument.
        for piece in source.split("fact(\n").skip(1) {
            let code = piece
                .trim_start()
                .trim_start_matches('"')
                .split('"')
                .next()
                .unwrap();
            if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !code.is_empty() {
                facts.insert(code.to_string());
            }
        }
        for piece in source.split("= fact(\"").skip(1) {
            facts.insert(piece.split('"').next().unwrap().to_string());
        }
    }
    assert!(codes.len() >= 11, "{codes:?}");
    assert!(facts.contains("second_bid_close_to_winner"), "{facts:?}");
    assert!(
        facts.contains("winning_bid_heavily_discounted"),
        "{facts:?}"
    );
    for lang in achyk_web::Lang::ALL {
        let tr = achyk_web::Tr::new(lang);
        for code in &codes {
            for part in ["title", "why"] {
                let id = format!("flag-{code}-{part}");
                assert_ne!(tr.t(&id), id, "{id} in {}", lang.code());
            }
        }
        for fact in &facts {
            let id = format!("flagfact-{fact}");
            assert_ne!(tr.t(&id), id, "{id} in {}", lang.code());
        }
    }
}
