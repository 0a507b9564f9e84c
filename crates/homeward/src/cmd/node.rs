//! `homeward serve`, `migrate`, `admin …` and `audit verify`: the node and
//! its operator commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use homeward_core::store::Store;
use homeward_core::{CoreError, Credential, DEFAULT_RETENTION_DAYS, Homeward};
use homeward_types::{OrgId, OrgKind, Role, TokenId, TokenScope};

/// Where the node keeps its data.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Data directory (the SQLite database and the node's files live here).
    #[arg(long, env = "HOMEWARD_DATA_DIR", default_value = "./homeward-data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://FILE` (default: `sqlite://<data-dir>/homeward.db`)
    /// or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "HOMEWARD_DATABASE_URL")]
    pub database: Option<String>,
}

impl DataArgs {
    /// Opens (and migrates) the store the arguments name.
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let url = match &self.database {
            Some(u) => u.clone(),
            None => {
                create_private_dir(&self.data_dir)?;
                homeward_store_sqlite::url_for_dir(&self.data_dir)
            }
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let store = homeward_store_postgres::open(&url, None)
                .await
                .with_context(|| format!("cannot open PostgreSQL database {}", redact_url(&url)))?;
            Ok(Arc::new(store))
        } else if url.starts_with("sqlite:") {
            let store = homeward_store_sqlite::open(&url)
                .await
                .with_context(|| format!("cannot open SQLite database {url}"))?;
            Ok(Arc::new(store))
        } else {
            bail!(
                "unsupported database URL '{}': use sqlite://FILE or postgres://…",
                redact_url(&url)
            )
        }
    }
}

/// Creates the data directory readable by the node's user only.
fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict permissions of {}", dir.display()))?;
    }
    Ok(())
}

/// A URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Arguments of `homeward serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOMEWARD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
    /// Seed an empty database with the synthetic demo world and print the logins.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies `Secure` even on a loopback address (set this behind a TLS proxy).
    #[arg(long, env = "HOMEWARD_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Days a case stays in a final state (closed, unfounded, duplicate,
    /// deceased) before an hourly task purges its personal data.
    #[arg(long, env = "HOMEWARD_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: u32,
}

/// Arguments of `homeward demo` (= `serve --demo`).
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "HOMEWARD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
    /// Days before closed cases are purged of personal data (see `serve`).
    #[arg(long, env = "HOMEWARD_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: u32,
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOMEWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs the node until Ctrl-C or SIGTERM.
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logs();
    runtime()?.block_on(async move {
        let store = args.data.open().await?;
        let hw = Homeward::new(store.clone());
        let url = format!("http://{}", args.bind);
        if args.demo {
            seed_demo(&hw, &url).await?;
        }
        let secure = args.secure_cookies || !args.bind.ip().is_loopback();
        tokio::spawn(scheduled_purge(hw.clone(), args.retention_days));
        tokio::spawn(warm_people_index(hw.clone()));
        let app = homeward_web::router(hw, secure);
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        tracing::info!(%url, backend = store.backend(), "homeward is listening");
        eprintln!(
            "homeward is listening on {url} ({} store); Ctrl-C stops it",
            store.backend()
        );
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .context("server failed")?;
        eprintln!("homeward stopped");
        Ok(())
    })
}

/// Loads every open case's subject into the matching index, so the first
/// report's duplicate check does not wait for it.
async fn warm_people_index(hw: Homeward) {
    let started = std::time::Instant::now();
    match hw.warm_people_index().await {
        Ok(n) => tracing::info!(
            people = n,
            seconds = started.elapsed().as_secs_f64(),
            "people index ready"
        ),
        Err(e) => tracing::error!(error = %e, "people index: first load failed (retried on use)"),
    }
}

/// Purges closed cases past the retention period: shortly after start, then
/// hourly. A failed run is logged and retried at the next hour.
async fn scheduled_purge(hw: Homeward, retention_days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match hw
            .purge_closed(Credential::System, retention_days, false)
            .await
        {
            Ok(r) if r.purged > 0 => {
                tracing::info!(purged = r.purged, retention_days, "retention purge");
            }
            Ok(_) => tracing::debug!(retention_days, "retention purge: nothing due"),
            Err(e) => tracing::error!(error = %e, "retention purge failed"),
        }
    }
}

async fn seed_demo(hw: &Homeward, url: &str) -> anyhow::Result<()> {
    let empty = hw.store().orgs().await.map_err(CoreError::from)?.is_empty();
    if empty {
        eprintln!("seeding the synthetic demo world (about 200 cases)…");
        let logins = homeward_core::demo::seed(hw).await?;
        println!("homeward demo: {url}");
        println!(
            "every demo account's password: {}",
            homeward_core::demo::DEMO_PASSWORD
        );
        for l in logins {
            match &l.totp_secret {
                Some(secret) => println!(
                    "  {:<40} {:<16} {}  (two-factor: TOTP secret {secret})",
                    l.email,
                    l.role.as_str(),
                    l.org
                ),
                None => println!("  {:<40} {:<16} {}", l.email, l.role.as_str(), l.org),
            }
        }
        println!(
            "admin and criminal_justice accounts sign in with a code: add their TOTP secret to an \
             authenticator app (or run `oathtool --totp -b SECRET`)"
        );
    } else {
        println!("homeward demo: {url} (database already has data; not seeded again)");
        println!(
            "demo accounts, if this is a demo database: officer@hkpolice.example / {}",
            homeward_core::demo::DEMO_PASSWORD
        );
        println!(
            "  admin@hkpolice.example signs in with a code; its TOTP secret is {}",
            homeward_core::demo::demo_totp_secret("admin@hkpolice.example")
        );
    }
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    eprintln!("shutting down…");
}

