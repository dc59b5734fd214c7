//! The `promptwall` binary: parse the command line, load the config, start telemetry, run.
//!
//! Exit codes: 0 ok, 64 bad configuration (EX_USAGE, as linkerd), 1 runtime failure.
//! Subcommands `scan` and `scrub` (see `promptwall::cli`) join `Command` here.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

/// Exit code for a configuration that cannot be used.
const EXIT_CONFIG: u8 = 64;

#[derive(Debug, Parser)]
#[command(name = "promptwall", version, about = "LLM privacy proxy")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the proxy.
    Serve {
        /// Configuration file.
        #[arg(
            long,
            short,
            env = "PROMPTWALL_CONFIG",
            default_value = "config/promptwall.toml"
        )]
        config: PathBuf,
        /// Listen address, overriding `listen` from the file (e.g. 0.0.0.0:8080 in a container).
        #[arg(long, env = "PROMPTWALL_LISTEN")]
        listen: Option<std::net::SocketAddr>,
        /// Worker threads, each serving its own connections (default: one per available core).
        #[arg(long, env = "PROMPTWALL_WORKERS", value_parser = clap::value_parser!(u16).range(1..=1024))]
        workers: Option<u16>,
    },
    /// Validate a configuration file and exit (0 valid, 64 invalid).
    CheckConfig {
        /// Configuration file.
        #[arg(
            long,
            short,
            env = "PROMPTWALL_CONFIG",
            default_value = "config/promptwall.toml"
        )]
        config: PathBuf,
        /// With --provider: print the effective policy of this tenant id for that provider.
        #[arg(long, requires = "provider")]
        tenant: Option<String>,
        /// With --tenant: the provider name (route prefix).
        #[arg(long, requires = "tenant")]
        provider: Option<String>,
    },
    /// Scan JSON Lines (`{"text": ...}` per line) from stdin; write each record plus its
    /// `findings` (entity, byte offsets, score; never the values) to stdout.
    Scan {
        /// Use this configuration's `[detection]` section (default: the built-in catalogue).
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Replace detected values in plain text from stdin with `<ENTITY>` tags (stdout).
    /// With --tenant and --provider: apply that pair's full effective policy instead
    /// (placeholders, surrogates, masks, ... as the proxy would send them).
    Scrub {
        /// Configuration file (its `[detection]`, and `[policy]` with --tenant/--provider).
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Tenant id whose effective policy to apply (needs --provider).
        #[arg(long, requires = "provider")]
        tenant: Option<String>,
        /// Provider name whose effective policy to apply (needs --tenant).
        #[arg(long, requires = "tenant")]
        provider: Option<String>,
        /// Print the reverse mapping placeholder -> ORIGINAL VALUE to stderr (local preview
        /// only: it contains the values). Needs --tenant/--provider.
        #[arg(long, requires = "tenant")]
        show_mapping: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig {
            config,
            tenant,
            provider,
        } => check_config(&config, tenant.zip(provider)),
        Command::Serve {
            config,
            listen,
            workers,
        } => serve(&config, listen, workers),
        Command::Scan { config } => scan(config.as_deref()),
        Command::Scrub {
            config,
            tenant,
            provider,
            show_mapping,
        } => scrub(config.as_deref(), tenant.zip(provider), show_mapping),
    }
}

/// The default configuration path (as `serve`'s).
fn default_config() -> PathBuf {
    std::env::var_os("PROMPTWALL_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("config/promptwall.toml"))
}

/// The effective policy of `(tenant, provider)` in `s`, or a message naming what is unknown.
fn pair_policy<'a>(
    s: &'a promptwall::config::Settings,
    tenant: &str,
    provider: &str,
) -> Result<&'a Arc<promptwall::transform::policy::EffectivePolicy>, String> {
    let t = s
        .tenants
        .iter()
        .position(|t| t.id == tenant)
        .ok_or_else(|| format!("no [[tenant]] has id `{tenant}`"))?;
    let (p, _) = s
        .provider(provider)
        .ok_or_else(|| format!("no [[provider]] is named `{provider}`"))?;
    s.effective_policy(t, p)
        .ok_or_else(|| "no effective policy for this pair".to_string())
}

