//! `achyk serve [--db URL] [--listen ADDR]`: the web site on the database.

use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// Address to listen on.
    #[arg(long, env = "ACHYK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    serve_blocking(&args.database.url, &args.listen, None)
}

/// Serves `url`'s database on `listen` until the process ends; `announce` is printed with the
/// site's address once it listens.
pub fn serve_blocking(url: &str, listen: &str, announce: Option<&str>) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = super::connect_and_migrate(url).await?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        println!(
            "{}Achyk is serving http://{address}/ (Ctrl-C stops it)",
            announce.unwrap_or("")
        );
        achyk_web::serve(store, listener)
            .await
            .context("the web server stopped")?;
        Ok(ExitCode::SUCCESS)
    })
}
