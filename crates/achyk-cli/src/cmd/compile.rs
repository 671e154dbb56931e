use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CompileArgs {}

pub fn run(_args: CompileArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet implemented")
}
