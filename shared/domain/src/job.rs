//! Work-queue messages: typed JSON, each with a business idempotency key so duplicates (SQS
//! redelivery, replays, repeated webhooks) are recognised whatever their message id.

use crate::ids::{OrderId, TenantId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Sync one shop order to Fortnox; the order itself is read from the state table.
    Order { tenant: TenantId, order_id: OrderId },
}

impl Job {
    pub fn tenant(&self) -> &TenantId {
        match self {
            Job::Order { tenant, .. } => tenant,
        }
    }

    pub fn idempotency_key(&self) -> String {
        match self {
            Job::Order { tenant, order_id } => format!("order:{tenant}:{order_id}"),
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
