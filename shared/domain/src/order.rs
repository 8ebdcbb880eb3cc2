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
    /// The person's name.
    pub name: String,
    /// The company's name, for company customers (Fortnox `Name` then).
    #[serde(default)]
    pub company: Option<String>,
    pub kind: CustomerKind,
    pub organisation_number: Option<String>,
    pub vat_number: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The shop's id of the line (refunds and edits refer to it).
    #[serde(default)]
    pub line_id: Option<String>,
    pub sku: Option<String>,
    pub name: String,
    pub quantity: Decimal,
    /// Per unit, including VAT when the order's `prices_include_tax` is true.
    pub unit_price: Decimal,
    /// Percent, e.g. 25.
    pub vat_rate: Decimal,
    /// Amount off this line in total (same VAT basis as `unit_price`), order-level discount
    /// codes included as the shop allocated them.
    pub discount: Decimal,
    /// A gift card sold: a multi-purpose voucher, not revenue and without VAT until redeemed.
    #[serde(default)]
    pub gift_card: bool,
}

/// Shipping or a fee: a charge not tied to an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub name: String,
    pub amount: Decimal,
    pub vat_rate: Decimal,
}

/// Who and where, for Fortnox's reference fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct References {
    /// The shop user who created the order (Fortnox `OurReference` when set).
    pub created_by: Option<String>,
    /// The shop or sales channel's name.
    pub site: Option<String>,
    /// A reference the buyer gave (purchase order number, contact).
    pub buyer_reference: Option<String>,
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
    /// SEK per unit of `currency` when the shop states it; Fortnox uses its own rate otherwise.
    #[serde(default)]
    pub currency_rate: Option<Decimal>,
    pub prices_include_tax: bool,
    pub customer: Customer,
    pub billing: Address,
    #[serde(default)]
    pub shipping_address: Option<Address>,
    pub lines: Vec<OrderLine>,
    pub shipping: Vec<Charge>,
    /// Payment, handling and similar fees.
    #[serde(default)]
    pub fees: Vec<Charge>,
    /// Discount codes used (already allocated to the lines' `discount`).
    #[serde(default)]
    pub discount_codes: Vec<String>,
    /// The payment method or gateway (settings can act per method).
    #[serde(default)]
    pub payment_method: Option<String>,
    /// Paid with gift cards: a means of payment, not a discount.
    #[serde(default)]
    pub paid_with_gift_cards: Decimal,
    /// The grand total the shop charged, as the shop computed it.
    pub total: Decimal,
    pub note: Option<String>,
    #[serde(default)]
    pub references: References,
    #[serde(default)]
    pub cancelled: bool,
    /// When the shop last changed the order (RFC 3339), if it says.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A refund of (part of) an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The shop's refund id.
    pub id: String,
    pub order_id: OrderId,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Refunded lines, amounts positive, on the order's VAT basis.
    pub lines: Vec<OrderLine>,
    /// Refunded shipping and fees.
    pub charges: Vec<Charge>,
    /// The total refunded to the buyer.
    pub amount: Decimal,
    pub note: Option<String>,
}
