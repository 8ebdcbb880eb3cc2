//! Order webhook ingress: verify, dedupe, record, enqueue, answer. No Fortnox call here: the
//! shop gets its answer in milliseconds and the worker does the slow part.

use crate::ports::{Clock, DeliveryLog, JobQueue, OrderStore, StoreError, TenantStore};
use crate::rfc3339;
use crate::secrets::{SecretCache, SecretNames, WebhookSecrets};
use crate::signature;
use fortsync_domain::followup::RefundRecord;
use fortsync_domain::job::Job;
use fortsync_domain::order::{Order, Platform, Refund};
use fortsync_domain::state::{OrderRecord, OrderState};
use fortsync_domain::{OrderId, TenantId};
use http::HeaderMap;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

pub mod platforms;
pub mod status;

pub use platforms::{GENERIC_DELIVERY as DELIVERY_HEADER, GENERIC_SIGNATURE as SIGNATURE_HEADER};
/// Deliveries are remembered this long (shops retry for hours to days).
pub(crate) const DELIVERY_TTL_SECS: i64 = 7 * 24 * 3600;

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
    let intent = match platforms::classify(platform, d.headers, d.body, &tenant.settings.sync_on) {
        Err(platforms::Invalid(reason)) => return Err(IngressError::Invalid(reason)),
        Ok(platforms::Intent::Ignore(why)) => return Ok(Accepted::Ignored(why)),
        Ok(intent) => intent,
    };
    let key = match &intent {
        platforms::Intent::Sync { key, .. } | platforms::Intent::ShopifyRefund { key, .. } => {
            key.clone()
        }
        platforms::Intent::Ignore(_) => String::new(),
    };
    // Cancellations, refunds and edits only concern orders fortsync has: the rest is answered
    // before a delivery is claimed (so a later syncing topic with the same body gets in).
    let follow_up_of = match &intent {
        platforms::Intent::Sync {
            order,
            known_only: true,
            ..
        } => Some(order.id.clone()),
        platforms::Intent::ShopifyRefund { order_id, .. } => Some(order_id.clone()),
        _ => None,
    };
    if let Some(id) = follow_up_of
        && deps.orders.get_order(&tenant.id, &id).await?.is_none()
    {
        return Ok(Accepted::Ignored(format!(
            "order {id} was never synced: nothing to cancel, change or credit"
        )));
    }

    let now = deps.clock.now();
    let ts = now.unix_timestamp();
    if !deps
        .deliveries
        .claim(&tenant.id, &key, ts, ts + DELIVERY_TTL_SECS)
        .await?
    {
        return Ok(Accepted::Duplicate);
    }

    let stamp = rfc3339(now);
    let result = match intent {
        platforms::Intent::Sync {
            order,
            refunds,
            known_only,
            ..
        } => record_and_enqueue(deps, &tenant.id, *order, refunds, known_only, &stamp).await,
        platforms::Intent::ShopifyRefund { order_id, .. } => {
            shopify_refund(deps, &tenant.id, &order_id, d.body, &stamp).await
        }
        platforms::Intent::Ignore(why) => Ok(Accepted::Ignored(why)),
    };
    if result.is_err() {
        // Let the shop's retry in: without this the retry would be dropped as a duplicate.
        if let Err(e) = deps.deliveries.release(&tenant.id, &key).await {
            tracing::error!(tenant = %tenant.id, error = %e, "could not release delivery claim");
        }
    }
    result
}

/// A Shopify refund for an order fortsync knows: parsed on the order's VAT basis, recorded,
/// queued.
async fn shopify_refund(
    deps: &IngressDeps,
    tenant: &TenantId,
    order_id: &OrderId,
    body: &[u8],
    now: &str,
) -> Result<Accepted, IngressError> {
    let Some(rec) = deps.orders.get_order(tenant, order_id).await? else {
        return Ok(Accepted::Ignored(format!(
            "order {order_id} was never synced: nothing to credit"
        )));
    };
    let refund =
        fortsync_domain::shopify::parse_refund_on_basis(body, rec.order.prices_include_tax)
            .map_err(|e| IngressError::Invalid(e.to_string()))?;
    let incoming = rec.order.clone();
    record_and_enqueue(deps, tenant, incoming, vec![refund], true, now).await
}

