//! Typed, versioned tenant settings. Stored as JSON in the tenant item; `version` increases on
//! every change so a job can record which settings produced a document. Changing settings only
//! affects future syncs: nothing already synced is touched.
//!
//! Every field has a default (`#[serde(default)]` on the struct), so a stored document written
//! by an older release — or a partial one such as `{"document":"none"}` — still loads, with the
//! missing fields taken from [`TenantSettings::default`]: a Swedish shop selling in SEK, BAS
//! accounts. Unknown keys are refused (`deny_unknown_fields`): a typo is an error, never a
//! silently ignored setting. [`TenantSettings::validate`] checks what types cannot (account
//! ranges, Fortnox's text and article-number rules) and names the offending field.

use crate::charset::{is_allowed_text, is_valid_article_number};
use crate::countries;
use crate::status::StatusSettings;
use crate::sync::SyncSettings;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Which Fortnox document an order becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A Fortnox invoice per completed order.
    #[default]
    Invoice,
    /// A Fortnox order (`/3/orders`); invoicing is left to the merchant.
    Order,
    /// A Fortnox order, then `PUT /3/orders/{n}/createinvoice` (the invoice bills the order's
    /// delivered quantities, which fortsync sets equal to the ordered ones).
    OrderThenInvoice,
    /// Only the customer is synced; no document.
    None,
}

/// How an order's buyer is matched to an existing Fortnox customer (an exact match over
/// Fortnox's substring search; a new customer is created when nothing matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CustomerMatch {
    /// By e-mail address, case-insensitively.
    #[default]
    Email,
    /// By organisation number (digits compared, any spelling) when the order carries one; orders
    /// without one fall back to the e-mail address.
    OrganisationNumber,
}

/// What to do with an order line whose SKU is a valid article number that Fortnox does not
/// have (SKUs with characters Fortnox refuses always become free-text rows, with a warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnknownSkuPolicy {
    /// Create the article in Fortnox first (the mapping lists it in `articles_to_create`), then
    /// write an article row.
    CreateArticle,
    /// A row without article number: the shop's name and SKU in the description, booked on the
    /// revenue account. Never creates junk articles; the default.
    #[default]
    FreeTextRow,
    /// Refuse the order with a clear error until the article exists in Fortnox.
    Refuse,
}

/// How line discounts (discount codes included, as the shop allocated them) reach Fortnox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DiscountMode {
    /// The row keeps the shop's list price and carries the discount as `Discount` with
    /// `DiscountType` AMOUNT (visible on the invoice). The default.
    #[default]
    RowDiscount,
    /// The discount is baked into the unit price (the invoice shows what was paid per unit).
    /// When the discounted line amount does not split into whole öre per unit, the unit price is
    /// rounded up to the öre and the remaining öre stay as an AMOUNT discount on that row, so the
    /// row total is still exact and the quantity unchanged.
    InPrice,
}

/// How shipping charges reach the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum ShippingMode {
    /// One row per shipping charge with its own VAT rate, on `shipping_account`. Without
    /// `article_number` (the default) it is a free-text row ("Frakt: PostNord"), so nothing has to
    /// exist in Fortnox; with one, the row refers to that article (which must exist).
    Row {
        #[serde(default)]
        article_number: Option<String>,
    },
    /// The document's `Freight` field (Fortnox books it on the company's freight account and
    /// applies 25 % VAT). Used only when every shipping charge is non-negative and at 25 %;
    /// otherwise the charges become rows, with a warning.
    FreightField,
}

impl Default for ShippingMode {
    fn default() -> Self {
        Self::Row {
            article_number: None,
        }
    }
}

/// How fees (payment, handling, invoice fees) reach the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeMode {
    /// One row per fee with its own VAT rate, on `fee_account`; free-text unless
    /// `article_number` is set. The default.
    Row {
        #[serde(default)]
        article_number: Option<String>,
    },
    /// The document's `AdministrationFee` field (25 % VAT, the company's fee account). Used only
    /// when every fee is non-negative and at 25 %; otherwise rows, with a warning.
    AdministrationFeeField,
}

impl Default for FeeMode {
    fn default() -> Self {
        Self::Row {
            article_number: None,
        }
    }
}

