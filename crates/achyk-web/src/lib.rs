//! The web site of Achyk: server-rendered pages in Kyrgyz, Russian and English that work
//! without JavaScript, on the same database the command line fills.
//!
//! Every page URL starts with its language (`/ky/…`, `/ru/…`, `/en/…`); `/` redirects by
//! `Accept-Language`, falling back to Kyrgyz. `/healthz` answers when the database does, and
//! `/metrics` counts requests in Prometheus's text format.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use achyk_store::Store;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

pub mod alerts;
pub mod api;
pub mod auth;
pub mod bulk;
mod cache;
mod charts;
pub mod error;
pub mod explain;
pub mod i18n;
pub mod mail;
pub mod map;
mod pages;
mod projects_api;
pub mod query;
pub mod reports;
pub mod tabular;
pub mod tiles;
mod view;

pub use error::AppError;
pub use i18n::{Lang, Tr};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Where `achyk bulk` wrote the bulk files, when they are served.
    pub bulk: Option<Arc<std::path::Path>>,
    /// Map tiles served under `/tiles/`; with them the projects map is drawn over the tiles
    /// (by a script), without them no page has a script.
    pub tiles: Option<Arc<tiles::Tiles>>,
    /// Report intake: the receipt secret and the contact sealing key. Without it the report
    /// routes say reports are not taken here.
    pub civic: Option<Arc<reports::Civic>>,
    /// Whether session cookies are `Secure` (the site is behind HTTPS).
    pub secure_cookies: bool,
    /// The site's public address (`https://achyk.kg`), for links in mail and feeds.
    pub public_url: Option<String>,
    /// Sends appeal letters; without it, cases are delivered by hand or e-reception only.
    pub mailer: Option<Arc<mail::Mailer>>,
    /// The legal deadlines and the holiday calendar they count on.
    pub deadlines: Arc<(
        achyk_civic::deadline::Rules,
        achyk_civic::deadline::Calendar,
    )>,
    metrics: Arc<Metrics>,
    pages: Arc<cache::PageCache>,
    groups: Arc<cache::GroupCache>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            bulk: None,
            tiles: None,
            civic: None,
            secure_cookies: false,
            mailer: None,
            public_url: None,
            deadlines: Arc::new((
                achyk_civic::deadline::Rules::default(),
                achyk_civic::deadline::Calendar::kyrgyzstan(),
            )),
            metrics: Arc::new(Metrics::new()),
            pages: Arc::default(),
            groups: Arc::default(),
        }
    }

    /// Marks session cookies `Secure`, for a site served over HTTPS.
    pub fn with_secure_cookies(mut self, secure: bool) -> AppState {
        self.secure_cookies = secure;
        self
    }

    /// The site's public address, for links in mail and feeds.
    pub fn with_public_url(mut self, url: &str) -> AppState {
        self.public_url = Some(url.trim_end_matches('/').to_owned());
        self
    }

    /// Sends mail through this server.
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> AppState {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    /// Counts deadlines with these rules and this calendar.
    pub fn with_deadlines(
        mut self,
        rules: achyk_civic::deadline::Rules,
        calendar: achyk_civic::deadline::Calendar,
    ) -> AppState {
        self.deadlines = Arc::new((rules, calendar));
        self
    }

    /// Takes citizen reports with these keys and limits.
    pub fn with_civic(mut self, civic: reports::Civic) -> AppState {
        self.civic = Some(Arc::new(civic));
        self
    }

    /// Serves the bulk files `achyk bulk` wrote into `directory` under `/bulk/`.
    pub fn with_bulk(mut self, directory: impl Into<std::path::PathBuf>) -> AppState {
        self.bulk = Some(Arc::from(directory.into().into_boxed_path()));
        self
    }

    /// Serves these tiles under `/tiles/` and draws the projects map over them.
    pub fn with_tiles(mut self, tiles: tiles::Tiles) -> AppState {
        self.tiles = Some(Arc::new(tiles));
        self
    }
}

