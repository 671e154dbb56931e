//! The one error type of the web crate: a localized HTML page for browsers, with the right
//! status. Causes are logged once on the server and never shown to the client.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::{Lang, Tr};
use crate::pages::Chrome;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound(Lang),
    #[error("bad request: {message}")]
    BadRequest { lang: Lang, message: String },
    /// Only some roles may do this.
    #[error("forbidden")]
    Forbidden(Lang),
    /// Sign in first: answered with a redirect to the sign-in page.
    #[error("sign in needed")]
    LoginNeeded(Lang),
    /// The account's role needs a second factor this session has not passed.
    #[error("second factor needed")]
    SecondFactorNeeded(Lang),
    #[error("internal error: {message}")]
    Internal { lang: Lang, message: String },
}

impl AppError {
    pub fn internal(lang: Lang, cause: impl std::fmt::Display) -> AppError {
        AppError::Internal {
            lang,
            message: cause.to_string(),
        }
    }

    pub fn bad_request(lang: Lang, bad: &crate::query::BadParameter) -> AppError {
        // The parameter and its value only: the page explains it in the visitor's language.
        AppError::BadRequest {
            lang,
            message: format!("{} = {:?}", bad.name, bad.value),
        }
    }

    pub fn from_store(lang: Lang, error: achyk_store::StoreError) -> AppError {
        match error {
            achyk_store::StoreError::NotFound { .. } => AppError::NotFound(lang),
            other => AppError::internal(lang, other),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    explanation: String,
    /// What exactly was wrong, when the visitor can fix it (a bad query parameter).
    detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::LoginNeeded(lang) => {
                return axum::response::Redirect::to(&format!("/{}/login", lang.code()))
                    .into_response();
            }
            AppError::SecondFactorNeeded(lang) => {
                return axum::response::Redirect::to(&format!("/{}/login/code", lang.code()))
                    .into_response();
            }
            _ => {}
        }
        let mut detail = None;
        let (lang, status, heading, explanation) = match &self {
            AppError::NotFound(lang) => (
                *lang,
                StatusCode::NOT_FOUND,
                "error-not-found",
                "error-not-found-text",
            ),
            AppError::BadRequest { lang, message } => {
                detail = Some(message.clone());
                (
                    *lang,
                    StatusCode::BAD_REQUEST,
                    "error-bad-request",
                    "error-bad-request-text",
                )
            }
            AppError::Forbidden(lang) => (
                *lang,
                StatusCode::FORBIDDEN,
                "error-forbidden",
                "error-forbidden-text",
            ),
            AppError::LoginNeeded(lang) | AppError::SecondFactorNeeded(lang) => (
                *lang,
                StatusCode::SEE_OTHER,
                "error-forbidden",
                "error-forbidden-text",
            ),
            AppError::Internal { lang, message } => {
                eprintln!("achyk serve: internal error: {message}");
                (
                    *lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                    "error-internal-text",
                )
            }
        };
        let tr = Tr::new(lang);
        let page = ErrorPage {
            chrome: Chrome::new(lang, tr.t(heading), None),
            heading: tr.t(heading),
            explanation: tr.t(explanation),
            detail,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, tr.t(heading)).into_response(),
        }
    }
}
