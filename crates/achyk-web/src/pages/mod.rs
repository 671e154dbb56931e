//! One module per page. Each handler reads the language from the URL, asks the store, builds
//! a view (see `crate::view`) and renders its template.

pub mod about;
pub mod account;
pub mod analytics;
pub mod cases;
pub mod developers;
pub mod follows;
pub mod home;
pub mod impact;
pub mod methodology;
pub mod moderation;
pub mod organisation;
pub mod project_make;
pub mod projects;
pub mod report;
pub mod tender;
pub mod tenders;

use axum::http::Uri;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::{Lang, Tr};

/// What the layout around every page needs: the language, the page's title, and the path of
/// the same page in the other languages.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: Tr,
    pub lang: &'static str,
    pub title: String,
    /// The page's path after the language prefix (`/tenders?q=x`), for the language switch.
    pub rest: Option<String>,
}

/// A link of the language switch.
pub struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Chrome {
    pub fn new(lang: Lang, title: String, rest: Option<String>) -> Chrome {
        Chrome {
            tr: Tr::new(lang),
            lang: lang.code(),
            title,
            rest,
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    /// A path in this page's language.
    pub fn href(&self, path: &str) -> String {
        format!("/{}{path}", self.lang)
    }

    pub fn languages(&self) -> Vec<LanguageLink> {
        let rest = self.rest.as_deref().unwrap_or("/");
        Lang::ALL
            .into_iter()
            .map(|lang| LanguageLink {
                code: lang.code(),
                name: lang.own_name(),
                href: format!("/{}{rest}", lang.code()),
                current: lang.code() == self.lang,
            })
            .collect()
    }
}

/// The language of a page URL, or a 404 (in Kyrgyz) for an unknown one.
pub fn language(code: &str) -> Result<Lang, AppError> {
    Lang::from_code(code).ok_or(AppError::NotFound(Lang::Ky))
}

/// A private page (`Cache-Control: no-store`: a form token, a receipt, a reporter's words):
/// never kept by a cache, never compressed.
pub fn private_page(
    lang: Lang,
    status: axum::http::StatusCode,
    page: impl askama::Template,
) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|error| AppError::internal(lang, error))?;
    Ok((
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::response::Html(body),
    )
        .into_response())
}

/// How a store error shows on a page in `lang`.
pub fn store_error(lang: Lang) -> impl Fn(achyk_store::StoreError) -> AppError {
    move |error| AppError::from_store(lang, error)
}

/// The part of a URI after its language prefix, query included.
pub fn rest_of(uri: &Uri) -> String {
    let path = uri.path();
    let rest = path
        .strip_prefix('/')
        .and_then(|path| path.find('/').map(|slash| &path[slash..]))
        .unwrap_or("/");
    match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_string(),
    }
}

pub async fn not_found(uri: Uri) -> Response {
    let lang = uri
        .path()
        .split('/')
        .nth(1)
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Ky);
    AppError::NotFound(lang).into_response()
}
