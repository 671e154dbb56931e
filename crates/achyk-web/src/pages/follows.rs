//! Following: the follow buttons' target (`POST /{lang}/follow`), the list of one's follows
//! with their mode (`/{lang}/account/follows`), the personal Atom feed
//! (`/feeds/{token}.atom`) and one-click unsubscribing (`/unsubscribe/{token}`, a page with
//! one button, and RFC 8058's POST from mail clients).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, private_page as html, store_error};
use crate::AppState;
use crate::auth::{self, ANYONE, MaybeViewer, Viewer};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use achyk_store::{NewFollow, OrgId};

const KINDS: [&str; 6] = [
    "process",
    "organisation",
    "search",
    "region",
    "case",
    "project",
];

/// A follow button.
pub struct FollowView {
    pub action: String,
    pub kind: &'static str,
    pub target: String,
    pub back: String,
    pub csrf: String,
    pub label: &'static str,
}

impl FollowView {
    pub fn new(
        lang: Lang,
        viewer: Option<&Viewer>,
        kind: &'static str,
        target: &str,
        back: String,
    ) -> FollowView {
        FollowView {
            action: format!("/{}/follow", lang.code()),
            kind,
            target: target.to_owned(),
            back,
            csrf: viewer.map(|viewer| viewer.csrf.clone()).unwrap_or_default(),
            label: if kind == "search" {
                "follow-search"
            } else {
                "follow-button"
            },
        }
    }
}

#[derive(Deserialize, Default)]
pub struct FollowForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    back: String,
}

/// Whether `target` names something that exists, for its kind.
async fn exists(state: &AppState, kind: &str, target: &str) -> bool {
    match kind {
        "process" => state
            .store
            .compiled_release(&achyk_store::Ocid::from(target))
            .await
            .is_ok(),
        "organisation" => state.store.organisation(&OrgId::from(target)).await.is_ok(),
        "region" => achyk_kg::regions::Region::from_iso_code(target).is_some(),
        "case" => match target.parse::<i64>() {
            Ok(id) => state.store.case(id).await.is_ok(),
            Err(_) => false,
        },
        "search" => target.len() <= 2_000,
        "project" => state.store.project(target).await.is_ok(),
        _ => false,
    }
}

/// `POST /{lang}/follow`: follows, or changes the mode of a follow.
pub async fn follow(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let bad = |message: &str| AppError::BadRequest {
        lang,
        message: message.to_owned(),
    };
    if !KINDS.contains(&form.kind.as_str()) || !exists(&state, &form.kind, &form.target).await {
        return Err(bad("kind, target"));
    }
    let mode = match form.mode.as_str() {
        "" | "immediate" => "immediate",
        "digest" => "digest",
        _ => return Err(bad("mode")),
    };
    let cursor = crate::alerts::initial_cursor(&state, &form.kind, &form.target)
        .await
        .map_err(store_error(lang))?;
    let (unsubscribe, _) =
        achyk_civic::auth::new_token().map_err(|error| AppError::internal(lang, error))?;
    state
        .store
        .follow(
            &NewFollow {
                user_id: viewer.user.id,
                kind: &form.kind,
                target: &form.target,
                mode,
                cursor: &cursor,
                unsubscribe: &unsubscribe,
            },
            auth::now(),
        )
        .await
        .map_err(store_error(lang))?;
    // Back to the page the button was on (a path of this site only).
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back.clone()
    } else {
        format!("/{}/account/follows", lang.code())
    };
    Ok(Redirect::to(&back).into_response())
}

pub struct FollowItem {
    kind: String,
    target: String,
    what: String,
    href: String,
    mode: String,
    other_mode: &'static str,
    other_mode_label: String,
    delete: String,
}

#[derive(Template)]
#[template(path = "follows.html")]
struct FollowsPage {
    chrome: Chrome,
    follows: Vec<FollowItem>,
    csrf: String,
    follow_action: String,
    back: String,
    feed: String,
}

