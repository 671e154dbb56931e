//! The pure part of recomputing processes: from their stored releases to the compiled
//! release, its merge warnings and its parties. No database here, so it can run on worker
//! threads while the database is busy with something else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use achyk_ocds::MergeRules;
use rayon::prelude::*;

use crate::ids::Ocid;
use crate::normalised::{NormalisedProcess, Normaliser};
use crate::parties::{ProcessParty, process_parties};
use crate::summary::ProcessSummary;

/// A stored release as recompute reads it.
pub(crate) struct StoredRelease {
    pub json: String,
    /// JSON array text of extension URLs.
    pub extensions: String,
    pub date: String,
    pub seconds: i64,
    pub nanos: i64,
}

pub(crate) struct ProcessInput {
    pub ocid: Ocid,
    /// In import order.
    pub releases: Vec<StoredRelease>,
}

pub(crate) struct ProcessOutput {
    pub ocid: Ocid,
    pub compiled_json: String,
    pub release_count: i64,
    pub latest_date: String,
    /// The latest release's date as (seconds, nanoseconds) since the epoch.
    pub latest: (i64, i64),
    pub warnings: Vec<(String, String)>,
    pub parties: Vec<ProcessParty>,
    /// Each party's JSON text, in `parties`' order: made here, on the worker threads, rather
    /// than by the one thread that writes to the database.
    pub party_texts: Vec<String>,
    /// The normalised compiled release, when the store has a normaliser.
    pub normalised: Option<NormalisedProcess>,
    pub summary: ProcessSummary,
}

/// The merge rules of an extension list, and the URLs among it that Achyk does not embed.
type RulesAndUnknown = Arc<(MergeRules, Vec<String>)>;

/// Merge rules by extension list, since working them out parses the release schema.
#[derive(Default)]
pub(crate) struct RulesCache {
    rules: Mutex<HashMap<Vec<String>, RulesAndUnknown>>,
}

impl RulesCache {
    fn get(&self, urls: &[String]) -> RulesAndUnknown {
        if let Some(found) = self.rules.lock().expect("rules cache lock").get(urls) {
            return Arc::clone(found);
        }
        let made = Arc::new(MergeRules::for_extension_urls(
            urls.iter().map(String::as_str),
        ));
        self.rules
            .lock()
            .expect("rules cache lock")
            .insert(urls.to_vec(), Arc::clone(&made));
        made
    }
}

/// Recomputes every process, on all cores.
pub(crate) fn recompute(
    processes: Vec<ProcessInput>,
    cache: &RulesCache,
    normaliser: Option<&dyn Normaliser>,
) -> Vec<ProcessOutput> {
    processes
        .into_par_iter()
        .map(|process| recompute_one(process, cache, normaliser))
        .collect()
}

fn recompute_one(
    process: ProcessInput,
    cache: &RulesCache,
    normaliser: Option<&dyn Normaliser>,
) -> ProcessOutput {
    let mut warnings: Vec<(String, String)> = Vec::new();
    let mut extension_urls: Vec<String> = Vec::new();
    let mut extension_texts_seen: Vec<&str> = Vec::new();
    let mut latest: Option<((i64, i64), &str)> = None;
    for release in &process.releases {
        // Most releases of a process come from the same kind of package: parse each distinct
        // extension list once.
        if !extension_texts_seen.contains(&release.extensions.as_str()) {
            extension_texts_seen.push(&release.extensions);
            match serde_json::from_str::<Vec<String>>(&release.extensions) {
                Ok(urls) => {
                    for url in urls {
                        if !extension_urls.contains(&url) {
                            extension_urls.push(url);
                        }
                    }
                }
                Err(error) => warnings.push((
                    "".into(),
                    format!("stored extension list is not readable: {error}"),
                )),
            }
        }
        let instant = (release.seconds, release.nanos);
        // The latest by date; on a tie the later import, as the merge orders them.
        if latest.is_none_or(|(best, _)| instant >= best) {
            latest = Some((instant, &release.date));
        }
    }
    let rules = cache.get(&extension_urls);
    let (rules, unknown) = (&rules.0, &rules.1);
    for url in unknown {
        warnings.push((
            "".into(),
            format!(
                "extension {url} is not one Achyk embeds: its fields merge by the default rules"
            ),
        ));
    }
    let release_count = process.releases.len() as i64;
    let texts: Vec<&str> = process
        .releases
        .iter()
        .map(|release| release.json.as_str())
        .collect();
    let merged = achyk_ocds::compile_texts(&texts, rules);
    warnings.extend(
        merged
            .warnings
            .into_iter()
            .map(|warning| (warning.path, warning.message)),
    );
    // Parties and the summary come from the normalised release when there is one: it has the
    // buyer and the suppliers that the feed leaves out. It is read once, or not at all when
    // the normaliser hands it over already parsed.
    let mut normalised = normaliser.map(|normaliser| normaliser.normalise(&merged.json));
    let handed_over = normalised
        .as_mut()
        .and_then(|normalised| normalised.release.take());
    let release = match handed_over {
        Some(release) => release,
        None => {
            let source = normalised
                .as_ref()
                .map_or(&merged.json, |normalised| &normalised.json);
            match serde_json::from_str::<serde_json::Value>(source) {
                Ok(release) => release,
                Err(error) => {
                    warnings.push((
                        "".into(),
                        format!("the compiled release could not be read for its parties: {error}"),
                    ));
                    serde_json::Value::Null
                }
            }
        }
    };
    let mut parties = process_parties(&release);
    if let Some(normalised) = &normalised {
        for party in &mut parties {
            let id = party.json.get("id").and_then(|id| id.as_str());
            party.region = normalised
                .party_regions
                .iter()
                .find(|(party_id, _)| Some(party_id.as_str()) == id)
                .map(|(_, region)| region.clone());
        }
    }
    let (latest, latest_date) = latest
        .map(|(instant, date)| (instant, date.to_string()))
        .unwrap_or(((0, 0), String::new()));
    let summary = ProcessSummary::of(
        process.ocid.as_str(),
        &release,
        &parties,
        normalised
            .as_ref()
            .and_then(|normalised| normalised.region.clone()),
        (latest_date.clone(), latest.0),
    );
    let party_texts = parties
        .iter()
        .map(|party| serde_json::to_string(&party.json).expect("a JSON value serialises"))
        .collect();
    let compiled_json = merged.json;
    ProcessOutput {
        ocid: process.ocid,
        compiled_json,
        release_count,
        latest_date,
        latest,
        warnings,
        parties,
        party_texts,
        normalised,
        summary,
    }
}
