//! `achyk quality [--db URL] [OCID]`: the data-quality report. Without an ocid: for each kind of
//! change the normaliser makes, how many processes and changes it touched. With one: each
//! change made to that process, with its JSON path and the values before and after.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use achyk_kg::normalise::Rule;
use achyk_store::{Ocid, Store};
use anyhow::Context;

#[derive(clap::Args)]
pub struct QualityArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Show the changes made to this process instead of the totals.
    pub ocid: Option<String>,
}

pub fn run(args: QualityArgs) -> anyhow::Result<ExitCode> {
    super::block_on(async {
        let store = Store::open_existing(&args.database.url)
            .await
            .context("cannot open the database")?;
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let describe = |code: &str| Rule::from_code(code).map_or("", Rule::describe);
        match &args.ocid {
            None => {
                let processes = store
                    .count_normalised_releases()
                    .await
                    .context("cannot count normalised releases")?;
                let totals = store
                    .quality_totals()
                    .await
                    .context("cannot read the quality report")?;
                writeln!(out, "{processes} processes normalised")?;
                writeln!(out, "{:>9} {:>9}  rule", "processes", "changes")?;
                for row in totals {
                    writeln!(
                        out,
                        "{:>9} {:>9}  {}: {}",
                        row.processes,
                        row.notes,
                        row.rule,
                        describe(&row.rule)
                    )?;
                }
            }
            Some(ocid) => {
                let ocid = Ocid::from(ocid.as_str());
                store
                    .normalised_release(&ocid)
                    .await
                    .with_context(|| format!("no normalised release for {ocid}"))?;
                for row in store
                    .quality_notes(&ocid)
                    .await
                    .context("cannot read the quality notes")?
                {
                    let note = row.note;
                    writeln!(
                        out,
                        "{} {}: {} ({} → {})",
                        note.rule,
                        note.path,
                        describe(&note.rule),
                        note.before.as_deref().unwrap_or("—"),
                        note.after.as_deref().unwrap_or("—"),
                    )?;
                }
            }
        }
        out.flush()?;
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
