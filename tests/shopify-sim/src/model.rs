//! The shop's records as the simulator stores them. Ids are plain integers; the API shows them
//! as GIDs (`gid://shopify/ProductVariant/9000000000001`). One counter serves all types, so every
//! id is unique and above 2^32 like real Shopify ids.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductStatus {
    #[default]
    Active,
    Draft,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "ACTIVE",
            ProductStatus::Draft => "DRAFT",
            ProductStatus::Archived => "ARCHIVED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ACTIVE" => Some(ProductStatus::Active),
            "DRAFT" => Some(ProductStatus::Draft),
            "ARCHIVED" => Some(ProductStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metafield {
    pub id: u64,
    pub namespace: String,
    pub key: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: u64,
    pub title: String,
    pub sku: String,
    pub price: Decimal,
    pub position: u32,
    pub inventory_item_id: u64,
    /// Whether Shopify tracks stock for the inventory item.
    pub tracked: bool,
    /// On-hand quantity per location id (a location present here means "stocked at").
    pub on_hand: BTreeMap<u64, i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: u64,
    pub title: String,
    pub status: ProductStatus,
    pub tags: Vec<String>,
    pub variants: Vec<Variant>,
    pub metafields: Vec<Metafield>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub id: u64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub province_code: Option<String>,
    pub country_code: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: u64,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub addresses: Vec<Address>,
    pub default_address_id: Option<u64>,
    pub metafields: Vec<Metafield>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Customer {
    pub fn default_address(&self) -> Option<&Address> {
        let id = self.default_address_id?;
        self.addresses.iter().find(|a| a.id == id)
    }

    /// The metafield value in `namespace`/`key`, if set.
    pub fn metafield(&self, namespace: &str, key: &str) -> Option<&str> {
        find_metafield(&self.metafields, namespace, key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: u64,
    /// `#1001`.
    pub name: String,
    pub email: Option<String>,
    pub note: Option<String>,
    pub tags: Vec<String>,
    pub metafields: Vec<Metafield>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Order {
    /// The metafield value in `namespace`/`key`, if set.
    pub fn metafield(&self, namespace: &str, key: &str) -> Option<&str> {
        find_metafield(&self.metafields, namespace, key)
    }
}

fn find_metafield<'a>(list: &'a [Metafield], namespace: &str, key: &str) -> Option<&'a str> {
    list.iter()
        .find(|m| m.namespace == namespace && m.key == key)
        .map(|m| m.value.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: u64,
    pub name: String,
    pub active: bool,
}

/// `gid://shopify/{kind}/{id}`.
pub fn gid(kind: &str, id: u64) -> String {
    format!("gid://shopify/{kind}/{id}")
}

/// The numeric id of a GID of `kind`; `None` for other kinds or malformed input.
pub fn parse_gid(s: &str, kind: &str) -> Option<u64> {
    let (k, id) = split_gid(s)?;
    (k == kind).then_some(id)
}

/// (kind, id) of `gid://shopify/{kind}/{id}` (a query string after the id is ignored).
pub fn split_gid(s: &str) -> Option<(&str, u64)> {
    let rest = s.strip_prefix("gid://shopify/")?;
    let (kind, id) = rest.split_once('/')?;
    let id = id.split('?').next()?;
    Some((kind, id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gids_round_trip() {
        let g = gid("ProductVariant", 9_000_000_000_001);
        assert_eq!(g, "gid://shopify/ProductVariant/9000000000001");
        assert_eq!(parse_gid(&g, "ProductVariant"), Some(9_000_000_000_001));
        assert_eq!(parse_gid(&g, "Product"), None);
        assert_eq!(parse_gid("gid://shopify/Order/12", "Order"), Some(12));
        assert_eq!(parse_gid("12", "Order"), None);
    }
}
