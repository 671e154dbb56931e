//! `achyk demo [--listen ADDR] [--dir DIR] [--processes N] [--seed S] [--tiles DIR]
//! [--tiles-attribution TEXT]`: the first command to
//! run on a fresh machine. It generates a synthetic Kyrgyz feed (the same generator as
//! `achyk generate`), imports it into an embedded SQLite database in DIR (a new temporary
//! folder by default, kept afterwards so it can be explored), says what it loaded, and serves
//! the web site on it, printing the URL.
//!
//! Everything the demo stores lives in DIR: `feed/` (the generated API pages), `achyk.db`,
//! `bulk/` (the bulk files the site serves).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use achyk_store::Store;
use anyhow::Context;

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Address the site listens on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Load the data and say how to explore it, but do not serve the site.
    #[arg(long)]
    pub no_serve: bool,
    /// Folder for everything the demo stores (created if missing); default: a new temporary
    /// folder, kept afterwards.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Contracting processes to generate.
    #[arg(long, default_value_t = 3_000)]
    pub processes: u64,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub tiles: super::serve::TilesArgs,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let tiles = args.tiles.open()?;
    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            dir.clone()
        }
        None => tempfile::Builder::new()
            .prefix("achyk-demo-")
            .tempdir()
            .context("cannot create a temporary folder")?
            .keep(),
    };
    let feed = dir.join("feed");
    let database_path = dir.join("achyk.db");
    let url = format!("sqlite://{}", database_path.display());

    eprintln!(
        "achyk demo: generating {} processes (seed {}) in {}",
        args.processes,
        args.seed,
        feed.display()
    );
    let pages = generate_feed(&feed, args.processes, args.seed)?;
    eprintln!("achyk demo: importing {} pages into {url}", pages.len());
    let import = super::import::ImportArgs {
        files: pages,
        database: super::DatabaseArg { url: url.clone() },
        normalise: super::NormaliseArg { status_table: None },
    };
    let code = super::import::run(import)?;
    if code != ExitCode::SUCCESS {
        anyhow::bail!("the generated feed did not import cleanly (see above)");
    }
    let bulk = dir.join("bulk");
    super::block_on(async {
        let store = Store::open_existing(&url).await?;
        super::flags::compute_and_store(&store, &achyk_flags::Settings::all(), "defaults").await?;
        super::bulk::write(&store, &bulk).await?;
        if let Some(accounts) = super::demo_civic::seed(&store, &dir).await? {
            println!(
                "\nDemo accounts (also in {}; the keys go into any authenticator app):",
                dir.join("demo-accounts.txt").display()
            );
            for line in accounts.lines {
                println!("  {line}");
            }
        }
        Ok(())
    })?;
    super::block_on(summarise(&url, &dir, started))?;
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let civic = demo_civic(&dir)?;
    super::serve::serve_blocking(&url, &args.listen, Some("\n"), move |state| {
        let state = state.with_bulk(bulk).with_civic(civic);
        Ok(match tiles {
            Some(tiles) => state.with_tiles(tiles),
            None => state,
        })
    })
}

/// Report intake for the demo: a secret and a contact-sealing key pair kept in the demo folder.
/// (Only for a demo: a real monitoring organisation keeps its private key off the server.)
fn demo_civic(dir: &Path) -> anyhow::Result<achyk_web::reports::Civic> {
    let secret = super::civic::server_secret(&dir.join("achyk.secret"))?;
    let private_path = dir.join("seal-private.key");
    let private = if private_path.exists() {
        super::civic::private_key(&private_path)?
    } else {
        let (private, _) = achyk_civic::seal::generate_key_pair()?;
        std::fs::write(&private_path, private.to_base64())
            .with_context(|| format!("cannot write {}", private_path.display()))?;
        private
    };
    eprintln!(
        "achyk demo: reporters' contacts are sealed to the key in {} (`achyk contacts --db {} \
         --key {}` opens them)",
        private_path.display(),
        dir.join("achyk.db").display(),
        private_path.display()
    );
    Ok(achyk_web::reports::Civic::new(
        secret,
        Some(private.public_key()),
    ))
}

/// The generated pages in `feed`, generating them first unless an earlier demo did.
fn generate_feed(feed: &Path, processes: u64, seed: u64) -> anyhow::Result<Vec<PathBuf>> {
    let existing = existing_pages(feed)?;
    if !existing.is_empty() {
        eprintln!(
            "achyk demo: reusing the {} pages already in {}",
            existing.len(),
            feed.display()
        );
        return Ok(existing);
    }
    let settings = achyk_kg::generate::GenerateSettings {
        processes,
        seed,
        ..Default::default()
    };
    let (_, written) = achyk_kg::generate::write_feed(settings, feed)
        .with_context(|| format!("cannot generate the demo feed into {}", feed.display()))?;
    let mut files = written.pages;
    files.push(written.projects);
    Ok(files)
}

/// The page files already in `feed`, in name order (which is feed order).
fn existing_pages(feed: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(feed) else {
        return Ok(Vec::new());
    };
    let mut pages: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("page-") && name.ends_with(".json"))
        })
        .collect();
    pages.sort();
    let projects = feed.join(achyk_kg::generate::PROJECTS_FILE);
    if !pages.is_empty() && projects.exists() {
        pages.push(projects);
    }
    Ok(pages)
}

async fn summarise(url: &str, dir: &Path, started: Instant) -> anyhow::Result<()> {
    let store = Store::open_existing(url)
        .await
        .context("cannot open the demo database")?;
    let releases = store.count_releases().await?;
    let processes = store.count_compiled_releases().await?;
    let organisations = store.count_organisations().await?;
    let mut totals = store.quality_totals().await?;
    totals.sort_by(|a, b| b.processes.cmp(&a.processes).then(a.rule.cmp(&b.rule)));
    store.close().await;
    let db = format!("--db {url}");
    println!(
        "\nAchyk demo ready in {:.1} s: {releases} releases, {processes} contracting processes, \
         {organisations} organisations, in {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    println!("\nWhat the normaliser repaired in the feed (processes, changes):");
    for row in totals.iter().take(8) {
        println!("  {:>6} {:>7}  {}", row.processes, row.notes, row.rule);
    }
    println!(
        "\nExplore it from the command line too:\n  \
         achyk quality {db}\n  \
         achyk export {db} --normalised | head -1\n  \
         achyk export {db} --releases | head -1\n  \
         achyk validate {}/feed/*.json | tail -1",
        dir.display()
    );
    Ok(())
}
