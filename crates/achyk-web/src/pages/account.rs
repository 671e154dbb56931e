//! Accounts: register (citizens), sign in (with throttling per account), the one-time code of
//! the second factor, set-up of TOTP, sign out, export and deletion.
//!
//! A wrong address and a wrong password get the same answer after the same work (a decoy hash
//! is verified for unknown addresses). Five failures in fifteen minutes lock an account for
//! fifteen minutes, whoever tries: nothing about the sender is kept.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, private_page as html, store_error};
use crate::AppState;
use crate::auth::{self, ANYONE, MaybeViewer, Viewer};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use achyk_civic::auth as civic_auth;
use achyk_store::{NewUser, Role, StoreError};

pub struct Field {
    pub label: String,
    pub name: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
}

impl Field {
    fn new(
        tr: &Tr,
        label: &str,
        name: &'static str,
        kind: &'static str,
        auto: &'static str,
    ) -> Self {
        Field {
            label: tr.t(label),
            name,
            kind,
            value: String::new(),
            autocomplete: auto,
            required: true,
        }
    }
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub intro: Vec<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub submit: String,
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    role: String,
    two_factor: String,
    links: Vec<(String, String)>,
    csrf: String,
    languages: Vec<super::tenders::Choice>,
    genders: Vec<super::tenders::Choice>,
    age_groups: Vec<super::tenders::Choice>,
}

/// Choices with a blank "prefer not to say" first, labelled `{prefix}-{value}`.
fn optional_choices(
    tr: &Tr,
    prefix: &str,
    values: &[&str],
    selected: Option<&str>,
) -> Vec<super::tenders::Choice> {
    let mut out = vec![super::tenders::Choice {
        value: String::new(),
        label: tr.t(&format!("{prefix}-none")),
        selected: selected.is_none(),
    }];
    out.extend(values.iter().map(|value| super::tenders::Choice {
        value: (*value).to_owned(),
        label: tr.t(&format!("{prefix}-{}", value.replace('_', "-"))),
        selected: selected == Some(*value),
    }));
    out
}

fn login_page(lang: Lang, error: Option<String>, email: &str) -> FormPage {
    let tr = Tr::new(lang);
    let mut email_field = Field::new(&tr, "account-email", "email", "email", "username");
    email_field.value = email.to_owned();
    FormPage {
        chrome: Chrome::new(lang, tr.t("account-sign-in"), Some("/login".into())),
        intro: vec![tr.t("account-sign-in-text")],
        code: None,
        error,
        action: format!("/{}/login", lang.code()),
        hidden: Vec::new(),
        fields: vec![
            email_field,
            Field::new(
                &tr,
                "account-password",
                "password",
                "password",
                "current-password",
            ),
        ],
        submit: tr.t("account-sign-in"),
        links: vec![(
            format!("/{}/register", lang.code()),
            tr.t("account-register"),
        )],
    }
}

/// `GET /{lang}/login`.
pub async fn login_form(Path(lang): Path<String>) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    html(lang, StatusCode::OK, login_page(lang, None, ""))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Starts a session for `user` and answers with its cookie and a redirect to `to`.
async fn start_session(
    state: &AppState,
    lang: Lang,
    user_id: i64,
    second_factor: bool,
    to: String,
) -> Result<Response, AppError> {
    let (token, hash) = civic_auth::new_token().map_err(|error| AppError::internal(lang, error))?;
    let now = auth::now();
    state
        .store
        .create_session(
            &hash,
            user_id,
            second_factor,
            now,
            now + auth::SESSION_SECONDS,
        )
        .await
        .map_err(store_error(lang))?;
    let mut response = Redirect::to(&to).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::cookie(Some(&token), state.secure_cookies),
    );
    Ok(response)
}

