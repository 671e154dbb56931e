//! `achyk backup`, `achyk restore` and `achyk retention`.
//!
//! - `backup --db sqlite://PATH --out FILE`: a consistent copy while the site runs (SQLite's
//!   `VACUUM INTO`). PostgreSQL: use `pg_dump` (docs/operators.md).
//! - `restore --from FILE --db sqlite://PATH`: checks the copy (`integrity_check`, then
//!   migrations), then moves it into place; refuses to replace an existing database.
//! - `retention --db URL --days N`: anonymises reports older than N days (the site also does
//!   it once a day with `serve --retention-days`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

#[derive(clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// The file to write (must not exist).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    if !args.database.url.starts_with("sqlite:") {
        bail!(
            "achyk backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/operators.md)"
        );
    }
    if args.out.exists() {
        bail!("{} exists: choose a new file", args.out.display());
    }
    super::block_on(async {
        let store = achyk_store::Store::open_existing(&args.database.url).await?;
        store.backup_to(&args.out).await?;
        store.close().await;
        Ok(())
    })?;
    eprintln!("achyk backup: {} written", args.out.display());
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// A file `achyk backup` wrote.
    #[arg(long)]
    pub from: PathBuf,
    /// Where to restore it (`sqlite://PATH`; must not exist).
    #[arg(long, env = "DATABASE_URL")]
    pub db: String,
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let Some(target) = args
        .db
        .strip_prefix("sqlite://")
        .map(|path| PathBuf::from(path.split('?').next().unwrap_or(path)))
    else {
        bail!(
            "achyk restore writes SQLite databases (sqlite://PATH); restore PostgreSQL with pg_restore"
        );
    };
    if target.exists() {
        bail!(
            "{} exists: restore into a new path, then swap",
            target.display()
        );
    }
    // Work on a copy beside the target, so that a failed check leaves nothing behind.
    let staging = target.with_extension("restoring");
    std::fs::copy(&args.from, &staging).with_context(|| {
        format!(
            "cannot copy {} to {}",
            args.from.display(),
            staging.display()
        )
    })?;
    let checked = super::block_on(async {
        let url = format!("sqlite://{}", staging.display());
        let store = achyk_store::Store::open_existing(&url).await?;
        let integrity = store.integrity_check().await?;
        if integrity != "ok" {
            bail!("{} is damaged: {integrity}", args.from.display());
        }
        store.migrate().await?;
        let processes = store.count_compiled_releases().await?;
        store.close().await;
        Ok(processes)
    });
    let processes = match checked {
        Ok(processes) => processes,
        Err(error) => {
            let _ = std::fs::remove_file(&staging);
            return Err(error);
        }
    };
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot move the copy to {}", target.display()))?;
    eprintln!(
        "achyk restore: {} restored ({processes} contracting processes)",
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct RetentionArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Reports older than this many days lose their contact and private text.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
}

/// The cut-off day and today (Bishkek) for a retention of `days`.
pub fn retention_days(days: u32) -> (String, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or(0);
    let today = achyk_civic::place::day_in_bishkek(now);
    let before =
        achyk_civic::deadline::Date::from_days_since_epoch(today.days_since_epoch() - days as i32);
    let text = |date: achyk_civic::deadline::Date| {
        let (y, m, d) = date.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    };
    (text(before), text(today))
}

pub fn retention(args: RetentionArgs) -> anyhow::Result<ExitCode> {
    let (before, today) = retention_days(args.days);
    let changed = super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        Ok(store.anonymise_reports(&before, &today).await?)
    })?;
    eprintln!("achyk retention: {changed} reports received before {before} anonymised");
    Ok(ExitCode::SUCCESS)
}
