//! Lazy, all-pages list streams.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use super::query::ListQuery;
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::envelope::{Listed, Page};

/// Page size requested from Fortnox (its maximum).
pub const PAGE_LIMIT: u64 = 500;

/// Pages fetched without `MetaInformation` before giving up (a server that ignores `page`
/// would otherwise be read forever).
const MAX_PAGES_WITHOUT_META: u64 = 1000;

/// Every item of a list, fetched page by page (limit 500) as the stream is consumed.
///
/// Paging follows `MetaInformation`: pages 1..=`@TotalPages`, and an answer for another page
/// than the one asked for is an error (a server ignoring `page` would otherwise repeat page 1).
/// Without `MetaInformation` it reads on until an empty page. An error ends the stream after
/// the items already yielded.
#[must_use = "a Listing does nothing until it is polled"]
pub struct Listing<'a, T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, FortnoxError>> + Send + 'a>>,
}

impl<T> std::fmt::Debug for Listing<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listing")
    }
}

impl<T> Stream for Listing<'_, T> {
    type Item = Result<T, FortnoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> Listing<'_, T> {
    /// Every item of every page.
    pub async fn collect_all(self) -> Result<Vec<T>, FortnoxError> {
        self.try_collect().await
    }

    /// The items for which `keep` is true (e.g. an exact re-check of a substring search).
    pub async fn collect_matching(
        self,
        mut keep: impl FnMut(&T) -> bool,
    ) -> Result<Vec<T>, FortnoxError> {
        self.try_filter(move |item| std::future::ready(keep(item)))
            .try_collect()
            .await
    }
}

struct Paging<'a> {
    client: &'a FortnoxClient,
    path: String,
    params: Vec<(String, String)>,
    next: Option<u64>,
}

impl FortnoxClient {
    /// All items of the list at `path` (e.g. `/3/customers`) matching `query`, as a lazy stream
    /// of pages of [`PAGE_LIMIT`]. `T` names the list key (`Customers`, …) via [`Listed`].
    pub fn list_stream<'a, T>(
        &'a self,
        path: impl Into<String>,
        query: &ListQuery,
    ) -> Listing<'a, T>
    where
        T: Listed + DeserializeOwned + Send + 'a,
    {
        let start = Paging {
            client: self,
            path: path.into(),
            params: query.params().to_vec(),
            next: Some(1),
        };
        let pages = stream::try_unfold(start, |mut st| async move {
            let Some(page_no) = st.next else {
                return Ok(None);
            };
            let page: Page<T> = {
                let mut q: Vec<(&str, String)> = st
                    .params
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.clone()))
                    .collect();
                q.push(("limit", PAGE_LIMIT.to_string()));
                q.push(("page", page_no.to_string()));
                st.client.get(&st.path, &q).await?
            };
            st.next = next_page(&st.path, page_no, &page)?;
            Ok(Some((page.items, st)))
        });
        let items = pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok::<T, FortnoxError>)))
            .try_flatten();
        Listing {
            inner: items.boxed(),
        }
    }
}

/// The page to fetch after `page_no`, or `None` when `page` was the last.
fn next_page<T>(path: &str, page_no: u64, page: &Page<T>) -> Result<Option<u64>, FortnoxError> {
    let meta = page.meta.unwrap_or_default();
    if let Some(current) = meta.current_page
        && current != page_no
    {
        return Err(FortnoxError::Decode(format!(
            "{path}: asked for page {page_no}, Fortnox answered page {current}"
        )));
    }
    // Pages are consecutive slices of one sorted list: after an empty page all are empty.
    if page.items.is_empty() {
        return Ok(None);
    }
    match meta.total_pages {
        Some(total) => Ok((page_no < total).then_some(page_no + 1)),
        None if page_no >= MAX_PAGES_WITHOUT_META => Err(FortnoxError::Decode(format!(
            "{path}: no MetaInformation after {page_no} pages"
        ))),
        None => Ok(Some(page_no + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::envelope::Meta;

    fn page(items: usize, meta: Option<Meta>) -> Page<u8> {
        Page {
            items: vec![0; items],
            meta,
        }
    }

    fn meta(total_pages: u64, current_page: u64) -> Option<Meta> {
        Some(Meta {
            total_resources: None,
            total_pages: Some(total_pages),
            current_page: Some(current_page),
        })
    }

    #[test]
    fn follows_total_pages() {
        assert_eq!(
            next_page("/x", 1, &page(500, meta(3, 1))).ok(),
            Some(Some(2))
        );
        assert_eq!(next_page("/x", 3, &page(234, meta(3, 3))).ok(), Some(None));
        // A short page does not end the list while Fortnox says there are more (a server cap
        // below 500 must not truncate).
        assert_eq!(
            next_page("/x", 1, &page(100, meta(13, 1))).ok(),
            Some(Some(2))
        );
    }

    #[test]
    fn wrong_page_is_an_error() {
        assert!(next_page("/x", 2, &page(500, meta(3, 1))).is_err());
    }

    #[test]
    fn without_meta_reads_until_empty() {
        assert_eq!(next_page("/x", 1, &page(100, None)).ok(), Some(Some(2)));
        assert_eq!(next_page("/x", 2, &page(0, None)).ok(), Some(None));
        assert!(next_page("/x", MAX_PAGES_WITHOUT_META, &page(1, None)).is_err());
    }
}
