//! The local environment: the Fortnox simulator, the fortsync stack (in memory, or on
//! DynamoDB/SQS/Secrets Manager at `AWS_ENDPOINT_URL` with resources created from
//! `template.yaml`), one connected tenant, and every function's route served on loopback.
//! Shared by `fortsync demo|serve` and the end-to-end tests.

use fortnox_sim::{SimConfig, SimState};
use fortsync_app::connect::admin_query;
use fortsync_app::rate::RateLimit;
use fortsync_domain::TenantId;
use fortsync_domain::tenant::AuthMode;
use fortsync_fortnox::RetryPolicy;
use fortsync_handlers::local::{Backend, Stack, StackOptions};
use std::sync::Arc;
use std::time::Duration;

/// The simulator's default app (any http://127.0.0.1 redirect URI is registered for it).
pub const CLIENT_ID: &str = "demo-client";
pub const CLIENT_SECRET: &str = "demo-secret";
/// The admin link key of the local deployment.
pub const LINK_KEY: &str = "local-admin-link-key";

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
    /// The simulator's behaviour (rate limit window, apps…).
    pub sim: SimConfig,
    /// fortsync's pacing; keep it in step with `sim`'s rate limit.
    pub rate_limit: RateLimit,
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
            sim: SimConfig::default(),
            rate_limit: RateLimit::default(),
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
    /// (table, queue url, dead-letter queue url) when the state is on AWS protocol.
    pub aws: Option<(String, String, String)>,
    pub secret_prefix: String,
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
    let sim = SimState::new(opts.sim);
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
    let aws = match &backend {
        Backend::Aws {
            table,
            queue_url,
            dead_letter_url,
        } => Some((table.clone(), queue_url.clone(), dead_letter_url.clone())),
        Backend::Memory => None,
    };
    let secret_prefix = format!("fortsync/local-{}", unique());
    let stack = Stack::build(StackOptions {
        backend,
        fortnox_api_base: sim_base.clone(),
        fortnox_auth_base: sim_base.clone(),
        secret_prefix: secret_prefix.clone(),
        retry: opts.retry,
        fortnox_timeout: opts.fortnox_timeout,
        max_body_bytes: 256 * 1024,
        rate_limit: opts.rate_limit,
    })
    .await?;

    stack
        .configure_app(CLIENT_ID, CLIENT_SECRET, LINK_KEY)
        .await?;
    let tenant_id = TenantId::parse(&opts.tenant).map_err(|e| e.to_string())?;
    stack
        .set_webhook_secret(&tenant_id, &opts.webhook_secret)
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
    let base_url = format!("http://{addr}");
    // The simulator's consent screen approves for this company.
    sim.set_consent(false, Some(fortnox_tenant));
    connect_via_oauth(&base_url, &tenant_id, AuthMode::Code).await?;
    Ok(LocalEnv {
        sim,
        sim_base,
        stack,
        tenant: tenant_id,
        fortnox_tenant,
        base_url,
        backend_name,
        aws,
        secret_prefix,
    })
}

/// A signed admin link for `purpose` ("connect" or "disconnect"), valid ten minutes.
pub fn admin_link(
    base_url: &str,
    path: &str,
    purpose: &str,
    tenant: &TenantId,
    mode: AuthMode,
) -> String {
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + 600;
    format!(
        "{base_url}{path}?{}",
        admin_query(LINK_KEY, purpose, tenant, mode, expires)
    )
}

/// What an admin's browser does: open the connect link, follow the redirect to Fortnox's
/// consent (the simulator approves), come back to the callback with the nonce cookie.
/// Returns the callback page's text.
pub async fn connect_via_oauth(
    base_url: &str,
    tenant: &TenantId,
    mode: AuthMode,
) -> Result<String, String> {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let link = admin_link(base_url, "/connect", "connect", tenant, mode);
    let start = browser
        .get(&link)
        .send()
        .await
        .map_err(|e| format!("/connect: {e}"))?;
    let location = |r: &reqwest::Response| {
        r.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let to_fortnox =
        location(&start).ok_or_else(|| format!("/connect answered {}", start.status()))?;
    let cookie = start
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or("/connect set no cookie")?;
    let consent = browser
        .get(&to_fortnox)
        .send()
        .await
        .map_err(|e| format!("Fortnox consent: {e}"))?;
    let back = location(&consent)
        .ok_or_else(|| format!("Fortnox consent answered {}", consent.status()))?;
    let done = browser
        .get(&back)
        .header("cookie", cookie)
        .send()
        .await
        .map_err(|e| format!("callback: {e}"))?;
    let status = done.status();
    let page = done.text().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(page)
    } else {
        Err(format!("connect failed ({status}): {page}"))
    }
}
