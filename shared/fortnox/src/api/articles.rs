//! `/3/articles`.

use super::{ListQuery, Listing, create, fetch, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::{Article, ArticleListItem, ArticleWrite};

impl FortnoxClient {
    /// All articles matching `query` (every page).
    pub fn articles(&self, query: &ListQuery) -> Listing<'_, ArticleListItem> {
        self.list_stream("/3/articles", query)
    }

    pub async fn article(&self, article_number: &str) -> Result<Article, FortnoxError> {
        fetch(self, &format!("/3/articles/{}", seg(article_number))).await
    }

    pub async fn create_article(&self, article: &ArticleWrite) -> Result<Article, FortnoxError> {
        create(self, "/3/articles", article).await
    }

    /// Changes the fields set in `changes`. Article numbers cannot change, so the number in
    /// `changes` is never sent.
    pub async fn update_article(
        &self,
        article_number: &str,
        changes: &ArticleWrite,
    ) -> Result<Article, FortnoxError> {
        let path = format!("/3/articles/{}", seg(article_number));
        if changes.article_number.is_some() {
            let changes = ArticleWrite {
                article_number: None,
                ..changes.clone()
            };
            return update(self, &path, &changes).await;
        }
        update(self, &path, changes).await
    }
}
