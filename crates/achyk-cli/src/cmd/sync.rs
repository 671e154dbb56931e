//! `achyk sync [--db URL] [--base-url URL] [--since DATETIME]`: pulls the Kyrgyz OCDS API's
//! `/api/tendering` into the database from the stored cursor, and `achyk sync --check DATE`
//! lists the day's processes that `/api/validation` names and the database lacks.
//!
//! The paging, retries and what a failure leaves are `achyk_kg::sync`'s; this command adds the
//! progress display (a bar on a terminal, one line per page otherwise) and the exact command
//! that resumes after it gives up. See `docs/sync.md`.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use achyk_kg::sync::{self, SyncError, SyncEvent, SyncOptions};
use anyhow::Context;

#[derive(clap::Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    #[command(flatten)]
    pub normalise: super::NormaliseArg,
    /// The API's base URL (without `/api`).
    #[arg(long, default_value = sync::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// Start at this date-time (for example 2024-01-15T10:12:00+06:00, or a date, read in
    /// Bishkek time) instead of the cursor stored by the last sync. Without either, a first
    /// sync starts at 2015-01-01T00:00:00+06:00.
    #[arg(long, value_name = "DATETIME", conflicts_with = "check")]
    pub since: Option<String>,
    /// Instead of syncing, list the ocids that `/api/validation?date=DATE` names and the
    /// database lacks, one per line (exit 1 if any).
    #[arg(long, value_name = "DATE")]
    pub check: Option<String>,
    /// Releases asked for per page.
    #[arg(long, default_value_t = 100)]
    pub page_size: usize,
    /// The shortest interval between two requests, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub rate_limit_ms: u64,
    /// The longest one request may take, in milliseconds.
    #[arg(long, default_value_t = 60_000)]
    pub timeout_ms: u64,
    /// Retries of a failed request before giving up (5xx, timeouts, dropped connections,
    /// truncated bodies, broken JSON).
    #[arg(long, default_value_t = 5)]
    pub retries: u32,
    /// The wait before the first retry, in milliseconds; it doubles on each retry.
    #[arg(long, default_value_t = 2_000)]
    pub backoff_ms: u64,
    /// The longest wait between two attempts, in milliseconds.
    #[arg(long, default_value_t = 120_000)]
    pub max_backoff_ms: u64,
}

pub fn run(args: SyncArgs) -> anyhow::Result<ExitCode> {
    super::block_on(sync_command(args))
}

async fn sync_command(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let options = SyncOptions {
        base_url: args.base_url.clone(),
        page_size: args.page_size,
        timeout: Duration::from_millis(args.timeout_ms),
        attempts: args.retries.saturating_add(1),
        backoff: Duration::from_millis(args.backoff_ms),
        max_backoff: Duration::from_millis(args.max_backoff_ms),
        rate_limit: Duration::from_millis(args.rate_limit_ms),
        since: args.since.clone(),
    };
    let store = super::open_store(&args.database, &args.normalise).await?;

    let mut display = Display::new();
    if let Some(date) = &args.check {
        let report = sync::check(&store, &options, date, &mut |event| display.event(event))
            .await
            .with_context(|| format!("cannot check {date}"))?;
        let mut stdout = io::stdout().lock();
        for ocid in &report.missing {
            writeln!(stdout, "{ocid}")?;
        }
        stdout.flush()?;
        eprintln!(
            "achyk: {date}: {} processes listed, {} missing",
            report.listed.len(),
            report.missing.len()
        );
        store.close().await;
        return Ok(if report.missing.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(super::EXIT_REJECTED)
        });
    }

    let result = sync::sync(&store, &options, &mut |event| display.event(event)).await;
    display.finish();
    store.close().await;
    match result {
        Ok(report) => {
            eprintln!(
                "achyk: synced {} pages: {} releases received, {} new, {} rejected, {} processes \
                 recompiled, {} retries, in {:.1} s ({:.0} releases/s); cursor {}",
                report.pages,
                report.releases_received,
                report.inserted,
                report.rejected,
                report.processes_recomputed,
                report.retries,
                report.elapsed.as_secs_f64(),
                report.rate(),
                report
                    .cursor
                    .as_ref()
                    .map_or(report.started_from.as_str(), |cursor| cursor.since.as_str()),
            );
            Ok(if report.rejected > 0 {
                ExitCode::from(super::EXIT_REJECTED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(error @ SyncError::GaveUp { .. }) => {
            eprintln!("achyk: error: {error}");
            eprintln!("achyk: to resume, run: {}", resume_command(&args));
            Ok(ExitCode::from(2))
        }
        Err(error) => Err(error).context("sync failed"),
    }
}

/// The command that resumes from the stored cursor: the same database and API, and
/// settings that differ from the defaults, but never `--since`.
fn resume_command(args: &SyncArgs) -> String {
    let mut command = format!("achyk sync --db {}", redact(&args.database.url));
    if args.base_url != sync::DEFAULT_BASE_URL {
        command.push_str(&format!(" --base-url {}", args.base_url));
    }
    if args.rate_limit_ms != 500 {
        command.push_str(&format!(" --rate-limit-ms {}", args.rate_limit_ms));
    }
    if args.page_size != 100 {
        command.push_str(&format!(" --page-size {}", args.page_size));
    }
    command
}

/// The URL with its password (if any) replaced, so that it can be printed.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_string();
    };
    let authority_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |at| scheme_end + at);
    let authority = &url[scheme_end..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _password)) => format!(
                "{}{user}:PASSWORD{}",
                &url[..scheme_end],
                &url[scheme_end + at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// A spinner with counters on a terminal; one line per page otherwise.
struct Display {
    bar: Option<indicatif::ProgressBar>,
}

impl Display {
    fn new() -> Display {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar.set_message("connecting");
            bar
        });
        Display { bar }
    }

    fn event(&mut self, event: SyncEvent<'_>) {
        match event {
            SyncEvent::Page(report) => {
                let cursor = report
                    .cursor
                    .as_ref()
                    .map_or(String::new(), |cursor| cursor.since.clone());
                let line = format!(
                    "pages {} · releases {} ({} new) · processes {} · {:.0} releases/s · at {cursor}",
                    report.pages,
                    report.releases_received,
                    report.inserted,
                    report.processes_recomputed,
                    report.rate()
                );
                match &self.bar {
                    Some(bar) => bar.set_message(line),
                    None => eprintln!("achyk: {line}"),
                }
            }
            SyncEvent::Retry {
                url,
                attempt,
                attempts,
                error,
                delay,
            } => self.line(&format!(
                "attempt {attempt} of {attempts} failed ({error}) for {url}; retrying in {delay:?}"
            )),
            SyncEvent::Rejected(rejection) => self.line(&format!("rejected: {rejection}")),
        }
    }

    /// A line that stays, above the bar when there is one.
    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(format!("achyk: {text}")),
            None => eprintln!("achyk: {text}"),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://achyk:secret@db:5432/achyk"),
            "postgres://achyk:PASSWORD@db:5432/achyk"
        );
        assert_eq!(redact("sqlite://achyk.db"), "sqlite://achyk.db");
        assert_eq!(
            redact("postgres://achyk@db/achyk"),
            "postgres://achyk@db/achyk"
        );
    }
}
