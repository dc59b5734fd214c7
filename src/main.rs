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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig { config } => check_config(&config),
        Command::Serve { config, listen } => serve(&config, listen),
    }
}

fn check_config(path: &std::path::Path) -> ExitCode {
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
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn serve(path: &std::path::Path, listen: Option<std::net::SocketAddr>) -> ExitCode {
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
    promptwall::telemetry::init_logging();
    for w in &settings.warnings {
        tracing::warn!(note = %w, "config");
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: anyhow::Result<()> = rt.block_on(async move {
        let server = promptwall::server::run(settings, shutdown_signal()).await?;
        tracing::info!(addr = %server.addr, "listening");
        server.wait().await;
        Ok(())
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
