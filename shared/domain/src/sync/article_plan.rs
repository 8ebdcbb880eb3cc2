//! One article / product pair (same article number and SKU) → what to create or change.
//!
//! Rules:
//! - Inactive Fortnox articles (`Active: false`) and unpublished shop products are never
//!   synced, whatever the other side holds. Pass unpublished products anyway: `shop: None`
//!   means "no product with this SKU", which may create one.
//! - Creating (`articles.create_missing` and an `articles.direction` towards the missing side)
//!   only for an item never synced (`last` is `None`): an item synced before and now missing
//!   was deleted there. Shop products are created as drafts for the merchant to review; a shop
//!   SKU that cannot be a Fortnox article number is skipped ([`SkipReason::InvalidArticleNumber`]).
//! - Title: Fortnox `Description` ↔ shop title along `articles.direction`, with the same
//!   one-way / `both` rules as customer fields; the description is always sent in Fortnox's
//!   character set and ≤ 200 characters.
//! - Price along `prices.direction` unless the article is in `never_set_price` (then neither
//!   side's price is touched), converted for VAT (see [`super::price`]). A zero or missing
//!   price is never copied and never clears the other side.
//! - Stock: Fortnox → shop sets the floored sellable quantity (see [`super::stock`]) when it
//!   differs; a shop product that does not track stock (`stock: None`) is left untracked,
//!   since turning tracking on can make a made-to-order or digital product unsellable — only a
//!   product this plan creates gets a stock. Shop → Fortnox sets `QuantityInStock` for stock
//!   articles (`in_stock` known) with the `article_quantity` source only.

use super::price::{self, agree, usable};
use super::resolve::{Conflict, Observed, Outcome, Side, decide};
use super::rules::{Direction, StockDirection, StockSource, SyncSettings};
use super::stock::shop_stock;
use super::timestamp::shop_is_newer;
use crate::charset::{is_valid_article_number, sanitize_text, truncate};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

/// VAT rate assumed for a shop price of a product created in Fortnox when the shop does not
/// say: Fortnox gives a new article the Swedish standard rate.
pub const DEFAULT_VAT_RATE: Decimal = dec!(25);

/// Fortnox's limit on an article's `Description`.
const DESCRIPTION_MAX: usize = 200;

/// A Fortnox article as the sync needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ArticleFacts {
    pub article_number: String,
    /// Fortnox `Description`.
    pub description: String,
    /// Fortnox `Active`.
    pub active: bool,
    /// The article's `VAT` percent.
    pub vat_rate: Decimal,
    /// First-tier price in the configured price list, excluding VAT; `None` = none there.
    pub price: Option<Decimal>,
    /// `QuantityInStock` (Lager: `inStock` at the stock point); `None` = not a stock article.
    pub in_stock: Option<Decimal>,
    /// What can still be sold: `DisposableQuantity` (Lager: `availableStock`); `None` = use
    /// `in_stock`. Reserved quantities belong to orders the shop already counted.
    pub available: Option<Decimal>,
    /// Last-modified time (RFC 3339 or Fortnox form), for `both` conflicts.
    pub modified: Option<String>,
}

/// A shop product unit (Shopify variant, WooCommerce product or variation).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductFacts {
    pub sku: String,
    pub title: String,
    /// Published (`status = publish` / active); drafts and archived products are not synced.
    pub published: bool,
    /// Regular price on the shop's VAT basis.
    pub price: Option<Decimal>,
    /// On hand; `None` = stock not tracked.
    pub stock: Option<i64>,
    /// The product's VAT rate when the shop knows it; only used when creating in Fortnox.
    pub vat_rate: Option<Decimal>,
    /// Last-modified time (RFC 3339), for `both` conflicts.
    pub modified: Option<String>,
}

/// Each side's values after the previous sync of the pair (they differ by VAT conversion and
/// Fortnox's character set, so both are kept).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ArticleSnapshot {
    pub description: Option<String>,
    pub title: Option<String>,
    pub fortnox_price: Option<Decimal>,
    pub shop_price: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleField {
    Title,
    Price,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The Fortnox article is inactive.
    Inactive,
    /// The shop product is not published.
    Unpublished,
    /// The shop SKU cannot be a Fortnox article number (letters, digits, `_ - / \ + $`, ≤ 50).
    InvalidArticleNumber,
    /// Only one side has the item and nothing may be created.
    NoCounterpart,
}