/// `GET /{lang}/account/follows`.
pub async fn list(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    let tr = Tr::new(lang);
    let code = lang.code();
    let mut follows = Vec::new();
    for follow in state
        .store
        .follows_of(viewer.user.id)
        .await
        .map_err(store_error(lang))?
    {
        let (what, href) = match follow.kind.as_str() {
            "process" => (
                format!("{}: {}", tr.t("follows-kind-process"), follow.target),
                format!("/{code}/tenders/{}", follow.target),
            ),
            "organisation" => (
                format!("{}: {}", tr.t("follows-kind-organisation"), follow.target),
                format!("/{code}/organisations/{}", follow.target),
            ),
            "region" => (
                format!(
                    "{}: {}",
                    tr.t("follows-kind-region"),
                    crate::view::region_name(lang, Some(&follow.target)).unwrap_or_default()
                ),
                format!("/{code}/tenders?region={}", follow.target),
            ),
            "case" => (
                format!("{} #{}", tr.t("case-title-short"), follow.target),
                format!("/{code}/cases/{}", follow.target),
            ),
            "project" => (
                format!("{}: {}", tr.t("follows-kind-project"), follow.target),
                format!("/{code}/projects/{}", crate::query::encode(&follow.target)),
            ),
            _ => (
                format!("{}: {}", tr.t("follows-kind-search"), follow.target),
                format!("/{code}/tenders?{}", follow.target),
            ),
        };
        let digest = follow.mode == "digest";
        follows.push(FollowItem {
            kind: follow.kind.clone(),
            target: follow.target.clone(),
            what,
            href,
            mode: tr.t(if digest {
                "follows-mode-digest"
            } else {
                "follows-mode-immediate"
            }),
            other_mode: if digest { "immediate" } else { "digest" },
            other_mode_label: tr.t(if digest {
                "follows-to-immediate"
            } else {
                "follows-to-digest"
            }),
            delete: format!("/{code}/account/follows/{}/delete", follow.id),
        });
    }
    let (fresh, _) =
        achyk_civic::auth::new_token().map_err(|error| AppError::internal(lang, error))?;
    let token = state
        .store
        .feed_token(viewer.user.id, &fresh)
        .await
        .map_err(store_error(lang))?;
    let page = FollowsPage {
        chrome: Chrome::new(lang, tr.t("follows-title"), Some("/account/follows".into())),
        follows,
        csrf: viewer.csrf.clone(),
        follow_action: format!("/{code}/follow"),
        back: format!("/{code}/account/follows"),
        feed: format!(
            "{}/feeds/{token}.atom",
            state.public_url.as_deref().unwrap_or("")
        ),
    };
    html(lang, StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{lang}/account/follows/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Path((lang, id)): Path<(String, i64)>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    state
        .store
        .unfollow(viewer.user.id, id)
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/account/follows", lang.code())).into_response())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /feeds/{token}.atom`: the user's notifications, newest first.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found\n").into_response();
    let Some(token) = file.strip_suffix(".atom") else {
        return not_found();
    };
    let Ok(Some(user)) = state.store.feed_user(token).await else {
        return not_found();
    };
    let Ok(notifications) = state.store.notifications_of(user, 100).await else {
        return not_found();
    };
    let updated = notifications
        .first()
        .map_or(0, |notification| notification.created_at);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>Achyk</title>\n<id>urn:achyk:feed:{user}</id>\n<updated>{}</updated>\n",
        achyk_ocds::release::format_instant(updated, 0)
    );
    for notification in &notifications {
        xml.push_str(&format!(
            "<entry><id>urn:achyk:notification:{}</id><title>{}</title>\
             <link href=\"{}\"/><updated>{}</updated></entry>\n",
            notification.id,
            escape(&notification.title),
            escape(&notification.link),
            achyk_ocds::release::format_instant(notification.created_at, 0)
        ));
    }
    xml.push_str("</feed>\n");
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        xml,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "form.html")]
struct UnsubscribePage {
    chrome: Chrome,
    intro: Vec<String>,
    code: Option<String>,
    error: Option<String>,
    action: String,
    hidden: Vec<(&'static str, String)>,
    fields: Vec<super::account::Field>,
    submit: String,
    links: Vec<(String, String)>,
}

/// `GET /unsubscribe/{token}`: one button (a mail scanner's GET unsubscribes nobody).
pub async fn unsubscribe_page(Path(token): Path<String>) -> Response {
    let tr = Tr::new(Lang::Ky);
    let lines = Lang::ALL
        .iter()
        .map(|lang| Tr::new(*lang).t("unsubscribe-text"))
        .collect();
    let page = UnsubscribePage {
        chrome: Chrome::new(Lang::Ky, tr.t("unsubscribe-title"), None),
        intro: lines,
        code: None,
        error: None,
        action: format!("/unsubscribe/{}", escape(&token)),
        hidden: Vec::new(),
        fields: Vec::new(),
        submit: Lang::ALL
            .iter()
            .map(|lang| Tr::new(*lang).t("unsubscribe-button"))
            .collect::<Vec<_>>()
            .join(" · "),
        links: Vec::new(),
    };
    match page.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /unsubscribe/{token}`: from the page's button or a mail client (RFC 8058).
pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.store.unsubscribe(&token).await {
        Ok(true) => (
            StatusCode::OK,
            Lang::ALL
                .iter()
                .map(|lang| Tr::new(*lang).t("unsubscribe-done"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n",
        )
            .into_response(),
        Ok(false) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
