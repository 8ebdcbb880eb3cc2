//! `fortsync`: the local tool. `demo` runs the whole system end to end on the Fortnox
//! simulator and prints what happened; `serve` keeps the same stack running for curl; `map`
//! shows the Fortnox document an order becomes, offline; `sync` queues a register sync on a
//! deployed stack.

mod customer;
mod env;
mod links;
mod map;
mod report;
mod samples;
mod status_demo;
mod sync;
mod sync_demo;

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
    /// Print a signed admin link for a deployed stack (reads the link key from Secrets Manager).
    ConnectLink {
        /// The tenant (shop) to connect, e.g. acme-shop.
        #[arg(long)]
        tenant: String,
        /// The API's base URL (the stack output ApiUrl).
        #[arg(long)]
        base_url: String,
        /// The stack's SecretPrefix parameter.
        #[arg(long, default_value = "fortsync/prod")]
        secret_prefix: String,
        /// `service` connects a Fortnox service account (client credentials, no refresh token).
        #[arg(long, default_value = "code")]
        mode: String,
        /// Make a disconnect link (POST) instead.
        #[arg(long)]
        disconnect: bool,
        #[arg(long, default_value_t = 24)]
        valid_hours: i64,
    },
    /// Map a shop order to the Fortnox document that would be posted (offline, deterministic):
    /// prints {"document", "shop_total", "document_total", "difference"}.
    Map {
        /// The order's format.
        #[arg(long, value_enum)]
        platform: map::Platform,
        /// Tenant settings JSON (default: a Swedish shop in SEK, BAS accounts, invoices).
        #[arg(long)]
        settings: Option<std::path::PathBuf>,
        /// Tenant id for ExternalInvoiceReference1.
        #[arg(long, default_value = "preview")]
        tenant: String,
        /// Article numbers that exist in Fortnox (comma-separated); default none.
        #[arg(long, value_delimiter = ',')]
        known_articles: Vec<String>,
        /// The Fortnox company rounds totals to whole kronor (öresutjämning).
        #[arg(long)]
        whole_krona: bool,
        /// The order body; stdin when left out.
        order: Option<std::path::PathBuf>,
    },
    /// Queue a register sync of a tenant on a deployed stack (runs under the worker's lease,
    /// like the hourly tick) and show how the last runs ended.
    Sync {
        #[arg(long)]
        tenant: String,
        /// Ignore the watermarks: resync everything.
        #[arg(long)]
        full: bool,
        /// `customers`, `articles` or `invoices` (default all three).
        #[arg(long)]
        resource: Option<String>,
        /// The stack's work queue URL.
        #[arg(long, env = "FORTSYNC_QUEUE_URL")]
        queue_url: String,
        /// The stack's state table, to show the last runs.
        #[arg(long, env = "FORTSYNC_TABLE")]
        table: Option<String>,
    },
    /// A customer's balance in Fortnox, overdue and open invoices, uninvoiced shop orders and
    /// the credit limit (deployed stack: reads the state table and the tenant's token).
    Customer {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long, env = "FORTSYNC_TABLE")]
        table: String,
        #[arg(long, env = "FORTSYNC_SECRET_PREFIX", default_value = "fortsync/prod")]
        secret_prefix: String,
        #[arg(
            long,
            env = "FORTNOX_API_BASE",
            default_value = "https://api.fortnox.se"
        )]
        fortnox_api_base: String,
        #[arg(
            long,
            env = "FORTNOX_AUTH_BASE",
            default_value = "https://apps.fortnox.se"
        )]
        fortnox_auth_base: String,
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
        Command::Map {
            platform,
            settings,
            tenant,
            known_articles,
            whole_krona,
            order,
        } => map::run(map::MapArgs {
            platform,
            settings,
            order,
            tenant,
            known_articles,
            whole_krona,
        }),
        Command::Sync {
            tenant,
            full,
            resource,
            queue_url,
            table,
        } => {
            sync::run(sync::SyncArgs {
                tenant,
                full,
                resource,
                queue_url,
                table,
            })
            .await
        }
        Command::Customer {
            tenant,
            email,
            table,
            secret_prefix,
            fortnox_api_base,
            fortnox_auth_base,
        } => {
            customer::run(customer::CustomerArgs {
                tenant,
                email,
                table,
                secret_prefix,
                fortnox_api_base,
                fortnox_auth_base,
            })
            .await
        }
        Command::Serve {
            port,
            fortnox_port,
            aws,
        } => env::serve(port, fortnox_port, aws).await,
        Command::ConnectLink {
            tenant,
            base_url,
            secret_prefix,
            mode,
            disconnect,
            valid_hours,
        } => {
            links::print(
                &tenant,
                &base_url,
                &secret_prefix,
                &mode,
                disconnect,
                valid_hours,
            )
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fortsync: {e}");
            ExitCode::FAILURE
        }
    }
}
