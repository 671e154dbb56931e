use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ExportArgs {}

pub fn run(_args: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
