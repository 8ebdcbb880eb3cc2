//! The local environment: Fortnox simulator + the fortsync stack (memory or moto) + one
//! connected demo tenant, served on loopback.

use fortnox_sim::{SimConfig, SimState};
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::{RetryPolicy, StoredToken};
use fortsync_handlers::local::{Backend, Stack, StackOptions};
use std::sync::Arc;
use std::time::Duration;

pub const TENANT: &str = "demo-shop";
pub const WEBHOOK_SECRET: &str = "demo-webhook-secret";
const SCOPES: &[&str] = &["companyinformation", "customer", "article", "invoice", "order", "payment", "price", "bookkeeping", "settings"];

pub struct LocalEnv {
    pub sim: SimState,
    pub sim_base: String,
    pub stack: Arc<Stack>,
    pub fortnox_tenant: u64,
    pub base_url: String,
    pub backend_name: String,
}

/// Create the table and queues at AWS_ENDPOINT_URL from the shapes in template.yaml.
async fn provision_aws() -> Result<Backend, String> {
    if std::env::var("AWS_ENDPOINT_URL").is_err() {
        return Err("--aws needs AWS_ENDPOINT_URL (run `make demo AWS=moto`, which starts moto)".into());
    }
    let template = template_check::Template::load()?;
    let t = template.table();
    let def = fortsync_aws::provision::TableDef {
        hash_key: t.hash_key,
        range_key: t.range_key,
        attributes: t.attributes,
        gsis: t.gsis.into_iter().map(|g| (g.name, g.hash_key, g.range_key)).collect(),
        ttl_attribute: t.ttl_attribute,
    };
    let q = template.work_queue();
    let qdef = fortsync_aws::provision::QueueDef {
        visibility_timeout: q.visibility_timeout,
        max_receive_count: q.max_receive_count.unwrap_or(5),
    };
    let suffix = time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000;
    let (table, queue) = (format!("fortsync-local-{suffix}"), format!("fortsync-local-{suffix}"));
    let sdk = fortsync_aws::load_config().await;
    fortsync_aws::provision::create_table(&fortsync_aws::dynamo_client::Client::new(&sdk), &table, &def).await?;
    let (queue_url, dead_letter_url) =
        fortsync_aws::provision::create_queues(&fortsync_aws::sqs_client::Client::new(&sdk), &queue, &qdef).await?;
    Ok(Backend::Aws { table, queue_url, dead_letter_url })
}

pub async fn start(aws: bool, port: u16, fortnox_port: Option<u16>) -> Result<LocalEnv, String> {
    let sim_listener = tokio::net::TcpListener::bind(("127.0.0.1", fortnox_port.unwrap_or(0)))
        .await
        .map_err(|e| format!("cannot start the Fortnox simulator: {e}"))?;
    let sim_base = format!("http://{}", sim_listener.local_addr().map_err(|e| e.to_string())?);
    let sim = SimState::new(SimConfig::default());
    sim.set_base_url(&sim_base);
    tokio::spawn(fortnox_sim::serve(sim_listener, sim.clone()));
    let fortnox_tenant = sim.add_tenant("Demo Handel AB");
    let backend = if aws { provision_aws().await? } else { Backend::Memory };
    let backend_name = match &backend {
        Backend::Memory => "in-memory state".to_owned(),
        Backend::Aws { table, .. } => format!("DynamoDB/SQS/Secrets Manager at {} (table {table})", std::env::var("AWS_ENDPOINT_URL").unwrap_or_default()),
    };
    let stack = Stack::build(StackOptions {
        backend,
        fortnox_api_base: sim_base.clone(),
        secret_prefix: "fortsync/local".into(),
        retry: RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(200), max_delay: Duration::from_secs(2) },
        max_body_bytes: 256 * 1024,
    })
    .await?;
    let token = sim.issue_token("demo-client", fortnox_tenant, SCOPES);
    let stored = StoredToken {
        access_token: token.access_token,
        refresh_token: token.refresh_token,
        expires_at: time::OffsetDateTime::now_utc().unix_timestamp() + i64::try_from(token.expires_in).unwrap_or(3600),
        scope: Some(token.scope),
    };
    let mut tenant = Tenant::new(TenantId::parse(TENANT).map_err(|e| e.to_string())?);
    tenant.fortnox_tenant_id = Some(fortnox_tenant);
    tenant.company_name = Some("Demo Handel AB".into());
    stack.connect_tenant(&tenant, &stored, WEBHOOK_SECRET).await?;
    let stack = Arc::new(stack);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| format!("cannot bind port {port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let router = stack.router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("local server stopped: {e}");
        }
    });
    Ok(LocalEnv { sim, sim_base, stack, fortnox_tenant, base_url: format!("http://{addr}"), backend_name })
}

pub async fn serve(port: u16, fortnox_port: u16, aws: bool) -> Result<(), String> {
    let env = start(aws, port, Some(fortnox_port)).await?;
    println!("fortsync is serving every function on {} ({})", env.base_url, env.backend_name);
    println!("Fortnox simulator: {} (try `curl {}/`)", env.sim_base, env.sim_base);
    println!();
    println!("Send an order (tenant {TENANT}, webhook secret {WEBHOOK_SECRET}):");
    println!("  body=$(cat tests/fixtures/generic/order-1001-anna.json)");
    println!("  sig=\"sha256=$(printf %s \"$body\" | openssl dgst -sha256 -hmac {WEBHOOK_SECRET} -r | cut -d' ' -f1)\"");
    println!("  curl -si {}/webhooks/{TENANT}/generic -H \"X-Fortsync-Signature: $sig\" --data-binary \"$body\"", env.base_url);
    println!("Then look in Fortnox: curl -s {}/__sim/requests | head", env.sim_base);
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