/// Request counters for `/metrics`.
struct Metrics {
    started: Instant,
    requests: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
}

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            started: Instant::now(),
            requests: AtomicU64::new(0),
            client_errors: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
        }
    }
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    let body_limit = state
        .civic
        .as_ref()
        .map_or(1024 * 1024, |civic| civic.body_limit());
    Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/site.css", get(stylesheet))
        .route(
            &format!("/static/leaflet/{}/leaflet.js", tiles::LEAFLET_VERSION),
            get(tiles::leaflet_script),
        )
        .route(
            &format!("/static/leaflet/{}/leaflet.css", tiles::LEAFLET_VERSION),
            get(tiles::leaflet_style),
        )
        .route("/static/map/{name}", get(tiles::map_script))
        .route("/tiles/{z}/{x}/{file}", get(tiles::tile))
        .route("/bulk/{name}", get(bulk::serve_file))
        .route("/{lang}", get(pages::home::redirect_to_home))
        .route("/{lang}/", get(pages::home::page))
        .route("/{lang}/tenders", get(pages::tenders::list))
        .route("/{lang}/tenders/{ocid}", get(pages::tender::page))
        .route("/{lang}/tenders/{ocid}/ocds.json", get(pages::tender::raw))
        .route("/{lang}/organisations/{id}", get(pages::organisation::page))
        .route("/{lang}/projects", get(pages::projects::list))
        .route(
            "/{lang}/projects/new",
            get(pages::project_make::form).post(pages::project_make::create),
        )
        .route("/{lang}/projects/{id}", get(pages::projects::page))
        .route(
            "/{lang}/projects/{id}/visit",
            get(pages::projects::visit_form)
                .post(pages::projects::visit)
                .layer(DefaultBodyLimit::max(body_limit)),
        )
        .route(
            "/{lang}/projects/{id}/oc4ids.json",
            get(pages::projects::raw),
        )
        .route("/{lang}/about", get(pages::about::page))
        .route("/{lang}/methodology", get(pages::methodology::page))
        .route("/{lang}/analytics", get(pages::analytics::page))
        .route("/{lang}/developers", get(pages::developers::page))
        .route(
            "/{lang}/report",
            get(pages::report::form)
                .post(pages::report::submit)
                .layer(DefaultBodyLimit::max(body_limit)),
        )
        .route(
            "/{lang}/report/status",
            get(pages::report::status_form).post(pages::report::status),
        )
        .route(
            "/{lang}/report/status/photos",
            post(pages::report::add_photos).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/{lang}/reports", get(pages::report::list))
        .route("/{lang}/impact", get(pages::impact::page))
        .route("/{lang}/reports/{id}", get(pages::report::page))
        .route(
            "/{lang}/login",
            get(pages::account::login_form).post(pages::account::login),
        )
        .route(
            "/{lang}/login/code",
            get(pages::account::code_form).post(pages::account::code),
        )
        .route("/{lang}/logout", post(pages::account::logout))
        .route(
            "/{lang}/register",
            get(pages::account::register_form).post(pages::account::register),
        )
        .route("/{lang}/account", get(pages::account::page))
        .route(
            "/{lang}/account/totp",
            get(pages::account::totp_form).post(pages::account::totp),
        )
        .route("/{lang}/account/export", get(pages::account::export))
        .route("/{lang}/account/profile", post(pages::account::profile))
        .route("/{lang}/follow", post(pages::follows::follow))
        .route("/{lang}/account/follows", get(pages::follows::list))
        .route(
            "/{lang}/account/follows/{id}/delete",
            post(pages::follows::delete),
        )
        .route("/feeds/{file}", get(pages::follows::feed))
        .route(
            "/unsubscribe/{token}",
            get(pages::follows::unsubscribe_page).post(pages::follows::unsubscribe),
        )
        .route("/{lang}/account/delete", post(pages::account::delete))
        .route("/{lang}/moderation", get(pages::moderation::queue))
        .route(
            "/{lang}/moderation/{id}",
            get(pages::moderation::report).post(pages::moderation::decide),
        )
        .route(
            "/{lang}/moderation/photos/{id}",
            post(pages::moderation::photo_action),
        )
        .route("/moderation/photos/{file}", get(pages::moderation::photo))
        .route("/{lang}/admin/audit", get(pages::moderation::audit))
        .route(
            "/{lang}/admin/bodies",
            get(pages::cases::bodies).post(pages::cases::save_body),
        )
        .route(
            "/{lang}/cases",
            get(pages::cases::list).post(pages::cases::create),
        )
        .route("/{lang}/cases/new", get(pages::cases::new_form))
        .route(
            "/{lang}/monitor/reports",
            get(pages::cases::monitor_reports),
        )
        .route("/{lang}/cases/{id}", get(pages::cases::page))
        .route("/{lang}/cases/{id}/letter", get(pages::cases::letter))
        .route(
            "/{lang}/cases/{id}/step",
            post(pages::cases::step).layer(DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route("/cases/attachments/{id}", get(pages::cases::attachment))
        .route("/reports/photos/{file}", get(pages::report::photo))
        .route(
            "/reports/photos/{id}/small.jpg",
            get(pages::report::small_photo),
        )
        .merge(api::routes(body_limit))
        .merge(projects_api::routes())
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cache::layer))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(auth::same_origin))
        // A panic in a handler answers 500 and never says what it was about (see
        // `install_panic_hook`).
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            answer_panic,
        ))
        // Pages shrink to a fifth or less for phones on slow connections; files that are
        // compressed already are sent as they are.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/gzip"))
                    .and(NotForContentType::const_new(
                        "application/vnd.openxmlformats",
                    ))
                    .and(not_private as fn(_, _, &_, &_) -> bool),
            ),
        )
        .with_state(state)
}

