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
