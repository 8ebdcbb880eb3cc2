//! Shopify Admin GraphQL adapter of the Shop port ([`fortsync_app::shop::Shop`]).
//!
//! GraphQL because the REST Admin API is legacy since 2024-10 and new public apps must use
//! GraphQL. Default API version [`DEFAULT_API_VERSION`] (2026-10).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use fortsync_app::shop::Shop;
//! use fortsync_shopify::{ShopifyConfig, ShopifyShop};
//! let shop = ShopifyShop::new(ShopifyConfig::new("my-shop.myshopify.com", "shpat_…")?)?;
//! let page = shop.products_page(Some("2026-11-01T00:00:00Z"), None).await?;
//! # Ok(()) }
//! ```
//!
//! # Rate limit
//! Shopify meters calculated query cost in a leaky bucket per app and store (standard plan:
//! 2000 points, 100 restored per second, at most 1000 per query). The adapter reads
//! `extensions.cost.throttleStatus` from every answer and waits before a call the bucket
//! cannot pay for; `THROTTLED` answers and HTTP 429 are retried within [`RetryPolicy`]; what
//! is left is `ShopError::RateLimited`. See `client` for the error mapping.
//!
//! # Layout
//! - `shop`: [`ShopifyShop`] and the trait impl; `client`/`throttle`: transport and cost bucket
//! - `products`, `update`, `customers`, `orders`: the port's operations
//! - `mutation`, `metafields`, `documents`, `wire`, `ids`: documents and data shapes

mod client;
mod config;
mod customers;
mod documents;
mod ids;
mod metafields;
mod mutation;
mod orders;
mod products;
mod shop;
mod throttle;
mod update;
mod wire;

pub use config::{AccessToken, ConfigError, DEFAULT_API_VERSION, RetryPolicy, ShopifyConfig};
pub use shop::ShopifyShop;
