//! The typed Fortnox API: methods on [`FortnoxClient`] per resource, returning the models of
//! [`crate::models`].
//!
//! - Lists are [`Listing`]s: lazy streams that fetch pages of 500 as they are consumed and
//!   follow `MetaInformation` to the last page, so a list is never silently cut to its first
//!   page. `listing.collect_all().await` gathers everything.
//! - Search parameters match substrings in Fortnox (`email=a@b.se` also finds `xa@b.se`); the
//!   `find_*` helpers re-check the match exactly on the client.
//! - Single records: `customer(n)`, `create_customer(&w)`, `update_customer(n, &w)`, …; actions
//!   such as [`FortnoxClient::bookkeep_invoice`] return the record Fortnox answers with.
//!
//! Fortnox's `DELETE`s are not offered here (the client has no DELETE call).

mod articles;
mod customers;
mod invoices;
mod listing;
mod orders;
mod payments;
mod prices;
mod query;
mod reference;
mod stock;

pub use listing::{Listing, PAGE_LIMIT};
pub use query::{ListQuery, SortOrder};

use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::envelope::{Envelope, EnvelopeRef, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One path segment, percent-encoded (article numbers may contain `/`, `+`, `$`, …).
pub(crate) fn seg(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET` of one record in its envelope.
pub(crate) async fn fetch<T: Resource + DeserializeOwned>(
    c: &FortnoxClient,
    path: &str,
) -> Result<T, FortnoxError> {
    c.get::<Envelope<T>>(path, &[])
        .await
        .map(Envelope::into_inner)
}

/// `POST` of one record; the answer is the created record.
pub(crate) async fn create<W, T>(c: &FortnoxClient, path: &str, body: &W) -> Result<T, FortnoxError>
where
    W: Resource + Serialize,
    T: Resource + DeserializeOwned,
{
    c.post::<_, Envelope<T>>(path, &EnvelopeRef(body))
        .await
        .map(Envelope::into_inner)
}

/// `PUT` of (part of) one record; the answer is the updated record.
pub(crate) async fn update<W, T>(c: &FortnoxClient, path: &str, body: &W) -> Result<T, FortnoxError>
where
    W: Resource + Serialize,
    T: Resource + DeserializeOwned,
{
    c.put::<_, Envelope<T>>(path, Some(&EnvelopeRef(body)))
        .await
        .map(Envelope::into_inner)
}

/// `PUT` of an action without a body (`/3/invoices/{n}/bookkeep`, …).
pub(crate) async fn action<T: Resource + DeserializeOwned>(
    c: &FortnoxClient,
    path: &str,
) -> Result<T, FortnoxError> {
    c.put::<(), Envelope<T>>(path, None)
        .await
        .map(Envelope::into_inner)
}

/// The non-empty, trimmed search value, or `None` (an empty search would list everything).
pub(crate) fn search_term(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|t| !t.is_empty())
}
