//! What `achyk demo` adds so that the civic side can be tried at once: a directory of public
//! bodies (the buyers of flagged processes, and two oversight bodies), three accounts (admin,
//! moderator, monitor) whose passwords are written to `demo-accounts.txt` in the demo folder,
//! and a few reports, one published with a case that is overdue. Only on a database without
//! accounts, so a second demo run changes nothing.

use std::path::Path;

use achyk_store::{
    CaseStep, Moderation, NewCase, NewReport, NewUser, OrgId, PublicBody, ReportChange, Role,
    SearchParams, Store,
};
use anyhow::Context;

/// Passwords and second-factor keys of the demo accounts (demo only).
pub struct DemoAccounts {
    pub lines: Vec<String>,
}

async fn account(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    now: i64,
) -> anyhow::Result<(i64, String)> {
    let (password, _) = achyk_civic::auth::new_token()?;
    let password = password[..16].to_owned();
    let id = store
        .create_user(
            &NewUser {
                email: email.into(),
                password_hash: achyk_civic::auth::hash_password(&password)?,
                display_name: name.into(),
                language: "ky".into(),
                role,
            },
            now,
        )
        .await?;
    Ok((id, password))
}

pub async fn seed(store: &Store, dir: &Path) -> anyhow::Result<Option<DemoAccounts>> {
    if !store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut lines = Vec::new();
    let (admin, admin_password) =
        account(store, "admin@demo.kg", "Demo admin", Role::Admin, now).await?;
    let (moderator, moderator_password) = account(
        store,
        "moderator@demo.kg",
        "Demo moderator",
        Role::Moderator,
        now,
    )
    .await?;
    let (monitor, monitor_password) =
        account(store, "monitor@demo.kg", "Demo monitor", Role::Monitor, now).await?;
    for (id, email, password) in [
        (admin, "admin@demo.kg", &admin_password),
        (moderator, "moderator@demo.kg", &moderator_password),
    ] {
        let secret = achyk_civic::auth::new_totp_secret()?;
        store.set_totp(id, Some(&secret), true).await?;
        lines.push(format!(
            "{email}  password {password}  authenticator key {secret}"
        ));
    }
    lines.push(format!("monitor@demo.kg  password {monitor_password}"));

    // The directory: the buyers of the riskiest processes, and two oversight bodies.
    let flagged = store
        .search(&SearchParams {
            flag: Some("any".into()),
            per_page: 40,
            skip_facets: true,
            ..SearchParams::default()
        })
        .await?
        .rows;
    let mut bodies = std::collections::BTreeMap::new();
    for row in &flagged {
        let Some(buyer) = &row.buyer_id else { continue };
        if bodies.contains_key(buyer) {
            continue;
        }
        let Ok(organisation) = store.organisation(&OrgId::from(buyer.as_str())).await else {
            continue;
        };
        let name = organisation.name.clone().unwrap_or(buyer.clone());
        let id = store
            .save_public_body(&PublicBody {
                organisation: Some(buyer.clone()),
                name_ky: organisation.name_ky.clone().unwrap_or(name.clone()),
                name_ru: name.clone(),
                name_en: name,
                ..PublicBody::default()
            })
            .await?;
        bodies.insert(buyer.clone(), id);
    }
    for (ky, ru, en) in [
        (
            "Кыргыз Республикасынын Эсептөө палатасы",
            "Счётная палата Кыргызской Республики",
            "Chamber of Accounts of the Kyrgyz Republic",
        ),
        (
            "Кыргыз Республикасынын Башкы прокуратурасы",
            "Генеральная прокуратура Кыргызской Республики",
            "Prosecutor General's Office of the Kyrgyz Republic",
        ),
    ] {
        store
            .save_public_body(&PublicBody {
                name_ky: ky.into(),
                name_ru: ru.into(),
                name_en: en.into(),
                oversight: 1,
                ..PublicBody::default()
            })
            .await?;
    }

    // Reports on three flagged processes: one published with a case sent by hand on
    // 2 November 2026 (due 23 November), one waiting for a moderator, one in review.
    let texts = [
        (
            "work_not_done",
            "Акча төлөнүп бүткөн, бирок келишим боюнча эч нерсе жеткирилген жок.",
            "Акча төлөнүп бүткөн, бирок келишим боюнча эч нерсе жеткирилген жок.",
        ),
        (
            "poor_quality",
            "Жеткирилген буюмдар бир айдан кийин бузулуп калды. Менин телефонум 0555 000 000.",
            "",
        ),
        (
            "price_too_high",
            "Цена за материалы в три раза выше рыночной.",
            "",
        ),
    ];
    let mut published = None;
    for (n, (row, (category, text, public))) in flagged.iter().zip(texts).enumerate() {
        let code = achyk_civic::receipt::ReceiptCode::generate()?;
        let id = store
            .create_report(&NewReport {
                receipt_hash: format!("demo-{n}-{}", code.canonical()),
                category: category.into(),
                body: text.into(),
                ocid: Some(row.ocid.clone()),
                region: row.region.clone(),
                disclosure: "anonymous".into(),
                received_on: "2026-10-30".into(),
                ..NewReport::default()
            })
            .await?;
        if n == 1 {
            continue;
        }
        let by = |action| Moderation {
            actor: moderator,
            action,
            reason: "demo",
            at: now,
        };
        let review = ReportChange {
            state: Some("in_review".into()),
            ..ReportChange::default()
        };
        store
            .moderate_report(id, "received", by("review"), &review)
            .await?;
        if !public.is_empty() {
            let publish = ReportChange {
                state: Some("published".into()),
                public_text: Some(Some(public.into())),
                published_on: Some("2026-10-31".into()),
                ..ReportChange::default()
            };
            store
                .moderate_report(id, "in_review", by("publish"), &publish)
                .await?;
            published = Some((id, row.clone()));
        }
    }
    if let Some((report, row)) = published
        && let Some(body) = row.buyer_id.as_ref().and_then(|buyer| bodies.get(buyer))
    {
        let case = store
            .create_case(
                &NewCase {
                    opened_by: monitor,
                    body_id: *body,
                    ocid: Some(row.ocid.clone()),
                    title: row.title.clone().unwrap_or(row.ocid.clone()),
                    legal_basis: "Кыргыз Республикасынын 2007-жылдын 4-майындагы № 67 Мыйзамы"
                        .into(),
                    request: "Келишим качан жана кандай көлөмдө аткарыларын түшүндүрүп \
                              берүүңүздү суранабыз."
                        .into(),
                    evidence: format!("Жарандын билдирүүсү #{report}"),
                    letter_language: "ky".into(),
                    opened_on: "2026-11-01".into(),
                    reports: vec![report],
                    flags: Vec::new(),
                    cso_id: None,
                    organisation: None,
                },
                now,
            )
            .await?;
        // 2 November 2026 (Monday): registered the 3rd, answer due on 23 November.
        store
            .case_step(
                case,
                "prepared",
                &CaseStep {
                    actor: Some(monitor),
                    kind: "send".into(),
                    state: "awaiting_response".into(),
                    day: "2026-11-02".into(),
                    at: now,
                    public: true,
                    channel: Some("hand".into()),
                    clock: Some(("2026-11-02".into(), "2026-11-23".into(), None)),
                    ..CaseStep::default()
                },
            )
            .await?;
    }
    let path = dir.join("demo-accounts.txt");
    std::fs::write(&path, lines.join("\n") + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(DemoAccounts { lines }))
}
