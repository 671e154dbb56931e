//! What the web tests share: a database holding the feed sample (`achyk-kg/tests/fixtures/feed`),
//! imported through the real import and normaliser.

use std::path::Path;

use achyk_store::Store;

/// A migrated SQLite database in `directory` holding the sample's two pages.
pub async fn sample_store(directory: &Path) -> Store {
    let url = format!("sqlite://{}", directory.join("sample.db").display());
    let store = Store::connect(&url)
        .await
        .unwrap()
        .with_normaliser(std::sync::Arc::new(
            achyk_kg::normalise::StoreNormaliser::default(),
        ));
    store.migrate().await.unwrap();
    let feed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../achyk-kg/tests/fixtures/feed");
    let pages: Vec<(String, Vec<u8>)> = ["page-1.json", "page-2.json"]
        .iter()
        .map(|page| (page.to_string(), std::fs::read(feed.join(page)).unwrap()))
        .collect();
    let inputs: Vec<(&str, &[u8])> = pages
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    store.import_publications(&inputs).await.unwrap();
    store
}

/// A user with `role` and a session that passed its second factor, straight in the store:
/// (their id, the session cookie's token).
#[allow(dead_code)]
pub async fn signed_in(store: &Store, email: &str, role: achyk_store::Role) -> (i64, String) {
    let id = store
        .create_user(
            &achyk_store::NewUser {
                email: email.into(),
                password_hash: "x".into(),
                display_name: format!("{} person", role.as_str()),
                language: "ru".into(),
                role,
            },
            1,
        )
        .await
        .unwrap();
    let token = format!("token-{id}");
    let now = achyk_web::auth::now();
    store
        .create_session(
            &achyk_civic::auth::token_hash(&token),
            id,
            true,
            now,
            now + 3600,
        )
        .await
        .unwrap();
    (id, token)
}