/// `POST /{lang}/login`.
pub async fn login(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let now = auth::now();
    let refused = |message: &str| {
        html(
            lang,
            StatusCode::UNAUTHORIZED,
            login_page(lang, Some(tr.t(message)), &form.email),
        )
    };
    let user = state
        .store
        .user_by_email(&form.email)
        .await
        .map_err(store_error(lang))?;
    let Some(user) = user else {
        // The same work as for a wrong password.
        civic_auth::verify_password(&form.password, civic_auth::decoy_hash());
        return refused("account-error-sign-in");
    };
    if state
        .store
        .login_locked_until(user.id, now)
        .await
        .map_err(store_error(lang))?
        .is_some()
    {
        return refused("account-error-locked");
    }
    let stored = user.password_hash.clone().unwrap_or_default();
    if !civic_auth::verify_password(&form.password, &stored) {
        let locked = state
            .store
            .record_login_failure(user.id, now)
            .await
            .map_err(store_error(lang))?;
        return refused(if locked.is_some() {
            "account-error-locked"
        } else {
            "account-error-sign-in"
        });
    }
    state
        .store
        .clear_login_failures(user.id)
        .await
        .map_err(store_error(lang))?;
    let needs_code = user.role.needs_second_factor() || user.totp_enabled;
    let to = if !needs_code {
        format!("/{}/account", lang.code())
    } else if user.totp_enabled {
        format!("/{}/login/code", lang.code())
    } else {
        format!("/{}/account/totp", lang.code())
    };
    start_session(&state, lang, user.id, !needs_code, to).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

fn code_page(lang: Lang, viewer: &Viewer, error: Option<String>) -> FormPage {
    let tr = Tr::new(lang);
    FormPage {
        chrome: Chrome::new(lang, tr.t("account-code-title"), Some("/login/code".into())),
        intro: vec![tr.t("account-code-text")],
        code: None,
        error,
        action: format!("/{}/login/code", lang.code()),
        hidden: vec![("csrf", viewer.csrf.clone())],
        fields: vec![Field::new(
            &tr,
            "account-code",
            "code",
            "text",
            "one-time-code",
        )],
        submit: tr.t("account-code-check"),
        links: Vec::new(),
    }
}

/// A session that has signed in with a password but not yet with its second factor.
fn pending(lang: Lang, viewer: Option<Viewer>) -> Result<Viewer, AppError> {
    viewer.ok_or(AppError::LoginNeeded(lang))
}

/// `GET /{lang}/login/code`.
pub async fn code_form(
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = pending(lang, viewer)?;
    if !viewer.user.totp_enabled {
        return Ok(Redirect::to(&format!("/{}/account/totp", lang.code())).into_response());
    }
    html(lang, StatusCode::OK, code_page(lang, &viewer, None))
}

/// Checks a one-time code for `viewer`'s secret; a code works once.
async fn code_ok(
    state: &AppState,
    lang: Lang,
    viewer: &Viewer,
    secret: &str,
    code: &str,
) -> Result<bool, AppError> {
    let Some(step) = civic_auth::totp_matching_step(secret, code, auth::now()) else {
        return Ok(false);
    };
    state
        .store
        .consume_totp_step(viewer.user.id, step)
        .await
        .map_err(store_error(lang))
}

/// `POST /{lang}/login/code`.
pub async fn code(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = pending(lang, viewer)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let secret = viewer.user.totp_secret.clone().unwrap_or_default();
    if !viewer.user.totp_enabled || !code_ok(&state, lang, &viewer, &secret, &form.code).await? {
        let tr = Tr::new(lang);
        let page = code_page(lang, &viewer, Some(tr.t("account-error-code")));
        return html(lang, StatusCode::UNAUTHORIZED, page);
    }
    state
        .store
        .mark_second_factor(&viewer.token_hash)
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/account", lang.code())).into_response())
}

fn totp_page(lang: Lang, viewer: &Viewer, secret: &str, error: Option<String>) -> FormPage {
    let tr = Tr::new(lang);
    let account = viewer.user.email.clone().unwrap_or_default();
    FormPage {
        chrome: Chrome::new(
            lang,
            tr.t("account-totp-title"),
            Some("/account/totp".into()),
        ),
        intro: vec![
            tr.t("account-totp-text"),
            civic_auth::otpauth_uri(secret, &account),
        ],
        code: Some(secret.to_owned()),
        error,
        action: format!("/{}/account/totp", lang.code()),
        hidden: vec![("csrf", viewer.csrf.clone())],
        fields: vec![Field::new(
            &tr,
            "account-code",
            "code",
            "text",
            "one-time-code",
        )],
        submit: tr.t("account-totp-turn-on"),
        links: Vec::new(),
    }
}

/// `GET /{lang}/account/totp`: a new secret to set up (kept off until a code confirms it).
pub async fn totp_form(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = pending(lang, viewer)?;
    if viewer.user.totp_enabled {
        return Ok(Redirect::to(&format!("/{}/account", lang.code())).into_response());
    }
    let secret = match &viewer.user.totp_secret {
        Some(secret) => secret.clone(),
        None => {
            let secret =
                civic_auth::new_totp_secret().map_err(|error| AppError::internal(lang, error))?;
            state
                .store
                .set_totp(viewer.user.id, Some(&secret), false)
                .await
                .map_err(store_error(lang))?;
            secret
        }
    };
    html(
        lang,
        StatusCode::OK,
        totp_page(lang, &viewer, &secret, None),
    )
}

/// `POST /{lang}/account/totp`: a code from the app turns the second factor on.
pub async fn totp(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = pending(lang, viewer)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    if viewer.user.totp_enabled {
        return Ok(Redirect::to(&format!("/{}/account", lang.code())).into_response());
    }
    let Some(secret) = viewer.user.totp_secret.clone() else {
        return Ok(Redirect::to(&format!("/{}/account/totp", lang.code())).into_response());
    };
    if !code_ok(&state, lang, &viewer, &secret, &form.code).await? {
        let tr = Tr::new(lang);
        let page = totp_page(lang, &viewer, &secret, Some(tr.t("account-error-code")));
        return html(lang, StatusCode::UNAUTHORIZED, page);
    }
    // The step just used stays recorded: the same code cannot sign in again.
    state
        .store
        .enable_totp(viewer.user.id)
        .await
        .map_err(store_error(lang))?;
    state
        .store
        .mark_second_factor(&viewer.token_hash)
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/account", lang.code())).into_response())
}

fn register_page(lang: Lang, error: Option<String>, form: &RegisterForm) -> FormPage {
    let tr = Tr::new(lang);
    let mut name = Field::new(&tr, "account-name", "name", "text", "nickname");
    name.value = form.name.clone();
    let mut email = Field::new(&tr, "account-email", "email", "email", "username");
    email.value = form.email.clone();
    FormPage {
        chrome: Chrome::new(lang, tr.t("account-register"), Some("/register".into())),
        intro: vec![tr.t("account-register-text")],
        code: None,
        error,
        action: format!("/{}/register", lang.code()),
        hidden: Vec::new(),
        fields: vec![
            name,
            email,
            Field::new(
                &tr,
                "account-new-password",
                "password",
                "password",
                "new-password",
            ),
        ],
        submit: tr.t("account-register"),
        links: vec![(format!("/{}/login", lang.code()), tr.t("account-sign-in"))],
    }
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `GET /{lang}/register`.
pub async fn register_form(Path(lang): Path<String>) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    html(
        lang,
        StatusCode::OK,
        register_page(lang, None, &RegisterForm::default()),
    )
}

/// `POST /{lang}/register`: a citizen account (other roles are given by an admin).
pub async fn register(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let tr = Tr::new(lang);
    let refuse = |message: &str, form: &RegisterForm| {
        html(
            lang,
            StatusCode::BAD_REQUEST,
            register_page(lang, Some(tr.t(message)), form),
        )
    };
    let email = form.email.trim();
    if form.name.trim().is_empty() || form.name.chars().count() > 100 {
        return refuse("account-error-name", &form);
    }
    if !email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace) {
        return refuse("account-error-email", &form);
    }
    if form.password.chars().count() < civic_auth::MIN_PASSWORD {
        return refuse("account-error-password", &form);
    }
    let hash = civic_auth::hash_password(&form.password)
        .map_err(|error| AppError::internal(lang, error))?;
    let user = NewUser {
        email: email.to_owned(),
        password_hash: hash,
        display_name: form.name.trim().to_owned(),
        language: lang.code().to_owned(),
        role: Role::Citizen,
    };
    match state.store.create_user(&user, auth::now()).await {
        Ok(id) => start_session(&state, lang, id, true, format!("/{}/account", lang.code())).await,
        Err(StoreError::Conflict { .. }) => refuse("account-error-taken", &form),
        Err(error) => Err(AppError::from_store(lang, error)),
    }
}