/// A shop product to create, as a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShopProduct {
    pub sku: String,
    pub title: String,
    pub price: Option<Decimal>,
    pub stock: Option<i64>,
}

/// A Fortnox article to create (active); `price` goes to the configured price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFortnoxArticle {
    pub article_number: String,
    pub description: String,
    /// `None` = Fortnox's default rate.
    pub vat_rate: Option<Decimal>,
    pub price: Option<Decimal>,
    pub quantity_in_stock: Option<Decimal>,
}

/// Changes to an existing shop product; `None` = leave as is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductChanges {
    pub title: Option<String>,
    pub price: Option<Decimal>,
    pub stock: Option<i64>,
}

/// Changes to an existing Fortnox article; `price` goes to the configured price list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ArticleChanges {
    pub description: Option<String>,
    pub price: Option<Decimal>,
    pub quantity_in_stock: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ArticlePlan {
    /// Why nothing is done, when nothing may be.
    pub skip: Option<SkipReason>,
    pub create_in_shop: Option<NewShopProduct>,
    pub create_in_fortnox: Option<NewFortnoxArticle>,
    pub to_shop: ProductChanges,
    pub to_fortnox: ArticleChanges,
    pub conflicts: Vec<Conflict<ArticleField>>,
    /// Store as the next `last` after every write succeeded (a skip keeps the old one).
    pub snapshot: ArticleSnapshot,
}

impl ArticlePlan {
    /// Nothing to create or change.
    pub fn is_noop(&self) -> bool {
        self.create_in_shop.is_none()
            && self.create_in_fortnox.is_none()
            && self.to_shop == ProductChanges::default()
            && self.to_fortnox == ArticleChanges::default()
    }

    fn skipped(reason: SkipReason, last: Option<&ArticleSnapshot>) -> Self {
        Self {
            skip: Some(reason),
            snapshot: last.cloned().unwrap_or_default(),
            ..Self::default()
        }
    }
}

/// A shop title as a Fortnox `Description`.
fn description_form(title: &str) -> String {
    truncate(&sanitize_text(title), DESCRIPTION_MAX)
}

/// Plans one pair; `fortnox` / `shop` are `None` when that side has no item with the article
/// number / SKU, `last` is the pair's snapshot from the previous sync (`None` = never synced).
pub fn plan_article(
    fortnox: Option<&ArticleFacts>,
    shop: Option<&ProductFacts>,
    last: Option<&ArticleSnapshot>,
    settings: &SyncSettings,
) -> ArticlePlan {
    let creating = |towards_shop: bool| {
        let d = settings.articles.direction;
        last.is_none()
            && settings.articles.create_missing
            && if towards_shop {
                d.writes_shop()
            } else {
                d.writes_fortnox()
            }
    };
    match (fortnox, shop) {
        (Some(f), _) if !f.active => ArticlePlan::skipped(SkipReason::Inactive, last),
        (_, Some(s)) if !s.published => ArticlePlan::skipped(SkipReason::Unpublished, last),
        (Some(f), Some(s)) => plan_pair(f, s, last, settings),
        (Some(f), None) if creating(true) => create_in_shop(f, settings),
        (None, Some(s)) if creating(false) => {
            if is_valid_article_number(s.sku.trim()) {
                create_in_fortnox(s, settings)
            } else {
                ArticlePlan::skipped(SkipReason::InvalidArticleNumber, last)
            }
        }
        _ => ArticlePlan::skipped(SkipReason::NoCounterpart, last),
    }
}

fn create_in_shop(f: &ArticleFacts, settings: &SyncSettings) -> ArticlePlan {
    let title = match f.description.trim() {
        "" => f.article_number.trim().to_owned(),
        d => d.to_owned(),
    };
    let prices = &settings.prices;
    let price = (prices.direction.writes_shop() && prices.may_set_price(&f.article_number))
        .then(|| usable(f.price))
        .flatten()
        .map(|p| price::shop_price(p, f.vat_rate, prices.shop_prices_include_vat));
    let stock = (settings.stock.direction == StockDirection::FortnoxToShop)
        .then(|| f.available.or(f.in_stock).map(shop_stock))
        .flatten();
    ArticlePlan {
        snapshot: ArticleSnapshot {
            description: Some(f.description.clone()),
            title: Some(title.clone()),
            fortnox_price: f.price,
            shop_price: price,
        },
        create_in_shop: Some(NewShopProduct {
            sku: f.article_number.trim().to_owned(),
            title,
            price,
            stock,
        }),
        ..ArticlePlan::default()
    }
}

