//! The register-sync part of the tenant settings (`TenantSettings::sync`): which customer
//! fields, articles, prices and stock flow which way. Every default is "off", so a tenant that
//! never opts in sees no change at all.

use super::customer_fields::CustomerField;
use crate::charset::{is_allowed_text, is_valid_article_number};
use crate::settings::SettingsError;
use serde::{Deserialize, Serialize};

/// Which way one value flows between Fortnox and the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Never read nor written by the sync. The default.
    #[default]
    Off,
    /// The shop is the master: Fortnox is made equal to it.
    ShopToFortnox,
    /// Fortnox is the master: the shop is made equal to it.
    FortnoxToShop,
    /// A change on either side is copied to the other; when both changed since the last
    /// sync, the newest change wins and the loser is reported.
    Both,
}

impl Direction {
    /// Whether values may be written to Fortnox.
    pub fn writes_fortnox(self) -> bool {
        matches!(self, Self::ShopToFortnox | Self::Both)
    }

    /// Whether values may be written to the shop.
    pub fn writes_shop(self) -> bool {
        matches!(self, Self::FortnoxToShop | Self::Both)
    }
}

/// Per-field directions for the customer register, plus whether missing customers are
/// created. Organisation and VAT numbers exist only in Fortnox (the shops have no such
/// customer field), so they have no rule: they are read for duplicate detection only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerRules {
    /// Fortnox `Email` ↔ shop e-mail (compared case-insensitively).
    pub email: Direction,
    /// Fortnox `Name` ↔ shop company, or first + last name for private buyers.
    pub name: Direction,
    /// Fortnox `Phone1` ↔ shop phone (compared ignoring spaces, dashes and +46 vs 0).
    pub phone: Direction,
    /// Fortnox `Address1` ↔ shop address line 1.
    pub address1: Direction,
    /// Fortnox `Address2` ↔ shop address line 2.
    pub address2: Direction,
    /// Fortnox `ZipCode` ↔ shop postcode (compared ignoring spaces: `111 22` = `11122`).
    pub zip: Direction,
    /// Fortnox `City` ↔ shop city.
    pub city: Direction,
    /// Fortnox `CountryCode` ↔ shop country code (ISO 3166-1 alpha-2).
    pub country_code: Direction,
    /// Create a Fortnox customer for a shop customer Fortnox does not have (after the caller's
    /// duplicate check). Needs `name` to flow to Fortnox (Fortnox requires `Name`).
    pub create_in_fortnox: bool,
    /// Create a shop customer for a Fortnox customer the shop does not have. Needs `email` to
    /// flow to the shop (shops key customers by e-mail).
    pub create_in_shop: bool,
}

impl CustomerRules {
    /// The direction of a field; organisation and VAT numbers are always `Off`.
    pub fn direction(&self, field: CustomerField) -> Direction {
        match field {
            CustomerField::Email => self.email,
            CustomerField::Name => self.name,
            CustomerField::Phone => self.phone,
            CustomerField::Address1 => self.address1,
            CustomerField::Address2 => self.address2,
            CustomerField::Zip => self.zip,
            CustomerField::City => self.city,
            CustomerField::CountryCode => self.country_code,
            CustomerField::OrganisationNumber | CustomerField::VatNumber => Direction::Off,
        }
    }

    /// Whether the customer register sync has anything to do (a field not `off`, or creation).
    pub fn is_active(&self) -> bool {
        self.create_in_fortnox
            || self.create_in_shop
            || CustomerField::ALL
                .into_iter()
                .any(|f| self.direction(f) != Direction::Off)
    }
}

/// The article register: which side's items are created on the other and whose title wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ArticleRules {
    /// `fortnox_to_shop`: Fortnox articles are the register (missing shop products are created
    /// when `create_missing`, the shop title follows Fortnox `Description`); `shop_to_fortnox`
    /// the reverse; `both` either way; `off` (default) neither. Prices and stock have their own
    /// directions. Inactive Fortnox articles and unpublished shop products are never synced.
    pub direction: Direction,
    /// Create items missing on the receiving side. Default false ("disable article creation"):
    /// only items that exist on both sides (same SKU / article number) are synced.
    pub create_missing: bool,
}

/// Prices: Fortnox price-list prices (excluding VAT) ↔ the shop's regular price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceRules {
    /// Default `off`.
    pub direction: Direction,
    /// Fortnox price-list code; `None` (default) = the company's pre-selected list (usually
    /// `A`), which the caller looks up.
    pub price_list: Option<String>,
    /// Article numbers whose price fortsync never sets, on either side (compared
    /// case-insensitively, like Fortnox article numbers).
    pub never_set_price: Vec<String>,
    /// Whether the shop's prices include VAT. Default true (Swedish consumer shops). Fortnox
    /// list prices are taken to exclude VAT; the two are converted with the article's VAT rate
    /// and rounded to öre.
    pub shop_prices_include_vat: bool,
}

impl Default for PriceRules {
    fn default() -> Self {
        Self {
            direction: Direction::Off,
            price_list: None,
            never_set_price: Vec::new(),
            shop_prices_include_vat: true,
        }
    }
}

impl PriceRules {
    /// Whether fortsync may set this article's price.
    pub fn may_set_price(&self, article_number: &str) -> bool {
        !self
            .never_set_price
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(article_number.trim()))
    }
}

