//! The token lifecycle across Lambda instances: single-flight refresh, rotation persisted
//! first, and a dead refresh token parking orders until the admin reconnects.

use fortsync_app::SecretString;
use fortsync_app::oauth::StoredToken;
use fortsync_domain::tenant::{AuthMode, TenantStatus};
use fortsync_e2e::{Shop, fixture, moto_env};
use fortsync_fortnox::RetryPolicy;
use fortsync_handlers::wiring::{FortnoxEndpoints, Ports};
use fortsync_local::{LocalEnv, connect_via_oauth};
use std::time::Duration;

async fn token(env: &LocalEnv) -> StoredToken {
    let s = env
        .stack
        .secrets
        .get_secret(&env.stack.names.fortnox_token(&env.tenant))
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(s.expose()).unwrap()
}

async fn store(env: &LocalEnv, t: &StoredToken) {
    let json = SecretString::new(serde_json::to_string(t).unwrap());
    env.stack
        .secrets
        .put_secret(&env.stack.names.fortnox_token(&env.tenant), &json)
        .await
        .unwrap();
}

/// Another worker "Lambda instance": its own clients, caches and token manager, same table,
/// queue and secrets.
async fn instance(env: &LocalEnv) -> fortsync_app::worker::WorkerDeps {
    let (table, queue, dlq) = env.aws.clone().unwrap();
    let ports = Ports::aws(&table, &queue, Some(dlq)).await;
    let endpoints = FortnoxEndpoints {
        api_base: env.sim_base.clone(),
        auth_base: env.sim_base.clone(),
        timeout: Duration::from_secs(5),
    };
    let retry = RetryPolicy {
        max_retries: 5,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(500),
    };
    ports.worker(&env.secret_prefix, &endpoints, retry).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_tasks_on_four_instances_at_expiry_refresh_exactly_once() {
    let env = moto_env("tokens-single-flight", |_| {}).await;
    let mut t = token(&env).await;
    t.expires_at = time::OffsetDateTime::now_utc().unix_timestamp() - 1;
    store(&env, &t).await;
    let instances = futures::future::join_all((0..4).map(|_| instance(&env))).await;
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    let before = env.sim.count("POST", "/oauth-v1/token");

    let tasks = (0..20).map(|i| {
        let (deps, tenant) = (&instances[i % 4], &tenant);
        async move {
            let fortnox = deps.accounting.connect(tenant).await?;
            fortnox.find_customer_by_email("nobody@example.se").await
        }
    });
    let results = futures::future::join_all(tasks).await;
    assert!(results.iter().all(|r| matches!(r, Ok(None))), "{results:?}");
    assert_eq!(
        env.sim.count("POST", "/oauth-v1/token") - before,
        1,
        "exactly one refresh"
    );
    let refreshed = token(&env).await;
    assert_eq!(refreshed.version, t.version + 1);
    assert_ne!(
        refreshed.refresh_token, t.refresh_token,
        "the rotated refresh token was persisted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spent_refresh_token_parks_orders_until_the_admin_reconnects() {
    let env = moto_env("tokens-dead", |_| {}).await;
    let shop = Shop::new(&env);
    let first = token(&env).await;

    // An ordinary expiry: the worker refreshes (rotating the refresh token) and bills order 1.
    let mut expired = first.clone();
    expired.expires_at = 0;
    store(&env, &expired).await;
    shop.deliver(&fixture("order-1001-anna"), None).await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
    let second = token(&env).await;
    assert_eq!(second.version, 2);

    // Someone puts the already-spent refresh token back, and the access token expires at
    // Fortnox: the worker gets a 401, forgets the token, refreshes with the spent refresh
    // token, and Fortnox kills the whole chain.
    let spent = StoredToken {
        refresh_token: first.refresh_token.clone(),
        expires_at: 0,
        version: 3,
        ..second.clone()
    };
    store(&env, &spent).await;
    env.sim.advance(Duration::from_secs(2 * 3600));
    shop.deliver(&fixture("order-1002-berlin"), None).await;
    let d = env.stack.pump(10).await.unwrap();
    let last = d.last().cloned();
    assert!(
        matches!(&last, Some(fortsync_handlers::sqs::Disposition::Done(t)) if t.ends_with("parked")),
        "{d:?}"
    );
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.status, TenantStatus::NeedsReconnect);
    assert!(
        env.stack.consumer.dead_letters().await.unwrap().is_empty(),
        "nothing dead-lettered"
    );

    // Orders arriving meanwhile wait without touching Fortnox.
    let calls = env.sim.request_log().len();
    shop.deliver(&fixture("order-1003-anna-again"), None).await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.request_log().len(), calls);

    let page = connect_via_oauth(&env.base_url, &env.tenant, AuthMode::Code)
        .await
        .unwrap();
    assert!(page.contains("2 waiting orders"), "{page}");
    env.stack.pump(10).await.unwrap();
    assert_eq!(
        env.sim.invoices(env.fortnox_tenant).len(),
        3,
        "the parked orders completed"
    );
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.status, TenantStatus::Connected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_account_tenant_renews_with_client_credentials() {
    let env = moto_env("tokens-service", |_| {}).await;
    connect_via_oauth(&env.base_url, &env.tenant, AuthMode::Service)
        .await
        .unwrap();
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.auth_mode, AuthMode::Service);

    let mut t = token(&env).await;
    t.expires_at = 0;
    t.refresh_token = None;
    store(&env, &t).await;
    let before = env.sim.count("POST", "/oauth-v1/token");
    Shop::new(&env)
        .deliver(&fixture("order-1001-anna"), None)
        .await;
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
    assert_eq!(env.sim.count("POST", "/oauth-v1/token") - before, 1);
    let grant = env
        .sim
        .request_log()
        .into_iter()
        .rev()
        .find(|r| r.path == "/oauth-v1/token")
        .unwrap();
    assert_eq!(grant.status, 200);
    assert!(
        token(&env).await.refresh_token.is_none(),
        "client credentials carry no refresh token"
    );
}
