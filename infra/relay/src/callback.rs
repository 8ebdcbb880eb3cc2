//! Sending one event to a tenant's invoice-status callback, signed per
//! [`fortsync_app::callback`]: `X-Fortsync-Timestamp`, `X-Fortsync-Event-Id`
//! (`"{topic}:{offset}"`, so a repeated event is recognised by the receiver) and
//! `X-Fortsync-Signature` with the tenant's current callback secret.

use std::sync::Arc;
use std::time::Duration;

use fortsync_app::callback::{
    EVENT_HEADER, SIGNATURE_HEADER, StatusNotice, TIMESTAMP_HEADER, sign,
};
use fortsync_app::secrets::{SecretCache, SecretNames, WebhookSecrets};
use fortsync_app::{Clock, SecretStore};
use fortsync_domain::TenantId;
use fortsync_fortnox::topics::TopicEvent;
use thiserror::Error;

/// A cached secret is re-read after a 401/403 at most this often.
const SECRET_REFRESH_MIN_AGE: Duration = Duration::from_secs(30);

/// The notice for an event, or `None` when it names neither an invoice nor a payment (the
/// receiver could do nothing with it).
pub fn notice_for(event: &TopicEvent) -> Option<StatusNotice> {
    let mut notice = StatusNotice {
        event: Some(event.event_type.clone()),
        ..StatusNotice::default()
    };
    if event.event_type.starts_with("invoicepayment-") {
        notice.payment = Some(event.entity_id.clone());
    } else if event.event_type.starts_with("invoice-") {
        notice.invoice = Some(event.entity_id.clone());
    } else {
        return None;
    }
    Some(notice)
}

/// `"{topic}:{offset}"`: the same for every repeat of an event.
pub fn event_id(event: &TopicEvent) -> String {
    format!("{}:{}", event.topic, event.offset)
}

/// How one attempt ended, when it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// 2xx.
    Delivered(u16),
    /// A 4xx other than 408/429: the receiver will not take it, now or later.
    Refused(u16),
    /// The tenant has no callback secret: nobody to tell.
    NoSecret,
}

/// An attempt that may succeed later.
#[derive(Debug, Error)]
pub enum SendError {
    #[error("callback answered HTTP {0}")]
    Status(u16),
    #[error("callback unreachable: {0}")]
    Network(String),
    #[error("callback secret unavailable: {0}")]
    Secret(String),
    #[error("notice not encodable: {0}")]
    Encode(String),
}

pub struct CallbackSender {
    http: reqwest::Client,
    base_url: String,
    secrets: SecretCache,
    names: SecretNames,
    clock: Arc<dyn Clock>,
}

impl CallbackSender {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        secrets: Arc<dyn SecretStore>,
        names: SecretNames,
        secret_ttl: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            secrets: SecretCache::new(secrets, secret_ttl),
            names,
            clock,
        }
    }

    pub fn url(&self, tenant: &TenantId) -> String {
        format!("{}/callbacks/{tenant}/invoice-status", self.base_url)
    }

    /// The tenant's current signing key (re-read when `fresh`).
    async fn key(&self, tenant: &TenantId, fresh: bool) -> Result<Option<String>, SendError> {
        let name = self.names.callback(tenant);
        let secret = if fresh {
            self.secrets.refresh(&name, SECRET_REFRESH_MIN_AGE).await
        } else {
            self.secrets.get(&name).await
        }
        .map_err(|e| SendError::Secret(e.to_string()))?;
        let Some(secret) = secret else {
            return Ok(None);
        };
        let parsed: WebhookSecrets = serde_json::from_str(secret.expose())
            .map_err(|_| SendError::Secret("the callback secret is not {\"current\", …}".into()))?;
        Ok(Some(parsed.current).filter(|k| !k.is_empty()))
    }

    /// One delivery: on 401/403 the secret may just have been rotated, so it is re-read and
    /// the notice sent once more before the refusal counts.
    pub async fn send(
        &self,
        tenant: &TenantId,
        id: &str,
        notice: &StatusNotice,
    ) -> Result<Sent, SendError> {
        let body = serde_json::to_vec(notice).map_err(|e| SendError::Encode(e.to_string()))?;
        let mut fresh = false;
        loop {
            let Some(key) = self.key(tenant, fresh).await? else {
                return Ok(Sent::NoSecret);
            };
            let status = self.post(tenant, id, &body, &key).await?;
            match status {
                200..=299 => return Ok(Sent::Delivered(status)),
                401 | 403 if !fresh => fresh = true,
                408 | 429 => return Err(SendError::Status(status)),
                400..=499 => return Ok(Sent::Refused(status)),
                _ => return Err(SendError::Status(status)),
            }
        }
    }

    async fn post(
        &self,
        tenant: &TenantId,
        id: &str,
        body: &[u8],
        key: &str,
    ) -> Result<u16, SendError> {
        let timestamp = self.clock.now().unix_timestamp();
        let signature = sign(key.as_bytes(), timestamp, body);
        let resp = self
            .http
            .post(self.url(tenant))
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(EVENT_HEADER, id)
            .header(SIGNATURE_HEADER, signature)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|e| SendError::Network(describe(&e)))?;
        Ok(resp.status().as_u16())
    }
}

/// The error chain (reqwest's own message stops at "error sending request").
fn describe(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str) -> TopicEvent {
        TopicEvent {
            topic: "invoices".into(),
            offset: "000000000a".into(),
            event_type: kind.into(),
            tenant_id: 7,
            entity_id: "42".into(),
            timestamp: String::new(),
        }
    }

    #[test]
    fn notices_name_the_invoice_or_the_payment() {
        let n = notice_for(&event("invoice-bookkeep-v1")).unwrap();
        assert_eq!(n.invoice.as_deref(), Some("42"));
        assert_eq!(n.payment, None);
        assert_eq!(n.event.as_deref(), Some("invoice-bookkeep-v1"));
        let n = notice_for(&event("invoicepayment-bookkeep-v1")).unwrap();
        assert_eq!((n.invoice, n.payment.as_deref()), (None, Some("42")));
        assert!(notice_for(&event("reminder-sent-v1")).is_none());
        assert_eq!(event_id(&event("x")), "invoices:000000000a");
    }
}
