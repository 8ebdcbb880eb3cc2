//! Work-queue messages: typed JSON, each with a business idempotency key so duplicates (SQS
//! redelivery, replays, repeated webhooks) are recognised whatever their message id.

use crate::ids::{OrderId, TenantId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Sync one shop order to Fortnox; the order itself is read from the state table.
    Order { tenant: TenantId, order_id: OrderId },
    /// One register of one tenant, between Fortnox and the shop (the hourly fan-out or
    /// `fortsync sync`); `full` ignores the watermarks.
    Sync {
        tenant: TenantId,
        resource: SyncResource,
        #[serde(default)]
        full: bool,
    },
    /// An invoice changed in Fortnox (callback, relay or polling): read it, update the order,
    /// write the shop. Named by number, external reference or one of its payments.
    InvoiceStatus {
        tenant: TenantId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invoice: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payment: Option<String>,
    },
}

/// What a sync job keeps in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncResource {
    /// Customers, field by field per the direction rules.
    Customers,
    /// Articles with their price and stock.
    Articles,
    /// Invoice status polling: every invoice and payment changed since the last run goes
    /// through the same path as a callback (makes the shop right even if every notice is lost).
    Invoices,
}

impl SyncResource {
    pub const ALL: [SyncResource; 3] = [
        SyncResource::Customers,
        SyncResource::Articles,
        SyncResource::Invoices,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Articles => "articles",
            Self::Invoices => "invoices",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Job {
    pub fn tenant(&self) -> &TenantId {
        match self {
            Job::Order { tenant, .. }
            | Job::Sync { tenant, .. }
            | Job::InvoiceStatus { tenant, .. } => tenant,
        }
    }

    pub fn idempotency_key(&self) -> String {
        match self {
            Job::Order { tenant, order_id } => format!("order:{tenant}:{order_id}"),
            Job::Sync {
                tenant, resource, ..
            } => format!("sync:{tenant}:{}", resource.as_str()),
            Job::InvoiceStatus {
                tenant,
                invoice,
                external_reference,
                payment,
            } => format!(
                "status:{tenant}:{}",
                invoice
                    .as_deref()
                    .or(external_reference.as_deref())
                    .or(payment.as_deref())
                    .unwrap_or("-")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_tagged_json() {
        let j = Job::Order {
            tenant: TenantId::parse("acme").unwrap(),
            order_id: OrderId::parse("1001").unwrap(),
        };
        let s = serde_json::to_string(&j).unwrap();
        assert_eq!(s, r#"{"kind":"order","tenant":"acme","order_id":"1001"}"#);
        assert_eq!(serde_json::from_str::<Job>(&s).unwrap(), j);
        assert!(
            serde_json::from_str::<Job>(r#"{"kind":"order","tenant":"BAD","order_id":"1"}"#)
                .is_err()
        );
    }
}
