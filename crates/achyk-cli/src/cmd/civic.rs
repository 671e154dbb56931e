//! What the server needs to take citizen reports, and the two commands a monitoring CSO runs
//! with its private key: `achyk keys` (make the key pair that seals reporters' contacts) and
//! `achyk contacts` (open the contacts of stored reports, off the server).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use achyk_civic::receipt::ServerSecret;
use achyk_civic::seal::{SealPrivateKey, SealPublicKey, generate_key_pair, open_base64};
use anyhow::{Context, bail};

#[derive(clap::Args, Clone)]
pub struct CivicArgs {
    /// File holding the secret that keys receipt hashes; created with 32 random bytes when
    /// missing. Keep it out of database backups: with it, a stolen database still cannot be
    /// searched for a receipt.
    #[arg(long, env = "ACHYK_SECRET_FILE", default_value = "achyk.secret")]
    pub secret_file: PathBuf,
    /// The monitoring organisation's public key (base64, from `achyk keys`). Reporters'
    /// contacts are sealed to it; without it the form takes no contact.
    #[arg(long, env = "ACHYK_SEAL_PUBLIC_KEY")]
    pub seal_public_key: Option<String>,
    /// Serve over plain HTTP: session cookies without `Secure` (only behind no proxy, on a
    /// trusted network, or for trying the site).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// The mail server for appeal letters: `smtps://user:pass@host:465`, or
    /// `smtp://host:port?tls=required`; `smtp://host:port` sends unencrypted (a local relay).
    #[arg(long, env = "ACHYK_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of the site's mail.
    #[arg(
        long,
        env = "ACHYK_MAIL_FROM",
        default_value = "Achyk <achyk@localhost>"
    )]
    pub mail_from: String,
    /// An iCalendar file of holidays and decreed days to count deadlines on, instead of the
    /// Kyrgyz calendar built in (docs/civic.md).
    #[arg(long)]
    pub holidays: Option<PathBuf>,
    /// Working days a body has to answer after registering an appeal (the law: 14).
    #[arg(long, default_value_t = 14)]
    pub answer_days: u32,
    /// The site's public address (`https://achyk.kg`), for links in mail and feeds.
    #[arg(long, env = "ACHYK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Minutes between two runs of the alert job in `serve` (0 turns it off).
    #[arg(long, default_value_t = 10)]
    pub alerts_every_minutes: u64,
    /// Reports older than this many days lose their contact and private text; the site
    /// checks once a day (0 turns it off).
    #[arg(long, env = "ACHYK_RETENTION_DAYS", default_value_t = 365)]
    pub retention_days: u32,
    /// Reports and receipt look-ups taken per minute, for the whole server (keyed on nothing
    /// about the sender).
    #[arg(long, default_value_t = 30.0)]
    pub reports_per_minute: f64,
}

/// Reads the secret file, or creates it (readable by its owner only) when missing.
pub fn server_secret(path: &Path) -> anyhow::Result<ServerSecret> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let bytes = ServerSecret::random_bytes()?.to_vec();
            write_private(path, &bytes)?;
            bytes
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    ServerSecret::new(&bytes).with_context(|| format!("{}: not a usable secret", path.display()))
}

/// Writes a new file readable by its owner only; refuses to overwrite one.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist)", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

impl CivicArgs {
    /// The site's state with the mailer and the deadline rules these arguments give.
    pub fn apply(&self, state: achyk_web::AppState) -> anyhow::Result<achyk_web::AppState> {
        let mut state = state;
        if let Some(url) = &self.public_url {
            state = state.with_public_url(url);
        }
        if let Some(url) = &self.smtp_url {
            state = state.with_mailer(
                achyk_web::mail::Mailer::new(url, &self.mail_from).context("--smtp-url")?,
            );
        }
        let calendar = match &self.holidays {
            None => achyk_civic::deadline::Calendar::kyrgyzstan(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                achyk_civic::deadline::Calendar::from_ics(&text)
                    .with_context(|| format!("{}", path.display()))?
            }
        };
        let rules = achyk_civic::deadline::Rules {
            answer_days: self.answer_days,
            ..Default::default()
        };
        Ok(state.with_deadlines(rules, calendar))
    }

    pub fn civic(&self) -> anyhow::Result<achyk_web::reports::Civic> {
        let secret = server_secret(&self.secret_file)?;
        let seal_key = match &self.seal_public_key {
            None => None,
            Some(text) => Some(
                SealPublicKey::from_base64(text.trim())
                    .context("--seal-public-key is not a public key from `achyk keys`")?,
            ),
        };
        Ok(achyk_web::reports::Civic::new(secret, seal_key)
            .with_rate(self.reports_per_minute, self.reports_per_minute * 2.0))
    }
}