/// Which way stock quantities flow. There is no `both`: one side must own the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StockDirection {
    /// The default.
    #[default]
    Off,
    /// Fortnox's sellable quantity, floored to whole units, becomes the shop's stock.
    FortnoxToShop,
    /// The shop's stock becomes the article's `QuantityInStock`; only with the
    /// `article_quantity` source (with Fortnox Lager, stock changes only through deliveries).
    ShopToFortnox,
}

/// Where Fortnox keeps the stock count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum StockSource {
    /// The article's `QuantityInStock` / `DisposableQuantity` (companies without Lager). The
    /// default.
    #[default]
    ArticleQuantity,
    /// Fortnox Lager's stock balance (`availableStock`) at this stock point.
    Warehouse { stock_point: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct StockRules {
    /// Default `off`.
    pub direction: StockDirection,
    /// `{"mode":"article_quantity"}` (default) or `{"mode":"warehouse","stock_point":"…"}`.
    pub source: StockSource,
}

/// The hourly register sync. All off by default; e-mail/organisation-number/name duplicate
/// detection before creating a customer follows `TenantSettings::link_existing_by_name` for
/// the name step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SyncSettings {
    pub customers: CustomerRules,
    pub articles: ArticleRules,
    pub prices: PriceRules,
    pub stock: StockRules,
}

fn bad(field: &str, reason: impl Into<String>) -> SettingsError {
    SettingsError::BadSync {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn check_code(field: &str, value: &str, max: usize) -> Result<(), SettingsError> {
    if value.trim().is_empty() {
        Err(bad(field, "must not be empty (leave it out instead)"))
    } else if value.chars().count() > max {
        Err(bad(
            field,
            format!("longer than Fortnox's {max} characters"),
        ))
    } else if !is_allowed_text(value) {
        Err(bad(field, "contains characters Fortnox refuses"))
    } else {
        Ok(())
    }
}

impl SyncSettings {
    /// Whether nothing is configured (the stored settings then leave `sync` out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Checks what the types cannot; the error names the field (`sync.…`).
    pub fn validate(&self) -> Result<(), SettingsError> {
        let c = &self.customers;
        if c.create_in_fortnox && !c.name.writes_fortnox() {
            return Err(bad(
                "sync.customers.create_in_fortnox",
                "needs name to be shop_to_fortnox or both (Fortnox requires a name)",
            ));
        }
        if c.create_in_shop && !c.email.writes_shop() {
            return Err(bad(
                "sync.customers.create_in_shop",
                "needs email to be fortnox_to_shop or both (shops key customers by e-mail)",
            ));
        }
        if let Some(list) = &self.prices.price_list {
            // Fortnox price-list `Code`: at most 100 characters.
            check_code("sync.prices.price_list", list, 100)?;
        }
        for a in &self.prices.never_set_price {
            if !is_valid_article_number(a) {
                return Err(SettingsError::BadArticleNumber {
                    field: "sync.prices.never_set_price".into(),
                    value: a.clone(),
                });
            }
        }
        if let StockSource::Warehouse { stock_point } = &self.stock.source {
            check_code("sync.stock.source.stock_point", stock_point, 100)?;
            if self.stock.direction == StockDirection::ShopToFortnox {
                return Err(bad(
                    "sync.stock.direction",
                    "shop_to_fortnox needs the article_quantity source: with Fortnox Lager \
                     stock changes only through deliveries",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_off_and_valid() {
        let s = SyncSettings::default();
        assert!(s.is_default());
        s.validate().unwrap();
        assert_eq!(s.customers.direction(CustomerField::Email), Direction::Off);
        assert!(s.prices.shop_prices_include_vat);
        assert!(!s.articles.create_missing);
        assert_eq!(s.stock.source, StockSource::ArticleQuantity);
    }

    #[test]
    fn fortnox_only_fields_have_no_direction() {
        let rules = CustomerRules {
            email: Direction::Both,
            ..Default::default()
        };
        assert_eq!(rules.direction(CustomerField::Email), Direction::Both);
        assert_eq!(
            rules.direction(CustomerField::OrganisationNumber),
            Direction::Off
        );
        assert_eq!(rules.direction(CustomerField::VatNumber), Direction::Off);
        assert!(rules.is_active());
        assert!(!CustomerRules::default().is_active());
    }

    #[test]
    fn creation_needs_the_key_field_flowing_that_way() {
        let mut s = SyncSettings::default();
        s.customers.create_in_fortnox = true;
        s.customers.name = Direction::FortnoxToShop;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("sync.customers.create_in_fortnox")
        );
        s.customers.name = Direction::Both;
        s.validate().unwrap();
        s.customers.create_in_shop = true;
        assert!(s.validate().is_err());
        s.customers.email = Direction::FortnoxToShop;
        s.validate().unwrap();
    }

    #[test]
    fn warehouse_stock_cannot_be_pushed() {
        let mut s = SyncSettings::default();
        s.stock.source = StockSource::Warehouse {
            stock_point: "LAGER1".into(),
        };
        s.stock.direction = StockDirection::FortnoxToShop;
        s.validate().unwrap();
        s.stock.direction = StockDirection::ShopToFortnox;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("sync.stock.direction")
        );
        s.stock.direction = StockDirection::Off;
        s.stock.source = StockSource::Warehouse {
            stock_point: " ".into(),
        };
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("sync.stock.source.stock_point")
        );
    }

    #[test]
    fn never_set_price_is_case_insensitive() {
        let p = PriceRules {
            never_set_price: vec!["GIFT-1".into()],
            ..Default::default()
        };
        assert!(!p.may_set_price("gift-1"));
        assert!(p.may_set_price("GIFT-2"));
    }
}
