//! The pure part of the hourly register sync (customers, articles, prices, stock) between
//! Fortnox and the shop: settings, per-record planning, duplicate detection and the
//! incremental-read watermark. The caller reads both sides, plans each record here, applies
//! the plan, and stores the plan's snapshot and the next watermark. No I/O, no clock.
//!
//! # Decisions
//! - **Directions** per customer field, and for the article register, prices and stock
//!   ([`SyncSettings`]); everything is off by default. One way: the source is the master.
//!   `both`: the side that changed since the last sync's snapshot is copied; when both
//!   changed, the newest record wins (equal or unreadable times: Fortnox) and the loser is
//!   reported as a [`Conflict`].
//! - **VAT on prices**: Fortnox list prices exclude VAT; shop prices include it when
//!   `shop_prices_include_vat` (default). Converted with the article's rate, rounded to öre
//!   ([`price`]).
//! - **Stock**: Fortnox → shop floors the sellable quantity and never goes below 0
//!   ([`stock`]); untracked shop stock stays untracked.
//! - **Watermark**: newest modified time, floored to the minute, minus one minute of overlap,
//!   never moving back; Fortnox form is Stockholm local `YYYY-MM-DD HH:MM` ([`watermark`],
//!   [`timestamp`]).

mod article_plan;
mod customer_fields;
mod customer_plan;
mod duplicates;
pub mod price;
mod resolve;
mod rules;
pub mod stock;
pub mod timestamp;
pub mod watermark;

pub use article_plan::{
    ArticleChanges, ArticleFacts, ArticleField, ArticlePlan, ArticleSnapshot, DEFAULT_VAT_RATE,
    NewFortnoxArticle, NewShopProduct, ProductChanges, ProductFacts, SkipReason, plan_article,
};
pub use customer_fields::{CustomerField, CustomerFields, FieldChanges, shop_name, split_name};
pub use customer_plan::{CustomerPlan, plan_customer};
pub use duplicates::{
    Duplicate, MatchedBy, find_duplicate, find_duplicate_by, organisation_digits,
};
pub use resolve::{Conflict, Side};
pub use rules::{
    ArticleRules, CustomerRules, Direction, PriceRules, StockDirection, StockRules, StockSource,
    SyncSettings,
};
pub use watermark::{next_watermark, next_watermark_rfc3339};
