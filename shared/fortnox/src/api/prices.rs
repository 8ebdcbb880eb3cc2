//! `/3/pricelists` and `/3/prices`.

use rust_decimal::Decimal;

use super::{ListQuery, Listing, create, fetch, seg, update};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::models::{Price, PriceList, PriceListWrite, PriceWrite};

fn price_path(price_list: &str, article_number: &str) -> String {
    format!("/3/prices/{}/{}", seg(price_list), seg(article_number))
}

fn tier_path(price_list: &str, article_number: &str, from_quantity: Decimal) -> String {
    format!(
        "{}/{}",
        price_path(price_list, article_number),
        seg(&from_quantity.normalize().to_string())
    )
}

/// The key fields of a price come from the path on `PUT`.
fn without_keys(changes: &PriceWrite) -> PriceWrite {
    PriceWrite {
        article_number: None,
        price_list: None,
        from_quantity: None,
        ..changes.clone()
    }
}

impl FortnoxClient {
    pub fn price_lists(&self, query: &ListQuery) -> Listing<'_, PriceList> {
        self.list_stream("/3/pricelists", query)
    }

    pub async fn price_list(&self, code: &str) -> Result<PriceList, FortnoxError> {
        fetch(self, &format!("/3/pricelists/{}", seg(code))).await
    }

    pub async fn create_price_list(
        &self,
        price_list: &PriceListWrite,
    ) -> Result<PriceList, FortnoxError> {
        create(self, "/3/pricelists", price_list).await
    }

    /// Changes the fields set in `changes` (the code itself is never sent).
    pub async fn update_price_list(
        &self,
        code: &str,
        changes: &PriceListWrite,
    ) -> Result<PriceList, FortnoxError> {
        let changes = PriceListWrite {
            code: None,
            ..changes.clone()
        };
        update(self, &format!("/3/pricelists/{}", seg(code)), &changes).await
    }

    /// Every price of every list (`/3/prices`); narrow with `articlenumber` / `pricelist`.
    pub fn prices(&self, query: &ListQuery) -> Listing<'_, Price> {
        self.list_stream("/3/prices", query)
    }

    /// The quantity tiers of one article in one list (`/3/prices/sublist/{list}/{article}`).
    pub fn article_prices(&self, price_list: &str, article_number: &str) -> Listing<'_, Price> {
        self.list_stream(
            format!(
                "/3/prices/sublist/{}/{}",
                seg(price_list),
                seg(article_number)
            ),
            &ListQuery::new(),
        )
    }

    /// The first tier (lowest `FromQuantity`) of `article_number` in `price_list`.
    pub async fn price(
        &self,
        price_list: &str,
        article_number: &str,
    ) -> Result<Price, FortnoxError> {
        fetch(self, &price_path(price_list, article_number)).await
    }

    pub async fn price_tier(
        &self,
        price_list: &str,
        article_number: &str,
        from_quantity: Decimal,
    ) -> Result<Price, FortnoxError> {
        fetch(self, &tier_path(price_list, article_number, from_quantity)).await
    }

    /// Creates a price (`ArticleNumber`, `PriceList` and `Price` set; `FromQuantity` for a tier).
    pub async fn create_price(&self, price: &PriceWrite) -> Result<Price, FortnoxError> {
        create(self, "/3/prices", price).await
    }

    /// Changes the first tier of `article_number` in `price_list` (it must exist: create it with
    /// [`Self::create_price`]).
    pub async fn update_price(
        &self,
        price_list: &str,
        article_number: &str,
        changes: &PriceWrite,
    ) -> Result<Price, FortnoxError> {
        update(
            self,
            &price_path(price_list, article_number),
            &without_keys(changes),
        )
        .await
    }

    pub async fn update_price_tier(
        &self,
        price_list: &str,
        article_number: &str,
        from_quantity: Decimal,
        changes: &PriceWrite,
    ) -> Result<Price, FortnoxError> {
        update(
            self,
            &tier_path(price_list, article_number, from_quantity),
            &without_keys(changes),
        )
        .await
    }
}