/// What happens when the total Fortnox will compute differs from what the shop charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoundingPolicy {
    /// Never add a row: a difference is reported (the worker flags the order).
    None,
    /// Add a VAT-free row on `rounding_account` so the document total equals the shop's, when
    /// the difference is at most 1 kr; a larger difference is reported instead. The default.
    #[default]
    Row,
}

/// How a created invoice is sent to the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SendMode {
    /// Not sent by fortsync (the shop already e-mailed its receipt). The default.
    #[default]
    None,
    /// `GET /3/invoices/{n}/email` (the customer's invoice e-mail address).
    Email,
    /// `GET /3/invoices/{n}/eprint` (Fortnox's printing service).
    Eprint,
    /// `PUT /3/invoices/{n}/externalprint`: marked as sent, nothing is sent.
    ExternalPrint,
}

/// Whether and how the payment of an invoice is registered in Fortnox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum RegisterPayment {
    /// No payment is registered (the invoice stays open for the merchant). The default.
    #[default]
    None,
    /// An invoice payment of the shop's total with this Fortnox mode of payment (e.g. `KORT`)
    /// on this account (e.g. 1580 for card settlements), booked when `bookkeep` is true.
    Register {
        mode_of_payment: String,
        account: u32,
        #[serde(default)]
        bookkeep: bool,
    },
}

/// Payment registration: one rule per shop payment method (the canonical order's
/// `payment_method`, compared case-insensitively), `default` for every other method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentSettings {
    pub default: RegisterPayment,
    pub by_method: BTreeMap<String, RegisterPayment>,
}

impl PaymentSettings {
    /// The rule for a payment method.
    pub fn for_method(&self, method: Option<&str>) -> &RegisterPayment {
        method
            .and_then(|m| {
                self.by_method
                    .iter()
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(m.trim()))
                    .map(|(_, v)| v)
            })
            .unwrap_or(&self.default)
    }
}

/// Revenue account per Swedish VAT rate (BAS defaults: 3001 25 %, 3002 12 %, 3003 6 %,
/// 3004 VAT-free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalesAccounts {
    pub vat25: u32,
    pub vat12: u32,
    pub vat6: u32,
    pub vat0: u32,
}

impl Default for SalesAccounts {
    fn default() -> Self {
        Self {
            vat25: 3001,
            vat12: 3002,
            vat6: 3003,
            vat0: 3004,
        }
    }
}

impl SalesAccounts {
    /// The same account for every rate.
    pub fn uniform(account: u32) -> Self {
        Self {
            vat25: account,
            vat12: account,
            vat6: account,
            vat0: account,
        }
    }

    /// The account for a VAT rate, or `None` for a rate Fortnox does not know by default.
    pub fn for_rate(&self, rate: Decimal) -> Option<u32> {
        let r = rate.normalize();
        if r == dec!(25) {
            Some(self.vat25)
        } else if r == dec!(12) {
            Some(self.vat12)
        } else if r == dec!(6) {
            Some(self.vat6)
        } else if r.is_zero() {
            Some(self.vat0)
        } else {
            None
        }
    }

    fn all(&self) -> [u32; 4] {
        [self.vat25, self.vat12, self.vat6, self.vat0]
    }
}

/// BAS 3520 "Fakturerade frakter": the shipping account when `shipping_account` is unset.
pub const DEFAULT_SHIPPING_ACCOUNT: u32 = 3520;

fn default_eu_consumer_accounts() -> SalesAccounts {
    SalesAccounts::uniform(3106)
}

/// Which shop events make fortsync sync an order (others are acknowledged and ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncTriggers {
    /// Shopify topics: any of `orders/create`, `orders/paid` (default), `orders/updated`,
    /// `orders/fulfilled`.
    pub shopify_topics: Vec<String>,
    /// WooCommerce order statuses on `order.created` / `order.updated` (default `processing`,
    /// `completed`).
    pub woocommerce_statuses: Vec<String>,
}

impl Default for SyncTriggers {
    fn default() -> Self {
        Self {
            shopify_topics: vec!["orders/paid".into()],
            woocommerce_statuses: vec!["processing".into(), "completed".into()],
        }
    }
}

