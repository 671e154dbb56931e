//! `achyk flags [--db URL] [--settings FILE.ini]`: computes every enabled red-flag indicator
//! over the normalised compiled releases in the database and stores the flags, their facts and
//! the risk scores (`docs/indicators/risk-score.md`), replacing the last run in one
//! transaction. Run it after each import or sync; the site and the API show what it stored.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use achyk_flags::{Indicators, Process, Settings};
use achyk_store::{Ocid, RiskScore, StoredFlag};
use anyhow::Context;
use rayon::prelude::*;

/// Releases read per query.
const PAGE: usize = 1_000;

#[derive(clap::Args)]
pub struct FlagsArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Cardinal's INI settings file; without one, every indicator runs with its defaults.
    #[arg(long, short)]
    pub settings: Option<PathBuf>,
}

pub fn run(args: FlagsArgs) -> anyhow::Result<ExitCode> {
    crate::return_freed_memory_at_once();
    let (settings, text) = match &args.settings {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the settings file {}", path.display()))?;
            let settings = Settings::from_ini(&text)
                .with_context(|| format!("the settings file {} is not usable", path.display()))?;
            (settings, text)
        }
        None => (Settings::all(), String::from("defaults")),
    };
    super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        compute_and_store(&store, &settings, &text).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Computes the indicators over every normalised compiled release in `store` and stores the
/// results; `settings_text` is digested to record which settings the run used.
pub async fn compute_and_store(
    store: &achyk_store::Store,
    settings: &Settings,
    settings_text: &str,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // Each page is judged as it is read: only what the indicators that compare processes need
    // is kept of it, never the processes themselves.
    let mut computation = Indicators::start(settings);
    let mut count = 0i64;
    let mut buyers: Vec<(String, String)> = Vec::new();
    let mut unreadable = 0usize;
    let mut after: Option<Ocid> = None;
    loop {
        let page = store
            .normalised_releases_page(after.as_ref(), PAGE)
            .await
            .context("cannot read the normalised releases")?;
        let Some(last) = page.last() else { break };
        after = Some(last.ocid.clone());
        let read: Vec<Option<Process>> = page
            .par_iter()
            .map(|row| {
                serde_json::from_str::<serde_json::Value>(&row.json)
                    .ok()
                    .and_then(|release| Process::from_release(&release))
            })
            .collect();
        let mut processes = Vec::with_capacity(read.len());
        for (row, process) in page.iter().zip(read) {
            match process {
                Some(process) => {
                    if let Some(buyer) = &process.buyer {
                        buyers.push((process.ocid.clone(), buyer.clone()));
                    }
                    processes.push(process);
                }
                None => {
                    unreadable += 1;
                    eprintln!(
                        "achyk flags: {}: the normalised release is not usable",
                        row.ocid
                    );
                }
            }
        }
        drop(page);
        count += processes.len() as i64;
        computation.add_processes(processes);
    }
    // A flag of one lot is shown, and scored, as a flag of its process (its facts name the lot).
    let results = computation.finish().with_lots_on_processes();
    let scores: Vec<RiskScore> = achyk_flags::risk::scores(&results, &buyers, &BTreeMap::new())
        .into_iter()
        .map(|score| RiskScore {
            group: score.group.stored_name().to_owned(),
            id: score.id,
            score: score.score,
            flags: score.flags,
        })
        .collect();
    drop(buyers);
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for flag in &results.flags {
        *per_code.entry(flag.code).or_default() += 1;
    }
    // Each flag is dropped as it is written out, so that it is never held twice.
    let flags: Vec<StoredFlag> = results
        .flags
        .into_iter()
        .map(|flag| StoredFlag {
            group: flag.group.stored_name().to_owned(),
            id: flag.id,
            code: flag.code.to_owned(),
            value: flag.value,
            facts: serde_json::Value::Array(flag.facts.iter().map(|fact| fact.to_json()).collect())
                .to_string(),
        })
        .collect();
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(settings_text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    store
        .replace_flag_results(count, &digest, &flags, &scores)
        .await
        .context("cannot store the results")?;
    let codes: Vec<String> = per_code
        .iter()
        .map(|(code, count)| format!("{code} {count}"))
        .collect();
    eprintln!(
        "achyk flags: {count} processes, {} flags ({}), {} risk scores; {unreadable} unusable; {:.1} s",
        flags.len(),
        if codes.is_empty() {
            "none".to_string()
        } else {
            codes.join(", ")
        },
        scores.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