/// Whether a response may be compressed: not when it is private (`no-store`: pages with a form
/// token, a receipt code or a reporter's text), where compression could leak a secret beside
/// reflected text (BREACH).
fn not_private(
    _: StatusCode,
    _: axum::http::Version,
    headers: &HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    !headers
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("no-store"))
}

/// The answer to a request whose handler panicked: a bare 500. The panic's message is not
/// looked at: it may hold what a visitor sent.
fn answer_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CACHE_CONTROL, "no-store")],
        "internal error\n",
    )
        .into_response()
}

/// Makes every panic print only where it happened, never its message: a handler's panic may
/// carry what a reporter sent (text, a contact), which must not reach a log. Call once before
/// serving.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map_or_else(
            || "an unknown place".to_owned(),
            |at| format!("{}:{}", at.file(), at.line()),
        );
        eprintln!(
            "achyk: internal error at {place} (its message is withheld: it may hold what a visitor sent)"
        );
    }));
}

/// Serves the site on `listener` until the process ends. The search index starts loading at
/// once, in the background, so that the first visitor's search does not wait for all of it.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let store = state.store.clone();
    tokio::spawn(async move {
        let first = achyk_store::SearchParams {
            per_page: 1,
            skip_facets: true,
            ..Default::default()
        };
        if let Err(error) = store.search(&first).await {
            eprintln!("achyk: the search index did not load: {error}");
        }
    });
    axum::serve(listener, router(state)).await
}

async fn root(headers: HeaderMap) -> Redirect {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    Redirect::to(&format!("/{}/", Lang::negotiate(accept).code()))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.count_dirty().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let metrics = &state.metrics;
    let processes = state.store.count_compiled_releases().await.unwrap_or(-1);
    let checks = cache::generation_questions(&state);
    let indexed = state
        .store
        .search_index_processes()
        .map_or(-1, |processes| processes as i64);
    let body = format!(
        "# HELP achyk_http_requests_total HTTP requests answered.\n\
         # TYPE achyk_http_requests_total counter\n\
         achyk_http_requests_total {}\n\
         # HELP achyk_http_client_errors_total Requests answered with a 4xx status.\n\
         # TYPE achyk_http_client_errors_total counter\n\
         achyk_http_client_errors_total {}\n\
         # HELP achyk_http_server_errors_total Requests answered with a 5xx status.\n\
         # TYPE achyk_http_server_errors_total counter\n\
         achyk_http_server_errors_total {}\n\
         # HELP achyk_uptime_seconds Seconds since the server started.\n\
         # TYPE achyk_uptime_seconds gauge\n\
         achyk_uptime_seconds {}\n\
         # HELP achyk_processes Contracting processes stored.\n\
         # TYPE achyk_processes gauge\n\
         achyk_processes {processes}\n\
         # HELP achyk_search_index_processes Processes the in-memory search index holds.\n\
         # TYPE achyk_search_index_processes gauge\n\
         achyk_search_index_processes {indexed}\n\
         # HELP achyk_page_generation_checks_total Times kept pages were checked against the database's data generation (one check answers every request queued behind it).\n\
         # TYPE achyk_page_generation_checks_total counter\n\
         achyk_page_generation_checks_total {checks}\n",
        metrics.requests.load(Ordering::Relaxed),
        metrics.client_errors.load(Ordering::Relaxed),
        metrics.server_errors.load(Ordering::Relaxed),
        metrics.started.elapsed().as_secs(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/site.css"),
    )
        .into_response()
}

/// Counts requests by outcome. Nothing about the client (address, agent) is recorded.
async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics.requests.fetch_add(1, Ordering::Relaxed);
    if response.status().is_client_error() {
        metrics.client_errors.fetch_add(1, Ordering::Relaxed);
    } else if response.status().is_server_error() {
        metrics.server_errors.fetch_add(1, Ordering::Relaxed);
    }
    response
}

/// Every response's security policy: nothing from other hosts, no script, no inline style.
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                      form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of a page that draws the tiled map (only when tiles are configured): the same,
/// with scripts from this site (Leaflet and the map's script under `/static/`), never inline
/// and never from another host; `nosniff` keeps any other response of the site from running
/// as a script. Leaflet places its panes and tiles through elements' style properties, which
/// a policy does not govern, so inline styles stay refused.
pub(crate) const MAP_PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; \
                                          style-src 'self'; img-src 'self' data:; \
                                          form-action 'self'; base-uri 'none'; \
                                          frame-ancestors 'none'";

/// Headers that keep pages from loading anything from elsewhere or being framed. A handler
/// may send its own policy (a page with the tiled map sends [`MAP_PAGE_POLICY`]); every other
/// response gets [`POLICY`].
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
