//! Who is asking: the session cookie, the account behind it, its role, and the checks every
//! form and protected route makes.
//!
//! - The cookie `achyk_session` holds a random token (HttpOnly, SameSite=Lax, `Secure` unless
//!   the server is told it runs on plain HTTP); the database holds only its SHA-256.
//! - Every form of a signed-in visitor carries a CSRF token derived from the session token (not
//!   from what the database holds), checked on every POST; and every POST from another site
//!   (`Sec-Fetch-Site: cross-site`, or an `Origin` that is not this host) is refused before any
//!   handler runs, which also covers the sign-in and report forms.
//! - Moderators, officials and admins must pass TOTP in the session before any of their pages
//!   open.

use achyk_store::{Role, UserRow};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;

pub const COOKIE: &str = "achyk_session";
/// How long a session lasts, in seconds (12 hours).
pub const SESSION_SECONDS: i64 = 12 * 3600;

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0)
}

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: UserRow,
    pub token_hash: String,
    /// Passed the second factor in this session (or the account does not need one).
    pub second_factor: bool,
    /// The token every form of this session carries.
    pub csrf: String,
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Whether the session may act with the account's role: roles that need a second factor
    /// need it passed.
    pub fn fully_signed_in(&self) -> bool {
        self.second_factor || !self.user.role.needs_second_factor()
    }
}

/// The session token of a request, from its cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The CSRF token of a session: a hash of the token under another label, so that neither the
/// cookie nor the stored hash can be read from it, and the stored hash does not give it.
pub fn csrf_of(token: &str) -> String {
    achyk_civic::auth::token_hash(&format!("achyk csrf v1\0{token}"))
}

/// The visitor, if signed in (extractor; never fails).
pub struct MaybeViewer(pub Option<Viewer>);

impl FromRequestParts<AppState> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(MaybeViewer(None));
        };
        let hash = achyk_civic::auth::token_hash(&token);
        let Ok(Some(session)) = state.store.session(&hash, now()).await else {
            return Ok(MaybeViewer(None));
        };
        Ok(MaybeViewer(Some(Viewer {
            user: session.user,
            token_hash: hash,
            second_factor: session.second_factor,
            csrf: csrf_of(&token),
        })))
    }
}

/// The viewer if signed in with one of `roles` (and the second factor where the role needs
/// it); otherwise the answer to give.
pub fn require(lang: Lang, viewer: Option<Viewer>, roles: &[Role]) -> Result<Viewer, AppError> {
    let Some(viewer) = viewer else {
        return Err(AppError::LoginNeeded(lang));
    };
    if !viewer.fully_signed_in() {
        return Err(AppError::SecondFactorNeeded(lang));
    }
    if !roles.contains(&viewer.role()) {
        return Err(AppError::Forbidden(lang));
    }
    Ok(viewer)
}

/// Every role.
pub const ANYONE: [Role; 5] = Role::ALL;
pub const MODERATORS: [Role; 2] = [Role::Moderator, Role::Admin];
pub const ADMINS: [Role; 1] = [Role::Admin];

/// Checks a form's CSRF token against the session's.
pub fn check_csrf(lang: Lang, viewer: &Viewer, sent: &str) -> Result<(), AppError> {
    if achyk_civic::auth::same(&viewer.csrf, sent) {
        Ok(())
    } else {
        Err(AppError::Forbidden(lang))
    }
}

/// A `Set-Cookie` value for a new session token (or, with `None`, one that removes it).
pub fn cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = match token {
        Some(token) => format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{secure}"
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).expect("a cookie of ASCII")
}

/// Refuses state-changing requests that come from another site, for every route.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|site| site == "cross-site");
        let foreign_origin = match (
            headers
                .get(header::ORIGIN)
                .and_then(|value| value.to_str().ok()),
            headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok()),
        ) {
            // Pages are sent with `Referrer-Policy: no-referrer`, so browsers send
            // `Origin: null` on their own forms: `Sec-Fetch-Site` decides then.
            (Some("null"), _) => false,
            (Some(origin), Some(host)) => {
                let origin_host = origin.split("://").nth(1).unwrap_or(origin);
                origin_host != host
            }
            _ => false,
        };
        // The open-data API is for other sites' scripts too; it changes nothing a session
        // could be tricked into (reports take no session).
        // Mail clients unsubscribe with a POST of their own (RFC 8058).
        let api = request.uri().path().starts_with("/api/")
            || request.uri().path().starts_with("/unsubscribe/");
        if (cross_site || foreign_origin) && !api {
            return (StatusCode::FORBIDDEN, "cross-site request refused\n").into_response();
        }
    }
    next.run(request).await
}
