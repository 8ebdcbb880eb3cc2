//! One page of a Fortnox list with its `MetaInformation`, for callers that page themselves
//! (the register sync keeps its position between runs). [`crate::api::Listing`] streams every
//! page instead.

use crate::api::{ListQuery, PAGE_LIMIT};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::envelope::{Listed, Page};
use serde::de::DeserializeOwned;

/// A fetched page: its items, and how many pages the list has.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// 1-based.
    pub page: u64,
    /// At least 1. Without `MetaInformation` it is guessed from the page size: a full page
    /// means at least one more.
    pub total_pages: u64,
    pub total_resources: Option<u64>,
}

impl FortnoxClient {
    /// Page `page` (1-based) of the list at `path` (e.g. `/3/articles`), [`PAGE_LIMIT`] items per
    /// page, in one request. An answer for another page than the one asked for is an error (a
    /// server ignoring `page` would otherwise repeat page 1).
    pub async fn list_page<T>(
        &self,
        path: &str,
        query: &ListQuery,
        page: u64,
    ) -> Result<ListPage<T>, FortnoxError>
    where
        T: Listed + DeserializeOwned,
    {
        if page == 0 {
            return Err(FortnoxError::Decode(format!(
                "{path}: pages are numbered from 1"
            )));
        }
        let mut q: Vec<(&str, String)> = query
            .params()
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        q.push(("limit", PAGE_LIMIT.to_string()));
        q.push(("page", page.to_string()));
        let answer: Page<T> = self.get(path, &q).await?;
        let meta = answer.meta.unwrap_or_default();
        if let Some(current) = meta.current_page
            && current != page
        {
            return Err(FortnoxError::Decode(format!(
                "{path}: asked for page {page}, Fortnox answered page {current}"
            )));
        }
        let full = u64::try_from(answer.items.len()).unwrap_or(u64::MAX) >= PAGE_LIMIT;
        let guessed = if full { page + 1 } else { page };
        let total_pages = meta.total_pages.unwrap_or(guessed).max(1);
        Ok(ListPage {
            items: answer.items,
            page,
            total_pages,
            total_resources: meta.total_resources,
        })
    }
}
