//! `achyk export [--db URL] [--releases | --normalised]`: what is stored, as JSON Lines on standard output,
//! so that it can be checked against `achyk compile`.
//!
//! Without options: the stored compiled releases, in ocid order (byte order); with
//! `--normalised`, the normalised compiled releases instead (standard OCDS made from the
//! feed's own shape, what flags and pages use). With `--releases`:
//! every stored release (new versions included) as received, in ocid then import order; a
//! release received pretty-printed is written on one line, its tokens unchanged.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use achyk_store::{Ocid, Store, json_line};
use anyhow::Context;

/// Rows read per query.
const PAGE: usize = 1_000;

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Write every stored release instead of the compiled releases.
    #[arg(long, conflicts_with = "normalised")]
    pub releases: bool,
    /// Write the normalised compiled releases instead of the compiled releases as received.
    #[arg(long)]
    pub normalised: bool,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    super::block_on(export(args))
}

async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(&args.database.url)
        .await
        .context("cannot open the database")?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    if args.releases {
        let mut after: Option<(Ocid, i64)> = None;
        loop {
            let page = store
                .releases_page(after.as_ref().map(|(ocid, id)| (ocid, *id)), PAGE)
                .await
                .context("cannot read stored releases")?;
            let Some(last) = page.last() else { break };
            after = Some((last.ocid.clone(), last.id));
            for row in &page {
                out.write_all(json_line(&row.json).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    } else {
        let mut after: Option<Ocid> = None;
        loop {
            let page: Vec<(Ocid, String)> = if args.normalised {
                store
                    .normalised_releases_page(after.as_ref(), PAGE)
                    .await
                    .context("cannot read normalised releases")?
                    .into_iter()
                    .map(|row| (row.ocid, row.json))
                    .collect()
            } else {
                store
                    .compiled_releases_page(after.as_ref(), PAGE)
                    .await
                    .context("cannot read compiled releases")?
                    .into_iter()
                    .map(|row| (row.ocid, row.json))
                    .collect()
            };
            let Some((last, _)) = page.last() else { break };
            after = Some(last.clone());
            for (_, json) in &page {
                out.write_all(json_line(json).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        let dirty = store
            .count_dirty()
            .await
            .context("cannot count changed processes")?;
        if dirty > 0 {
            eprintln!(
                "achyk: warning: {dirty} processes changed since their compiled release was written \
                 (an import did not finish): run `achyk import` again to bring them up to date"
            );
        }
    }
    out.flush()?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
