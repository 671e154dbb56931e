//! `achyk indicators`: Cardinal's red-flag indicators over JSON Lines of compiled releases.
//!
//! Writes one JSON object in Cardinal's output format: `OCID`, `Buyer`, `ProcuringEntity` and
//! `Tenderer` groups of `{id: {"Rnnn": number}}`, plus `Meta` (quartiles and fences) unless
//! `--no-meta`, plus `Maps` with `--map`, plus Achyk's `Lot` group with `--lots`. Settings are Cardinal's INI file; without one, every
//! indicator runs with its defaults.
//!
//! Exit code: 0 when every line was used; 1 when some lines were not JSON objects with an
//! `ocid` (their numbers go to standard error; the rest is computed); 2 on failure.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use achyk_flags::{Indicators, Settings};
use anyhow::Context;

#[derive(clap::Args)]
pub struct IndicatorsArgs {
    /// JSON Lines of compiled releases, one contracting process a line; `-` reads standard input.
    #[arg(required_unless_present = "init")]
    pub file: Option<PathBuf>,
    /// Write a commented settings file with every indicator on and its defaults, then stop
    /// (an existing file is not overwritten).
    #[arg(long, value_name = "FILE", conflicts_with = "settings")]
    pub init: Option<PathBuf>,
    /// Cardinal's INI settings file: an indicator runs when its `[Rnnn]` section is present.
    #[arg(long, short)]
    pub settings: Option<PathBuf>,
    /// Leave out the "Meta" key (quartiles and fences).
    #[arg(long)]
    pub no_meta: bool,
    /// Add the "Maps" key, mapping contracting processes to the organisations flagged.
    #[arg(long)]
    pub map: bool,
    /// Add the "Lot" group: each lot of a multi-lot process judged alone, keyed `{ocid}/{lot}`.
    #[arg(long)]
    pub lots: bool,
}

pub fn run(args: IndicatorsArgs) -> anyhow::Result<ExitCode> {
    crate::return_freed_memory_at_once();
    if let Some(path) = &args.init {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {} (it is not overwritten)", path.display()))?;
        file.write_all(achyk_flags::settings::DEFAULT_SETTINGS.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("achyk indicators: wrote {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let Some(input) = args.file.clone() else {
        anyhow::bail!("a file of compiled releases (or -) is needed");
    };
    let settings = match &args.settings {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the settings file {}", path.display()))?;
            Settings::from_ini(&text)
                .with_context(|| format!("the settings file {} is not usable", path.display()))?
        }
        None => Settings::all(),
    };
    let (results, rejected) = if input.as_os_str() == "-" {
        Indicators::compute_reader_for_cardinal(io::stdin().lock(), &settings, args.map, args.lots)
            .context("cannot read standard input")?
    } else {
        let file = std::fs::File::open(&input)
            .with_context(|| format!("cannot read {}", input.display()))?;
        Indicators::compute_reader_for_cardinal(
            io::BufReader::with_capacity(1 << 20, file),
            &settings,
            args.map,
            args.lots,
        )
        .with_context(|| format!("cannot read {}", input.display()))?
    };
    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    results
        .write_cardinal_json(&mut stdout, !args.no_meta, args.map, args.lots)
        .context("cannot write the results")?;
    writeln!(stdout).context("cannot write the results")?;
    stdout.flush().context("cannot write the results")?;
    for line in &rejected {
        eprintln!(
            "{}:{line}: not a JSON object with an ocid; skipped",
            input.display()
        );
    }
    Ok(if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_REJECTED)
    })
}
