//! Shopify order and refund webhook bodies → the canonical [`Order`] and
//! [`Refund`](crate::order::Refund). Pure: the
//! caller verifies the signature and reads the topic.
//!
//! # Mapping decisions
//! - **Body**: the bare REST resource, as webhooks send it; `{"order": …}` / `{"refund": …}`
//!   (REST responses, the reference fixtures) is accepted too. A list (`{"orders": [...]}`) is not
//!   an order: it fails for lack of `id`/`line_items`.
//! - **Ids**: `id` (64-bit) → order id as exact text; `name` ("#1001") → number (else
//!   `order_number`, else the id); line `id` → `line_id`.
//! - **Dates**: `created_at` → order date *in the offset Shopify wrote* (the shop's time zone);
//!   `updated_at` → `updated_at` as written. Refund date: `processed_at`, else `created_at`.
//! - **Currency**: the buyer's. With `presentment_currency`, every amount is read from its
//!   `*_set.presentment_money`; when the presentment currency differs from the shop's and a
//!   `*_set` is missing, the order is refused rather than mixing currencies. Without `*_set`
//!   objects the plain fields (and `currency`) are used. `currency_rate` is always `None`: the
//!   ratio of two rounded amounts is not the rate, so Fortnox applies its own.
//! - **VAT basis**: `taxes_included` (required: guessing it would misstate every amount).
//! - **VAT rate** per line and shipping line: Σ `tax_lines[].rate` as a percentage (0.25 → 25,
//!   0.19 → 19, 0.255 → 25.5). A tax line with zero tax on an amount that is not zero is an
//!   exemption (tax-exempt or reverse-charge customer) and does not count. No tax lines → 0,
//!   except in old payloads that carry only order-level `tax_lines` (no line or shipping line has
//!   any): taxable lines then get the order-level rates. Gift cards sold → 0.
//! - **Lines**: `unit_price` = `price` (per unit, on the order's basis); `discount` = Σ
//!   `discount_allocations` (discount codes included as Shopify allocated them), else
//!   `total_discount`. Quantity is the ordered `quantity` (later edits and refunds are
//!   refunds).
//! - **Shipping**: `price` − Σ `discount_allocations` (else `discounted_price`), rate from its
//!   `tax_lines`. Shopify orders have no fee lines; duties, tips and additional fees are not
//!   mapped (the totals check then shows them).
//! - **Total**: `total_price` (presentment), kept as the shop computed it.
//! - **Payment**: `payment_method` = the first of `payment_gateway_names` that is not
//!   `gift_card` (else the first, else the legacy `gateway`). Webhook bodies carry no
//!   transactions, so gift-card amounts are only known when `gift_card` is the *only* gateway:
//!   `paid_with_gift_cards` = the total then, else 0 (a split payment is settled from the
//!   transactions later).
//! - **Customer**: e-mail = `email`, else `contact_email`, else `customer.email` (required);
//!   name = billing first + last (else billing `name`, shipping, customer names, company);
//!   `company` = billing company. Shopify has no VAT-number field: a note attribute named like
//!   "VAT number"/"VAT ID"/"Momsregistreringsnummer" gives `vat_number`, one named like
//!   "Org.nr"/"Organisationsnummer" gives `organisation_number`. A company name, VAT number or
//!   organisation number makes the customer a company. Phone: `phone`, else billing, else
//!   customer.
//! - **Addresses**: `billing_address` (else the shipping address, else the customer's default
//!   address; one is required for the country) → billing; `shipping_address` → shipping
//!   address. Street, zip and city may be empty (digital goods); the country may not.
//! - **References**: `user_id` (staff, POS) → `created_by`; `source_name` → `site`;
//!   `po_number` → `buyer_reference`. `note` → note; `cancelled_at` set → cancelled.
//! - **Refunds**: see [`parse_refund`].

use crate::money::lenient;
use crate::order::{Customer, CustomerKind, Order, Platform, References};
use crate::platform::{
    Id, body_value, currency, decode, email, field, full_name, local_date, nullable, order_id,
    rfc3339, text,
};
use lines::{address, attribute, line, person, shipping, tax_rate};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

