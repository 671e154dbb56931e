//! One module per subcommand. Each exposes `XxxArgs` (clap) and `run(args) -> anyhow::Result<ExitCode>`.
//!
//! Exit codes: 0 all input used; 1 some input was rejected (reported on standard error) and
//! the rest processed; 2 the command failed.

pub mod compile;
pub mod export;
pub mod import;
pub mod migrate;
pub mod validate;

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
