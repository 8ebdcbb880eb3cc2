//! WooCommerce order bodies (`order.created` / `order.updated` webhooks send the REST order
//! resource, `/wc/v3/orders/{id}`) and refunds → the canonical [`Order`] and
//! [`Refund`](crate::order::Refund). Pure: the caller verifies the signature and applies the
//! status filter ([`status`]).
//!
//! # Mapping decisions
//! - **Ids**: `id` → order id (exact text); `number` → number (else the id); line `id` →
//!   `line_id`.
//! - **Dates**: `date_created` (shop-local, no offset) → order date, as the shop saw it;
//!   `date_created_gmt` only when it is missing. `date_modified_gmt` → `updated_at` with `Z`.
//! - **Currency**: `currency`; `currency_rate` `None` (WooCommerce states no rate).
//! - **VAT basis**: `prices_include_tax` (required). WooCommerce stores every line, shipping
//!   and fee amount *excluding* VAT with the VAT beside it; when prices include VAT the
//!   canonical amounts are made gross per line with the line's own VAT (`subtotal +
//!   subtotal_tax`, `total + total_tax`), so the order adds up on its own basis without
//!   recomputing any VAT.
//! - **Lines**: `unit_price` = subtotal / quantity (exact; before discounts), `discount` =
//!   subtotal − total (coupons as WooCommerce allocated them). A line priced above its
//!   subtotal (plugins) gets unit price total / quantity and no discount.
//! - **VAT rates**: a line's (or charge's) `taxes[]` name rate ids; their `rate_percent` in the
//!   order's `tax_lines[]` are summed (stacked taxes). No `taxes` → 0. When a rate id has no
//!   `rate_percent` (WooCommerce before 3.7), the rate is derived from the amounts (`total_tax`
//!   / `total`, else the subtotals), snapped to a rate that reproduces the tax to the öre.
//! - **Shipping** (`shipping_lines[]`) and **fees** (`fee_lines[]`): `total` (+ `total_tax` when
//!   prices include VAT), rate as above. A charge taxed at several rates that each cover a part
//!   of it (proportional shipping VAT, e.g. Germanized) is split into one charge per rate.
//!   Negative fees (discounts as fees) are kept.
//! - **Gift cards**: a line whose meta comes from a gift-card plugin (`wc_gc_giftcard*`,
//!   `pw_gift_card*`, `_ywgc_*`) is a gift card sold (VAT as charged: 0 when set up right).
//!   Gift cards *used* (the WooCommerce Gift Cards extension's `gift_cards[].amount`) are
//!   payments: `paid_with_gift_cards` = their sum and `total` = WooCommerce's total (what is
//!   left to pay) + that sum, i.e. the grand total.
//! - **Customer**: `billing.email` (required); name from billing first + last (else shipping,
//!   else company); `billing.company` → company; VAT number from order meta
//!   `_billing_vat_number`, `vat_number`, `_vat_number`, `billing_vat`, `_billing_vat_id`
//!   (Germanized); organisation number from `_billing_org_nr`, `_billing_orgnr`,
//!   `_billing_organisation_number`, `organisation_number`. A company name, VAT number or
//!   organisation number makes the customer a company.
//! - **Addresses**: `billing` → billing (country from billing, else shipping; required);
//!   `shipping` → shipping address when it has a country and a street or city.
//! - **References**: `created_via` → `site`; purchase order number from meta
//!   `_purchase_order_number` (or `_billing_purchase_order_number`, `purchase_order_number`)
//!   → `buyer_reference`; no staff user is in the payload. `customer_note` → note.
//! - **Payment**: `payment_method` (the gateway id; the title is `payment_method_title`).
//! - **Cancelled**: status `cancelled` only (`refunded` is an invoiced order with a refund).
//! - Line names are HTML-unescaped (`&ndash;` and friends, as WooCommerce stores them).

use crate::money::lenient;
use crate::order::{Customer, CustomerKind, Order, Platform, References};
use crate::platform::{
    Id, body_value, country, currency, decode, email, field, full_name, local_date, nullable,
    order_id, rfc3339, text,
};
use lines::{Rates, address, charges, line, meta};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

