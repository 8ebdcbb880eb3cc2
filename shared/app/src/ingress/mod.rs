//! Order webhook ingress: verify, dedupe, record, enqueue, answer. No Fortnox call here: the
//! shop gets its answer in milliseconds and the worker does the slow part.

use crate::ports::{Clock, DeliveryLog, JobQueue, OrderStore, StoreError, TenantStore};
use crate::rfc3339;
use crate::secrets::{SecretCache, SecretNames, WebhookSecrets};
use crate::signature;
use fortsync_domain::job::Job;
use fortsync_domain::order::{Order, Platform};
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::{OrderId, TenantId};
use http::HeaderMap;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

pub mod platforms;

pub use platforms::{GENERIC_DELIVERY as DELIVERY_HEADER, GENERIC_SIGNATURE as SIGNATURE_HEADER};
/// Deliveries are remembered this long (shops retry for hours to days).
const DELIVERY_TTL_SECS: i64 = 7 * 24 * 3600;

pub struct IngressDeps {
    pub tenants: Arc<dyn TenantStore>,
    pub deliveries: Arc<dyn DeliveryLog>,
    pub orders: Arc<dyn OrderStore>,
    pub queue: Arc<dyn JobQueue>,
    pub secrets: Arc<SecretCache>,
    pub names: SecretNames,
    pub clock: Arc<dyn Clock>,
    pub max_body_bytes: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded and queued for the worker.
    Queued { order_id: OrderId },
    /// This delivery was seen before; nothing done.
    Duplicate,
    /// The order is already in Fortnox; nothing queued.
    AlreadySynced { order_id: OrderId },
    /// An older version of an order we already have (a late retry): nothing done.
    Stale { order_id: OrderId },
    /// A valid delivery that needs no work (e.g. a topic or status that does not sync).
    Ignored(String),
    /// WooCommerce's webhook-creation ping.
    Ping,
}

/// Why a delivery was refused. The HTTP layer maps these to statuses and generic bodies;
/// the details are for logs (and never contain the body or a secret).
#[derive(Debug, Error)]
pub enum IngressError {
    #[error("no such tenant or platform")]
    NotFound,
    #[error("not supported yet: {0}")]
    NotImplemented(String),
    #[error("missing or invalid signature")]
    Unauthorized,
    #[error("body larger than {0} bytes")]
    TooLarge(usize),
    #[error("invalid order: {0}")]
    Invalid(String),
    #[error("temporarily unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for IngressError {
    fn from(e: StoreError) -> Self {
        IngressError::Unavailable(e.to_string())
    }
}

pub struct Delivery<'a> {
    pub tenant: &'a str,
    pub platform: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

async fn verify_signature(
    deps: &IngressDeps,
    tenant: &TenantId,
    platform: Platform,
    d: &Delivery<'_>,
) -> Result<(), IngressError> {
    let (sig, encoding) =
        platforms::signature(platform, d.headers).ok_or(IngressError::Unauthorized)?;
    let name = deps.names.webhook(tenant);
    let check = |secret: Option<crate::ports::SecretString>| -> Result<bool, IngressError> {
        // A tenant without a webhook secret cannot receive webhooks: refuse, never accept unsigned.
        let Some(secret) = secret else {
            return Ok(false);
        };
        let parsed: WebhookSecrets = serde_json::from_str(secret.expose())
            .map_err(|_| IngressError::Unavailable("webhook secret is not valid JSON".into()))?;
        Ok(signature::verify(d.body, sig, encoding, &parsed.keys()))
    };
    let cached = deps
        .secrets
        .get(&name)
        .await
        .map_err(|e| IngressError::Unavailable(e.to_string()))?;
    if check(cached)? {
        return Ok(());
    }
    let fresh = deps
        .secrets
        .refresh(&name, Duration::from_secs(60))
        .await
        .map_err(|e| IngressError::Unavailable(e.to_string()))?;
    if check(fresh)? {
        Ok(())
    } else {
        Err(IngressError::Unauthorized)
    }
}

