//! fortsync's pure core: canonical orders, tenant settings, Fortnox document mapping, money,
//! the order state machine and the queue job types. No I/O, no AWS, no HTTP.
//!
//! # Layout
//! - [`money`]: öre rounding and VAT arithmetic on `rust_decimal::Decimal`.
//! - [`ids`]: validated identifiers (tenant ids, shop order ids) and the Fortnox idempotency key.
//! - [`order`]: the canonical shop order every platform is mapped to.
//! - [`generic`]: the documented generic order webhook schema and its validation.
//! - [`platform`]: the error type and readers shared by the Shopify and WooCommerce parsers.
//! - [`shopify`]: Shopify order and refund webhook bodies → canonical order and refund.
//! - [`woocommerce`]: WooCommerce order and refund bodies → canonical order and refunds.
//! - [`settings`]: typed, versioned tenant settings.
//! - [`charset`] and [`countries`]: Fortnox's text whitelist and country names.
//! - [`document`]: canonical order → Fortnox customer and invoice drafts, and expected totals.
//! - [`mapping`]: the settings-driven mapping engine (region, accounts, rows, references,
//!   öre-exact totals with an optional rounding row) that replaces `document` in the worker.
//! - [`followup`]: refunds of synced orders as credit documents.
//! - [`sync`]: the hourly register sync (customers, articles, prices, stock): plans, no I/O.
//! - [`status`]: Fortnox invoice facts → invoice status, transitions and the shop write-back.
//! - [`balance`]: a customer's balance, open items and credit-limit warning.
//! - [`state`]: the per-order state machine and record.
//! - [`job`]: typed work-queue messages.
//! - [`error`]: the retryable-vs-permanent classification shared by every layer.

pub mod balance;
pub mod charset;
pub mod countries;
pub mod document;
pub mod error;
pub mod followup;
pub mod generic;
pub mod ids;
pub mod job;
pub mod mapping;
pub mod money;
pub mod order;
pub mod platform;
pub mod settings;
pub mod shopify;
pub mod state;
pub mod status;
pub mod sync;
pub mod tenant;
pub mod woocommerce;

pub use error::ErrorClass;
pub use ids::{OrderId, TenantId};