/// Shopify topics that carry an order and may be chosen to sync it.
pub const SHOPIFY_ORDER_TOPICS: &[&str] = &[
    "orders/create",
    "orders/paid",
    "orders/updated",
    "orders/fulfilled",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// Increases on every change (≥ 1); recorded on each synced order.
    pub version: u32,
    /// Which shop events sync an order.
    pub sync_on: SyncTriggers,
    /// Which document an order becomes: `invoice` (default), `order`, `order_then_invoice`,
    /// `none`.
    pub document: DocumentKind,
    /// Customer matching key: `email` (default) or `organisation_number`.
    pub customer_match: CustomerMatch,
    /// When no customer matches the key, link the order to an existing customer with exactly the
    /// same name (or organisation number) instead of creating a duplicate. Default false: names
    /// are not unique among private buyers.
    pub link_existing_by_name: bool,
    /// Valid SKUs Fortnox does not know: `create_article`, `free_text_row` (default), `refuse`.
    pub unknown_sku: UnknownSkuPolicy,
    /// Discounts as a row `Discount` (`row_discount`, default) or baked into the price
    /// (`in_price`).
    pub discounts: DiscountMode,
    /// Merge article rows with the same article number, price, VAT and account into one row
    /// (quantities and discounts added). Default false. Free-text rows are never merged.
    pub sum_rows_with_same_article: bool,
    /// Article numbers never merged even when `sum_rows_with_same_article` is on.
    pub sum_rows_excluded_articles: Vec<String>,
    /// Shipping as rows (`{"mode":"row"}`, default, optionally with `article_number`) or the
    /// `Freight` field (`{"mode":"freight_field"}`).
    pub shipping: ShippingMode,
    /// Fees as rows (`{"mode":"row"}`, default) or the `AdministrationFee` field
    /// (`{"mode":"administration_fee_field"}`).
    pub fees: FeeMode,
    /// Revenue accounts for Swedish sales per VAT rate (3001/3002/3003/3004).
    pub sales_accounts: SalesAccounts,
    /// Revenue accounts for sales with Swedish VAT to EU consumers (or EU companies charged VAT)
    /// per rate; BAS 3106 "varor till annat EU-land, momspliktig" for every rate by default.
    pub eu_consumer_accounts: SalesAccounts,
    /// VAT-free sales to EU companies with a VAT number (reverse charge): BAS 3108.
    pub eu_reverse_charge_account: u32,
    /// VAT-free sales outside the EU: BAS 3105.
    pub export_account: u32,
    /// Optional OSS accounts per EU country (ISO code → account) for consumer sales declared
    /// through the One-Stop Shop. When the buyer's country is listed, its rows use this account
    /// whatever the rate (the country's OSS rates must exist in Fortnox). Empty by default.
    pub oss_accounts: BTreeMap<String, u32>,
    /// Account for shipping rows of sales with Swedish VAT; unset (`null`, the stored default)
    /// means BAS 3520 "Fakturerade frakter" ([`DEFAULT_SHIPPING_ACCOUNT`]) in the mapping
    /// engine. (The first slice's `document` module, used by the worker until it switches to
    /// `mapping`, books unset shipping on the sales account of its VAT rate.) Reverse-charge,
    /// export and OSS shipping always goes on that region's revenue account, so it is reported
    /// with the goods.
    pub shipping_account: Option<u32>,
    /// Account for fee rows, same rules as shipping (BAS 3540 "Faktureringsavgifter").
    pub fee_account: u32,
    /// Account for the rounding row (BAS 3740 "Öres- och kronutjämning").
    pub rounding_account: u32,
    /// Account for gift cards *sold* (a multi-purpose voucher is a liability, not revenue, and
    /// carries no VAT until redeemed): BAS 2420 "Förskott från kunder".
    pub gift_card_account: u32,
    /// Fortnox `OurReference` (≤ 50 characters) when the order does not name the shop user who
    /// created it: the merchant's collector / contact person.
    pub our_reference: Option<String>,
    /// Cost centre code set on every document (must exist in Fortnox).
    pub cost_center: Option<String>,
    /// Project number set on every document (must exist in Fortnox).
    pub project: Option<String>,
    /// `row` (default): correct a difference of at most 1 kr with a rounding row; `none`: only
    /// report it.
    pub rounding: RoundingPolicy,
    /// Bookkeep the invoice after creating it. Default false: booked invoices are immutable,
    /// so edits in the shop can still be applied until the merchant opts in.
    pub bookkeep: bool,
    /// How the invoice is sent: `none` (default), `email`, `eprint`, `external_print`.
    pub send: SendMode,
    /// Payment registration per payment method (default: none).
    pub payments: PaymentSettings,
    /// What an edit in the shop does to a document Fortnox no longer lets fortsync change
    /// (booked, sent under the cash method, or already invoiced): `flag` (default) or
    /// `credit_and_reissue`. Unbooked documents are always updated in place.
    pub edits_after_booking: EditsAfterBooking,
    /// The hourly register sync: customer fields, articles, prices and stock, each with a
    /// direction; all off by default (see [`SyncSettings`]). Left out of the stored JSON while
    /// it is the default, so settings written before it existed serialise unchanged.
    #[serde(skip_serializing_if = "SyncSettings::is_default")]
    pub sync: SyncSettings,
    /// Invoice status written back to the shop: when an order counts as invoiced, the
    /// WooCommerce status on paid, tags (see [`StatusSettings`]). Left out of the stored JSON
    /// while it is the default, like `sync`.
    #[serde(skip_serializing_if = "StatusSettings::is_default")]
    pub status: StatusSettings,
}

