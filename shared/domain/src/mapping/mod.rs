//! The settings-driven mapping engine: canonical order + tenant settings + what the worker
//! knows about the tenant's Fortnox company → the Fortnox document and customer to write, the
//! total Fortnox will compute for it and how that compares with what the shop charged.
//!
//! Pure and deterministic: no clock (the document date is the order date), no I/O. The Fortnox
//! client turns a [`Mapped`] into API bodies (`fortsync_fortnox::drafts`).
//!
//! # Rules
//! - **Region** ([`Region`]) from the billing country, the customer kind, the VAT number *and the
//!   VAT the shop actually charged*: Sweden → `Se`; an EU company with a VAT number charged no
//!   VAT → `EuReverseCharge`; other EU buyers → `EuConsumer` (also an EU company with a VAT
//!   number that was charged VAT, with a warning); outside the EU without VAT → `Export`, with
//!   VAT → `Se` (Swedish VAT was charged; warning). The customer's `VATType` follows the region.
//! - **Accounts** by VAT rate × region (settings): `Se` → `sales_accounts`, `EuConsumer` →
//!   the country's `oss_accounts` entry when set (any rate), else `eu_consumer_accounts`;
//!   `EuReverseCharge` → `eu_reverse_charge_account`; `Export` → `export_account`. Rates other
//!   than 25/12/6/0 are refused ([`MappingError::UnknownVatRate`]) unless an OSS account covers
//!   the country.
//! - **Rows**: one per line (zero-quantity lines are skipped with a warning). A SKU that is a
//!   valid Fortnox article number and known ([`MapContext::articles`]) gives an article
//!   row; a valid unknown SKU follows `unknown_sku` (create → article row + [`ArticleDraft`];
//!   free text → row without article, "name (SKU)"; refuse → error); an invalid SKU always gives
//!   a free-text row with the SKU in the description and a warning. Gift cards sold go on
//!   `gift_card_account` (liability, normally VAT 0). Shipping and fees per their settings,
//!   each with its own VAT: rows on `shipping_account` (unset = 3520) / `fee_account` for sales
//!   with Swedish VAT, on the region's revenue account for reverse-charge, export and OSS sales;
//!   or the 25 % `Freight` / `AdministrationFee` fields when every charge is non-negative at
//!   25 % (else rows, with a warning). Discounts per `discounts`. Rows of the same article merged per
//!   `sum_rows_with_same_article` (same price, VAT and account only, and only when the merged
//!   row total is exactly the sum). At most 500 rows.
//! - **Header**: `VATIncluded` = the shop's `prices_include_tax`; currency and (non-SEK, when
//!   the shop states it) rate; `OurReference` = the order's `created_by`, else the settings'
//!   `our_reference`; `YourReference` = buyer reference → site → customer name (first
//!   non-empty, ≤ 50); `YourOrderNumber` = the shop's order number (≤ 30);
//!   `ExternalInvoiceReference1` = [`external_reference`]; `Remarks` = the note plus the
//!   discount codes used; cost centre and project from settings; country *names* on the
//!   document, ISO codes on the customer; every text through Fortnox's whitelist and length
//!   limits.
//! - **Customer** (the `document::CustomerDraft` the worker creates when nothing matches):
//!   the company's name for company buyers, e-mail, billing address with the ISO country code,
//!   organisation and VAT numbers, `VATType` from the region. [`map_customer`] gives it alone.
//! - **Totals**: `shop_total` = the order's `total` (what the buyer was charged, gift-card
//!   payments included: those are a means of payment settled later, not a document row).
//!   `expected` = what Fortnox computes for the document, with [`crate::document::expected_totals`]
//!   (per-row öre rounding, VAT per rate group, the company's optional whole-krona round-off).
//!   With `rounding: row` and a pre-round-off difference of at most 1 kr, a VAT-free row on
//!   `rounding_account` makes the document total equal the shop's; `difference = expected total −
//!   shop total` after that row is what the worker must flag when non-zero.

mod region;
mod rows;
mod totals;

pub use region::{Region, revenue_account};
pub use totals::{expected_totals, lines_total};

use crate::charset::{sanitize_text, truncate};
use crate::countries;
use crate::document::{CustomerDraft, Rounding, Totals};
use crate::error::{Classify, ErrorClass};
use crate::ids::{TenantId, external_reference};
use crate::order::{Address, CustomerKind, Order};
use crate::settings::{DocumentKind, SettingsError, TenantSettings};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use thiserror::Error;

/// The customer number written when the worker does not know it yet (a preview, or the
/// pre-flight mapping before the customer step). The worker replaces it with
/// [`Mapped::set_customer_number`] before anything is posted.
pub const CUSTOMER_PLACEHOLDER: &str = "NEW";