/// Handle one order webhook delivery.
pub async fn receive_order(deps: &IngressDeps, d: Delivery<'_>) -> Result<Accepted, IngressError> {
    if d.body.len() > deps.max_body_bytes {
        return Err(IngressError::TooLarge(deps.max_body_bytes));
    }
    let tenant_id = TenantId::parse(d.tenant).map_err(|_| IngressError::NotFound)?;
    let platform = Platform::parse(d.platform).ok_or(IngressError::NotFound)?;
    let tenant = deps
        .tenants
        .get_tenant(&tenant_id)
        .await?
        .ok_or(IngressError::NotFound)?;
    if platform == Platform::Woocommerce && platforms::is_woocommerce_ping(d.headers, d.body) {
        // Sent once when the merchant saves the webhook; WooCommerce disables webhooks whose
        // ping fails, so it gets its 200 (nothing is read from it).
        return Ok(Accepted::Ping);
    }
    verify_signature(deps, &tenant.id, platform, &d).await?;
    let (order, key) =
        match platforms::classify(platform, d.headers, d.body, &tenant.settings.sync_on) {
            Err(platforms::Invalid(reason)) => return Err(IngressError::Invalid(reason)),
            Ok(platforms::Intent::Ignore(why)) => return Ok(Accepted::Ignored(why)),
            Ok(platforms::Intent::NotYet(what)) => return Err(IngressError::NotImplemented(what)),
            Ok(platforms::Intent::Sync { order, key }) => (*order, key),
        };
    let order_id = order.id.clone();

    let now = deps.clock.now();
    let ts = now.unix_timestamp();
    if !deps
        .deliveries
        .claim(&tenant.id, &key, ts, ts + DELIVERY_TTL_SECS)
        .await?
    {
        return Ok(Accepted::Duplicate);
    }

    let result = record_and_enqueue(deps, &tenant.id, order, &rfc3339(now)).await;
    if result.is_err() {
        // Let the shop's retry in: without this the retry would be dropped as a duplicate.
        if let Err(e) = deps.deliveries.release(&tenant.id, &key).await {
            tracing::error!(tenant = %tenant.id, order = %order_id, error = %e, "could not release delivery claim");
        }
    }
    result
}

async fn record_and_enqueue(
    deps: &IngressDeps,
    tenant: &TenantId,
    order: Order,
    now: &str,
) -> Result<Accepted, IngressError> {
    let order_id = order.id.clone();
    let fresh = OrderRecord::new(tenant.clone(), order.clone(), now);
    if let Some(mut existing) = deps.orders.insert_order(&fresh).await? {
        if existing.state.is_done() {
            return Ok(Accepted::AlreadySynced { order_id });
        }
        // RFC 3339 in one offset compares as text; a retry of an older version loses.
        if let (Some(incoming), Some(known)) = (&order.updated_at, &existing.order.updated_at)
            && incoming < known
        {
            return Ok(Accepted::Stale { order_id });
        }
        let newer =
            matches!((&order.updated_at, &existing.order.updated_at), (Some(i), Some(k)) if i > k);
        if existing.state == OrderState::Received && newer {
            // Not started yet: work from the newest version the shop sent. Losing this race
            // to a concurrent delivery is fine: it wrote the same or a newer version.
            existing.order = order.clone();
            match deps.orders.save_order(&mut existing).await {
                Ok(()) | Err(StoreError::Conflict) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if existing.state == OrderState::Failed {
            // A new delivery after a permanent failure carries the shop's corrected data:
            // take it and start again, keeping every Fortnox number already recorded.
            existing.order = order;
            existing.last_error = None;
            existing
                .advance(OrderState::Received, now)
                .map_err(|e| IngressError::Unavailable(e.to_string()))?;
            match deps.orders.save_order(&mut existing).await {
                // A concurrent delivery restarted it first: nothing left to do here.
                Ok(()) | Err(StoreError::Conflict) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let job = Job::Order {
        tenant: tenant.clone(),
        order_id: order_id.clone(),
    };
    deps.queue
        .send(&job)
        .await
        .map_err(|e| IngressError::Unavailable(e.to_string()))?;
    Ok(Accepted::Queued { order_id })
}
