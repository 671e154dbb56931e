//! `achyk serve [--db URL] [--listen ADDR] [--bulk DIR] [--tiles DIR [--tiles-attribution TEXT]]
//! [--secret-file F] [--seal-public-key K]`: the web site on the database, taking citizen
//! reports.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Address to listen on.
    #[arg(long, env = "ACHYK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Folder of the bulk files `achyk bulk --out DIR` wrote, served under `/bulk/`.
    #[arg(long, env = "ACHYK_BULK")]
    pub bulk: Option<PathBuf>,
    #[command(flatten)]
    pub tiles: TilesArgs,
    #[command(flatten)]
    pub civic: super::civic::CivicArgs,
}

/// `--tiles DIR [--tiles-attribution TEXT]`, for `serve` and `demo`.
#[derive(clap::Args)]
pub struct TilesArgs {
    /// Folder of map tiles laid out as `{z}/{x}/{y}.png` (or `.jpg`, `.jpeg`, `.webp`; one
    /// format): served by this site under `/tiles/`, and the projects map is drawn over them
    /// (with a script). Without it, pages have no script and the maps are drawn on the server.
    #[arg(long, env = "ACHYK_TILES")]
    pub tiles: Option<PathBuf>,
    /// The tiles' credit, shown under the map ("© OpenStreetMap contributors" for tiles made
    /// from OpenStreetMap data, whose licence requires it).
    #[arg(long, env = "ACHYK_TILES_ATTRIBUTION", requires = "tiles")]
    pub tiles_attribution: Option<String>,
}

impl TilesArgs {
    /// The tiles these arguments name, read now so that a wrong folder stops the start.
    pub fn open(&self) -> anyhow::Result<Option<achyk_web::tiles::Tiles>> {
        let Some(directory) = &self.tiles else {
            return Ok(None);
        };
        let tiles = achyk_web::tiles::Tiles::open(directory, self.tiles_attribution.clone())
            .context("--tiles")?;
        let (lowest, highest) = tiles.zooms();
        eprintln!(
            "achyk: map tiles from {} ({} files, zoom {lowest} to {highest}) served under /tiles/",
            directory.display(),
            tiles.extension()
        );
        if tiles.attribution().is_none() {
            eprintln!(
                "achyk: no --tiles-attribution: tiles made from OpenStreetMap data must credit \
                 it (\"© OpenStreetMap contributors\")"
            );
        }
        Ok(Some(tiles))
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let tiles = args.tiles.open()?;
    let civic = args.civic.civic()?;
    let bulk = args.bulk.clone();
    let retention = args.civic.retention_days;
    serve_blocking(&args.database.url, &args.listen, None, move |mut state| {
        if let Some(bulk) = bulk {
            state = state.with_bulk(bulk);
        }
        if let Some(tiles) = tiles {
            state = state.with_tiles(tiles);
        }
        let state = state
            .with_civic(civic)
            .with_secure_cookies(!args.civic.insecure_cookies);
        if retention > 0 {
            // Once now and once a day: anonymise what is past the retention period.
            let store = state.store.clone();
            tokio::spawn(async move {
                loop {
                    let (before, today) = super::backup::retention_days(retention);
                    match store.anonymise_reports(&before, &today).await {
                        Ok(0) => {}
                        Ok(changed) => {
                            eprintln!("achyk serve: retention: {changed} reports anonymised")
                        }
                        Err(error) => eprintln!("achyk serve: retention failed: {error}"),
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
                }
            });
        }
        let state = args.civic.apply(state)?;
        let every = args.civic.alerts_every_minutes;
        if every > 0 {
            let alerts = state.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(every * 60)).await;
                    if let Err(error) = achyk_web::alerts::run(&alerts).await {
                        eprintln!("achyk serve: alerts failed: {error}");
                    }
                }
            });
        }
        Ok(state)
    })
}

/// Serves `url`'s database on `listen` until the process ends, with the site's state as
/// `configure` makes it; `announce` is printed with the site's address once it listens.
pub fn serve_blocking(
    url: &str,
    listen: &str,
    announce: Option<&str>,
    configure: impl FnOnce(achyk_web::AppState) -> anyhow::Result<achyk_web::AppState>,
) -> anyhow::Result<ExitCode> {
    achyk_web::install_panic_hook();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        // Facet counts and pages from memory; the index follows the database as imports and
        // syncs (in other processes too) write it.
        let store = super::connect_and_migrate(url)
            .await?
            .with_search_index()
            .with_project_index();
        let state = configure(achyk_web::AppState::new(store))?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        println!(
            "{}Achyk is serving http://{address}/ (Ctrl-C stops it)",
            announce.unwrap_or("")
        );
        achyk_web::serve(state, listener)
            .await
            .context("the web server stopped")?;
        Ok(ExitCode::SUCCESS)
    })
}