/// See [`TenantSettings::edits_after_booking`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EditsAfterBooking {
    /// Leave Fortnox as it is and flag the order (status and audit trail) for a person.
    #[default]
    Flag,
    /// Credit the booked invoice in full and create a new one from the edited order.
    CreditAndReissue,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            version: 1,
            sync_on: SyncTriggers::default(),
            document: DocumentKind::Invoice,
            customer_match: CustomerMatch::Email,
            link_existing_by_name: false,
            unknown_sku: UnknownSkuPolicy::FreeTextRow,
            discounts: DiscountMode::RowDiscount,
            sum_rows_with_same_article: false,
            sum_rows_excluded_articles: Vec::new(),
            shipping: ShippingMode::default(),
            fees: FeeMode::default(),
            sales_accounts: SalesAccounts::default(),
            eu_consumer_accounts: default_eu_consumer_accounts(),
            eu_reverse_charge_account: 3108,
            export_account: 3105,
            oss_accounts: BTreeMap::new(),
            shipping_account: None,
            fee_account: 3540,
            rounding_account: 3740,
            gift_card_account: 2420,
            our_reference: None,
            cost_center: None,
            project: None,
            rounding: RoundingPolicy::Row,
            bookkeep: false,
            send: SendMode::None,
            payments: PaymentSettings::default(),
            edits_after_booking: EditsAfterBooking::Flag,
            sync: SyncSettings::default(),
            status: StatusSettings::default(),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{field}: account {account} is not a four-digit BAS account (1000-9999)")]
    BadAccount { field: String, account: u32 },
    #[error("our_reference is longer than Fortnox's 50 characters")]
    OurReferenceTooLong,
    #[error("version must be at least 1")]
    BadVersion,
    #[error(
        "{field}: {value:?} is not a Fortnox article number (1-50 letters, digits, _ - / \\ + $)"
    )]
    BadArticleNumber { field: String, value: String },
    #[error("{field}: {reason}")]
    BadText { field: String, reason: String },
    #[error("oss_accounts: {0:?} is not an EU country code other than SE")]
    BadOssCountry(String),
    /// A register-sync setting that contradicts another or Fortnox (`sync.…`).
    #[error("{field}: {reason}")]
    BadSync { field: String, reason: String },
}

fn check_account(field: &str, account: u32) -> Result<(), SettingsError> {
    if (1000..=9999).contains(&account) {
        Ok(())
    } else {
        Err(SettingsError::BadAccount {
            field: field.to_owned(),
            account,
        })
    }
}

fn check_article(field: &str, value: &str) -> Result<(), SettingsError> {
    if is_valid_article_number(value) {
        Ok(())
    } else {
        Err(SettingsError::BadArticleNumber {
            field: field.to_owned(),
            value: value.to_owned(),
        })
    }
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), SettingsError> {
    let bad = |reason: &str| SettingsError::BadText {
        field: field.to_owned(),
        reason: reason.to_owned(),
    };
    if value.trim().is_empty() {
        Err(bad("must not be empty (leave it out instead)"))
    } else if value.chars().count() > max {
        Err(bad(&format!("longer than Fortnox's {max} characters")))
    } else if !is_allowed_text(value) {
        Err(bad("contains characters Fortnox refuses"))
    } else {
        Ok(())
    }
}

