//! An invoice changed in Fortnox (callback, relay or hourly polling all end here): find the
//! order, read its invoice from Fortnox, derive the status and write the shop only when the
//! status moved (`fortsync_domain::status::advance`). Duplicated, replayed and out-of-order
//! notices are harmless: the status always comes from Fortnox as it is now.

use super::{JobOutcome, RetryLater, Trail, WorkerDeps, transient};
use crate::ports::Accounting;
use crate::rfc3339;
use crate::shop::OrderAnnotation;
use fortsync_domain::order::Platform;
use fortsync_domain::state::OrderRecord;
use fortsync_domain::status::{InvoiceFacts, advance, annotation, derive};
use fortsync_domain::sync::timestamp::stockholm_offset;
use fortsync_domain::tenant::{Tenant, TenantStatus};
use fortsync_domain::{OrderId, TenantId};

/// What a notice names.
pub struct Notice<'a> {
    pub invoice: Option<&'a str>,
    pub external_reference: Option<&'a str>,
    pub payment: Option<&'a str>,
}

/// `fortsync:{tenant}:{order}` → the order, when it is this tenant's.
fn order_of(tenant: &TenantId, reference: &str) -> Option<OrderId> {
    let rest = reference.strip_prefix("fortsync:")?;
    let (t, order) = rest.split_once(':')?;
    (t == tenant.as_str())
        .then(|| OrderId::parse(order).ok())
        .flatten()
}

fn today(deps: &WorkerDeps) -> String {
    let now = deps.clock.now();
    now.to_offset(stockholm_offset(now)).date().to_string()
}

/// The order's own invoice (not a refund's or a credit note).
fn own_invoice(tenant: &Tenant, rec: &OrderRecord) -> Option<String> {
    match super::followup::written(tenant, rec) {
        super::followup::Written::Invoice(n) => Some(n),
        _ => None,
    }
}

async fn locate(
    fortnox: &dyn Accounting,
    tenant: &TenantId,
    n: &Notice<'_>,
) -> Result<Option<(OrderId, Option<(InvoiceFacts, Option<String>)>)>, crate::ports::AccountingError>
{
    if let Some(order) = n.external_reference.and_then(|r| order_of(tenant, r)) {
        return Ok(Some((order, None)));
    }
    let invoice = match (n.invoice, n.payment) {
        (Some(i), _) => Some(i.to_owned()),
        (None, Some(p)) => fortnox.invoice_of_payment(p).await?,
        (None, None) => None,
    };
    let Some(invoice) = invoice else {
        return Ok(None);
    };
    let Some(read) = fortnox.invoice_facts(&invoice).await? else {
        return Ok(None);
    };
    Ok(read
        .1
        .as_deref()
        .and_then(|r| order_of(tenant, r))
        .map(|order| (order, Some(read))))
}

