//! The local environment: the Fortnox simulator, the fortsync stack (in memory, or on
//! DynamoDB/SQS/Secrets Manager at `AWS_ENDPOINT_URL` with resources created from
//! `template.yaml`), one connected tenant, and every function's route served on loopback.
//! Shared by `fortsync demo|serve` and the end-to-end tests.

use fortnox_sim::{SimConfig, SimState};
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use fortsync_fortnox::{RetryPolicy, StoredToken};
use fortsync_handlers::local::{Backend, Stack, StackOptions};
use std::sync::Arc;
use std::time::Duration;

/// Every scope the product asks Fortnox for.
pub const SCOPES: &[&str] = &[
    "companyinformation",
    "customer",
    "article",
    "invoice",
    "order",
    "payment",
    "price",
    "bookkeeping",
    "settings",
];

pub struct Options {
    /// State on AWS protocol (moto) instead of memory.
    pub aws: bool,
    pub port: u16,
    /// `None`: any free port.
    pub fortnox_port: Option<u16>,
    pub tenant: String,
    pub webhook_secret: String,
    pub retry: RetryPolicy,
    pub fortnox_timeout: Duration,
}

impl Options {
    pub fn new(tenant: &str, webhook_secret: &str) -> Self {
        Self {
            aws: false,
            port: 0,
            fortnox_port: None,
            tenant: tenant.into(),
            webhook_secret: webhook_secret.into(),
            retry: RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(200),
                max_delay: Duration::from_secs(2),
            },
            fortnox_timeout: Duration::from_secs(15),
        }
    }
}

pub struct LocalEnv {
    pub sim: SimState,
    pub sim_base: String,
    pub stack: Arc<Stack>,
    pub tenant: TenantId,
    pub fortnox_tenant: u64,
    /// Where every function's route is served.
    pub base_url: String,
    pub backend_name: String,
}

/// The table and queue shapes of `template.yaml`, created at `AWS_ENDPOINT_URL` under fresh
/// names, so local runs and tests use exactly what is deployed.
pub async fn provision_from_template() -> Result<Backend, String> {
    if std::env::var("AWS_ENDPOINT_URL").is_err() {
        return Err("AWS_ENDPOINT_URL is not set: start moto with infra/with-moto.sh (make test / make demo AWS=moto)".into());
    }
    let template = template_check::Template::load()?;
    let t = template.table();
    let def = fortsync_aws::provision::TableDef {
        hash_key: t.hash_key,
        range_key: t.range_key,
        attributes: t.attributes,
        gsis: t
            .gsis
            .into_iter()
            .map(|g| (g.name, g.hash_key, g.range_key))
            .collect(),
        ttl_attribute: t.ttl_attribute,
    };
    let q = template.work_queue();
    let qdef = fortsync_aws::provision::QueueDef {
        visibility_timeout: q.visibility_timeout,
        max_receive_count: q
            .max_receive_count
            .ok_or("WorkQueue has no maxReceiveCount")?,
    };
    let name = format!("fortsync-local-{}", unique());
    let sdk = fortsync_aws::load_config().await;
    fortsync_aws::provision::create_table(
        &fortsync_aws::dynamo_client::Client::new(&sdk),
        &name,
        &def,
    )
    .await?;
    let (queue_url, dead_letter_url) = fortsync_aws::provision::create_queues(
        &fortsync_aws::sqs_client::Client::new(&sdk),
        &name,
        &qdef,
    )
    .await?;
    Ok(Backend::Aws {
        table: name,
        queue_url,
        dead_letter_url,
    })
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000_000;
    format!(
        "{nanos}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn start(opts: Options) -> Result<LocalEnv, String> {
    let sim_listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.fortnox_port.unwrap_or(0)))
        .await
        .map_err(|e| format!("cannot start the Fortnox simulator: {e}"))?;
    let sim_base = format!(
        "http://{}",
        sim_listener.local_addr().map_err(|e| e.to_string())?
    );
    let sim = SimState::new(SimConfig::default());
    sim.set_base_url(&sim_base);
    tokio::spawn(fortnox_sim::serve(sim_listener, sim.clone()));
    let company = "Demo Handel AB";
    let fortnox_tenant = sim.add_tenant(company);

    let backend = if opts.aws {
        provision_from_template().await?
    } else {
        Backend::Memory
    };
    let backend_name = match &backend {
        Backend::Memory => "in-memory state".to_owned(),
        Backend::Aws { table, .. } => format!(
            "DynamoDB/SQS/Secrets Manager at {}, table {table}",
            std::env::var("AWS_ENDPOINT_URL").unwrap_or_default()
        ),
    };
    let stack = Stack::build(StackOptions {
        backend,
        fortnox_api_base: sim_base.clone(),
        secret_prefix: format!("fortsync/local-{}", unique()),
        retry: opts.retry,
        fortnox_timeout: opts.fortnox_timeout,
        max_body_bytes: 256 * 1024,
    })
    .await?;

    // The OAuth connect flow is not built yet: provision the token directly.
    let token = sim.issue_token("demo-client", fortnox_tenant, SCOPES);
    let stored = StoredToken {
        access_token: token.access_token,
        refresh_token: token.refresh_token,
        expires_at: time::OffsetDateTime::now_utc().unix_timestamp()
            + i64::try_from(token.expires_in).unwrap_or(3600),
        scope: Some(token.scope),
    };
    let tenant_id = TenantId::parse(&opts.tenant).map_err(|e| e.to_string())?;
    let mut tenant = Tenant::new(tenant_id.clone());
    tenant.fortnox_tenant_id = Some(fortnox_tenant);
    tenant.company_name = Some(company.into());
    stack
        .connect_tenant(&tenant, &stored, &opts.webhook_secret)
        .await?;

    let stack = Arc::new(stack);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
        .await
        .map_err(|e| format!("cannot bind port {}: {e}", opts.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let router = stack.router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("local server stopped: {e}");
        }
    });
    Ok(LocalEnv {
        sim,
        sim_base,
        stack,
        tenant: tenant_id,
        fortnox_tenant,
        base_url: format!("http://{addr}"),
        backend_name,
    })
}
