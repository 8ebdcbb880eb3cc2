//! Order webhook ingress: verify, dedupe, record, enqueue, answer. No Fortnox call here: the
//! shop gets its answer in milliseconds and the worker does the slow part.

use crate::ports::{Clock, DeliveryLog, JobQueue, OrderStore, StoreError, TenantStore};
use crate::rfc3339;
use crate::secrets::{SecretCache, SecretNames, WebhookSecrets};
use crate::signature::{self, Encoding};
use fortsync_domain::job::Job;
use fortsync_domain::order::Platform;
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::{OrderId, TenantId, generic};
use http::HeaderMap;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

pub const SIGNATURE_HEADER: &str = "x-fortsync-signature";
pub const DELIVERY_HEADER: &str = "x-fortsync-delivery-id";
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
}

/// Why a delivery was refused. The HTTP layer maps these to statuses and generic bodies;
/// the details are for logs (and never contain the body or a secret).
#[derive(Debug, Error)]
pub enum IngressError {
    #[error("no such tenant or platform")]
    NotFound,
    #[error("platform not supported yet")]
    NotImplemented,
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

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The dedupe key: the shop's delivery id when it sends one, else the body's SHA-256 (an
/// identical re-delivery is a duplicate; a changed order is not).
fn delivery_key(platform: Platform, headers: &HeaderMap, body: &[u8]) -> String {
    match header(headers, DELIVERY_HEADER) {
        Some(id) => {
            let safe: String = id
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(128)
                .collect();
            format!("{}:id:{safe}", platform.as_str())
        }
        None => format!(
            "{}:sha256:{}",
            platform.as_str(),
            hex::encode(Sha256::digest(body))
        ),
    }
}

async fn verify_signature(
    deps: &IngressDeps,
    tenant: &TenantId,
    d: &Delivery<'_>,
) -> Result<(), IngressError> {
    let sig = header(d.headers, SIGNATURE_HEADER).ok_or(IngressError::Unauthorized)?;
    let name = deps.names.webhook(tenant);
    let check = |secret: Option<crate::ports::SecretString>| -> Result<bool, IngressError> {
        // A tenant without a webhook secret cannot receive webhooks: refuse, never accept unsigned.
        let Some(secret) = secret else {
            return Ok(false);
        };
        let parsed: WebhookSecrets = serde_json::from_str(secret.expose())
            .map_err(|_| IngressError::Unavailable("webhook secret is not valid JSON".into()))?;
        Ok(signature::verify(
            d.body,
            sig,
            Encoding::Hex,
            &parsed.keys(),
        ))
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
    if platform != Platform::Generic {
        return Err(IngressError::NotImplemented);
    }
    let tenant = deps
        .tenants
        .get_tenant(&tenant_id)
        .await?
        .ok_or(IngressError::NotFound)?;
    verify_signature(deps, &tenant.id, &d).await?;
    let order = generic::parse(d.body).map_err(|e| IngressError::Invalid(e.to_string()))?;
    let order_id = order.id.clone();

    let now = deps.clock.now();
    let key = delivery_key(platform, d.headers, d.body);
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
    order: fortsync_domain::order::Order,
    now: &str,
) -> Result<Accepted, IngressError> {
    let order_id = order.id.clone();
    let fresh = OrderRecord::new(tenant.clone(), order.clone(), now);
    if let Some(mut existing) = deps.orders.insert_order(&fresh).await? {
        if existing.state.is_done() {
            return Ok(Accepted::AlreadySynced { order_id });
        }
        if existing.state == OrderState::Failed {
            // A new delivery after a permanent failure carries the shop's corrected data:
            // take it and start again, keeping every Fortnox number already recorded.
            existing.order = order;
            existing.last_error = None;
            existing
                .advance(OrderState::Received, now)
                .map_err(|e| IngressError::Unavailable(e.to_string()))?;
            deps.orders.save_order(&mut existing).await?;
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