fn check_config(path: &std::path::Path, pair: Option<(String, String)>) -> ExitCode {
    match promptwall::config::load(path) {
        Ok(s) => {
            for w in &s.warnings {
                eprintln!("warning: {w}");
            }
            let available = s.providers.iter().filter(|p| p.is_available()).count();
            println!(
                "{}: ok ({} providers, {} available; {} tenants; listen {})",
                path.display(),
                s.providers.len(),
                available,
                s.tenants.len(),
                s.listen
            );
            println!(
                "detection: {} detectors; pseudonym key: {}",
                s.engine.detector_count(),
                s.pseudonym_key
            );
            if let Some((tenant, provider)) = pair {
                match pair_policy(&s, &tenant, &provider) {
                    Ok(p) => {
                        println!();
                        print!("{p}");
                        println!("policy version: {}", p.version());
                        if !s.tenants.iter().any(|t| {
                            t.id == tenant
                                && s.provider(&provider)
                                    .is_some_and(|(i, _)| t.providers.contains(&i))
                        }) {
                            eprintln!("warning: tenant `{tenant}` may not use provider `{provider}` (not in its providers list): its requests are refused");
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(EXIT_CONFIG);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

/// The detection engine: from `config`'s `[detection]`, or the built-in catalogue.
fn cli_engine(
    config: Option<&std::path::Path>,
) -> Result<Arc<promptwall::detect::Engine>, ExitCode> {
    match config {
        Some(path) => match promptwall::config::load(path) {
            Ok(s) => Ok(s.engine.clone()),
            Err(e) => {
                eprintln!("error: {e}");
                Err(ExitCode::from(EXIT_CONFIG))
            }
        },
        None => promptwall::detect::Engine::builtin().map_err(|e| {
            eprintln!("error: cannot build the detection engine: {e}");
            ExitCode::FAILURE
        }),
    }
}

fn scan(config: Option<&std::path::Path>) -> ExitCode {
    let engine = match cli_engine(config) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    match promptwall::cli::scan(&engine, stdin, stdout) {
        Ok(sum) => {
            eprintln!(
                "scan: {} records, {} findings, {} errors",
                sum.documents, sum.findings, sum.errors
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit code of `scrub` when the policy blocks the input.
const EXIT_BLOCKED: u8 = 3;
/// Largest text `scrub --tenant/--provider` accepts (it is sanitized as one prompt).
const MAX_SCRUB_POLICY_BYTES: u64 = 64 << 20;

fn scrub(
    config: Option<&std::path::Path>,
    pair: Option<(String, String)>,
    show_mapping: bool,
) -> ExitCode {
    use std::io::{Read, Write};
    let Some((tenant, provider)) = pair else {
        let engine = match cli_engine(config) {
            Ok(e) => e,
            Err(code) => return code,
        };
        let stdin = std::io::stdin().lock();
        let stdout = std::io::stdout().lock();
        return match promptwall::cli::scrub(&engine, stdin, stdout) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    };
    let path = config.map(PathBuf::from).unwrap_or_else(default_config);
    let settings = match promptwall::config::load(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let (policy, key) = match pair_policy(&settings, &tenant, &provider) {
        Ok(p) => {
            let key = settings
                .tenants
                .iter()
                .position(|t| t.id == tenant)
                .and_then(|i| settings.tenant_key(i));
            match key {
                Some(k) => (p.clone(), k.clone()),
                None => return ExitCode::from(EXIT_CONFIG),
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let mut text = String::new();
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(MAX_SCRUB_POLICY_BYTES)
        .read_to_end(&mut raw)
    {
        eprintln!("error: cannot read stdin: {e}");
        return ExitCode::FAILURE;
    }
    text.push_str(&String::from_utf8_lossy(&raw));
    let sanitizer = promptwall::transform::sanitize::Sanitizer::new(settings.engine.clone());
    let mut vault = promptwall::transform::vault::Vault::for_policy(key, &policy);
    match sanitizer.sanitize_text(&mut text, &policy, &mut vault) {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            eprintln!("scrub: {}", report.header_value());
            if show_mapping {
                let mut pairs: Vec<(&str, &str)> = vault.restorable().collect();
                pairs.sort_unstable();
                eprintln!("# --show-mapping: placeholder -> ORIGINAL VALUE (contains the values; local preview only, never share)");
                for (placeholder, original) in pairs {
                    eprintln!("{placeholder}\t{original}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_BLOCKED)
        }
    }
}

fn serve(
    path: &std::path::Path,
    listen: Option<std::net::SocketAddr>,
    workers: Option<u16>,
) -> ExitCode {
    let settings = match promptwall::config::load(path) {
        Ok(mut s) => {
            if let Some(addr) = listen {
                s.listen = addr;
            }
            Arc::new(s)
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let _log_guard = promptwall::telemetry::init_logging();
    for w in &settings.warnings {
        tracing::warn!(note = %w, "config");
    }
    let workers = workers.map_or_else(promptwall::server::default_workers, usize::from);
    let result = promptwall::server::serve(settings, workers, shutdown_signal(), |addr, n| {
        tracing::info!(addr = %addr, workers = n, "listening");
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
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
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}
