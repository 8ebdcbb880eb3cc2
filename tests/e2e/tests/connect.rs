//! The OAuth connect flow end to end (admin link → /connect → Fortnox consent → callback), its
//! failure cases, and disconnect — moto for state, the simulator for Fortnox.

use fortnox_sim::Fault;
use fortsync_app::oauth::StoredToken;
use fortsync_domain::tenant::{AuthMode, TenantStatus};
use fortsync_e2e::moto_env;
use fortsync_local::{admin_link, connect_via_oauth};

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn stored_token(env: &fortsync_local::LocalEnv) -> Option<StoredToken> {
    let secret = env
        .stack
        .secrets
        .get_secret(&env.stack.names.fortnox_token(&env.tenant))
        .await
        .unwrap()?;
    Some(serde_json::from_str(secret.expose()).unwrap())
}

/// Start a connect and stop at Fortnox's redirect back: (callback URL, cookie "name=value").
async fn until_callback(env: &fortsync_local::LocalEnv) -> (String, String) {
    let b = browser();
    let start = b
        .get(admin_link(
            &env.base_url,
            "/connect",
            "connect",
            &env.tenant,
            AuthMode::Code,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 302);
    let set_cookie = start.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("Secure")
            && set_cookie.contains("SameSite=Lax")
    );
    let to_fortnox = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(to_fortnox.starts_with(&format!("{}/oauth-v1/auth?", env.sim_base)));
    assert!(
        to_fortnox.contains("access_type=offline")
            && to_fortnox.contains("scope=companyinformation+customer")
    );
    let consent = b.get(&to_fortnox).send().await.unwrap();
    let back = consent.headers()["location"].to_str().unwrap().to_owned();
    (back, set_cookie.split(';').next().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_stores_the_token_and_the_company() {
    let env = moto_env("connect-ok", |_| {}).await;
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.status, TenantStatus::Connected);
    assert_eq!(tenant.fortnox_tenant_id, Some(env.fortnox_tenant));
    assert_eq!(tenant.company_name.as_deref(), Some("Demo Handel AB"));
    let token = stored_token(&env).await.unwrap();
    assert!(token.refresh_token.is_some());
    assert_eq!(token.version, 1);
    assert_eq!(env.sim.count("POST", "/oauth-v1/token"), 1);
    assert_eq!(env.sim.count("GET", "/3/companyinformation"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_expired_and_malformed_admin_links_are_refused() {
    let env = moto_env("connect-links", |_| {}).await;
    let b = browser();
    let good = admin_link(
        &env.base_url,
        "/connect",
        "connect",
        &env.tenant,
        AuthMode::Code,
    );
    let forged = format!("{}0", good);
    assert_eq!(b.get(&forged).send().await.unwrap().status(), 403);
    let other_tenant = good.replace("tenant=connect-links", "tenant=someone-else");
    assert_eq!(b.get(&other_tenant).send().await.unwrap().status(), 403);
    let expired = admin_link(
        &env.base_url,
        "/connect",
        "connect",
        &env.tenant,
        AuthMode::Code,
    )
    .split("&expires=")
    .next()
    .map(|head| format!("{head}&expires=1&sig=00"))
    .unwrap();
    assert_eq!(b.get(&expired).send().await.unwrap().status(), 403);
    assert_eq!(
        b.get(format!("{}/connect", env.base_url))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // A disconnect link does not connect.
    let wrong_purpose = admin_link(
        &env.base_url,
        "/connect",
        "disconnect",
        &env.tenant,
        AuthMode::Code,
    );
    assert_eq!(b.get(&wrong_purpose).send().await.unwrap().status(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_callback_state_works_once_and_only_with_its_cookie() {
    let env = moto_env("connect-state", |_| {}).await;
    let b = browser();

    let (back, _cookie) = until_callback(&env).await;
    let page = b.get(&back).send().await.unwrap();
    assert_eq!(page.status(), 400, "no cookie");
    assert!(page.text().await.unwrap().contains("another browser"));

    let (back, _) = until_callback(&env).await;
    let r = b
        .get(&back)
        .header("cookie", "fortsync_oauth=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "wrong cookie");

    let (back, cookie) = until_callback(&env).await;
    assert_eq!(
        b.get(&back)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let again = b.get(&back).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(again.status(), 400, "reused state");
    assert!(again.text().await.unwrap().contains("already used"));

    let forged_state = back
        .split("state=")
        .next()
        .map(|h| format!("{h}state=forged"))
        .unwrap();
    assert_eq!(
        b.get(&forged_state)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_callbacks_with_one_state_connect_once() {
    let env = moto_env("connect-race", |_| {}).await;
    let (back, cookie) = until_callback(&env).await;
    let before = env.sim.count("POST", "/oauth-v1/token");
    let b = browser();
    let calls = (0..6).map(|_| {
        let (b, back, cookie) = (b.clone(), back.clone(), cookie.clone());
        async move {
            b.get(&back)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(calls).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        env.sim.count("POST", "/oauth-v1/token") - before,
        1,
        "the code was exchanged once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_consent_and_fortnox_errors_store_nothing() {
    let env = moto_env("connect-refused", |_| {}).await;
    let before = stored_token(&env).await.unwrap();

    env.sim.set_consent(true, Some(env.fortnox_tenant));
    let (back, cookie) = until_callback(&env).await;
    assert!(back.contains("error=access_denied"));
    let r = browser()
        .get(&back)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not granted"));

    env.sim.set_consent(false, Some(env.fortnox_tenant));
    env.sim
        .inject_fault(Fault::status("POST", "/oauth-v1/token", 500));
    let (back, cookie) = until_callback(&env).await;
    let r = browser()
        .get(&back)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    assert_eq!(
        stored_token(&env).await.unwrap(),
        before,
        "nothing stored on failure"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn disconnect_revokes_deletes_the_token_and_parks_new_orders_until_reconnect() {
    let env = moto_env("connect-disconnect", |_| {}).await;
    let shop = fortsync_e2e::Shop::new(&env);
    let link = admin_link(
        &env.base_url,
        "/disconnect",
        "disconnect",
        &env.tenant,
        AuthMode::Code,
    );
    let r = browser().post(&link).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(env.sim.count("POST", "/oauth-v1/revoke"), 1);
    assert!(stored_token(&env).await.is_none());
    let tenant = env
        .stack
        .tenants
        .get_tenant(&env.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.status, TenantStatus::Disconnected);

    assert_eq!(
        shop.deliver(&fortsync_e2e::fixture("order-1001-anna"), None)
            .await
            .0,
        202
    );
    let before = env.sim.request_log().len();
    let d = env.stack.pump(10).await.unwrap();
    assert!(
        matches!(&d[0], fortsync_handlers::sqs::Disposition::Done(t) if t.ends_with("parked")),
        "{d:?}"
    );
    assert_eq!(
        env.sim.request_log().len(),
        before,
        "no Fortnox call while disconnected"
    );

    let page = connect_via_oauth(&env.base_url, &env.tenant, AuthMode::Code)
        .await
        .unwrap();
    assert!(page.contains("1 waiting order"), "{page}");
    env.stack.pump(10).await.unwrap();
    assert_eq!(env.sim.invoices(env.fortnox_tenant).len(), 1);
}