fn create_in_fortnox(s: &ProductFacts, settings: &SyncSettings) -> ArticlePlan {
    let sku = s.sku.trim().to_owned();
    let description = match description_form(&s.title) {
        d if d.is_empty() => sku.clone(),
        d => d,
    };
    let prices = &settings.prices;
    let rate = s.vat_rate.unwrap_or(DEFAULT_VAT_RATE);
    let price = (prices.direction.writes_fortnox() && prices.may_set_price(&sku))
        .then(|| usable(s.price))
        .flatten()
        .map(|p| price::fortnox_price(p, rate, prices.shop_prices_include_vat));
    let quantity_in_stock = (settings.stock.direction == StockDirection::ShopToFortnox
        && settings.stock.source == StockSource::ArticleQuantity)
        .then(|| s.stock.map(Decimal::from))
        .flatten();
    ArticlePlan {
        snapshot: ArticleSnapshot {
            description: Some(description.clone()),
            title: Some(s.title.clone()),
            fortnox_price: price,
            shop_price: s.price,
        },
        create_in_fortnox: Some(NewFortnoxArticle {
            article_number: sku,
            description,
            vat_rate: s.vat_rate,
            price,
            quantity_in_stock,
        }),
        ..ArticlePlan::default()
    }
}

fn plan_pair(
    f: &ArticleFacts,
    s: &ProductFacts,
    last: Option<&ArticleSnapshot>,
    settings: &SyncSettings,
) -> ArticlePlan {
    let newer = if shop_is_newer(f.modified.as_deref(), s.modified.as_deref()) {
        Side::Shop
    } else {
        Side::Fortnox
    };
    let mut plan = ArticlePlan::default();
    plan_title(f, s, last, settings.articles.direction, newer, &mut plan);
    if settings.prices.may_set_price(&f.article_number) {
        plan_price(f, s, last, settings, newer, &mut plan);
    }
    plan_stock(f, s, settings, &mut plan);
    plan.snapshot = ArticleSnapshot {
        description: Some(
            plan.to_fortnox
                .description
                .clone()
                .unwrap_or_else(|| f.description.clone()),
        ),
        title: Some(
            plan.to_shop
                .title
                .clone()
                .unwrap_or_else(|| s.title.clone()),
        ),
        fortnox_price: plan.to_fortnox.price.or(f.price),
        shop_price: plan.to_shop.price.or(s.price),
    };
    plan
}

fn resolve_conflict(
    outcome: Outcome,
    field: ArticleField,
    fortnox_value: String,
    shop_value: String,
    plan: &mut ArticlePlan,
) -> Outcome {
    match outcome {
        Outcome::Conflict { winner } => {
            plan.conflicts.push(Conflict {
                field,
                fortnox_value,
                shop_value,
                winner,
            });
            match winner {
                Side::Fortnox => Outcome::ToShop,
                Side::Shop => Outcome::ToFortnox,
            }
        }
        other => other,
    }
}

fn plan_title(
    f: &ArticleFacts,
    s: &ProductFacts,
    last: Option<&ArticleSnapshot>,
    direction: Direction,
    newer: Side,
    plan: &mut ArticlePlan,
) {
    let (desc, title) = (description_form(&f.description), description_form(&s.title));
    let seen = Observed {
        equal: desc == title,
        fortnox_empty: desc.is_empty(),
        shop_empty: title.is_empty(),
        changed: last.map(|l| {
            let was = |v: &Option<String>| description_form(v.as_deref().unwrap_or_default());
            (desc != was(&l.description), title != was(&l.title))
        }),
    };
    let outcome = decide(direction, seen, newer);
    let outcome = resolve_conflict(
        outcome,
        ArticleField::Title,
        f.description.clone(),
        s.title.clone(),
        plan,
    );
    // Both sides require a title: a plan never clears one.
    match outcome {
        Outcome::ToFortnox if !title.is_empty() => plan.to_fortnox.description = Some(title),
        Outcome::ToShop if !desc.is_empty() => {
            plan.to_shop.title = Some(f.description.trim().to_owned());
        }
        _ => {}
    }
}