/// Fortnox's row limit per document.
pub const MAX_ROWS: usize = 500;

/// Which article numbers exist in the tenant's Fortnox company.
#[derive(Clone, Copy)]
pub enum KnownArticles<'a> {
    /// None known (an offline preview): every valid SKU follows the unknown-SKU policy.
    None,
    /// Exactly these (compared exactly; the worker's per-tenant cache).
    Set(&'a HashSet<String>),
    /// Decided by a function.
    Lookup(&'a dyn Fn(&str) -> bool),
}

impl KnownArticles<'_> {
    pub fn exists(&self, article: &str) -> bool {
        match self {
            Self::None => false,
            Self::Set(s) => s.contains(article),
            Self::Lookup(f) => f(article),
        }
    }
}

impl std::fmt::Debug for KnownArticles<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Set(s) => f.debug_tuple("Set").field(s).finish(),
            Self::Lookup(_) => f.write_str("Lookup(..)"),
        }
    }
}

/// What the worker knows about the tenant's Fortnox company when it maps an order.
#[derive(Debug, Clone, Copy)]
pub struct MapContext<'a> {
    /// The Fortnox customer number, when matched or created already; `None` writes
    /// [`CUSTOMER_PLACEHOLDER`].
    pub customer_number: Option<&'a str>,
    /// Which SKUs exist as Fortnox articles.
    pub articles: KnownArticles<'a>,
    /// The company's öre rounding ("öresutjämning") as learnt from Fortnox.
    pub rounding: Rounding,
}

impl MapContext<'static> {
    /// No customer number, no known article, no company rounding: an offline preview.
    pub fn preview() -> Self {
        MapContext {
            customer_number: None,
            articles: KnownArticles::None,
            rounding: Rounding::None,
        }
    }
}

/// The kind of a document row, for audits and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A row referring to a Fortnox article.
    Article,
    /// A sold item without (known or valid) article number.
    FreeText,
    Shipping,
    Fee,
    /// A gift card sold (liability account).
    GiftCard,
    /// The öre/krona correction row.
    Rounding,
}

/// A document row. Amounts are on the document's VAT basis (`vat_included`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    pub kind: RowKind,
    pub article_number: Option<String>,
    /// ≤ 255 characters of Fortnox's whitelist, never empty.
    pub description: String,
    pub quantity: Decimal,
    pub price: Decimal,
    /// Amount off the row total (Fortnox `DiscountType` AMOUNT); zero when none.
    pub discount: Decimal,
    /// Percent.
    pub vat: Decimal,
    pub account: u32,
}

/// A delivery address for the document (`Delivery*` fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDraft {
    pub name: String,
    pub address1: String,
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    /// Country *name* ("Sverige"), `None` when unknown.
    pub country: Option<String>,
}

/// An invoice or order to write to Fortnox (which one is [`Mapped::kind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDraft {
    pub customer_number: String,
    /// `YYYY-MM-DD`: the order date (invoice date / order date).
    pub document_date: String,
    pub currency: String,
    /// SEK per unit of `currency`; only for non-SEK orders whose shop states it.
    pub currency_rate: Option<Decimal>,
    pub vat_included: bool,
    pub rows: Vec<DraftRow>,
    /// `Freight` (25 % VAT), when shipping goes in the field.
    pub freight: Option<Decimal>,
    /// `AdministrationFee` (25 % VAT), when fees go in the field.
    pub administration_fee: Option<Decimal>,
    pub your_order_number: String,
    pub your_reference: String,
    pub our_reference: Option<String>,
    pub external_reference: String,
    /// `ExternalInvoiceReference2`: set on refund documents (`refund:{id}`), so every document
    /// of an order shares reference 1 and a refund's credit is found by both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference2: Option<String>,
    pub remarks: Option<String>,
    pub customer_name: String,
    pub address1: String,
    pub address2: Option<String>,
    pub zip_code: String,
    pub city: String,
    /// Country *name*; `None` lets Fortnox use the customer's.
    pub country: Option<String>,
    pub phone: Option<String>,
    pub delivery: Option<DeliveryDraft>,
    pub cost_center: Option<String>,
    pub project: Option<String>,
}

/// An article to create before the document (unknown-SKU policy `create_article`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    pub article_number: String,
    /// ≤ 200 characters.
    pub description: String,
    pub vat: Decimal,
    pub sales_account: u32,
}

