//! `achyk normalise [--db URL] [--status-table FILE]`: rebuilds the normalised compiled release
//! and the data-quality notes of every stored process, for when the normaliser's settings (its
//! status table) changed. Imports and syncs normalise what they change by themselves.
//!
//! It marks every process as changed and recomputes them, so a crash or `kill -9` midway
//! leaves the rest marked: running it again (or any import) finishes the job.

use std::process::ExitCode;
use std::time::Instant;

use achyk_store::RECOMPUTE_BATCH_SIZE;
use anyhow::Context;

#[derive(clap::Args)]
pub struct NormaliseArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    #[command(flatten)]
    pub normalise: super::NormaliseArg,
}

pub fn run(args: NormaliseArgs) -> anyhow::Result<ExitCode> {
    super::block_on(async {
        let started = Instant::now();
        let store = super::open_store(&args.database, &args.normalise).await?;
        let marked = store
            .mark_all_dirty()
            .await
            .context("cannot mark the processes for recompute")?;
        let summary = store
            .recompute_dirty(RECOMPUTE_BATCH_SIZE, |_| {})
            .await
            .context("cannot recompute the processes")?;
        let normalised = store
            .count_normalised_releases()
            .await
            .context("cannot count normalised releases")?;
        store.close().await;
        eprintln!(
            "achyk: {marked} processes marked, {} recomputed; {normalised} normalised releases; {:.1} s",
            summary.processes,
            started.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    })
}