fn plan_price(
    f: &ArticleFacts,
    s: &ProductFacts,
    last: Option<&ArticleSnapshot>,
    settings: &SyncSettings,
    newer: Side,
    plan: &mut ArticlePlan,
) {
    let incl = settings.prices.shop_prices_include_vat;
    let direction = settings.prices.direction;
    let (fp, sp) = (usable(f.price), usable(s.price));
    let equal = match (fp, sp) {
        (Some(net), Some(shop)) => match direction {
            Direction::FortnoxToShop => price::shop_price(net, f.vat_rate, incl) == shop,
            Direction::ShopToFortnox => price::fortnox_price(shop, f.vat_rate, incl) == net,
            Direction::Both | Direction::Off => agree(net, shop, f.vat_rate, incl),
        },
        (None, None) => true,
        _ => false,
    };
    let seen = Observed {
        equal,
        fortnox_empty: fp.is_none(),
        shop_empty: sp.is_none(),
        changed: last.map(|l| (l.fortnox_price != f.price, l.shop_price != s.price)),
    };
    let outcome = decide(direction, seen, newer);
    let show = |p: Option<Decimal>| p.map(|p| p.to_string()).unwrap_or_default();
    let outcome = resolve_conflict(
        outcome,
        ArticleField::Price,
        show(f.price),
        show(s.price),
        plan,
    );
    // A missing price never clears the other side (`usable` is `None` for those).
    match (outcome, fp, sp) {
        (Outcome::ToFortnox, _, Some(shop)) => {
            plan.to_fortnox.price = Some(price::fortnox_price(shop, f.vat_rate, incl));
        }
        (Outcome::ToShop, Some(net), _) => {
            plan.to_shop.price = Some(price::shop_price(net, f.vat_rate, incl));
        }
        _ => {}
    }
}

