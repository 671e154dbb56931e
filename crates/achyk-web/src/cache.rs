//! Rendered process pages, kept while the data generation they were rendered under lasts (and
//! no moderator acted since: published reports show on them), for
//! visitors without a session (everyone, until accounts exist; afterwards the anonymous
//! majority). A page is rendered once per language after each import, not once per visit.
//!
//! Only `GET /{lang}/tenders/{ocid}` and `GET /{lang}/projects/{id}` answers with status 200
//! are kept; the key is the path, and for a project page also the day in Bishkek (its delay
//! counts until today). At most [`ENTRIES`] pages are kept; past that the cache starts again
//! empty. Whether the data moved on is asked of the database for every request, but requests
//! arriving together share one question ([`GenerationCheck`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The most pages kept.
const ENTRIES: usize = 4_096;
/// The largest page kept, in bytes.
const LARGEST: usize = 1 << 20;

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<Pages>,
    generations: GenerationCheck,
}

/// Asks the database for its data generation on behalf of many requests at once. A request
/// takes the answer of a question asked after it arrived (so an import committed before the
/// request is always seen), but requests that arrive while a question is out share the next
/// one: under load, one round trip answers a whole queue instead of one each.
#[derive(Default)]
struct GenerationCheck {
    /// Numbers arrivals and questions, in one order.
    clock: std::sync::atomic::AtomicU64,
    /// Held while a question is out; waiters queue on it in order.
    asking: tokio::sync::Mutex<()>,
    /// The last answer and the clock when its question was asked.
    last: Mutex<Option<(u64, (i64, i64))>>,
    /// Questions asked so far.
    asked: std::sync::atomic::AtomicU64,
}

impl GenerationCheck {
    async fn generation(
        &self,
        store: &achyk_store::Store,
    ) -> Result<(i64, i64), achyk_store::StoreError> {
        use std::sync::atomic::Ordering::SeqCst;
        let arrived = self.clock.fetch_add(1, SeqCst);
        let _asking = self.asking.lock().await;
        if let Some((asked_at, answer)) = *self.last.lock().expect("the generation lock")
            && asked_at > arrived
        {
            return Ok(answer);
        }
        let asked_at = self.clock.fetch_add(1, SeqCst);
        self.asked.fetch_add(1, SeqCst);
        let answer = store.page_generation().await?;
        *self.last.lock().expect("the generation lock") = Some((asked_at, answer));
        Ok(answer)
    }
}

/// How many times the page cache has asked the database for its data generation.
pub(crate) fn generation_questions(state: &AppState) -> u64 {
    state
        .pages
        .generations
        .asked
        .load(std::sync::atomic::Ordering::SeqCst)
}

#[derive(Default)]
struct Pages {
    generation: (i64, i64),
    entries: HashMap<String, (HeaderMap, Bytes)>,
}

/// Whether `request` may be answered from the cache: a plain GET of a process page, from a
/// visitor without cookies.
fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    let mut parts = path.trim_start_matches('/').split('/');
    let is_page = matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("ky" | "ru" | "en"), Some("tenders" | "projects"), Some(id), None) if !id.is_empty()
    );
    request.method() == Method::GET
        && is_page
        && request.uri().query().is_none()
        && !request.headers().contains_key(header::COOKIE)
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !cacheable(&request) {
        return next.run(request).await;
    }
    let Ok(generation) = state.pages.generations.generation(&state.store).await else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let key = if path.contains("/projects/") {
        let (year, month, day) = achyk_civic::place::day_in_bishkek(crate::auth::now()).ymd();
        format!("{path}#{year:04}-{month:02}-{day:02}")
    } else {
        path.to_string()
    };
    {
        let mut pages = state.pages.pages.lock().expect("the page cache lock");
        if pages.generation != generation {
            pages.entries.clear();
            pages.generation = generation;
        }
        if let Some((headers, body)) = pages.entries.get(&key) {
            let mut response = Response::new(Body::from(body.clone()));
            *response.headers_mut() = headers.clone();
            return response;
        }
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    use axum::body::HttpBody;
    if body
        .size_hint()
        .exact()
        .is_none_or(|size| size > LARGEST as u64)
    {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST).await else {
        return Response::from_parts(parts, Body::empty());
    };
    {
        let mut pages = state.pages.pages.lock().expect("the page cache lock");
        if pages.generation == generation {
            if pages.entries.len() >= ENTRIES {
                pages.entries.clear();
            }
            pages
                .entries
                .insert(key, (parts.headers.clone(), bytes.clone()));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The facets analytics groups by, grouped together in one pass.
const ANALYTICS_FACETS: [achyk_store::Facet; 4] = [
    achyk_store::Facet::Region,
    achyk_store::Facet::Method,
    achyk_store::Facet::Category,
    achyk_store::Facet::Year,
];

/// The analytics groups of every process, in the order of [`ANALYTICS_FACETS`].
type Groups = Arc<Vec<Vec<achyk_store::GroupStats>>>;

/// The analytics groups of every process, kept while the data generation lasts: the same for
/// every language and measure, and a grouping of the whole database.
#[derive(Default)]
pub struct GroupCache {
    /// The generation they were grouped under, and the groups.
    groups: Mutex<Option<(i64, Groups)>>,
}

/// [`achyk_store::Store::group_stats`] for `facet` (one of [`ANALYTICS_FACETS`]), from the
/// cache when the data has not moved on since.
pub async fn group_stats(
    state: &AppState,
    facet: achyk_store::Facet,
) -> Result<Vec<achyk_store::GroupStats>, achyk_store::StoreError> {
    let place = ANALYTICS_FACETS
        .iter()
        .position(|of| *of == facet)
        .expect("analytics group by these facets only");
    let (generation, _) = state.store.page_generation().await?;
    let kept = state
        .groups
        .groups
        .lock()
        .expect("the group cache lock")
        .clone();
    let groups = match kept {
        Some((kept_under, groups)) if kept_under == generation => groups,
        _ => {
            let groups = Arc::new(state.store.group_stats_by(&ANALYTICS_FACETS, None).await?);
            *state.groups.groups.lock().expect("the group cache lock") =
                Some((generation, Arc::clone(&groups)));
            groups
        }
    };
    Ok(groups[place].clone())
}
