//! `achyk import [--db URL] FILE...`: stores publications and recomputes the processes they
//! change.
//!
//! A reader thread reads the input and has its releases parsed and hashed on every core
//! ([`achyk_store::Ingest::push_all`]) while this thread stores the batches it hands over; then the changed processes are recompiled. Every step is
//! a transaction that leaves the database consistent, so a crash or `kill -9` anywhere loses
//! nothing and duplicates nothing: running the same command again finishes the job.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use achyk_store::{IMPORT_BATCH_SIZE, ImportReport, Ingest, Ingested, RECOMPUTE_BATCH_SIZE};
use anyhow::Context;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Input files (release packages, records, releases, JSON Lines, concatenated JSON,
    /// optionally gzipped); `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub database: super::DatabaseArg,
    #[command(flatten)]
    pub normalise: super::NormaliseArg,
}

/// What the reader thread hands over.
enum Message {
    Ingested(Ingested),
    /// Reading failed: the import stops (what was stored stays, and is consistent).
    Failed(anyhow::Error),
    Done {
        releases_read: u64,
    },
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    super::block_on(import(args))
}

async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Open every input first, so that a mistyped name stops the command before anything.
    let mut inputs: Vec<(String, Box<dyn Read + Send>)> = Vec::new();
    for file in &args.files {
        let name = file.display().to_string();
        let reader: Box<dyn Read + Send> = if name == "-" {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(file).with_context(|| format!("cannot open {name}"))?)
        };
        inputs.push((name, reader));
    }

    let store = super::open_store(&args.database, &args.normalise).await?;

    // Finish what an import that died left undone, before anything new.
    let leftover = store
        .recompute_dirty(RECOMPUTE_BATCH_SIZE, |_| {})
        .await
        .context("cannot recompute the processes left by an earlier import")?;
    if leftover.processes > 0 {
        eprintln!(
            "achyk: finished {} processes left by an earlier import",
            leftover.processes
        );
    }

    let storing_started = Instant::now();
    let (sender, receiver) = mpsc::sync_channel::<Message>(4);
    let reader = std::thread::spawn(move || read_inputs(inputs, sender));

    let interactive = io::stderr().is_terminal();
    let mut last_progress = Instant::now();
    let mut report = ImportReport::default();
    let mut rejected = 0_u64;
    let mut warnings = 0_u64;
    let mut new_versions = 0_u64;
    let mut receiver = Some(receiver);
    let releases_read = loop {
        // Wait off the runtime thread, so that database connections keep being served.
        let taken = receiver
            .take()
            .expect("the receiver is put back after each message");
        let (taken, message) = tokio::task::spawn_blocking(move || {
            let message = taken.recv();
            (taken, message)
        })
        .await
        .context("the reader thread's waiter failed")?;
        receiver = Some(taken);
        let message = match message {
            Ok(message) => message,
            Err(_) => anyhow::bail!("the reader thread stopped without finishing"),
        };
        match message {
            Message::Ingested(Ingested::Rejected(rejection)) => {
                rejected += 1;
                eprintln!("achyk: rejected: {rejection}");
            }
            Message::Ingested(Ingested::Warning(warning)) => {
                warnings += 1;
                eprintln!("achyk: warning: {warning}");
            }
            Message::Ingested(ingested) => {
                store
                    .store_ingested(ingested, &mut report)
                    .await
                    .context("cannot store releases")?;
                for rejection in report.rejected.drain(..) {
                    rejected += 1;
                    eprintln!("achyk: rejected: {rejection}");
                }
                for version in report.new_versions.drain(..) {
                    new_versions += 1;
                    eprintln!(
                        "achyk: new version: {} [{}] release {} differs from the stored one with that id",
                        version.location, version.ocid, version.release_id
                    );
                }
                if interactive && last_progress.elapsed() > Duration::from_secs(2) {
                    last_progress = Instant::now();
                    eprintln!(
                        "achyk: {} releases stored, {} unchanged…",
                        report.inserted, report.unchanged
                    );
                }
            }
            Message::Failed(error) => return Err(error),
            Message::Done { releases_read } => break releases_read,
        }
    };
    if reader.join().is_err() {
        anyhow::bail!("the reader thread panicked");
    }
    let stored_at = Instant::now();

    let dirty = store
        .count_dirty()
        .await
        .context("cannot count changed processes")?;
    if interactive && dirty > 0 {
        eprintln!("achyk: recompiling {dirty} processes…");
    }
    let recomputed = store
        .recompute_dirty(RECOMPUTE_BATCH_SIZE, |_| {})
        .await
        .context("cannot recompute the changed processes")?;
    let organisations = store
        .count_organisations()
        .await
        .context("cannot count organisations")?;
    store.close().await;

    let seconds = started.elapsed().as_secs_f64();
    let storing = stored_at.duration_since(storing_started).as_secs_f64();
    let recompiling = stored_at.elapsed().as_secs_f64();
    eprintln!(
        "achyk: {} file(s), {releases_read} releases read: {} stored, {} unchanged, {new_versions} new version(s), \
         {rejected} rejected; {} processes recompiled ({} earlier), {} organisation rows written, {organisations} \
         organisations in all; {warnings} warning(s); {seconds:.1} s: {storing:.1} s reading and storing \
         ({:.0} releases/s), {recompiling:.1} s recompiling{}",
        args.files.len(),
        report.inserted,
        report.unchanged,
        recomputed.processes + leftover.processes,
        leftover.processes,
        recomputed.organisations + leftover.organisations,
        releases_read as f64 / storing.max(1e-9),
        if report.projects_new + report.projects_changed + report.projects_unchanged > 0 {
            format!(
                "; projects: {} new, {} changed, {} unchanged",
                report.projects_new, report.projects_changed, report.projects_unchanged
            )
        } else {
            String::new()
        },
    );
    Ok(if rejected > 0 {
        ExitCode::from(super::EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Events handed to the ingest at once (see [`Ingest::push_all`]).
const PARSE_RUN: usize = 64;

/// Reads every input on this (the reader's) thread and hands batches over.
fn read_inputs(inputs: Vec<(String, Box<dyn Read + Send>)>, sender: mpsc::SyncSender<Message>) {
    let mut ingest = Ingest::new(IMPORT_BATCH_SIZE);
    // When the receiver has gone (the import failed), reading stops mattering.
    let mut send = |ingested: Ingested| {
        let _ = sender.send(Message::Ingested(ingested));
    };
    for (name, reader) in inputs {
        // Events go to the ingest in runs, so that their releases are parsed and hashed on
        // every core: one thread alone would hold the storing back.
        let mut events: Vec<achyk_ocds::Event> = Vec::with_capacity(PARSE_RUN);
        let result = achyk_ocds::read_publication(
            &name,
            BufReader::with_capacity(1 << 20, reader),
            &mut |event| {
                events.push(event);
                if events.len() >= PARSE_RUN {
                    ingest.push_all(std::mem::take(&mut events), &mut send);
                }
            },
        );
        ingest.push_all(events, &mut send);
        if let Err(error) = result {
            let _ = sender.send(Message::Failed(
                anyhow::Error::new(error).context(format!("cannot read {name}")),
            ));
            return;
        }
        ingest.end_source(&mut send);
    }
    ingest.finish(&mut send);
    let _ = sender.send(Message::Done {
        releases_read: ingest.releases_read,
    });
}
