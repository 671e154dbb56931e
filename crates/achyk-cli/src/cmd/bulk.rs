//! `achyk bulk [--db URL] --out DIR`: writes the bulk files (per year: normalised OCDS as
//! gzipped JSON Lines, CSV and XLSX, plus `index.json`) for `achyk serve --bulk DIR`. Run it
//! after each import or sync; a crash or kill leaves the previous files whole.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct BulkArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Folder for the bulk files (created if missing).
    #[arg(long, env = "ACHYK_BULK")]
    pub out: PathBuf,
}

pub fn run(args: BulkArgs) -> anyhow::Result<ExitCode> {
    super::block_on(async {
        let store = achyk_store::Store::open_existing(&args.database.url)
            .await
            .context("cannot open the database")?;
        write(&store, &args.out).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Writes the bulk files into `out`, saying what each year holds.
pub async fn write(store: &achyk_store::Store, out: &Path) -> anyhow::Result<()> {
    let index = achyk_web::bulk::write(store, out, |year| {
        let bytes: u64 = year.files.iter().map(|file| file.bytes).sum();
        let name = year
            .year
            .map_or_else(|| "undated".to_string(), |year| year.to_string());
        eprintln!(
            "achyk bulk: {name}: {} processes, {} files, {:.1} MB",
            year.processes,
            year.files.len(),
            bytes as f64 / 1e6
        );
    })
    .await
    .with_context(|| format!("cannot write the bulk files in {}", out.display()))?;
    eprintln!(
        "achyk bulk: {} years in {} (index.json)",
        index.years.len(),
        out.display()
    );
    Ok(())
}
