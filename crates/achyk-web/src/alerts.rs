//! The alert job: for every follow, what is new since it last looked (new or changed processes
//! matching an organisation, a region or a saved search; a followed process changed or got a
//! new red flag; a followed case took a public step, or its deadline is near or missed), written
//! as notifications in the follower's language; then the mail: at once for `immediate` follows,
//! in one daily message for `digest` ones. Every mail carries one-click unsubscribe links.
//!
//! Each follow's notifications and its new cursor are stored in one transaction, conditional on
//! the cursor read, so a crash or a second job running at once neither loses nor repeats one.

use std::collections::BTreeMap;

use achyk_civic::deadline::{Date, DisplayStatus, display_status};
use achyk_store::{Follow, NewNotification, SearchParams, StoreError};
use serde_json::{Value, json};

use crate::AppState;
use crate::i18n::{Arg, Lang, Tr};

/// At most this many processes are named per follow and run; more are summed up in one line.
const NAMED: usize = 20;
/// A digest goes once its oldest notification is this old (seconds).
const DIGEST_AFTER: i64 = 24 * 3600;
/// "Approaching" is this many working days before the due date, or fewer.
const APPROACHING_DAYS: u32 = 2;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AlertRun {
    pub notifications: usize,
    pub mails: usize,
}

/// The cursor a new follow starts from: everything present now counts as already told.
pub async fn initial_cursor(
    state: &AppState,
    kind: &str,
    target: &str,
) -> Result<String, StoreError> {
    let generation = state.store.data_generation().await?;
    let mut cursor = json!({"generation": generation, "flags": [], "event": 0, "warned": []});
    match kind {
        "process" => {
            let flags: Vec<String> = state
                .store
                .flags_of_process(target)
                .await?
                .into_iter()
                .map(|flag| flag.code)
                .collect();
            cursor["flags"] = json!(flags);
        }
        "case" => {
            if let Ok(id) = target.parse::<i64>() {
                let last = state
                    .store
                    .case_events(id)
                    .await?
                    .last()
                    .map_or(0, |event| event.id);
                cursor["event"] = json!(last);
            }
        }
        "project" => cursor["project"] = project_state(state, target).await?,
        _ => {}
    }
    Ok(cursor.to_string())
}

/// What a project follower was told about: the version received, the published visits, and
/// whether it was late.
async fn project_state(state: &AppState, id: &str) -> Result<Value, StoreError> {
    let (row, _) = state.store.project(id).await?;
    let visits = state.store.visit_summary(id).await?.visits;
    let late = crate::pages::projects::days_late(&row, &crate::pages::projects::today()).is_some();
    Ok(json!({"received_at": row.received_at, "visits": visits, "late": late}))
}

fn base(state: &AppState) -> &str {
    state.public_url.as_deref().unwrap_or("")
}

/// The search a follow of an organisation, a region or a saved search stands for.
fn search_of(follow: &Follow) -> Option<SearchParams> {
    let mut params = match follow.kind.as_str() {
        "organisation" => SearchParams {
            buyer: Some(follow.target.clone()),
            ..SearchParams::default()
        },
        "region" => SearchParams {
            region: Some(follow.target.clone()),
            ..SearchParams::default()
        },
        "search" => {
            let query: crate::query::SearchQuery = serde_urlencoded_query(&follow.target)?;
            query.to_search(100).ok()?
        }
        _ => return None,
    };
    params.page = 0;
    params.per_page = 100;
    params.skip_facets = true;
    params.sort = achyk_store::Sort::Newest;
    Some(params)
}

fn serde_urlencoded_query(text: &str) -> Option<crate::query::SearchQuery> {
    axum::extract::Query::<crate::query::SearchQuery>::try_from_uri(
        &format!("/?{text}").parse().ok()?,
    )
    .ok()
    .map(|query| query.0)
}