fn plan_stock(f: &ArticleFacts, s: &ProductFacts, settings: &SyncSettings, plan: &mut ArticlePlan) {
    match settings.stock.direction {
        StockDirection::Off => {}
        StockDirection::FortnoxToShop => {
            if let (Some(q), Some(current)) = (f.available.or(f.in_stock), s.stock) {
                let target = shop_stock(q);
                if target != current {
                    plan.to_shop.stock = Some(target);
                }
            }
        }
        StockDirection::ShopToFortnox => {
            if settings.stock.source != StockSource::ArticleQuantity {
                return;
            }
            if let (Some(n), Some(current)) = (s.stock, f.in_stock) {
                let target = Decimal::from(n);
                if target != current {
                    plan.to_fortnox.quantity_in_stock = Some(target);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::rules::Direction;

    fn article() -> ArticleFacts {
        ArticleFacts {
            article_number: "TS-1".into(),
            description: "T-shirt".into(),
            active: true,
            vat_rate: dec!(25),
            price: Some(dec!(79.92)),
            in_stock: Some(dec!(5)),
            available: Some(dec!(4.5)),
            modified: Some("2026-01-15 10:00".into()),
        }
    }

    fn product() -> ProductFacts {
        ProductFacts {
            sku: "TS-1".into(),
            title: "T-shirt".into(),
            published: true,
            price: Some(dec!(99.90)),
            stock: Some(4),
            vat_rate: None,
            modified: Some("2026-01-15T08:00:00Z".into()),
        }
    }

    fn settings() -> SyncSettings {
        let mut s = SyncSettings::default();
        s.prices.direction = Direction::Both;
        s.articles.direction = Direction::Both;
        s.stock.direction = StockDirection::FortnoxToShop;
        s
    }

    #[test]
    fn agreeing_pair_is_a_noop() {
        let plan = plan_article(Some(&article()), Some(&product()), None, &settings());
        assert!(plan.is_noop(), "{plan:?}");
        assert_eq!(plan.snapshot.shop_price, Some(dec!(99.90)));
    }

    #[test]
    fn fortnox_price_change_reaches_the_shop_with_vat() {
        let last = ArticleSnapshot {
            description: Some("T-shirt".into()),
            title: Some("T-shirt".into()),
            fortnox_price: Some(dec!(79.92)),
            shop_price: Some(dec!(99.90)),
        };
        let f = ArticleFacts {
            price: Some(dec!(100)),
            ..article()
        };
        let plan = plan_article(Some(&f), Some(&product()), Some(&last), &settings());
        assert_eq!(plan.to_shop.price, Some(dec!(125.00)));
        assert_eq!(plan.to_fortnox.price, None);
        assert_eq!(plan.snapshot.shop_price, Some(dec!(125)));
        assert!(plan.conflicts.is_empty());
    }

    #[test]
    fn shop_price_change_reaches_fortnox_without_vat() {
        let mut s = settings();
        s.prices.direction = Direction::ShopToFortnox;
        let p = ProductFacts {
            price: Some(dec!(149)),
            ..product()
        };
        let plan = plan_article(Some(&article()), Some(&p), None, &s);
        assert_eq!(plan.to_fortnox.price, Some(dec!(119.20)));
    }

    #[test]
    fn zero_prices_are_never_copied() {
        let f = ArticleFacts {
            price: Some(dec!(0)),
            ..article()
        };
        let mut s = settings();
        s.prices.direction = Direction::FortnoxToShop;
        let plan = plan_article(Some(&f), Some(&product()), None, &s);
        assert_eq!(plan.to_shop.price, None);
    }

    #[test]
    fn stock_uses_the_sellable_quantity_and_leaves_untracked_alone() {
        let f = ArticleFacts {
            available: Some(dec!(2.9)),
            ..article()
        };
        let plan = plan_article(Some(&f), Some(&product()), None, &settings());
        assert_eq!(plan.to_shop.stock, Some(2));
        let untracked = ProductFacts {
            stock: None,
            ..product()
        };
        let plan = plan_article(Some(&f), Some(&untracked), None, &settings());
        assert_eq!(plan.to_shop.stock, None);
    }

    #[test]
    fn shop_stock_goes_to_quantity_in_stock() {
        let mut s = settings();
        s.stock.direction = StockDirection::ShopToFortnox;
        let plan = plan_article(Some(&article()), Some(&product()), None, &s);
        assert_eq!(plan.to_fortnox.quantity_in_stock, Some(dec!(4)));
        assert_eq!(plan.to_shop.stock, None);
        let service = ArticleFacts {
            in_stock: None,
            ..article()
        };
        let plan = plan_article(Some(&service), Some(&product()), None, &s);
        assert_eq!(plan.to_fortnox.quantity_in_stock, None);
    }

    #[test]
    fn title_follows_the_article_direction() {
        let mut s = settings();
        s.articles.direction = Direction::ShopToFortnox;
        let p = ProductFacts {
            title: "Cool T-shirt 😎".into(),
            ..product()
        };
        let plan = plan_article(Some(&article()), Some(&p), None, &s);
        assert_eq!(plan.to_fortnox.description.as_deref(), Some("Cool T-shirt"));
        assert_eq!(plan.to_shop.title, None);
        s.articles.direction = Direction::Off;
        let plan = plan_article(Some(&article()), Some(&p), None, &s);
        assert_eq!(plan.to_fortnox.description, None);
    }

    #[test]
    fn both_price_conflict_goes_to_the_newest() {
        let last = ArticleSnapshot {
            fortnox_price: Some(dec!(79.92)),
            shop_price: Some(dec!(99.90)),
            ..Default::default()
        };
        let f = ArticleFacts {
            price: Some(dec!(80)),
            ..article()
        };
        // Shop changed at 09:30 UTC, Fortnox at 10:00 Stockholm = 09:00 UTC: shop wins.
        let p = ProductFacts {
            price: Some(dec!(110)),
            modified: Some("2026-01-15T09:30:00Z".into()),
            ..product()
        };
        let plan = plan_article(Some(&f), Some(&p), Some(&last), &settings());
        assert_eq!(plan.to_fortnox.price, Some(dec!(88)));
        assert_eq!(plan.to_shop.price, None);
        assert_eq!(plan.conflicts.len(), 1);
        assert_eq!(plan.conflicts[0].winner, Side::Shop);
        assert_eq!(plan.conflicts[0].fortnox_value, "80");
    }

    #[test]
    fn invalid_skus_are_not_created_in_fortnox() {
        let mut s = settings();
        s.articles.create_missing = true;
        let p = ProductFacts {
            sku: "TS 1".into(),
            ..product()
        };
        let plan = plan_article(None, Some(&p), None, &s);
        assert_eq!(plan.skip, Some(SkipReason::InvalidArticleNumber));
        let plan = plan_article(None, Some(&product()), None, &s);
        let new = plan.create_in_fortnox.unwrap();
        assert_eq!(new.article_number, "TS-1");
        assert_eq!(new.price, Some(dec!(79.92)));
        assert_eq!(new.quantity_in_stock, None);
    }
}