pub use crate::platform::PlatformError;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Money {
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoneySet {
    presentment_money: Option<Money>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireOrder {
    id: Option<Id>,
    name: Option<String>,
    order_number: Option<Id>,
    email: Option<String>,
    contact_email: Option<String>,
    phone: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    cancelled_at: Option<String>,
    currency: Option<String>,
    presentment_currency: Option<String>,
    taxes_included: Option<bool>,
    #[serde(deserialize_with = "lenient::option")]
    total_price: Option<Decimal>,
    total_price_set: Option<MoneySet>,
    line_items: Option<Vec<WireLine>>,
    #[serde(deserialize_with = "nullable")]
    shipping_lines: Vec<WireShipping>,
    #[serde(deserialize_with = "nullable")]
    tax_lines: Vec<WireTaxLine>,
    #[serde(deserialize_with = "nullable")]
    discount_codes: Vec<WireCode>,
    #[serde(deserialize_with = "nullable")]
    payment_gateway_names: Vec<String>,
    gateway: Option<String>,
    note: Option<String>,
    #[serde(deserialize_with = "nullable")]
    note_attributes: Vec<WireAttribute>,
    billing_address: Option<WireAddress>,
    shipping_address: Option<WireAddress>,
    customer: Option<WireCustomer>,
    user_id: Option<Id>,
    source_name: Option<String>,
    po_number: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireLine {
    id: Option<Id>,
    name: Option<String>,
    title: Option<String>,
    sku: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    quantity: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    price: Option<Decimal>,
    price_set: Option<MoneySet>,
    #[serde(deserialize_with = "lenient::option")]
    total_discount: Option<Decimal>,
    total_discount_set: Option<MoneySet>,
    #[serde(deserialize_with = "nullable")]
    discount_allocations: Vec<WireAllocation>,
    #[serde(deserialize_with = "nullable")]
    tax_lines: Vec<WireTaxLine>,
    taxable: Option<bool>,
    gift_card: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireAllocation {
    #[serde(deserialize_with = "lenient::option")]
    amount: Option<Decimal>,
    amount_set: Option<MoneySet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireTaxLine {
    #[serde(deserialize_with = "lenient::option")]
    rate: Option<Decimal>,
    #[serde(deserialize_with = "lenient::option")]
    price: Option<Decimal>,
    price_set: Option<MoneySet>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireShipping {
    title: Option<String>,
    code: Option<String>,
    #[serde(deserialize_with = "lenient::option")]
    price: Option<Decimal>,
    price_set: Option<MoneySet>,
    #[serde(deserialize_with = "lenient::option")]
    discounted_price: Option<Decimal>,
    discounted_price_set: Option<MoneySet>,
    #[serde(deserialize_with = "nullable")]
    discount_allocations: Vec<WireAllocation>,
    #[serde(deserialize_with = "nullable")]
    tax_lines: Vec<WireTaxLine>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireCode {
    code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireAttribute {
    name: Option<String>,
    value: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireAddress {
    first_name: Option<String>,
    last_name: Option<String>,
    name: Option<String>,
    company: Option<String>,
    address1: Option<String>,
    address2: Option<String>,
    zip: Option<String>,
    city: Option<String>,
    country_code: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireCustomer {
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    default_address: Option<WireAddress>,
}

/// Which money to read: the presentment amount when a `*_set` has it, else the plain field,
/// which is only safe when the buyer's currency is the shop's.
struct Cur {
    differs: bool,
    currency: String,
    shop: String,
}

const VAT_NUMBER_NAMES: &[&str] = &[
    "vatnumber",
    "vatno",
    "vatnr",
    "vatid",
    "vat",
    "euvatnumber",
    "vatregistrationnumber",
    "momsnummer",
    "momsregistreringsnummer",
    "momsregnr",
];
const ORG_NUMBER_NAMES: &[&str] = &[
    "orgnr",
    "orgno",
    "orgnumber",
    "organisationsnummer",
    "organisationnumber",
    "organizationnumber",
];

/// Parse an order webhook body (`orders/create`, `orders/paid`, `orders/updated`, …).
pub fn parse_order(body: &[u8]) -> Result<Order, PlatformError> {
    let w: WireOrder = decode(body_value(body, "order")?)?;
    let id = order_id("id", w.id.as_ref())?;
    let shop = currency(
        "currency",
        w.currency.as_deref().or(w.presentment_currency.as_deref()),
    )?;
    let buyer = match text(w.presentment_currency.as_deref()) {
        Some(p) => currency("presentment_currency", Some(&p))?,
        None => shop.clone(),
    };
    let cur = Cur {
        differs: buyer != shop,
        currency: buyer,
        shop,
    };
    let prices_include_tax = w.taxes_included.ok_or_else(|| {
        field(
            "taxes_included",
            "missing: whether prices include VAT decides every amount",
        )
    })?;
    let line_items = w.line_items.unwrap_or_default();
    if line_items.is_empty() {
        return Err(field("line_items", "an order needs at least one line"));
    }
    // Old payloads carry tax lines only on the order: their rates then apply to every
    // taxable line.
    let legacy = line_items.iter().all(|l| l.tax_lines.is_empty())
        && w.shipping_lines.iter().all(|s| s.tax_lines.is_empty());
    let legacy_rate = match legacy {
        true => tax_rate("tax_lines", &w.tax_lines, Decimal::ONE)?.unwrap_or_default(),
        false => Decimal::ZERO,
    };
    let lines = line_items
        .iter()
        .enumerate()
        .map(|(i, l)| line(i, l, &cur, legacy_rate))
        .collect::<Result<Vec<_>, _>>()?;
    let shipping = w
        .shipping_lines
        .iter()
        .enumerate()
        .map(|(i, s)| shipping(i, s, &cur))
        .collect::<Result<Vec<_>, _>>()?;
    let total = cur.required("total_price", w.total_price, w.total_price_set.as_ref())?;

    let customer = w.customer.as_ref();
    let billing_source = w
        .billing_address
        .as_ref()
        .map(|a| ("billing_address", a))
        .or_else(|| w.shipping_address.as_ref().map(|a| ("shipping_address", a)))
        .or_else(|| {
            customer?
                .default_address
                .as_ref()
                .map(|a| ("customer.default_address", a))
        })
        .ok_or_else(|| field("billing_address", "missing: the buyer's country is needed"))?;
    let billing = address(billing_source.0, billing_source.1)?;
    let shipping_address = match &w.shipping_address {
        Some(a) if a.country_code.is_some() => Some(address("shipping_address", a)?),
        _ => None,
    };
    let email = email(
        "email",
        &[
            w.email.as_deref(),
            w.contact_email.as_deref(),
            customer.and_then(|c| c.email.as_deref()),
        ],
    )?;
    let company = text(billing_source.1.company.as_deref());
    let name = person(w.billing_address.as_ref())
        .or_else(|| person(w.shipping_address.as_ref()))
        .or_else(|| {
            full_name(
                customer?.first_name.as_deref(),
                customer?.last_name.as_deref(),
            )
        })
        .or_else(|| company.clone())
        .ok_or_else(|| field("billing_address.first_name", "no buyer name in the order"))?;
    let vat_number = attribute(&w.note_attributes, VAT_NUMBER_NAMES);
    let organisation_number = attribute(&w.note_attributes, ORG_NUMBER_NAMES);
    let kind = if company.is_some() || vat_number.is_some() || organisation_number.is_some() {
        CustomerKind::Company
    } else {
        CustomerKind::Private
    };
    let phone = text(w.phone.as_deref())
        .or_else(|| text(billing_source.1.phone.as_deref()))
        .or_else(|| text(customer?.phone.as_deref()));
    let gateways: Vec<String> = w
        .payment_gateway_names
        .iter()
        .filter_map(|g| text(Some(g)))
        .collect();
    let only_gift_cards = !gateways.is_empty() && gateways.iter().all(|g| g == "gift_card");
    let payment_method = gateways
        .iter()
        .find(|g| *g != "gift_card")
        .or(gateways.first())
        .cloned()
        .or_else(|| text(w.gateway.as_deref()));
    let number = text(w.name.as_deref())
        .or_else(|| w.order_number.as_ref().map(Id::text))
        .unwrap_or_else(|| id.to_string());
    Ok(Order {
        number,
        platform: Platform::Shopify,
        order_date: local_date("created_at", w.created_at.as_deref())?,
        currency: cur.currency.clone(),
        currency_rate: None,
        prices_include_tax,
        customer: Customer {
            email,
            name,
            company,
            kind,
            organisation_number,
            vat_number,
            phone,
        },
        billing,
        shipping_address,
        lines,
        shipping,
        fees: Vec::new(),
        discount_codes: w
            .discount_codes
            .iter()
            .filter_map(|c| text(c.code.as_deref()))
            .collect(),
        payment_method,
        paid_with_gift_cards: if only_gift_cards {
            total
        } else {
            Decimal::ZERO
        },
        total,
        note: text(w.note.as_deref()),
        references: References {
            created_by: w.user_id.as_ref().map(Id::text).filter(|s| !s.is_empty()),
            site: text(w.source_name.as_deref()),
            buyer_reference: text(w.po_number.as_deref()),
        },
        cancelled: text(w.cancelled_at.as_deref()).is_some(),
        updated_at: rfc3339("updated_at", w.updated_at.as_deref())?,
        id,
    })
}

mod lines;
mod refund;

pub use refund::{parse_refund, parse_refund_on_basis, refund_order_id};
