//! `achyk migrate [--db URL]`: creates the database if need be and applies the migrations not
//! yet applied (`achyk import` does the same by itself).

use std::process::ExitCode;

use achyk_store::Backend;

#[derive(clap::Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        let backend = match store.backend() {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        };
        store.close().await;
        eprintln!("achyk: the {backend} database is up to date");
        Ok(ExitCode::SUCCESS)
    })
}