/// `homeward demo`.
pub fn demo(args: DemoArgs) -> anyhow::Result<()> {
    serve(ServeArgs {
        bind: args.bind,
        data: args.data,
        demo: true,
        secure_cookies: false,
        retention_days: args.retention_days,
    })
}

/// `homeward migrate`.
pub fn migrate(args: DataArgs) -> anyhow::Result<()> {
    init_logs();
    runtime()?.block_on(async move {
        let store = args.open().await?;
        eprintln!("migrations applied ({} store)", store.backend());
        Ok(())
    })
}

/// Arguments of `homeward admin`.
#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// Operator commands. Each prints only the new id or secret on standard output.
#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Purges the personal data of cases that have been in a final state
    /// (closed, unfounded, duplicate, deceased) for longer than the period;
    /// prints one JSON object `{"purged": n, …}`.
    Purge {
        /// Retention period in days (0 purges every case in a final state).
        #[arg(long, env = "HOMEWARD_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS)]
        older_than_days: u32,
        /// Count what is due without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward admin org …`
#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Creates an organisation and prints its id.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Kind: police, ngo, embassy, igo, government, industry.
        #[arg(long)]
        kind: OrgKind,
        /// Country, ISO 3166 alpha-2 (e.g. HK, TH).
        #[arg(long)]
        country: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward admin user …`
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Creates a user; prints the generated password (or, with --password, the user id).
    Create {
        /// Organisation id.
        #[arg(long)]
        org: OrgId,
        /// E-mail (the login).
        #[arg(long)]
        email: String,
        /// Role: admin, officer, analyst, viewer, criminal_justice (admin and
        /// criminal_justice must set up two-factor sign-in at first sign-in).
        #[arg(long)]
        role: Role,
        /// Password (at least 12 characters); generated and printed if absent.
        #[arg(long, env = "HOMEWARD_NEW_PASSWORD")]
        password: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Disables a user: they cannot sign in, their sessions end and their
    /// API tokens are revoked. Prints the user id.
    Disable {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Turns a user's two-factor sign-in off (a lost authenticator); they
    /// enrol a new one at their next sign-in. Prints the user id.
    ResetTwoFactor {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward admin token …`
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Creates an API token for a user and prints it (once; only its hash is stored).
    Create {
        /// The user's e-mail.
        #[arg(long)]
        user: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
        /// `read` (GET requests only) or `write`.
        #[arg(long, default_value = "write")]
        scope: TokenScope,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revokes a token by id (see `GET /api/v1/tokens`).
    Revoke {
        /// The token id.
        id: TokenId,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward admin …`. Core errors come back as their message.
pub fn admin(args: AdminArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async move {
        match args.command {
            AdminCommand::Org(OrgCommand::Create {
                name,
                kind,
                country,
                data,
            }) => {
                let hw = Homeward::new(data.open().await?);
                let id = hw
                    .create_org(Credential::Cli, &name, kind, &country)
                    .await?;
                eprintln!("organisation created");
                println!("{id}");
            }
            AdminCommand::User(UserCommand::Create {
                org,
                email,
                role,
                password,
                data,
            }) => {
                let hw = Homeward::new(data.open().await?);
                let (id, generated) = hw
                    .create_user(Credential::Cli, org, &email, role, password.as_deref())
                    .await?;
                match generated {
                    Some(pw) => {
                        eprintln!("user {id} created; its generated password follows (shown once)");
                        println!("{pw}");
                    }
                    None => {
                        eprintln!("user created");
                        println!("{id}");
                    }
                }
            }
            AdminCommand::User(UserCommand::Disable { email, data }) => {
                let hw = Homeward::new(data.open().await?);
                let id = hw.disable_user_by_email(Credential::Cli, &email).await?;
                eprintln!("user disabled; their sessions ended and their tokens are revoked");
                println!("{id}");
            }
            AdminCommand::User(UserCommand::ResetTwoFactor { email, data }) => {
                let hw = Homeward::new(data.open().await?);
                let id = hw.reset_totp(Credential::Cli, &email).await?;
                eprintln!("two-factor sign-in reset; the user enrols again at the next sign-in");
                println!("{id}");
            }
            AdminCommand::Token(TokenCommand::Create {
                user,
                name,
                scope,
                data,
            }) => {
                let hw = Homeward::new(data.open().await?);
                let token = hw
                    .create_token_scoped(Credential::Cli, &user, &name, scope)
                    .await?;
                eprintln!("token created; it is shown once and only its hash is stored");
                println!("{token}");
            }
            AdminCommand::Token(TokenCommand::Revoke { id, data }) => {
                let hw = Homeward::new(data.open().await?);
                if hw.revoke_token_as_operator(Credential::Cli, id).await? {
                    eprintln!("token revoked");
                } else {
                    eprintln!("token was already revoked");
                }
                println!("{id}");
            }
            AdminCommand::Purge {
                older_than_days,
                dry_run,
                data,
            } => {
                let hw = Homeward::new(data.open().await?);
                let report = hw
                    .purge_closed(Credential::Cli, older_than_days, dry_run)
                    .await?;
                println!("{}", serde_json::to_string(&report)?);
            }
        }
        Ok(())
    })
}

/// Arguments of `homeward audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// Audit commands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walks the hash chain; exits 0 printing the entry count and head hash if
    /// intact, non-zero naming the first bad entry otherwise.
    Verify {
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `homeward audit …`.
pub fn audit(args: AuditArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async move {
        match args.command {
            AuditCommand::Verify { data } => {
                let hw = Homeward::new(data.open().await?);
                match hw.verify_audit().await? {
                    Ok((count, head)) => {
                        println!("audit chain intact: {count} entries, head {head}");
                        Ok(())
                    }
                    Err(e) => bail!("audit chain broken at {e}"),
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
