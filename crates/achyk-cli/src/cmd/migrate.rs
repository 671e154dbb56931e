//! `achyk migrate [--db URL]`: creates the database if need be and applies the migrations not
//! yet applied (`achyk import` does the same by itself).

use std::process::ExitCode;

use achyk_store::{Backend, Store};
use anyhow::Context;

#[derive(clap::Args)]
pub struct MigrateArgs {
    /// Database URL: `sqlite://PATH` (created if missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://achyk.db",
        hide_env_values = true
    )]
    pub db: String,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = Store::connect(&args.db)
            .await
            .context("cannot open the database")?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        let backend = match store.backend() {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        };
        store.close().await;
        eprintln!("achyk: the {backend} database is up to date");
        Ok(ExitCode::SUCCESS)
    })
}