pub use crate::platform::PlatformError;

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireOrder {
    id: Option<Id>,
    number: Option<Id>,
    status: Option<String>,
    currency: Option<String>,
    date_created: Option<String>,
    date_created_gmt: Option<String>,
    date_modified_gmt: Option<String>,
    prices_include_tax: Option<bool>,
    #[serde(deserialize_with = "lenient::option")]
    total: Option<Decimal>,
    customer_note: Option<String>,
    billing: Option<WireAddress>,
    shipping: Option<WireAddress>,
    payment_method: Option<String>,
    created_via: Option<String>,
    #[serde(deserialize_with = "nullable")]
    meta_data: Vec<WireMeta>,
    line_items: Option<Vec<WireLine>>,
    #[serde(deserialize_with = "nullable")]
    tax_lines: Vec<WireTaxRate>,
    #[serde(deserialize_with = "nullable")]
    shipping_lines: Vec<WireCharge>,
    #[serde(deserialize_with = "nullable")]
    fee_lines: Vec<WireCharge>,
    #[serde(deserialize_with = "nullable")]
    coupon_lines: Vec<WireCode>,
    #[serde(deserialize_with = "nullable")]
    gift_cards: Vec<WireGiftCard>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireAddress {
    first_name: Option<String>,
    last_name: Option<String>,
    company: Option<String>,
    address_1: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    postcode: Option<String>,
    country: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireLine {
    id: Option<Id>,
    name: Option<String>,
    sku: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    quantity: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    subtotal: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    subtotal_tax: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    total: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    total_tax: Option<Decimal>,
    #[serde(deserialize_with = "nullable")]
    taxes: Vec<WireTax>,
    #[serde(deserialize_with = "nullable")]
    meta_data: Vec<WireMeta>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireTax {
    id: Option<Id>,
    #[serde(deserialize_with = "lenient::option")]
    total: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    subtotal: Option<Decimal>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireTaxRate {
    rate_id: Option<Id>,
    #[serde(deserialize_with = "lenient::option")]
    rate_percent: Option<Decimal>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireCharge {
    method_title: Option<String>,
    name: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    total: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    total_tax: Option<Decimal>,
    #[serde(deserialize_with = "nullable")]
    taxes: Vec<WireTax>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireCode {
    code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireMeta {
    key: Option<String>,
    value: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireGiftCard {
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
}

const VAT_NUMBER_KEYS: &[&str] = &[
    "_billing_vat_number",
    "vat_number",
    "_vat_number",
    "billing_vat",
    "_billing_vat_id",
];
const ORG_NUMBER_KEYS: &[&str] = &[
    "_billing_org_nr",
    "_billing_orgnr",
    "_billing_organisation_number",
    "organisation_number",
];
const PO_KEYS: &[&str] = &[
    "_purchase_order_number",
    "_billing_purchase_order_number",
    "purchase_order_number",
];

/// The order's status (`processing`, `completed`, `cancelled`, …), lower-case, without a
/// `wc-` prefix; `None` when the body is not JSON or has none. Reads nothing else.
pub fn status(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Status {
        #[serde(default)]
        status: Option<String>,
    }
    normalise_status(&serde_json::from_slice::<Status>(body).ok()?.status?)
}

fn normalise_status(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    let s = s.strip_prefix("wc-").unwrap_or(&s).to_owned();
    (!s.is_empty()).then_some(s)
}

/// Parse an order body (the REST order resource).
pub fn parse_order(body: &[u8]) -> Result<Order, PlatformError> {
    let w: WireOrder = decode(body_value(body, "order")?)?;
    let id = order_id("id", w.id.as_ref())?;
    let incl = w.prices_include_tax.ok_or_else(|| {
        field(
            "prices_include_tax",
            "missing: whether prices include VAT decides every amount",
        )
    })?;
    let rates = Rates::new(&w.tax_lines);
    let items = w.line_items.unwrap_or_default();
    if items.is_empty() {
        return Err(field("line_items", "an order needs at least one line"));
    }
    let lines = items
        .iter()
        .enumerate()
        .map(|(i, l)| line(&format!("line_items[{i}]"), l, incl, &rates, false))
        .collect::<Result<Vec<_>, _>>()?;
    let mut shipping = Vec::new();
    for (i, s) in w.shipping_lines.iter().enumerate() {
        let at = format!("shipping_lines[{i}]");
        for c in charges(&at, "Shipping", s, incl, &rates, false)? {
            if c.amount < Decimal::ZERO {
                return Err(field(format!("{at}.total"), "must not be negative"));
            }
            shipping.push(c);
        }
    }
    let mut fees = Vec::new();
    for (i, f) in w.fee_lines.iter().enumerate() {
        fees.extend(charges(
            &format!("fee_lines[{i}]"),
            "Fee",
            f,
            incl,
            &rates,
            false,
        )?);
    }
    let paid_with_gift_cards: Decimal = w
        .gift_cards
        .iter()
        .filter_map(|g| g.amount)
        .map(|a| a.abs())
        .sum();
    let total = match w.total.ok_or_else(|| field("total", "missing"))? {
        t if paid_with_gift_cards.is_zero() => t,
        t => t + paid_with_gift_cards,
    };

    let billing = w.billing.unwrap_or_default();
    let ship = w.shipping.unwrap_or_default();
    let billing_country =
        text(billing.country.as_deref()).or_else(|| text(ship.country.as_deref()));
    let billing_address = address(
        &billing,
        country("billing.country", billing_country.as_deref())?,
    );
    let shipping_address = match text(ship.country.as_deref()) {
        Some(c)
            if text(ship.address_1.as_deref())
                .or_else(|| text(ship.city.as_deref()))
                .is_some() =>
        {
            Some(address(&ship, country("shipping.country", Some(&c))?))
        }
        _ => None,
    };
    let company = text(billing.company.as_deref());
    let name = full_name(billing.first_name.as_deref(), billing.last_name.as_deref())
        .or_else(|| full_name(ship.first_name.as_deref(), ship.last_name.as_deref()))
        .or_else(|| company.clone())
        .ok_or_else(|| field("billing.first_name", "no buyer name in the order"))?;
    let vat_number = meta(&w.meta_data, VAT_NUMBER_KEYS);
    let organisation_number = meta(&w.meta_data, ORG_NUMBER_KEYS);
    let kind = if company.is_some() || vat_number.is_some() || organisation_number.is_some() {
        CustomerKind::Company
    } else {
        CustomerKind::Private
    };
    let date = w.date_created.as_deref().or(w.date_created_gmt.as_deref());
    Ok(Order {
        number: w
            .number
            .as_ref()
            .map(Id::text)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.to_string()),
        platform: Platform::Woocommerce,
        order_date: local_date("date_created", date)?,
        currency: currency("currency", w.currency.as_deref())?,
        currency_rate: None,
        prices_include_tax: incl,
        customer: Customer {
            email: email("billing.email", &[billing.email.as_deref()])?,
            name,
            company,
            kind,
            organisation_number,
            vat_number,
            phone: text(billing.phone.as_deref()),
        },
        billing: billing_address,
        shipping_address,
        lines,
        shipping,
        fees,
        discount_codes: w
            .coupon_lines
            .iter()
            .filter_map(|c| text(c.code.as_deref()))
            .collect(),
        payment_method: text(w.payment_method.as_deref()),
        paid_with_gift_cards,
        total,
        note: text(w.customer_note.as_deref()),
        references: References {
            created_by: None,
            site: text(w.created_via.as_deref()),
            buyer_reference: meta(&w.meta_data, PO_KEYS),
        },
        cancelled: w.status.as_deref().and_then(normalise_status).as_deref() == Some("cancelled"),
        updated_at: rfc3339("date_modified_gmt", w.date_modified_gmt.as_deref())?,
        id,
    })
}

mod lines;
mod refund;

pub use refund::{parse_refund, parse_refund_on_basis, parse_refunds};
