//! The demo tenant on the local environment, and `fortsync serve`.

use fortsync_local::{LocalEnv, Options};
use std::time::Duration;

pub const TENANT: &str = "demo-shop";
pub const WEBHOOK_SECRET: &str = "demo-webhook-secret";

pub async fn start(aws: bool, port: u16, fortnox_port: Option<u16>) -> Result<LocalEnv, String> {
    let mut opts = Options::new(TENANT, WEBHOOK_SECRET);
    opts.aws = aws;
    opts.port = port;
    opts.fortnox_port = fortnox_port;
    fortsync_local::start(opts).await
}

pub async fn serve(port: u16, fortnox_port: u16, aws: bool) -> Result<(), String> {
    let env = start(aws, port, Some(fortnox_port)).await?;
    println!(
        "fortsync is serving every function on {} ({})",
        env.base_url, env.backend_name
    );
    println!(
        "Fortnox simulator: {} (try `curl {}/`)",
        env.sim_base, env.sim_base
    );
    println!();
    println!("Send an order (tenant {TENANT}, webhook secret {WEBHOOK_SECRET}):");
    println!("  body=$(cat tests/fixtures/generic/order-1001-anna.json)");
    println!(
        "  sig=\"sha256=$(printf %s \"$body\" | openssl dgst -sha256 -hmac {WEBHOOK_SECRET} -r | cut -d' ' -f1)\""
    );
    println!(
        "  curl -si {}/webhooks/{TENANT}/generic -H \"X-Fortsync-Signature: $sig\" --data-binary \"$body\"",
        env.base_url
    );
    println!(
        "Then look in Fortnox: curl -s {}/__sim/requests",
        env.sim_base
    );
    println!();
    println!("The worker polls the queue every 500 ms. Ctrl-C stops.");
    let stack = env.stack.clone();
    let pump = tokio::spawn(async move {
        loop {
            match stack.pump(10).await {
                Ok(done) => {
                    for d in done {
                        println!("worker: {d:?}");
                    }
                }
                Err(e) => eprintln!("worker: queue error: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    let _ = tokio::signal::ctrl_c().await;
    pump.abort();
    Ok(())
}
