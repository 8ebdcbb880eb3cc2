//! `fortsync-relay`: a small long-running process (not a Lambda) that follows Fortnox's
//! WebSocket topics (`docs/fortnox-api.md` §9) for the `invoices` topic across every connected
//! tenant, and posts a signed notice ([`fortsync_app::callback`]) to each tenant's
//! invoice-status callback, `{callback_base}/callbacks/{tenant}/invoice-status`.
//!
//! The hourly polling sync stays the primary mechanism; the relay only makes status changes
//! arrive within seconds. See `README.md` for running it.
//!
//! # Layout
//! - [`config`]: [`RelayConfig`] (URLs, intervals, backoff).
//! - [`relay`]: [`run`] — the session loop, event handling and the offset rules.
//! - [`tenants`]: which tenants are registered on the connection, re-adding their tokens.
//! - [`callback`]: building, signing and posting one notice.
//! - [`offsets`]: the [`OffsetStore`] port and its in-memory twin; [`dynamo`]: DynamoDB.
//! - [`wiring`]: [`RelayDeps`] from the shared `Ports`.

pub mod callback;
pub mod config;
pub mod dynamo;
pub mod error;
pub mod offsets;
pub mod relay;
pub mod tenants;
pub mod wiring;

pub use config::{Backoff, INVOICES_TOPIC, RelayConfig, RelayEnv};
pub use dynamo::DynamoOffsets;
pub use error::RelayError;
pub use offsets::{MemoryOffsets, OffsetError, OffsetStore};
pub use relay::{RelayDeps, run};
