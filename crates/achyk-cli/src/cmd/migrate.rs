use std::process::ExitCode;

#[derive(clap::Args)]
pub struct MigrateArgs {}

pub fn run(_args: MigrateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