/// `GET /{lang}/account`.
pub async fn page(
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    let tr = Tr::new(lang);
    let mut links = vec![
        (
            format!("/{}/account/follows", lang.code()),
            tr.t("follows-title"),
        ),
        (
            format!("/{}/account/export", lang.code()),
            tr.t("account-export"),
        ),
    ];
    if !viewer.user.totp_enabled {
        links.push((
            format!("/{}/account/totp", lang.code()),
            tr.t("account-totp-title"),
        ));
    }
    if matches!(viewer.role(), Role::Moderator | Role::Admin) {
        links.push((
            format!("/{}/moderation", lang.code()),
            tr.t("moderation-title"),
        ));
    }
    if matches!(viewer.role(), Role::Monitor | Role::Admin) {
        links.push((
            format!("/{}/monitor/reports", lang.code()),
            tr.t("monitor-reports-title"),
        ));
        links.push((format!("/{}/cases/new", lang.code()), tr.t("case-new")));
        links.push((format!("/{}/projects/new", lang.code()), tr.t("make-title")));
    }
    if matches!(viewer.role(), Role::Monitor | Role::Official) {
        let key = if viewer.role() == Role::Official {
            "cases-to-your-body"
        } else {
            "cases-yours"
        };
        links.push((format!("/{}/cases#yours", lang.code()), tr.t(key)));
    }
    if viewer.role() == Role::Admin {
        links.push((
            format!("/{}/admin/bodies", lang.code()),
            tr.t("bodies-title"),
        ));
        links.push((format!("/{}/admin/audit", lang.code()), tr.t("audit-title")));
    }
    let page = AccountPage {
        chrome: Chrome::new(lang, tr.t("account-title"), Some("/account".into())),
        name: viewer.user.display_name.clone(),
        email: viewer.user.email.clone().unwrap_or_default(),
        role: tr.t(&format!("role-{}", viewer.role().as_str())),
        two_factor: tr.t(if viewer.user.totp_enabled {
            "account-two-factor-on"
        } else {
            "account-two-factor-off"
        }),
        links,
        csrf: viewer.csrf.clone(),
        languages: Lang::ALL
            .iter()
            .map(|language| super::tenders::Choice {
                value: language.code().to_owned(),
                label: language.own_name().to_owned(),
                selected: viewer.user.language == language.code(),
            })
            .collect(),
        genders: optional_choices(
            &tr,
            "report-gender",
            &crate::reports::GENDERS,
            viewer.user.gender.as_deref(),
        ),
        age_groups: optional_choices(
            &tr,
            "report-age",
            &crate::reports::AGE_GROUPS,
            viewer.user.age_group.as_deref(),
        ),
    };
    html(lang, StatusCode::OK, page)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /{lang}/logout`.
pub async fn logout(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = pending(lang, viewer)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    state
        .store
        .delete_session(&viewer.token_hash)
        .await
        .map_err(store_error(lang))?;
    let mut response = Redirect::to(&format!("/{}/", lang.code())).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::cookie(None, state.secure_cookies));
    Ok(response)
}

/// `GET /{lang}/account/export`: everything stored about the account, as JSON.
pub async fn export(
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    let user = &viewer.user;
    let body = serde_json::json!({
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "role": user.role.as_str(),
        "cso_id": user.cso_id,
        "public_body": user.public_body,
        "two_factor": user.totp_enabled,
        "gender": user.gender,
        "age_group": user.age_group,
        "created_at": user.created_at,
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"achyk-account.json\"",
            ),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response())
}

/// `POST /{lang}/account/delete`: with the password, the account is anonymised and signed out.
pub async fn delete(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let stored = viewer.user.password_hash.clone().unwrap_or_default();
    if !civic_auth::verify_password(&form.password, &stored) {
        return Err(AppError::Forbidden(lang));
    }
    state
        .store
        .delete_user(viewer.user.id, auth::now())
        .await
        .map_err(store_error(lang))?;
    let mut response = Redirect::to(&format!("/{}/", lang.code())).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::cookie(None, state.secure_cookies));
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    age_group: String,
}

/// `POST /{lang}/account/profile`: name, language of the mail, and the optional, self-declared
/// gender and age group (counted only in totals).
pub async fn profile(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    MaybeViewer(viewer): MaybeViewer,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let lang = super::language(&lang)?;
    let viewer = auth::require(lang, viewer, &ANYONE)?;
    auth::check_csrf(lang, &viewer, &form.csrf)?;
    let bad = |field: &str| AppError::BadRequest {
        lang,
        message: field.to_owned(),
    };
    let name = form.display_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("display_name"));
    }
    let language = Lang::from_code(&form.language).ok_or_else(|| bad("language"))?;
    let pick = |value: &str, allowed: &[&str], field: &str| -> Result<Option<String>, AppError> {
        match value.trim() {
            "" => Ok(None),
            value if allowed.contains(&value) => Ok(Some(value.to_owned())),
            _ => Err(bad(field)),
        }
    };
    let profile = achyk_store::Profile {
        display_name: name.to_owned(),
        language: language.code().to_owned(),
        gender: pick(&form.gender, &crate::reports::GENDERS, "gender")?,
        age_group: pick(&form.age_group, &crate::reports::AGE_GROUPS, "age_group")?,
    };
    state
        .store
        .set_profile(viewer.user.id, &profile)
        .await
        .map_err(store_error(lang))?;
    Ok(Redirect::to(&format!("/{}/account", lang.code())).into_response())
}
