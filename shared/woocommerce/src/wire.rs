//! The parts of WooCommerce's JSON the adapter reads, decoded leniently: plugins and old
//! versions send numbers as strings, `null` for empty strings, and a variation's
//! `manage_stock` may be `"parent"`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Text of a string, number or bool; `null` → "".
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

/// An integer from a number or numeric string; anything else → `None`.
fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

/// `manage_stock`: `true`, `false`, or `"parent"` (a variation whose stock is the parent's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ManageStock {
    Yes,
    #[default]
    No,
    Parent,
}

fn manage_stock<'de, D: Deserializer<'de>>(d: D) -> Result<ManageStock, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(true) => ManageStock::Yes,
        Value::String(s) if s == "parent" => ManageStock::Parent,
        Value::String(s) if s == "true" || s == "yes" => ManageStock::Yes,
        _ => ManageStock::No,
    })
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireAttribute {
    #[serde(deserialize_with = "text")]
    pub option: String,
}

/// A product, or a variation in either shape (the product resource or `/variations`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireProduct {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(deserialize_with = "id")]
    pub parent_id: u64,
    #[serde(rename = "type", deserialize_with = "text")]
    pub kind: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub sku: String,
    #[serde(deserialize_with = "text")]
    pub status: String,
    #[serde(deserialize_with = "text")]
    pub regular_price: String,
    #[serde(deserialize_with = "manage_stock")]
    pub manage_stock: ManageStock,
    #[serde(deserialize_with = "int")]
    pub stock_quantity: Option<i64>,
    #[serde(deserialize_with = "text")]
    pub date_modified_gmt: String,
    pub attributes: Vec<WireAttribute>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireAddress {
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub company: String,
    #[serde(deserialize_with = "text")]
    pub address_1: String,
    #[serde(deserialize_with = "text")]
    pub address_2: String,
    #[serde(deserialize_with = "text")]
    pub city: String,
    #[serde(deserialize_with = "text")]
    pub postcode: String,
    #[serde(deserialize_with = "text")]
    pub country: String,
    #[serde(deserialize_with = "text")]
    pub email: String,
    #[serde(deserialize_with = "text")]
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireCustomer {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(deserialize_with = "text")]
    pub email: String,
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub date_modified_gmt: String,
    #[serde(deserialize_with = "text")]
    pub date_created_gmt: String,
    pub billing: WireAddress,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireMeta {
    #[serde(deserialize_with = "text")]
    pub key: String,
    pub value: Value,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireOrder {
    #[serde(deserialize_with = "text")]
    pub status: String,
    pub meta_data: Vec<WireMeta>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireNote {
    #[serde(deserialize_with = "text")]
    pub note: String,
}

/// One answered item of a batch: the resource, or `{id, error}`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireBatchItem {
    #[serde(deserialize_with = "id")]
    pub id: u64,
    #[serde(rename = "type", deserialize_with = "text")]
    pub kind: String,
    pub error: Option<WireItemError>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireItemError {
    #[serde(deserialize_with = "text")]
    pub code: String,
    #[serde(deserialize_with = "text")]
    pub message: String,
    pub data: Value,
}

impl WireItemError {
    pub fn status(&self) -> u16 {
        self.data
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(400)
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct WireBatch {
    pub create: Vec<WireBatchItem>,
    pub update: Vec<WireBatchItem>,
}