/// The outcome of mapping one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapped {
    pub kind: DocumentKind,
    pub region: Region,
    pub document: DocumentDraft,
    pub customer: CustomerDraft,
    /// Articles to create first (in row order, each once).
    pub articles_to_create: Vec<ArticleDraft>,
    /// What Fortnox will compute for `document` (rounding row included).
    pub expected: Totals,
    /// What the shop charged: the order's `total`.
    pub shop_total: Decimal,
    /// The shop total recomputed from lines, shipping and fees with per-line rules (per-line
    /// VAT rounding when prices exclude VAT); differs from `shop_total` only when the shop's
    /// data is inconsistent (then there is a warning).
    pub lines_total: Decimal,
    /// `expected.total − shop_total`; non-zero must be flagged by the worker.
    pub difference: Decimal,
    /// The amount of the rounding row added, if any (also in `document.rows`).
    pub rounding_row: Option<Decimal>,
    /// Paid with gift cards: a payment to register (on the gift-card account), not a row.
    pub paid_with_gift_cards: Decimal,
    pub warnings: Vec<String>,
    pub settings_version: u32,
}

impl DocumentDraft {
    /// The document date, when it is a valid `YYYY-MM-DD` (a refund's own date).
    pub fn date_override(&mut self, date: &str) {
        if valid_date(date) {
            self.document_date = date.to_owned();
        }
    }
}

impl Mapped {
    /// Turn the document into its credit: negative quantities (and row discounts), totals
    /// recomputed, shop total negated. Shipping and fees must be rows (fields are dropped).
    pub fn negate(&mut self, rounding: Rounding) {
        for row in &mut self.document.rows {
            row.quantity = -row.quantity;
            row.discount = -row.discount;
        }
        self.document.freight = None;
        self.document.administration_fee = None;
        self.expected = expected_totals(&self.document, rounding);
        self.shop_total = -self.shop_total;
        self.lines_total = -self.lines_total;
        self.rounding_row = self.rounding_row.map(|r| -r);
        self.difference = self.expected.total - self.shop_total;
    }

    /// Sets the Fortnox customer number once it is known.
    pub fn set_customer_number(&mut self, number: &str) {
        self.document.customer_number = number.to_owned();
    }

    /// Fortnox's total will equal the shop's to the öre.
    pub fn is_exact(&self) -> bool {
        self.difference.is_zero()
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MappingError {
    #[error("invalid tenant settings: {0}")]
    Settings(#[from] SettingsError),
    #[error(
        "VAT rate {rate}% on '{item}' has no {region} revenue account: Fortnox only knows 25, 12, 6 and 0 % by default; create the rate and account in Fortnox and set it in the tenant settings (oss_accounts for EU consumer sales)"
    )]
    UnknownVatRate {
        rate: Decimal,
        item: String,
        region: &'static str,
    },
    #[error(
        "SKU '{sku}' on '{item}' is not an article in Fortnox and the unknown-SKU policy is `refuse`: create the article in Fortnox (or change the setting unknown_sku) and replay the order"
    )]
    UnknownArticle { sku: String, item: String },
    #[error("the document would have {0} rows; Fortnox accepts at most 500")]
    TooManyRows(usize),
    #[error("order date {0:?} is not a YYYY-MM-DD date")]
    BadDate(String),
}

impl Classify for MappingError {
    fn class(&self) -> ErrorClass {
        ErrorClass::Permanent
    }
}

fn text(s: &str, max: usize) -> String {
    truncate(&sanitize_text(s), max)
}

fn opt_text(s: Option<&str>, max: usize) -> Option<String> {
    s.map(|v| text(v, max)).filter(|v| !v.is_empty())
}

fn valid_date(d: &str) -> bool {
    time::Date::parse(
        d,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok()
}

/// The customer's name on Fortnox records: the company's name for company customers.
fn buyer_name(order: &Order) -> String {
    let c = &order.customer;
    let company = c
        .company
        .as_deref()
        .filter(|n| c.kind == CustomerKind::Company && !n.trim().is_empty());
    text(company.unwrap_or(&c.name), 1024)
}

fn customer_draft(order: &Order, region: Region) -> CustomerDraft {
    let c = &order.customer;
    let b = &order.billing;
    CustomerDraft {
        name: buyer_name(order),
        email: c.email.clone(),
        address1: text(&b.line1, 1024),
        address2: opt_text(b.line2.as_deref(), 1024),
        zip_code: text(&b.zip, 10),
        city: text(&b.city, 1024),
        country_code: b.country_code.trim().to_ascii_uppercase(),
        company: c.kind == CustomerKind::Company,
        organisation_number: opt_text(c.organisation_number.as_deref(), 30),
        vat_number: opt_text(c.vat_number.as_deref(), 30),
        vat_type: region.vat_type(),
        phone: opt_text(c.phone.as_deref(), 1024),
    }
}

fn delivery(order: &Order, a: &Address) -> DeliveryDraft {
    DeliveryDraft {
        name: buyer_name(order),
        address1: text(&a.line1, 1024),
        address2: opt_text(a.line2.as_deref(), 1024),
        zip_code: text(&a.zip, 10),
        city: text(&a.city, 1024),
        country: countries::document_country_name(&a.country_code).map(str::to_owned),
    }
}

fn first_non_empty<'x>(candidates: impl IntoIterator<Item = Option<&'x str>>) -> String {
    candidates
        .into_iter()
        .flatten()
        .map(|c| text(c, 50))
        .find(|c| !c.is_empty())
        .unwrap_or_default()
}

