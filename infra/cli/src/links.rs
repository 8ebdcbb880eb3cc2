//! `fortsync connect-link`: the signed link an admin opens to connect a shop to Fortnox (or the
//! one to POST to disconnect it). The link key never leaves Secrets Manager except into this
//! process; the link itself expires.

use fortsync_app::SecretStore;
use fortsync_app::connect::admin_query;
use fortsync_app::secrets::SecretNames;
use fortsync_aws::SecretsManagerStore;
use fortsync_domain::TenantId;
use fortsync_domain::tenant::AuthMode;

pub async fn print(
    tenant: &str,
    base_url: &str,
    secret_prefix: &str,
    mode: &str,
    disconnect: bool,
    valid_hours: i64,
) -> Result<(), String> {
    let tenant = TenantId::parse(tenant).map_err(|e| e.to_string())?;
    let mode = AuthMode::parse(mode)
        .ok_or_else(|| format!("--mode must be code or service, not {mode}"))?;
    if !(1..=168).contains(&valid_hours) {
        return Err("--valid-hours must be between 1 and 168".into());
    }
    let sdk = fortsync_aws::load_config().await;
    let store = SecretsManagerStore::new(fortsync_aws::secrets_client::Client::new(&sdk));
    let name = SecretNames::new(secret_prefix).admin();
    let secret = store
        .get_secret(&name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no secret {name}: create it as in the README (Deploy)"))?;
    let key: serde_json::Value =
        serde_json::from_str(secret.expose()).map_err(|_| format!("{name} is not JSON"))?;
    let link_key = key["link_key"]
        .as_str()
        .ok_or_else(|| format!("{name} has no link_key"))?;
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + valid_hours * 3600;
    let (purpose, path) = if disconnect {
        ("disconnect", "/disconnect")
    } else {
        ("connect", "/connect")
    };
    let query = admin_query(link_key, purpose, &tenant, mode, expires);
    let url = format!("{}{path}?{query}", base_url.trim_end_matches('/'));
    if disconnect {
        println!("curl -X POST '{url}'");
    } else {
        println!("{url}");
    }
    eprintln!("valid for {valid_hours} h; whoever holds it can {purpose} this tenant until then");
    Ok(())
}
