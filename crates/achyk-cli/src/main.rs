//! `achyk`: the command line of the Achyk platform.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

// Merging allocates many small values; mimalloc halves the time spent in the allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc bundled by `libmimalloc-sys` (its `mimalloc.h`; the
/// crate names the options around it, `mi_option_use_numa_nodes` = 16, but not this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator give freed memory back to the system at once instead of after a delay
/// (a second, in the mimalloc 3 that `libmimalloc-sys` bundles). For the commands that read a large input in blocks
/// and keep little of it, this lowers the peak memory by a fifth for a few percent of time.
pub(crate) fn return_freed_memory_at_once() {
    // SAFETY: sets an option of the allocator linked into this binary; mimalloc reads its
    // options atomically, so this is sound at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// Makes the allocator keep freed memory instead of giving it back to the system. For
/// `compile`, which frees and allocates again as it goes, this saves faulting the same memory
/// in again (peak memory is about the same). It was added for slow first runs after a pause
/// on a virtual machine; most of that slowness turned out to be the benchmark truncating the
/// previous output inside the timed command (see bench/README.md), so this is a small saving.
pub(crate) fn keep_freed_memory() {
    // SAFETY: as in `return_freed_memory_at_once`.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[derive(Parser)]
#[command(
    name = "achyk",
    version,
    about = "Open data on public procurement in Kyrgyzstan: read, merge, store and check OCDS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a synthetic Kyrgyz feed, load it into a fresh database and serve the site.
    Demo(cmd::demo::DemoArgs),
    /// Merge releases into one compiled (or versioned) release per ocid, as JSON Lines.
    Compile(cmd::compile::CompileArgs),
    /// Store publications in the database and recompute the processes they change.
    Import(cmd::import::ImportArgs),
    /// Write the stored compiled releases (or every stored release) as JSON Lines.
    Export(cmd::export::ExportArgs),
    /// Write the bulk files: per year, normalised OCDS (JSON Lines), CSV and XLSX.
    Bulk(cmd::bulk::BulkArgs),
    /// Write a synthetic Kyrgyz feed (API pages, planted risk patterns, statistics).
    Generate(cmd::generate::GenerateArgs),
    /// Compute the red flags over the database and store them with risk scores.
    Flags(cmd::flags::FlagsArgs),
    /// Calculate Cardinal's red-flag indicators from JSON Lines of compiled releases.
    Indicators(cmd::indicators::IndicatorsArgs),
    /// Apply the database migrations.
    Migrate(cmd::migrate::MigrateArgs),
    /// Rebuild every process's normalised release (after the status table changed).
    Normalise(cmd::normalise::NormaliseArgs),
    /// Make the key pair that seals reporters' contacts (the private key stays with the CSO).
    Keys(cmd::civic::KeysArgs),
    /// Open the sealed contacts of stored reports with the CSO's private key.
    Contacts(cmd::civic::ContactsArgs),
    /// Make an account with a role (the first admin, moderators, monitors).
    User(cmd::civic::UserArgs),
    /// Copy a SQLite database while the site runs.
    Backup(cmd::backup::BackupArgs),
    /// Put a backup in place, after checking it.
    Restore(cmd::backup::RestoreArgs),
    /// Anonymise reporters' contacts and private texts older than the retention period.
    Retention(cmd::backup::RetentionArgs),
    /// Run the alert job once: notify followers of what is new, and mail what is due.
    Alerts(cmd::civic::AlertsArgs),
    /// Serve the web site on the database.
    Serve(cmd::serve::ServeArgs),
    /// Show the data-quality report: what the normaliser changed, in totals or for one process.
    Quality(cmd::quality::QualityArgs),
    /// Pull the Kyrgyz OCDS API into the database from where the last sync stopped.
    Sync(cmd::sync::SyncArgs),
    /// Check publications against the OCDS 1.1.5 schemas (and the extensions they declare).
    Validate(cmd::validate::ValidateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bulk(args) => cmd::bulk::run(args),
        Command::Compile(args) => cmd::compile::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Keys(args) => cmd::civic::keys(args),
        Command::Alerts(args) => cmd::civic::alerts(args),
        Command::Backup(args) => cmd::backup::backup(args),
        Command::Restore(args) => cmd::backup::restore(args),
        Command::Retention(args) => cmd::backup::retention(args),
        Command::User(args) => cmd::civic::user(args),
        Command::Contacts(args) => cmd::civic::contacts(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Flags(args) => cmd::flags::run(args),
        Command::Indicators(args) => cmd::indicators::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::Migrate(args) => cmd::migrate::run(args),
        Command::Normalise(args) => cmd::normalise::run(args),
        Command::Quality(args) => cmd::quality::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Sync(args) => cmd::sync::run(args),
        Command::Validate(args) => cmd::validate::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if cmd::is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("achyk: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// The option number is the purge delay's: its default in the bundled mimalloc 3 is 1000 ms
    /// (`src/options.c`; no option near it has that default), and setting it reads back.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets an option of the linked allocator.
        unsafe {
            let option = super::MI_OPTION_PURGE_DELAY;
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                assert_eq!(libmimalloc_sys::mi_option_get(option), 1000);
            }
            super::return_freed_memory_at_once();
            assert_eq!(libmimalloc_sys::mi_option_get(option), 0);
            super::keep_freed_memory();
            assert_eq!(libmimalloc_sys::mi_option_get(option), -1);
        }
    }
}
