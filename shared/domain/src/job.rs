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
}

/// What a sync job keeps in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncResource {
    /// Customers, field by field per the direction rules.
    Customers,
    /// Articles with their price and stock.
    Articles,
}

impl SyncResource {
    pub const ALL: [SyncResource; 2] = [SyncResource::Customers, SyncResource::Articles];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Articles => "articles",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Job {
    pub fn tenant(&self) -> &TenantId {
        match self {
            Job::Order { tenant, .. } | Job::Sync { tenant, .. } => tenant,
        }
    }

    pub fn idempotency_key(&self) -> String {
        match self {
            Job::Order { tenant, order_id } => format!("order:{tenant}:{order_id}"),
            Job::Sync {
                tenant, resource, ..
            } => format!("sync:{tenant}:{}", resource.as_str()),
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
