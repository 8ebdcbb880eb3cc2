//! The generic order webhook schema (documented in the README): for shops without a platform
//! adapter (Quickbutik-style shops, service systems). Parsed strictly enough that a bad order
//! is refused at the door with a clear reason, leniently enough that ids and amounts may be
//! numbers or strings.

use crate::countries;
use crate::ids::OrderId;
use crate::money::{lenient, ore};
use crate::order::{Address, Charge, Customer, CustomerKind, Order, OrderLine, Platform, Refund};
use rust_decimal::Decimal;
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum GenericOrderError {
    #[error("body is not valid order JSON: {0}")]
    Json(String),
    #[error("field `{field}` is invalid: {reason}")]
    Field { field: String, reason: String },
}

fn field(field: &str, reason: impl Into<String>) -> GenericOrderError {
    GenericOrderError::Field {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum IdValue {
    Int(u64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOrder {
    id: IdValue,
    #[serde(default)]
    number: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD`; the date part is the order date.
    created_at: String,
    currency: String,
    prices_include_tax: bool,
    customer: WireCustomer,
    billing_address: WireAddress,
    lines: Vec<WireLine>,
    #[serde(default)]
    shipping: Vec<WireCharge>,
    #[serde(deserialize_with = "lenient::decimal")]
    total: Decimal,
    #[serde(default)]
    note: Option<String>,
    /// When the shop last changed the order (RFC 3339): a newer version updates the document.
    #[serde(default)]
    updated_at: Option<String>,
    /// Cancelled in the shop: the document is cancelled (credited when booked).
    #[serde(default)]
    cancelled: bool,
    /// Refunds so far (each once, by id): credited in Fortnox.
    #[serde(default)]
    refunds: Vec<WireRefund>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireRefund {
    id: IdValue,
    /// `YYYY-MM-DD` (or RFC 3339: the date part).
    date: String,
    /// Paid back, VAT included.
    #[serde(deserialize_with = "lenient::decimal")]
    amount: Decimal,
    #[serde(default)]
    reason: Option<String>,
    /// The lines given back (same fields as the order's); none = `amount` spread pro rata.
    #[serde(default)]
    lines: Vec<WireLine>,
    #[serde(default)]
    shipping: Vec<WireCharge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireCustomer {
    email: String,
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<CustomerKind>,
    #[serde(default)]
    organisation_number: Option<String>,
    #[serde(default)]
    vat_number: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireAddress {
    line1: String,
    #[serde(default)]
    line2: Option<String>,
    zip: String,
    city: String,
    country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireLine {
    #[serde(default)]
    sku: Option<String>,
    name: String,
    #[serde(deserialize_with = "lenient::decimal")]
    quantity: Decimal,
    #[serde(deserialize_with = "lenient::decimal")]
    unit_price: Decimal,
    #[serde(deserialize_with = "lenient::decimal")]
    vat_rate: Decimal,
    #[serde(default, deserialize_with = "lenient::or_zero")]
    discount: Decimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireCharge {
    name: String,
    #[serde(deserialize_with = "lenient::decimal")]
    amount: Decimal,
    #[serde(deserialize_with = "lenient::decimal")]
    vat_rate: Decimal,
}

fn non_empty(name: &str, v: &str) -> Result<String, GenericOrderError> {
    let t = v.trim();
    if t.is_empty() {
        Err(field(name, "must not be empty"))
    } else {
        Ok(t.to_owned())
    }
}

fn vat_rate(name: &str, r: Decimal) -> Result<Decimal, GenericOrderError> {
    if r < Decimal::ZERO || r > Decimal::ONE_HUNDRED {
        return Err(field(name, "must be a percentage between 0 and 100"));
    }
    Ok(r.normalize())
}

fn id_text(id: IdValue) -> String {
    match id {
        IdValue::Int(n) => n.to_string(),
        IdValue::Text(s) => s.trim().to_owned(),
    }
}

fn date_part(name: &str, v: &str) -> Result<String, GenericOrderError> {
    v.trim()
        .get(..10)
        .filter(|d| {
            time::Date::parse(
                d,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok()
        })
        .map(str::to_owned)
        .ok_or_else(|| field(name, "must start with a YYYY-MM-DD date"))
}

fn lines_of(at: &str, wire: Vec<WireLine>) -> Result<Vec<OrderLine>, GenericOrderError> {
    let mut lines = Vec::with_capacity(wire.len());
    for (i, l) in wire.into_iter().enumerate() {
        let at = |f: &str| format!("{at}[{i}].{f}");
        if l.quantity <= Decimal::ZERO {
            return Err(field(&at("quantity"), "must be positive"));
        }
        if l.unit_price < Decimal::ZERO {
            return Err(field(&at("unit_price"), "must not be negative"));
        }
        if l.discount < Decimal::ZERO || l.discount > ore(l.unit_price * l.quantity) {
            return Err(field(
                &at("discount"),
                "must be between 0 and the line amount",
            ));
        }
        lines.push(OrderLine {
            line_id: None,
            gift_card: false,
            sku: l.sku.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
            name: non_empty(&at("name"), &l.name)?,
            quantity: l.quantity.normalize(),
            unit_price: l.unit_price,
            vat_rate: vat_rate(&at("vat_rate"), l.vat_rate)?,
            discount: l.discount,
        });
    }
    Ok(lines)
}

fn charges_of(at: &str, wire: Vec<WireCharge>) -> Result<Vec<Charge>, GenericOrderError> {
    let mut charges = Vec::with_capacity(wire.len());
    for (i, c) in wire.into_iter().enumerate() {
        if c.amount < Decimal::ZERO {
            return Err(field(&format!("{at}[{i}].amount"), "must not be negative"));
        }
        charges.push(Charge {
            name: non_empty(&format!("{at}[{i}].name"), &c.name)?,
            amount: c.amount,
            vat_rate: vat_rate(&format!("{at}[{i}].vat_rate"), c.vat_rate)?,
        });
    }
    Ok(charges)
}

/// Parse and validate a generic order body.
pub fn parse(body: &[u8]) -> Result<Order, GenericOrderError> {
    parse_with_refunds(body).map(|(order, _)| order)
}

/// [`parse`], with the refunds the body lists.
pub fn parse_with_refunds(body: &[u8]) -> Result<(Order, Vec<Refund>), GenericOrderError> {
    let w: WireOrder =
        serde_json::from_slice(body).map_err(|e| GenericOrderError::Json(e.to_string()))?;
    let mut refunds = Vec::with_capacity(w.refunds.len());
    for (i, r) in w.refunds.into_iter().enumerate() {
        let at = format!("refunds[{i}]");
        let id = id_text(r.id.clone());
        if id.is_empty() || id.len() > 64 {
            return Err(field(&format!("{at}.id"), "must be 1-64 characters"));
        }
        if r.amount < Decimal::ZERO {
            return Err(field(&format!("{at}.amount"), "must not be negative"));
        }
        refunds.push((id, r, at));
    }
    let updated_at = w.updated_at.clone().filter(|s| !s.trim().is_empty());
    let cancelled = w.cancelled;
    let id = OrderId::parse(&id_text(w.id)).map_err(|e| field("id", e.to_string()))?;
    let order_date = w
        .created_at
        .get(..10)
        .filter(|d| {
            time::Date::parse(
                d,
                &time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok()
        })
        .ok_or_else(|| field("created_at", "must start with a YYYY-MM-DD date"))?
        .to_owned();
    let currency = w.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(field("currency", "must be an ISO 4217 code such as SEK"));
    }
    let email = w.customer.email.trim().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(field("customer.email", "must be an e-mail address"));
    }
    let country = w.billing_address.country.trim().to_ascii_uppercase();
    if !countries::is_country_code(&country) {
        return Err(field(
            "billing_address.country",
            "must be an ISO 3166 alpha-2 code such as SE",
        ));
    }
    if w.lines.is_empty() {
        return Err(field("lines", "an order needs at least one line"));
    }
    if w.lines.len() > 500 {
        return Err(field(
            "lines",
            "Fortnox accepts at most 500 rows per document",
        ));
    }
    let lines = lines_of("lines", w.lines)?;
    let shipping = charges_of("shipping", w.shipping)?;
    let number = w
        .number
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let order = Order {
        number: number.unwrap_or_else(|| id.to_string()),
        id,
        platform: Platform::Generic,
        order_date,
        currency,
        prices_include_tax: w.prices_include_tax,
        customer: Customer {
            company: None,
            email,
            name: non_empty("customer.name", &w.customer.name)?,
            kind: w.customer.kind.unwrap_or_default(),
            organisation_number: w
                .customer
                .organisation_number
                .filter(|s| !s.trim().is_empty()),
            vat_number: w.customer.vat_number.filter(|s| !s.trim().is_empty()),
            phone: w.customer.phone.filter(|s| !s.trim().is_empty()),
        },
        billing: Address {
            line1: non_empty("billing_address.line1", &w.billing_address.line1)?,
            line2: w.billing_address.line2.filter(|s| !s.trim().is_empty()),
            zip: non_empty("billing_address.zip", &w.billing_address.zip)?,
            city: non_empty("billing_address.city", &w.billing_address.city)?,
            country_code: country,
        },
        lines,
        shipping,
        total: w.total,
        note: w.note.filter(|s| !s.trim().is_empty()),
        currency_rate: None,
        shipping_address: None,
        fees: Vec::new(),
        discount_codes: Vec::new(),
        payment_method: None,
        paid_with_gift_cards: rust_decimal::Decimal::ZERO,
        references: crate::order::References::default(),
        cancelled,
        updated_at,
    };
    let refunds = refunds
        .into_iter()
        .map(|(id, r, at)| {
            Ok(Refund {
                id,
                order_id: order.id.clone(),
                date: date_part(&format!("{at}.date"), &r.date)?,
                lines: lines_of(&format!("{at}.lines"), r.lines)?,
                charges: charges_of(&format!("{at}.shipping"), r.shipping)?,
                amount: r.amount,
                note: r.reason.filter(|s| !s.trim().is_empty()),
            })
        })
        .collect::<Result<Vec<_>, GenericOrderError>>()?;
    Ok((order, refunds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub(crate) const SAMPLE: &str = r##"{
        "id": 820982911946154508, "number": "#1001", "created_at": "2026-11-20T14:03:00+01:00",
        "currency": "sek", "prices_include_tax": true,
        "customer": {"email": " Anna@Example.se ", "name": "Anna Svensson"},
        "billing_address": {"line1": "Storgatan 1", "zip": "111 22", "city": "Stockholm", "country": "se"},
        "lines": [{"sku": "TS-RED-L", "name": "T-shirt röd L", "quantity": 2, "unit_price": "199.00", "vat_rate": 25},
                  {"name": "Bok", "quantity": "1", "unit_price": 120, "vat_rate": "6", "discount": "20.00"}],
        "shipping": [{"name": "PostNord", "amount": "49.00", "vat_rate": 25}],
        "total": "547.00"
    }"##;

    #[test]
    fn parses_the_documented_sample() {
        let o = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(o.id.as_str(), "820982911946154508");
        assert_eq!(o.number, "#1001");
        assert_eq!(o.order_date, "2026-11-20");
        assert_eq!(o.currency, "SEK");
        assert_eq!(o.customer.email, "anna@example.se");
        assert_eq!(o.billing.country_code, "SE");
        assert_eq!(o.lines[1].discount, dec!(20.00));
        assert_eq!(o.lines[1].vat_rate, dec!(6));
        assert_eq!(o.total, dec!(547.00));
    }

    #[test]
    fn refuses_unknown_fields_and_bad_values() {
        let bad = SAMPLE
            .replace("\"note\"", "\"x\"")
            .replace("\"total\"", "\"totl\"");
        assert!(matches!(
            parse(bad.as_bytes()),
            Err(GenericOrderError::Json(_))
        ));
        let bad = SAMPLE.replace("\"quantity\": 2", "\"quantity\": 0");
        assert_eq!(
            parse(bad.as_bytes()).unwrap_err().to_string(),
            "field `lines[0].quantity` is invalid: must be positive"
        );
        let bad = SAMPLE.replace("\"se\"", "\"Sweden\"");
        assert!(parse(bad.as_bytes()).is_err());
        let bad = SAMPLE.replace("Anna@Example.se", "nope");
        assert!(parse(bad.as_bytes()).is_err());
    }
}