fn check_payment(field: &str, rule: &RegisterPayment) -> Result<(), SettingsError> {
    match rule {
        RegisterPayment::None => Ok(()),
        RegisterPayment::Register {
            mode_of_payment,
            account,
            ..
        } => {
            check_text(&format!("{field}.mode_of_payment"), mode_of_payment, 50)?;
            check_account(&format!("{field}.account"), *account)
        }
    }
}

impl TenantSettings {
    /// Checks what the types cannot; the error names the field.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.version == 0 {
            return Err(SettingsError::BadVersion);
        }
        if let Some(t) = self
            .sync_on
            .shopify_topics
            .iter()
            .find(|t| !SHOPIFY_ORDER_TOPICS.contains(&t.as_str()))
        {
            return Err(SettingsError::BadText {
                field: "sync_on.shopify_topics".into(),
                reason: format!("{t:?} is not one of {SHOPIFY_ORDER_TOPICS:?}"),
            });
        }
        for (name, accounts) in [
            ("sales_accounts", &self.sales_accounts),
            ("eu_consumer_accounts", &self.eu_consumer_accounts),
        ] {
            for acc in accounts.all() {
                check_account(name, acc)?;
            }
        }
        check_account("eu_reverse_charge_account", self.eu_reverse_charge_account)?;
        check_account("export_account", self.export_account)?;
        check_account("rounding_account", self.rounding_account)?;
        check_account("gift_card_account", self.gift_card_account)?;
        if let Some(a) = self.shipping_account {
            check_account("shipping_account", a)?;
        }
        check_account("fee_account", self.fee_account)?;
        for (country, acc) in &self.oss_accounts {
            let c = country.trim().to_ascii_uppercase();
            if !countries::is_eu(&c) || c == "SE" || country.trim() != c {
                return Err(SettingsError::BadOssCountry(country.clone()));
            }
            check_account(&format!("oss_accounts.{country}"), *acc)?;
        }
        if let ShippingMode::Row {
            article_number: Some(a),
        } = &self.shipping
        {
            check_article("shipping.article_number", a)?;
        }
        if let FeeMode::Row {
            article_number: Some(a),
        } = &self.fees
        {
            check_article("fees.article_number", a)?;
        }
        for a in &self.sum_rows_excluded_articles {
            check_article("sum_rows_excluded_articles", a)?;
        }
        if let Some(r) = &self.our_reference {
            if r.chars().count() > 50 {
                return Err(SettingsError::OurReferenceTooLong);
            }
            check_text("our_reference", r, 50)?;
        }
        // Codes: Fortnox checks that they exist; here only that they are sendable.
        if let Some(c) = &self.cost_center {
            check_text("cost_center", c, 50)?;
        }
        if let Some(p) = &self.project {
            check_text("project", p, 50)?;
        }
        check_payment("payments.default", &self.payments.default)?;
        for (method, rule) in &self.payments.by_method {
            check_text("payments.by_method (method name)", method, 100)?;
            check_payment(&format!("payments.by_method.{method}"), rule)?;
        }
        self.sync.validate()?;
        self.status.validate()?;
        Ok(())
    }

    /// The account for shipping rows of sales with Swedish VAT (see `shipping_account`).
    pub fn shipping_account_or_default(&self) -> u32 {
        self.shipping_account.unwrap_or(DEFAULT_SHIPPING_ACCOUNT)
    }

    /// Whether rows of this article may be merged (`sum_rows_with_same_article` and not
    /// excluded).
    pub fn may_sum_article(&self, article: &str) -> bool {
        self.sum_rows_with_same_article
            && !self
                .sum_rows_excluded_articles
                .iter()
                .any(|a| a.eq_ignore_ascii_case(article))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let s = TenantSettings::default();
        s.validate().unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<TenantSettings>(&json).unwrap(), s);
        // A partial document fills the rest from defaults.
        let p: TenantSettings = serde_json::from_str(r#"{"document":"none"}"#).unwrap();
        assert_eq!(p.document, DocumentKind::None);
        assert_eq!(p.sales_accounts.vat25, 3001);
        assert_eq!(p.shipping_account_or_default(), 3520);
        assert_eq!(p.fee_account, 3540);
    }

    #[test]
    fn settings_stored_by_the_first_release_still_load() {
        let stored = r#"{"version":3,"document":"invoice",
            "sales_accounts":{"vat25":3001,"vat12":3002,"vat6":3003,"vat0":3004},
            "shipping_account":null,"our_reference":"Kim"}"#;
        let s: TenantSettings = serde_json::from_str(stored).unwrap();
        s.validate().unwrap();
        assert_eq!(s.version, 3);
        // Unset: BAS 3520 in the mapping engine.
        assert_eq!(s.shipping_account, None);
        assert_eq!(s.shipping_account_or_default(), 3520);
        assert_eq!(s.our_reference.as_deref(), Some("Kim"));
        assert_eq!(s.unknown_sku, UnknownSkuPolicy::FreeTextRow);
    }

    #[test]
    fn rejects_bad_accounts_and_unknown_keys() {
        let s = TenantSettings {
            shipping_account: Some(35),
            ..Default::default()
        };
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "shipping_account: account 35 is not a four-digit BAS account (1000-9999)"
        );
        assert!(serde_json::from_str::<TenantSettings>(r#"{"documnet":"none"}"#).is_err());
        assert!(
            serde_json::from_str::<TenantSettings>(
                r#"{"sales_accounts":{"vat25":3001,"vat12":3002,"vat6":3003,"vat0":3004,"vat7":1}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn tagged_modes_parse_and_explain_typos() {
        let s: TenantSettings = serde_json::from_str(
            r#"{"shipping":{"mode":"row","article_number":"FRAKT"},
                "fees":{"mode":"administration_fee_field"},
                "payments":{"default":{"mode":"none"},
                            "by_method":{"Klarna":{"mode":"register","mode_of_payment":"KLARNA","account":1580}}}}"#,
        )
        .unwrap();
        s.validate().unwrap();
        assert_eq!(
            s.shipping,
            ShippingMode::Row {
                article_number: Some("FRAKT".into())
            }
        );
        assert_eq!(s.fees, FeeMode::AdministrationFeeField);
        assert!(matches!(
            s.payments.for_method(Some("klarna")),
            RegisterPayment::Register { account: 1580, .. }
        ));
        assert_eq!(s.payments.for_method(Some("card")), &RegisterPayment::None);
        let e = serde_json::from_str::<TenantSettings>(r#"{"shipping":{"mode":"freight"}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("freight_field"), "{e}");
    }

    #[test]
    fn validation_names_the_field() {
        let mut s = TenantSettings {
            shipping: ShippingMode::Row {
                article_number: Some("FRAKT 1".into()),
            },
            ..Default::default()
        };
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("shipping.article_number")
        );
        s.shipping = ShippingMode::FreightField;
        s.oss_accounts.insert("NO".into(), 3107);
        assert!(matches!(s.validate(), Err(SettingsError::BadOssCountry(_))));
        s.oss_accounts.clear();
        s.oss_accounts.insert("DE".into(), 3107);
        s.validate().unwrap();
        s.our_reference = Some("x".repeat(51));
        assert_eq!(s.validate(), Err(SettingsError::OurReferenceTooLong));
        s.our_reference = Some("Kim 😎".into());
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("our_reference")
        );
        s.our_reference = None;
        s.payments.default = RegisterPayment::Register {
            mode_of_payment: "KORT".into(),
            account: 15,
            bookkeep: true,
        };
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("payments.default.account")
        );
    }

    #[test]
    fn accounts_by_rate() {
        let a = SalesAccounts::default();
        assert_eq!(a.for_rate(dec!(25.00)), Some(3001));
        assert_eq!(a.for_rate(dec!(6)), Some(3003));
        assert_eq!(a.for_rate(dec!(0)), Some(3004));
        assert_eq!(a.for_rate(dec!(7)), None);
    }

    #[test]
    fn summing_respects_the_exclusion_list() {
        let s = TenantSettings {
            sum_rows_with_same_article: true,
            sum_rows_excluded_articles: vec!["GIFT-1".into()],
            ..Default::default()
        };
        assert!(s.may_sum_article("TS-1"));
        assert!(!s.may_sum_article("gift-1"));
        assert!(!TenantSettings::default().may_sum_article("TS-1"));
    }
}
