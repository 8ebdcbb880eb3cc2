//! The Fortnox REST client every function uses.
//!
//! # Layout
//! - [`client`]: requests with timeouts, per-tenant pacing, bounded 429 backoff, call records.
//! - [`error`] and [`codes`]: typed, classified errors; Fortnox codes explained in English.
//! - [`throttle`]: ≤ 24 requests per 5 s per tenant, in process and (distributed) across instances.
//! - [`drafts`]: the mapping engine's drafts → typed write models and the posted envelope.
//! - [`wire`]: PascalCase request/response models, tolerant of Fortnox's loose typing.
//! - [`session`]: the `Accounting` port implemented on top of the client.
//! - [`oauth`]: Fortnox's OAuth endpoints (connect, refresh, client credentials, revoke).
//! - [`tokens`]: access tokens per tenant with single-flight refresh across instances.

pub mod api;
pub mod client;
pub mod codes;
pub mod drafts;
pub mod edits;
pub mod error;
pub mod list_page;
pub mod models;
pub mod oauth;
pub mod registers;
pub mod session;
pub mod throttle;
pub mod tokens;
pub mod topics;
pub mod wire;

pub use client::{FortnoxClient, RetryPolicy};
pub use error::FortnoxError;
pub use fortsync_app::oauth::StoredToken;
pub use oauth::{FortnoxOAuth, SCOPES};
pub use session::FortnoxConnector;
pub use throttle::Throttle;
pub use tokens::TokenManager;
