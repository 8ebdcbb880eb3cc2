//! Validated identifiers. Shop order ids are strings (Shopify's are 64-bit integers; they are
//! kept as their decimal text so no precision is ever lost).

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum IdError {
    #[error("tenant id must be 1-32 characters of a-z, 0-9 and '-'")]
    BadTenant,
    #[error("order id must be 1-38 characters of letters, digits and -_.:#/")]
    BadOrder,
}

/// One tenant = one shop + one Fortnox company. Lower-case slug, safe in URLs, keys and names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::BadTenant)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TenantId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<TenantId> for String {
    fn from(t: TenantId) -> String {
        t.0
    }
}
impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shop's own id of an order (not the customer-facing order number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderId(String);

impl OrderId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 38
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:#/".contains(c));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError::BadOrder)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<OrderId> for String {
    fn from(o: OrderId) -> String {
        o.0
    }
}
impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The stable key written to the Fortnox document's `ExternalInvoiceReference1`: it is how a
/// retry finds a document an earlier attempt created. Includes the tenant because several
/// shops (tenants) may share one Fortnox company. At most 9 + 32 + 1 + 38 = 80 characters,
/// Fortnox's limit for the field (hence the 38-character cap on order ids).
pub fn external_reference(tenant: &TenantId, order: &OrderId) -> String {
    format!("fortsync:{tenant}:{order}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_are_lowercase_slugs() {
        assert!(TenantId::parse("acme-shop").is_ok());
        assert_eq!(TenantId::parse("Acme"), Err(IdError::BadTenant));
        assert_eq!(TenantId::parse(""), Err(IdError::BadTenant));
        assert_eq!(TenantId::parse("a/b"), Err(IdError::BadTenant));
        assert_eq!(TenantId::parse(&"a".repeat(33)), Err(IdError::BadTenant));
    }

    #[test]
    fn order_ids_keep_64_bit_shop_ids_exactly() {
        let id = OrderId::parse("820982911946154508").unwrap();
        assert_eq!(id.as_str(), "820982911946154508");
        assert!(OrderId::parse("bad id").is_err());
    }

    #[test]
    fn external_reference_fits_fortnox_field() {
        let t = TenantId::parse(&"t".repeat(32)).unwrap();
        let o = OrderId::parse(&"9".repeat(38)).unwrap();
        assert!(OrderId::parse(&"9".repeat(39)).is_err());
        assert!(external_reference(&t, &o).len() <= 80);
    }
}