fn remarks(order: &Order) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(n) = order.note.as_deref().filter(|n| !n.trim().is_empty()) {
        parts.push(n.trim().to_owned());
    }
    let codes: Vec<&str> = order
        .discount_codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if !codes.is_empty() {
        parts.push(format!("Rabattkod: {}", codes.join(", ")));
    }
    let joined = parts.join("\n");
    opt_text(Some(&joined), 1024)
}

/// The customer alone (region, `VATType`, names and codes), for `document: none`, where an
/// order whose rows could not be mapped (an unknown VAT rate, say) must still sync its customer.
/// [`map_order`] gives the same customer.
pub fn map_customer(order: &Order) -> (Region, CustomerDraft, Vec<String>) {
    let mut warnings = Vec::new();
    let region = region::region_of(order, &mut warnings);
    (region, customer_draft(order, region), warnings)
}

/// Maps one order. Deterministic: the same inputs always give the same document.
pub fn map_order(
    tenant: &TenantId,
    order: &Order,
    settings: &TenantSettings,
    ctx: &MapContext<'_>,
) -> Result<Mapped, MappingError> {
    settings.validate()?;
    if !valid_date(&order.order_date) {
        return Err(MappingError::BadDate(order.order_date.clone()));
    }
    let mut warnings = Vec::new();
    if order.cancelled {
        warnings.push("the order is cancelled in the shop".to_owned());
    }
    let region = region::region_of(order, &mut warnings);
    let built = rows::build(order, settings, ctx, region, &mut warnings)?;

    let b = &order.billing;
    let currency = order.currency.trim().to_ascii_uppercase();
    let currency_rate = order
        .currency_rate
        .filter(|r| currency != "SEK" && *r > Decimal::ZERO);
    let document = DocumentDraft {
        customer_number: ctx
            .customer_number
            .unwrap_or(CUSTOMER_PLACEHOLDER)
            .to_owned(),
        document_date: order.order_date.clone(),
        currency,
        currency_rate,
        vat_included: order.prices_include_tax,
        rows: built.rows,
        freight: built.freight,
        administration_fee: built.administration_fee,
        your_order_number: text(&order.number, 30),
        your_reference: first_non_empty([
            order.references.buyer_reference.as_deref(),
            order.references.site.as_deref(),
            Some(order.customer.name.as_str()),
        ]),
        our_reference: opt_text(order.references.created_by.as_deref(), 50)
            .or_else(|| settings.our_reference.clone()),
        external_reference: external_reference(tenant, &order.id),
        external_reference2: None,
        remarks: remarks(order),
        customer_name: buyer_name(order),
        address1: text(&b.line1, 1024),
        address2: opt_text(b.line2.as_deref(), 1024),
        zip_code: text(&b.zip, 10),
        city: text(&b.city, 1024),
        country: countries::document_country_name(&b.country_code).map(str::to_owned),
        phone: opt_text(order.customer.phone.as_deref(), 1024),
        delivery: order.shipping_address.as_ref().map(|a| delivery(order, a)),
        cost_center: settings.cost_center.clone(),
        project: settings.project.clone(),
    };
    let mut mapped = Mapped {
        kind: settings.document,
        region,
        customer: customer_draft(order, region),
        articles_to_create: built.articles_to_create,
        expected: expected_totals(&document, ctx.rounding),
        document,
        shop_total: order.total,
        lines_total: lines_total(order),
        difference: Decimal::ZERO,
        rounding_row: None,
        paid_with_gift_cards: order.paid_with_gift_cards,
        warnings,
        settings_version: settings.version,
    };
    if mapped.lines_total != mapped.shop_total {
        mapped.warnings.push(format!(
            "the order's lines, shipping and fees add up to {} but the shop's total is {}",
            mapped.lines_total, mapped.shop_total
        ));
    }
    totals::settle(&mut mapped, settings, ctx.rounding);
    if mapped.document.rows.len() > MAX_ROWS {
        return Err(MappingError::TooManyRows(mapped.document.rows.len()));
    }
    Ok(mapped)
}
