//! The canonical shop order: what every platform's payload is mapped to before anything is
//! decided about Fortnox.

use crate::ids::OrderId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Shopify,
    Woocommerce,
    Generic,
}

impl Platform {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "shopify" => Some(Self::Shopify),
            "woocommerce" => Some(Self::Woocommerce),
            "generic" => Some(Self::Generic),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shopify => "shopify",
            Self::Woocommerce => "woocommerce",
            Self::Generic => "generic",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    #[default]
    Private,
    Company,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub zip: String,
    pub city: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Lower-cased, trimmed: the matching key.
    pub email: String,
    pub name: String,
    pub kind: CustomerKind,
    pub organisation_number: Option<String>,
    pub vat_number: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: Option<String>,
    pub name: String,
    pub quantity: Decimal,
    /// Per unit, including VAT when the order's `prices_include_tax` is true.
    pub unit_price: Decimal,
    /// Percent, e.g. 25.
    pub vat_rate: Decimal,
    /// Amount off this line in total (same VAT basis as `unit_price`).
    pub discount: Decimal,
}

/// Shipping or a fee: a charge not tied to an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub name: String,
    pub amount: Decimal,
    pub vat_rate: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    /// The customer-facing order number ("#1001").
    pub number: String,
    pub platform: Platform,
    /// `YYYY-MM-DD` in the shop's time zone.
    pub order_date: String,
    pub currency: String,
    pub prices_include_tax: bool,
    pub customer: Customer,
    pub billing: Address,
    pub lines: Vec<OrderLine>,
    pub shipping: Vec<Charge>,
    /// The grand total the shop charged, as the shop computed it.
    pub total: Decimal,
    pub note: Option<String>,
}
