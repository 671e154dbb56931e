//! `achyk generate --processes N --seed S [--out DIR]`: writes a synthetic Kyrgyz feed (one
//! release package per page file), `planted.jsonl` and `summary.json`; see
//! `docs/generator.md`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use achyk_kg::generate::{GenerateSettings, write_feed};
use anyhow::Context;

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// How many contracting processes (ocids) to generate.
    #[arg(long, default_value_t = 10_000)]
    pub processes: u64,
    /// The seed: the same seed and settings always give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into (created if missing; it must not already hold pages).
    #[arg(long, default_value = "kg-feed")]
    pub out: PathBuf,
    /// Releases per page.
    #[arg(long, default_value_t = 100)]
    pub page_size: usize,
    /// First year of publication.
    #[arg(long, default_value_t = 2019)]
    pub first_year: i32,
    /// Last year of publication.
    #[arg(long, default_value_t = 2025)]
    pub last_year: i32,
}

pub fn run(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let settings = GenerateSettings {
        processes: args.processes,
        seed: args.seed,
        page_size: args.page_size,
        first_year: args.first_year,
        last_year: args.last_year,
        ..GenerateSettings::default()
    };
    let (summary, _written) = write_feed(settings, &args.out)
        .with_context(|| format!("cannot generate the feed into {}", args.out.display()))?;
    let planted: u64 = summary.planted.values().sum();
    let near_misses: u64 = summary.near_misses.values().sum();
    eprintln!(
        "achyk: {} processes, {} releases in {} pages written to {} ({planted} planted, {near_misses} near misses); {:.1} s",
        summary.processes,
        summary.releases,
        summary.pages,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
