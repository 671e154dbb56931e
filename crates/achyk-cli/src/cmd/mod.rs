//! One module per subcommand. Each exposes `XxxArgs` (clap) and `run(args) -> anyhow::Result<ExitCode>`.
//!
//! Exit codes: 0 all input used; 1 some input was rejected (reported on standard error) and
//! the rest processed; 2 the command failed.

pub mod backup;
pub mod bulk;
pub mod civic;
pub mod compile;
pub mod demo;
mod demo_civic;
pub mod export;
pub mod flags;
pub mod generate;
pub mod import;
pub mod indicators;
pub mod migrate;
pub mod normalise;
pub mod quality;
pub mod serve;
pub mod sync;
pub mod validate;

/// `--db`, for the commands that use the database.
#[derive(clap::Args)]
pub struct DatabaseArg {
    /// Database URL: `sqlite://PATH` (created if missing, except by `export`) or
    /// `postgres://...`.
    #[arg(
        long = "db",
        env = "DATABASE_URL",
        default_value = "sqlite://achyk.db",
        hide_env_values = true
    )]
    pub url: String,
}

/// `--status-table`, for the commands that normalise what they store.
#[derive(clap::Args)]
pub struct NormaliseArg {
    /// JSON file that maps statuses outside the OCDS codelists into them, per list
    /// (`{"awards": {"disqualified": "unsuccessful"}}`); replaces the default table.
    #[arg(long = "status-table", env = "ACHYK_NORMALISE__STATUS_TABLE")]
    pub status_table: Option<std::path::PathBuf>,
}

impl NormaliseArg {
    pub fn normaliser(&self) -> anyhow::Result<achyk_kg::normalise::StoreNormaliser> {
        use anyhow::Context;
        let mut settings = achyk_kg::normalise::NormaliseSettings::default();
        if let Some(path) = &self.status_table {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the status table {}", path.display()))?;
            settings.statuses = achyk_kg::normalise::StatusTable::from_json(&text)
                .with_context(|| format!("the status table {} is not usable", path.display()))?;
        }
        Ok(achyk_kg::normalise::StoreNormaliser { settings })
    }
}

/// Opens (creating a SQLite file if need be) and migrates the database, with the normaliser
/// that makes each process's normalised compiled release.
pub async fn open_store(
    database: &DatabaseArg,
    normalise: &NormaliseArg,
) -> anyhow::Result<achyk_store::Store> {
    let normaliser = normalise.normaliser()?;
    let store = connect_and_migrate(&database.url).await?;
    Ok(store
        .with_normaliser(std::sync::Arc::new(normaliser))
        .with_project_regions(achyk_web::map::place_resolver()))
}

/// Opens (creating a SQLite file if need be) and migrates the database at `url`.
pub async fn connect_and_migrate(url: &str) -> anyhow::Result<achyk_store::Store> {
    use anyhow::Context;
    let store = achyk_store::Store::connect(url)
        .await
        .context("cannot open the database")?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

/// Runs the async part of a command on a runtime of its own (the binary is synchronous).
pub fn block_on<T>(
    future: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    use anyhow::Context;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(future)
}

/// Exit code when some input was rejected but the rest was processed.
pub const EXIT_REJECTED: u8 = 1;

/// Whether an error chain ends in a closed pipe (`achyk compile | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