/// What is new for one follow: notifications and the new cursor.
async fn news(
    state: &AppState,
    follow: &Follow,
    tr: &Tr,
) -> Result<(Vec<NewNotification>, Value), StoreError> {
    let mut cursor: Value = serde_json::from_str(&follow.cursor).unwrap_or_else(|_| json!({}));
    let seen = cursor["generation"].as_i64().unwrap_or(i64::MAX);
    let lang = tr.lang.code();
    let site = base(state);
    let mut out = Vec::new();
    let generation = state.store.data_generation().await?;
    match follow.kind.as_str() {
        "process" => {
            let ocid = &follow.target;
            let title = state
                .store
                .summaries_of(std::slice::from_ref(ocid))
                .await?
                .first()
                .and_then(|row| row.title.clone())
                .unwrap_or(ocid.clone());
            let link = format!("{site}/{lang}/tenders/{ocid}");
            let changed = state
                .store
                .summary_generations(std::slice::from_ref(ocid))
                .await?
                .iter()
                .any(|(_, generation)| *generation > seen);
            if changed {
                out.push(NewNotification {
                    title: tr.t_with("alert-process-changed", &[("title", Arg::Text(&title))]),
                    link: link.clone(),
                });
            }
            let told: Vec<String> = cursor["flags"]
                .as_array()
                .map(|codes| {
                    codes
                        .iter()
                        .filter_map(|c| c.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let now: Vec<String> = state
                .store
                .flags_of_process(ocid)
                .await?
                .into_iter()
                .map(|flag| flag.code)
                .collect();
            for code in now.iter().filter(|code| !told.contains(code)) {
                out.push(NewNotification {
                    title: tr.t_with(
                        "alert-new-flag",
                        &[
                            ("flag", Arg::Text(&tr.t(&format!("flag-{code}-title")))),
                            ("title", Arg::Text(&title)),
                        ],
                    ),
                    link: link.clone(),
                });
            }
            cursor["flags"] = json!(now);
        }
        "organisation" | "region" | "search" => {
            if let Some(params) = search_of(follow) {
                let rows = state.store.search(&params).await?.rows;
                let ocids: Vec<String> = rows.iter().map(|row| row.ocid.clone()).collect();
                let generations: BTreeMap<String, i64> = state
                    .store
                    .summary_generations(&ocids)
                    .await?
                    .into_iter()
                    .collect();
                let fresh: Vec<_> = rows
                    .iter()
                    .filter(|row| generations.get(&row.ocid).is_some_and(|g| *g > seen))
                    .collect();
                for row in fresh.iter().take(NAMED) {
                    let title = row.title.clone().unwrap_or(row.ocid.clone());
                    out.push(NewNotification {
                        title: tr.t_with("alert-new-process", &[("title", Arg::Text(&title))]),
                        link: format!("{site}/{lang}/tenders/{}", row.ocid),
                    });
                }
                if fresh.len() > NAMED {
                    let more = (fresh.len() - NAMED) as f64;
                    out.push(NewNotification {
                        title: tr.t_with("alert-more", &[("count", Arg::Number(more))]),
                        link: format!("{site}/{lang}/tenders"),
                    });
                }
            }
        }
        "case" => {
            if let Ok(id) = follow.target.parse::<i64>()
                && let Ok(case) = state.store.case(id).await
            {
                let link = format!("{site}/{lang}/cases/{id}");
                let last = cursor["event"].as_i64().unwrap_or(0);
                let events = state.store.case_events(id).await?;
                for event in events.iter().filter(|e| e.id > last && e.public != 0) {
                    out.push(NewNotification {
                        title: tr.t_with(
                            "alert-case-step",
                            &[
                                ("case", Arg::Text(&case.title)),
                                (
                                    "step",
                                    Arg::Text(&tr.t(&format!(
                                        "case-event-{}",
                                        event.kind.replace('_', "-")
                                    ))),
                                ),
                            ],
                        ),
                        link: link.clone(),
                    });
                }
                if let Some(event) = events.last() {
                    cursor["event"] = json!(event.id.max(last));
                }
                let waiting = matches!(
                    case.state.as_str(),
                    "sent" | "awaiting_response" | "escalated"
                );
                if waiting && let Some(due) = case.due_on.as_deref() {
                    let mut warned: Vec<String> = cursor["warned"]
                        .as_array()
                        .map(|w| {
                            w.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    if let Ok(due_day) = Date::parse(due) {
                        let (rules, calendar) = &*state.deadlines;
                        let today = achyk_civic::place::day_in_bishkek(crate::auth::now());
                        let status = display_status(due_day, today, rules, calendar);
                        let key = if status != DisplayStatus::AwaitingResponse {
                            Some(("missed", "alert-deadline-missed"))
                        } else if calendar.working_days_between(today, due_day) <= APPROACHING_DAYS
                        {
                            Some(("approaching", "alert-deadline-approaching"))
                        } else {
                            None
                        };
                        if let Some((kind, message)) = key {
                            let mark = format!("{kind}:{due}");
                            if !warned.contains(&mark) {
                                out.push(NewNotification {
                                    title: tr.t_with(
                                        message,
                                        &[
                                            ("case", Arg::Text(&case.title)),
                                            ("due", Arg::Text(due)),
                                        ],
                                    ),
                                    link: link.clone(),
                                });
                                warned.push(mark);
                            }
                        }
                    }
                    cursor["warned"] = json!(warned);
                }
            }
        }
        "project" => {
            if let Ok((row, _)) = state.store.project(&follow.target).await {
                let told = cursor["project"].clone();
                let now = project_state(state, &follow.target).await?;
                let link = format!(
                    "{site}/{lang}/projects/{}",
                    crate::query::encode(&follow.target)
                );
                let title = Arg::Text(&row.title);
                if now["received_at"].as_i64() > told["received_at"].as_i64() {
                    out.push(NewNotification {
                        title: tr.t_with("alert-project-changed", &[("title", title)]),
                        link: link.clone(),
                    });
                }
                let new_visits =
                    now["visits"].as_i64().unwrap_or(0) - told["visits"].as_i64().unwrap_or(0);
                if new_visits > 0 {
                    out.push(NewNotification {
                        title: tr.t_with(
                            "alert-project-visits",
                            &[("count", Arg::Number(new_visits as f64)), ("title", title)],
                        ),
                        link: link.clone(),
                    });
                }
                if now["late"] == json!(true) && told["late"] != json!(true) {
                    out.push(NewNotification {
                        title: tr.t_with("alert-project-late", &[("title", title)]),
                        link,
                    });
                }
                cursor["project"] = now;
            }
        }
        _ => {}
    }
    // Read before searching: a process written meanwhile is told next time, never lost.
    cursor["generation"] = json!(generation);
    Ok((out, cursor))
}

/// One run: find what is new, then mail what is due.
pub async fn run(state: &AppState) -> Result<AlertRun, StoreError> {
    let now = crate::auth::now();
    let mut run = AlertRun::default();
    let mut languages: BTreeMap<i64, Lang> = BTreeMap::new();
    for follow in state.store.all_follows().await? {
        let lang = match languages.get(&follow.user_id) {
            Some(lang) => *lang,
            None => {
                let lang = state
                    .store
                    .user(follow.user_id)
                    .await
                    .ok()
                    .and_then(|user| Lang::from_code(&user.language))
                    .unwrap_or(Lang::Ky);
                languages.insert(follow.user_id, lang);
                lang
            }
        };
        let tr = Tr::new(lang);
        let (notifications, cursor) = news(state, &follow, &tr).await?;
        let cursor = cursor.to_string();
        if (notifications.is_empty() && cursor == follow.cursor)
            || !state
                .store
                .record_alerts(&follow, &cursor, &notifications, now)
                .await?
        {
            continue;
        }
        run.notifications += notifications.len();
    }
    run.mails = send(state, now).await?;
    Ok(run)
}

/// Mails the notifications that are due; returns how many mails went.
async fn send(state: &AppState, now: i64) -> Result<usize, StoreError> {
    let Some(mailer) = &state.mailer else {
        return Ok(0);
    };
    let unsent = state.store.unsent_notifications().await?;
    let mut by_user: BTreeMap<i64, Vec<achyk_store::Notification>> = BTreeMap::new();
    for notification in unsent {
        by_user
            .entry(notification.user_id)
            .or_default()
            .push(notification);
    }
    let mut mails = 0;
    for (user_id, notifications) in by_user {
        let Ok(user) = state.store.user(user_id).await else {
            continue;
        };
        let Some(address) = user.email.clone() else {
            continue;
        };
        let tr = Tr::new(Lang::from_code(&user.language).unwrap_or(Lang::Ky));
        let follows: BTreeMap<i64, Follow> = state
            .store
            .follows_of(user_id)
            .await?
            .into_iter()
            .map(|follow| (follow.id, follow))
            .collect();
        let unsubscribe = |follow_id: Option<i64>| {
            follow_id
                .and_then(|id| follows.get(&id))
                .map(|follow| format!("{}/unsubscribe/{}", base(state), follow.unsubscribe))
        };
        let (immediate, digest): (Vec<_>, Vec<_>) = notifications
            .into_iter()
            .partition(|notification| notification.mode == "immediate");
        for notification in immediate {
            let link = unsubscribe(notification.follow_id);
            let body = format!(
                "{}\n{}\n\n{}\n{}\n",
                notification.title,
                notification.link,
                tr.t("alert-unsubscribe"),
                link.clone().unwrap_or_default()
            );
            if mailer
                .send_alert(&address, &notification.title, &body, link.as_deref())
                .await
                .is_ok()
            {
                state.store.mark_sent(&[notification.id], now).await?;
                mails += 1;
            }
        }
        let due = digest
            .first()
            .is_some_and(|oldest| oldest.created_at <= now - DIGEST_AFTER);
        if due {
            let mut body = String::new();
            let mut links = Vec::new();
            for notification in &digest {
                body.push_str(&format!(
                    "- {}\n  {}\n",
                    notification.title, notification.link
                ));
                if let Some(link) = unsubscribe(notification.follow_id)
                    && !links.contains(&link)
                {
                    links.push(link);
                }
            }
            body.push_str(&format!(
                "\n{}\n{}\n",
                tr.t("alert-unsubscribe"),
                links.join("\n")
            ));
            let subject = tr.t_with(
                "alert-digest-subject",
                &[("count", Arg::Number(digest.len() as f64))],
            );
            let one = (links.len() == 1).then(|| links[0].clone());
            if mailer
                .send_alert(&address, &subject, &body, one.as_deref())
                .await
                .is_ok()
            {
                let ids: Vec<i64> = digest.iter().map(|n| n.id).collect();
                state.store.mark_sent(&ids, now).await?;
                mails += 1;
            }
        }
    }
    Ok(mails)
}
