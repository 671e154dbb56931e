//! Accounts, sessions and login throttling, on SQLite and (when a server is named) PostgreSQL.
//! Expected values come from the inputs and the documented policy (5 failures in 15 minutes
//! lock an account for 15 minutes).

mod common;

use achyk_store::{NewUser, Profile, Role, StoreError};
use common::{Databases, TestDb};

both_backends!(
    emails_are_unique_whatever_their_case,
    sessions_are_found_by_hash_until_they_expire,
    five_failures_in_the_window_lock_the_account,
    failures_outside_the_window_do_not_add_up,
    a_totp_step_is_accepted_once,
    deleting_an_account_clears_personal_data_and_sessions,
    roles_organisations_and_profiles_are_kept,
);

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
        display_name: "Айгүл".into(),
        language: "ky".into(),
        role: Role::Citizen,
    }
}

async fn emails_are_unique_whatever_their_case(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("Aigul@Example.kg"), 100)
        .await
        .unwrap();
    let again = store.create_user(&new_user("aigul@example.KG"), 101).await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let found = store
        .user_by_email(" AIGUL@example.kg ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, id);
    assert_eq!(found.email.as_deref(), Some("Aigul@Example.kg"));
    assert_eq!(found.role, Role::Citizen);
    assert_eq!(found.created_at, 100);
    assert!(
        store
            .user_by_email("other@example.kg")
            .await
            .unwrap()
            .is_none()
    );
}

async fn sessions_are_found_by_hash_until_they_expire(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    store
        .create_session("hash-1", id, false, 10, 20)
        .await
        .unwrap();
    let session = store.session("hash-1", 19).await.unwrap().unwrap();
    assert_eq!(session.user.id, id);
    assert!(!session.second_factor);
    assert!(
        store.session("hash-1", 20).await.unwrap().is_none(),
        "expired at 20"
    );
    assert!(store.session("hash-2", 15).await.unwrap().is_none());
    store.delete_session("hash-1").await.unwrap();
    assert!(store.session("hash-1", 15).await.unwrap().is_none());
    store
        .create_session("hash-3", id, true, 10, 20)
        .await
        .unwrap();
    store
        .create_session("hash-4", id, true, 10, 20)
        .await
        .unwrap();
    store.delete_user_sessions(id).await.unwrap();
    assert!(store.session("hash-3", 15).await.unwrap().is_none());
    assert!(store.session("hash-4", 15).await.unwrap().is_none());
}

async fn five_failures_in_the_window_lock_the_account(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    let start = 1_000_000;
    for attempt in 0..4 {
        let locked = store
            .record_login_failure(id, start + attempt * 60)
            .await
            .unwrap();
        assert_eq!(locked, None, "failure {} must not lock", attempt + 1);
    }
    // The fifth failure, 4 minutes after the first: locked for 15 minutes from now.
    let fifth = start + 240;
    assert_eq!(
        store.record_login_failure(id, fifth).await.unwrap(),
        Some(fifth + 900)
    );
    assert_eq!(
        store.login_locked_until(id, fifth + 899).await.unwrap(),
        Some(fifth + 900)
    );
    assert_eq!(
        store.login_locked_until(id, fifth + 900).await.unwrap(),
        None
    );
    store.clear_login_failures(id).await.unwrap();
    assert_eq!(store.login_locked_until(id, fifth + 1).await.unwrap(), None);
}

async fn failures_outside_the_window_do_not_add_up(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    // Four failures, then four more 15 minutes later: never five within one window.
    for attempt in 0..4 {
        assert_eq!(store.record_login_failure(id, attempt).await.unwrap(), None);
    }
    for attempt in 0..4 {
        assert_eq!(
            store.record_login_failure(id, 900 + attempt).await.unwrap(),
            None
        );
    }
    assert_eq!(
        store.record_login_failure(id, 904).await.unwrap(),
        Some(904 + 900)
    );
}

async fn a_totp_step_is_accepted_once(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    store
        .set_totp(id, Some("JBSWY3DPEHPK3PXP"), true)
        .await
        .unwrap();
    assert!(store.consume_totp_step(id, 5).await.unwrap());
    assert!(!store.consume_totp_step(id, 5).await.unwrap(), "replay");
    assert!(
        !store.consume_totp_step(id, 4).await.unwrap(),
        "an older step"
    );
    assert!(store.consume_totp_step(id, 6).await.unwrap());
    let user = store.user(id).await.unwrap();
    assert!(user.totp_enabled);
    assert_eq!(user.totp_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
}

async fn deleting_an_account_clears_personal_data_and_sessions(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    store
        .set_profile(
            id,
            &Profile {
                display_name: "Aigul".into(),
                language: "ru".into(),
                gender: Some("female".into()),
                age_group: Some("25-34".into()),
            },
        )
        .await
        .unwrap();
    store
        .set_totp(id, Some("JBSWY3DPEHPK3PXP"), true)
        .await
        .unwrap();
    store.create_session("h", id, true, 0, 100).await.unwrap();
    store.record_login_failure(id, 1).await.unwrap();
    store.delete_user(id, 50).await.unwrap();
    let user = store.user(id).await.unwrap();
    assert_eq!(user.email, None);
    assert_eq!(user.password_hash, None);
    assert_eq!(user.display_name, "");
    assert_eq!(user.totp_secret, None);
    assert_eq!(user.gender, None);
    assert_eq!(user.age_group, None);
    assert_eq!(user.deleted_at, Some(50));
    assert!(store.session("h", 10).await.unwrap().is_none());
    assert!(store.user_by_email("a@example.kg").await.unwrap().is_none());
    // The address is free again.
    store
        .create_user(&new_user("a@example.kg"), 60)
        .await
        .unwrap();
    assert!(matches!(
        store.delete_user(id, 70).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn roles_organisations_and_profiles_are_kept(db: &TestDb) {
    let store = &db.store().await;
    let id = store
        .create_user(&new_user("a@example.kg"), 0)
        .await
        .unwrap();
    let cso = store
        .create_cso(["Ачык коом", "Открытое общество", "Open Society"], 0)
        .await
        .unwrap();
    store
        .set_role(id, Role::Monitor, Some(cso), None)
        .await
        .unwrap();
    let user = store.user(id).await.unwrap();
    assert_eq!((user.role, user.cso_id), (Role::Monitor, Some(cso)));
    store
        .set_role(id, Role::Official, None, Some("KG-INN-01234567890123"))
        .await
        .unwrap();
    let user = store.user(id).await.unwrap();
    assert_eq!(user.role, Role::Official);
    assert_eq!(user.cso_id, None);
    assert_eq!(user.public_body.as_deref(), Some("KG-INN-01234567890123"));
    let csos = store.list_csos().await.unwrap();
    assert_eq!(csos.len(), 1);
    assert_eq!(csos[0].name_ky, "Ачык коом");
    assert_eq!(store.list_users().await.unwrap().len(), 1);
    assert!(matches!(
        store.set_password_hash(9999, "x").await,
        Err(StoreError::NotFound { .. })
    ));
}
