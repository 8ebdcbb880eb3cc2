//! The invoice-status callback: verify (timestamped HMAC, see [`crate::callback`]), dedupe by
//! event id, enqueue. No Fortnox call here: the worker reads the invoice and writes the shop.

use super::{DELIVERY_TTL_SECS, IngressDeps, IngressError};
use crate::callback::{self, EVENT_HEADER, SIGNATURE_HEADER, StatusNotice, TIMESTAMP_HEADER};
use crate::secrets::WebhookSecrets;
use fortsync_domain::TenantId;
use fortsync_domain::job::Job;
use http::HeaderMap;
use std::time::Duration;

#[derive(Debug, PartialEq, Eq)]
pub enum StatusAccepted {
    Queued,
    /// This event id was seen before: nothing done.
    Duplicate,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    super::platforms::header(headers, name)
}

async fn verify(
    deps: &IngressDeps,
    tenant: &TenantId,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), IngressError> {
    let timestamp: i64 = header(headers, TIMESTAMP_HEADER)
        .and_then(|t| t.parse().ok())
        .ok_or(IngressError::Unauthorized)?;
    let signature = header(headers, SIGNATURE_HEADER).ok_or(IngressError::Unauthorized)?;
    let now = deps.clock.now().unix_timestamp();
    let name = deps.names.callback(tenant);
    let check = |secret: Option<crate::ports::SecretString>| -> Result<bool, IngressError> {
        // A tenant without a callback secret takes no callbacks.
        let Some(secret) = secret else {
            return Ok(false);
        };
        let parsed: WebhookSecrets = serde_json::from_str(secret.expose())
            .map_err(|_| IngressError::Unavailable("callback secret is not valid JSON".into()))?;
        Ok(callback::verify(
            &parsed.keys(),
            timestamp,
            now,
            body,
            signature,
        ))
    };
    let unavailable = |e: crate::ports::SecretError| IngressError::Unavailable(e.to_string());
    if check(deps.secrets.get(&name).await.map_err(unavailable)?)? {
        return Ok(());
    }
    // A rotated secret: read it again (at most once a minute) before refusing.
    let fresh = deps
        .secrets
        .refresh(&name, Duration::from_secs(60))
        .await
        .map_err(unavailable)?;
    if check(fresh)? {
        Ok(())
    } else {
        Err(IngressError::Unauthorized)
    }
}

/// Handle one `POST /callbacks/{tenant}/invoice-status`.
pub async fn receive_status(
    deps: &IngressDeps,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<StatusAccepted, IngressError> {
    if body.len() > deps.max_body_bytes {
        return Err(IngressError::TooLarge(deps.max_body_bytes));
    }
    let tenant = TenantId::parse(tenant).map_err(|_| IngressError::NotFound)?;
    deps.tenants
        .get_tenant(&tenant)
        .await?
        .ok_or(IngressError::NotFound)?;
    verify(deps, &tenant, headers, body).await?;
    let event = header(headers, EVENT_HEADER)
        .filter(|e| e.len() <= 128)
        .ok_or_else(|| IngressError::Invalid(format!("{EVENT_HEADER} is required")))?;
    let notice: StatusNotice =
        serde_json::from_slice(body).map_err(|e| IngressError::Invalid(e.to_string()))?;
    if notice.invoice.is_none() && notice.external_reference.is_none() && notice.payment.is_none() {
        return Err(IngressError::Invalid(
            "name the invoice: invoice, external_reference or payment".into(),
        ));
    }
    let now = deps.clock.now().unix_timestamp();
    let key = format!("callback:{event}");
    if !deps
        .deliveries
        .claim(&tenant, &key, now, now + DELIVERY_TTL_SECS)
        .await?
    {
        return Ok(StatusAccepted::Duplicate);
    }
    let job = Job::InvoiceStatus {
        tenant: tenant.clone(),
        invoice: notice.invoice,
        external_reference: notice.external_reference,
        payment: notice.payment,
    };
    if let Err(e) = deps.queue.send(&job).await {
        // Let the sender's retry in.
        if let Err(re) = deps.deliveries.release(&tenant, &key).await {
            tracing::error!(tenant = %tenant, error = %re, "could not release callback claim");
        }
        return Err(IngressError::Unavailable(e.to_string()));
    }
    Ok(StatusAccepted::Queued)
}