/// The incoming version equals the stored one in everything Fortnox sees.
fn same_content(a: &Order, b: &Order) -> bool {
    let strip = |o: &Order| Order {
        updated_at: None,
        cancelled: false,
        ..o.clone()
    };
    strip(a) == strip(b)
}

enum Merged {
    Changed,
    Unchanged,
    Stale,
}

/// Fold a delivery into the stored record: new refunds (each once, by id), a newer version of
/// the order (an edit), a cancellation.
fn merge(
    rec: &mut OrderRecord,
    order: &Order,
    refunds: &[Refund],
    now: &str,
) -> Result<Merged, IngressError> {
    let mut changed = false;
    for r in refunds {
        if !rec.refunds.iter().any(|known| known.refund.id == r.id) {
            rec.refunds.push(RefundRecord::new(r.clone(), now));
            changed = true;
        }
    }
    // RFC 3339 in one offset compares as text; a retry of an older version loses.
    let stale = matches!((&order.updated_at, &rec.order.updated_at), (Some(i), Some(k)) if i < k);
    if stale {
        return Ok(if changed {
            Merged::Changed
        } else {
            Merged::Stale
        });
    }
    let cancels = order.cancelled && !rec.order.cancelled;
    let edits = !same_content(order, &rec.order);
    match rec.state {
        OrderState::Failed => {
            // A new delivery after a permanent failure carries the shop's corrected data:
            // take it and start again, keeping every Fortnox number already recorded.
            rec.order = order.clone();
            rec.last_error = None;
            rec.advance(OrderState::Received, now)
                .map_err(|e| IngressError::Unavailable(e.to_string()))?;
            changed = true;
        }
        OrderState::Received | OrderState::CustomerReady => {
            if edits || cancels {
                rec.order = order.clone();
                changed = true;
            }
        }
        _ => {
            if edits {
                rec.order = order.clone();
                rec.revision_pending = true;
                changed = true;
            } else if cancels {
                rec.order.cancelled = true;
                changed = true;
            }
        }
    }
    Ok(if changed {
        Merged::Changed
    } else {
        Merged::Unchanged
    })
}

async fn record_and_enqueue(
    deps: &IngressDeps,
    tenant: &TenantId,
    order: Order,
    refunds: Vec<Refund>,
    known_only: bool,
    now: &str,
) -> Result<Accepted, IngressError> {
    let order_id = order.id.clone();
    let mut existing = if known_only {
        match deps.orders.get_order(tenant, &order_id).await? {
            Some(rec) => rec,
            None => {
                return Ok(Accepted::Ignored(format!(
                    "order {order_id} was never synced: nothing to cancel, change or credit"
                )));
            }
        }
    } else {
        let mut fresh = OrderRecord::new(tenant.clone(), order.clone(), now);
        fresh.refunds = refunds
            .iter()
            .map(|r| RefundRecord::new(r.clone(), now))
            .collect();
        match deps.orders.insert_order(&fresh).await? {
            None => return enqueue(deps, tenant, order_id).await,
            Some(existing) => existing,
        }
    };
    // The worker saves the same record: on a lost race, read it again and merge again.
    let mut tries = 0;
    let merged = loop {
        let merged = merge(&mut existing, &order, &refunds, now)?;
        if !matches!(merged, Merged::Changed) {
            break merged;
        }
        match deps.orders.save_order(&mut existing).await {
            Ok(()) => break merged,
            Err(StoreError::Conflict) if tries < 8 => {
                tries += 1;
                existing = deps
                    .orders
                    .get_order(tenant, &order_id)
                    .await?
                    .ok_or_else(|| IngressError::Unavailable("order record vanished".into()))?;
            }
            Err(e) => return Err(e.into()),
        }
    };
    if matches!(merged, Merged::Stale) {
        return Ok(Accepted::Stale { order_id });
    }
    if known_only && matches!(merged, Merged::Unchanged) {
        return Ok(Accepted::Ignored(format!(
            "nothing changed for order {order_id} in this status or topic"
        )));
    }
    if existing.has_work() {
        enqueue(deps, tenant, order_id).await
    } else {
        Ok(Accepted::AlreadySynced { order_id })
    }
}

async fn enqueue(
    deps: &IngressDeps,
    tenant: &TenantId,
    order_id: OrderId,
) -> Result<Accepted, IngressError> {
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
