//! `fortsync`: the local tool. `demo` runs the whole system end to end on the Fortnox
//! simulator and prints what happened; `serve` keeps the same stack running for curl.

mod env;
mod report;
mod samples;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "fortsync", version, about = "fortsync local tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send sample orders through the real handlers and print the outcome per order.
    Demo {
        /// Keep state in DynamoDB/SQS/Secrets Manager at AWS_ENDPOINT_URL (moto) instead of memory.
        #[arg(long)]
        aws: bool,
    },
    /// Run every function's route on one local port, with the simulator, until Ctrl-C.
    Serve {
        #[arg(long, default_value_t = 3000)]
        port: u16,
        #[arg(long, default_value_t = 8090)]
        fortnox_port: u16,
        #[arg(long)]
        aws: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FORTSYNC_LOG")
                .unwrap_or_else(|_| "error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo { aws } => report::demo(aws).await,
        Command::Serve {
            port,
            fortnox_port,
            aws,
        } => env::serve(port, fortnox_port, aws).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fortsync: {e}");
            ExitCode::FAILURE
        }
    }
}