pub(super) async fn invoice_status(
    deps: &WorkerDeps,
    tenant_id: &TenantId,
    notice: Notice<'_>,
) -> Result<JobOutcome, RetryLater> {
    let Some(tenant) = deps
        .tenants
        .get_tenant(tenant_id)
        .await
        .map_err(transient)?
    else {
        return Ok(JobOutcome::Dropped(format!("unknown tenant {tenant_id}")));
    };
    if tenant.status != TenantStatus::Connected {
        // Polling after the reconnect makes the shop right again.
        return Ok(JobOutcome::Dropped(
            "the tenant must reconnect to Fortnox".into(),
        ));
    }
    let fortnox = deps.accounting.connect(&tenant).await.map_err(transient)?;
    let located = locate(fortnox.as_ref(), tenant_id, &notice)
        .await
        .map_err(transient)?;
    let Some((order_id, read)) = located else {
        return Ok(JobOutcome::Dropped(
            "not an invoice fortsync wrote for this tenant".into(),
        ));
    };
    let Some(mut rec) = deps
        .orders
        .get_order(tenant_id, &order_id)
        .await
        .map_err(transient)?
    else {
        return Ok(JobOutcome::Dropped(format!(
            "no record for order {order_id}"
        )));
    };
    let Some(invoice) = own_invoice(&tenant, &rec) else {
        return Ok(JobOutcome::Dropped(format!(
            "order {order_id} has no invoice of its own"
        )));
    };
    let facts = match read.filter(|(f, _)| f.number == invoice) {
        Some((f, _)) => f,
        None => match fortnox.invoice_facts(&invoice).await.map_err(transient)? {
            Some((f, _)) => f,
            None => {
                return Ok(JobOutcome::Dropped(format!(
                    "invoice {invoice} is not in Fortnox"
                )));
            }
        },
    };
    let status = derive(&facts, &today(deps));
    let change = advance(rec.shop_status.as_ref(), &status);
    let mut trail = Trail {
        clock: deps.clock.clone(),
        entries: Vec::new(),
    };
    trail.calls(fortnox.take_calls());
    if !change.writes() {
        record(deps, tenant_id, &order_id, trail).await;
        return Ok(JobOutcome::Synced(format!(
            "invoice {invoice}: still {}",
            status.stage.as_str()
        )));
    }
    let write = annotation(&rec.order_id, &status, &facts, &tenant.settings.status);
    let shop_written = match (&tenant.shop, &deps.sync) {
        (Some(link), Some(sync)) => {
            let shop = sync.shops.shop(&tenant).await.map_err(transient)?;
            let ann = OrderAnnotation {
                order_id: rec.order_id.to_string(),
                note: write.note.clone(),
                tags: write.tags.clone(),
                fields: write.fields.clone(),
                status: if link.platform == Platform::Woocommerce {
                    write.woo_status.clone()
                } else {
                    None
                },
            };
            shop.annotate_order(&ann).await.map_err(transient)?;
            if tenant.settings.status.customer_balance && link.platform != Platform::Generic {
                // The buyer's balance moved with this invoice: keep the shop customer's fields
                // current. A failure here must not undo the status write: logged only.
                if let Err(e) =
                    write_balance(deps, &tenant, &rec, fortnox.as_ref(), shop.as_ref()).await
                {
                    tracing::warn!(tenant = %tenant_id, error = %e, "customer balance not written");
                }
            }
            true
        }
        _ => false,
    };
    trail.step(
        "status",
        if shop_written {
            "written_to_shop"
        } else {
            "recorded"
        },
        Some(write.note.clone()),
    );
    rec.shop_status = Some(status.clone());
    rec.updated_at = rfc3339(deps.clock.now());
    super::save_or_busy(deps, &mut rec).await?;
    record(deps, tenant_id, &order_id, trail).await;
    Ok(JobOutcome::Synced(format!(
        "invoice {invoice}: {}{}",
        status.stage.as_str(),
        if shop_written { " (shop updated)" } else { "" }
    )))
}

async fn record(deps: &WorkerDeps, tenant: &TenantId, order: &OrderId, trail: Trail) {
    if let Err(e) = deps.audit.append(tenant, order, &trail.entries).await {
        tracing::error!(tenant = %tenant, order = %order, error = %e, "audit trail not written");
    }
}

async fn write_balance(
    deps: &WorkerDeps,
    tenant: &Tenant,
    rec: &OrderRecord,
    fortnox: &dyn Accounting,
    shop: &dyn crate::shop::Shop,
) -> Result<(), String> {
    let email = &rec.order.customer.email;
    let Some(customer) = shop
        .find_customer_by_email(email)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(()); // a guest checkout: no shop customer to write to
    };
    let found = crate::balance::for_customer(
        fortnox,
        deps.customers.as_ref(),
        deps.orders.as_ref(),
        tenant,
        email,
        &today(deps),
    )
    .await
    .map_err(|e| e.to_string())?;
    if let Some((_, balance)) = found {
        shop.set_customer_fields(&customer.id, &fortsync_domain::balance::fields(&balance))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
