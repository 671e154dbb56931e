//! One module per subcommand. Each exposes `XxxArgs` (clap) and `run(args) -> anyhow::Result<ExitCode>`.
//!
//! Exit codes: 0 all input used; 1 some input was rejected (reported on standard error) and
//! the rest processed; 2 the command failed.

pub mod compile;
pub mod export;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod validate;

/// `--db`, for the commands that use the database.
#[derive(clap::Args)]
pub struct DatabaseArg {
    /// Database URL: `sqlite://PATH` (created if missing, except by `export`) or
    /// `postgres://...`.
    #[arg(
        long = "db",
        env = "DATABASE_URL",
        default_value = "sqlite://achyk.db",
        hide_env_values = true
    )]
    pub url: String,
}

/// Runs the async part of a command on a runtime of its own (the binary is synchronous).
pub fn block_on<T>(
    future: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    use anyhow::Context;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(future)
}

/// Exit code when some input was rejected but the rest was processed.
pub const EXIT_REJECTED: u8 = 1;

/// Whether an error chain ends in a closed pipe (`achyk compile | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