#[derive(clap::Args)]
pub struct KeysArgs {
    /// Where to write the private key (must not exist). Keep it off the server.
    #[arg(long)]
    pub private_out: PathBuf,
}

/// `achyk keys --private-out FILE`: writes a new private key and prints its public key.
pub fn keys(args: KeysArgs) -> anyhow::Result<ExitCode> {
    let (private, public) = generate_key_pair()?;
    write_private(&args.private_out, private.to_base64().as_bytes())?;
    println!("{}", public.to_base64());
    eprintln!(
        "achyk keys: private key written to {}; give the line above to the server as \
         --seal-public-key",
        args.private_out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a private key file written by `achyk keys`.
pub fn private_key(path: &Path) -> anyhow::Result<SealPrivateKey> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    SealPrivateKey::from_base64(text.trim())
        .with_context(|| format!("{}: not a private key from `achyk keys`", path.display()))
}

#[derive(clap::Args)]
pub struct ContactsArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// The private key `achyk keys` wrote.
    #[arg(long)]
    pub key: PathBuf,
}

/// `achyk contacts --key FILE`: the contacts of the stored reports, opened with the CSO's
/// private key, one `report-id<TAB>contact` line each.
pub fn contacts(args: ContactsArgs) -> anyhow::Result<ExitCode> {
    let key = private_key(&args.key)?;
    super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        let reports = store
            .reports_in_states(&[
                "received",
                "in_review",
                "published",
                "published_redacted",
                "kept_private",
                "rejected",
                "merged",
            ])
            .await?;
        let mut failed = 0;
        for report in reports {
            let Some(sealed) = &report.contact_sealed else {
                continue;
            };
            match open_base64(&key, sealed) {
                Ok(contact) => {
                    println!("{}\t{}", report.id, String::from_utf8_lossy(&contact))
                }
                Err(error) => {
                    failed += 1;
                    eprintln!("achyk contacts: report {}: {error}", report.id);
                }
            }
        }
        if failed > 0 {
            bail!("{failed} contacts could not be opened with this key");
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(clap::Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    /// The address to sign in with.
    #[arg(long)]
    pub email: String,
    /// The name shown to others.
    #[arg(long)]
    pub name: String,
    /// citizen, monitor, moderator, official or admin. Moderators, officials and admins set up
    /// their second factor at their first sign-in.
    #[arg(long, default_value = "citizen")]
    pub role: String,
    /// Language of the account's e-mail (ky, ru or en).
    #[arg(long, default_value = "ky")]
    pub language: String,
    /// Read the password from the first line of standard input (else one is made and printed).
    #[arg(long)]
    pub password_stdin: bool,
}

/// `achyk user --email E --name N --role R`: makes an account (the first admin, moderators).
pub fn user(args: UserArgs) -> anyhow::Result<ExitCode> {
    let role = achyk_store::Role::parse(&args.role).with_context(|| {
        format!(
            "--role {:?}: use citizen, monitor, moderator, official or admin",
            args.role
        )
    })?;
    let (password, made) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        let (token, _) = achyk_civic::auth::new_token()?;
        (token, true)
    };
    if password.chars().count() < achyk_civic::auth::MIN_PASSWORD {
        bail!(
            "the password must have at least {} characters",
            achyk_civic::auth::MIN_PASSWORD
        );
    }
    let hash = achyk_civic::auth::hash_password(&password)?;
    let id = super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        let user = achyk_store::NewUser {
            email: args.email.clone(),
            password_hash: hash,
            display_name: args.name.clone(),
            language: args.language.clone(),
            role,
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64;
        Ok(store.create_user(&user, now).await?)
    })?;
    eprintln!("achyk user: account {id} ({}) made", role.as_str());
    if made {
        println!("{password}");
        eprintln!("achyk user: the password above is shown once; give it to its owner safely");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub database: super::DatabaseArg,
    #[command(flatten)]
    pub civic: CivicArgs,
}

/// `achyk alerts`: one run of the alert job (what `serve` does every few minutes).
pub fn alerts(args: AlertsArgs) -> anyhow::Result<ExitCode> {
    let run = super::block_on(async {
        let store = super::connect_and_migrate(&args.database.url).await?;
        let state = args.civic.apply(achyk_web::AppState::new(store))?;
        Ok(achyk_web::alerts::run(&state).await?)
    })?;
    eprintln!(
        "achyk alerts: {} notifications, {} mails",
        run.notifications, run.mails
    );
    Ok(ExitCode::SUCCESS)
}
