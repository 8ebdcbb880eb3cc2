//! The `Registers` port on Fortnox: articles, prices, stock and customers a page (500) at a
//! time, one request per page, plus the writes the register sync needs.
//!
//! | Method | Requests |
//! |---|---|
//! | `articles` | `GET /3/articles?filter=active&sortby=articlenumber[&lastmodified=…]` |
//! | `article` | `GET /3/articles/{n}` (404 → `None`) |
//! | `create_article` | `POST /3/articles` |
//! | `set_article_stock` | `PUT /3/articles/{n}` with `QuantityInStock` |
//! | `preselected_price_list` | `GET /3/pricelists` |
//! | `prices` | `GET /3/prices/sublist/{list}` (tier 0 kept) |
//! | `set_price` | `PUT /3/prices/{list}/{article}/0`; on 404 `POST /3/prices` |
//! | `stock_balances` | `GET /api/warehouse/status-v1/stockbalance?stockPointCodes=…` |
//! | `customers` | `GET /3/customers?sortby=customernumber[&lastmodified=…]` |
//! | `customer_by_email` | `GET /3/customers?email=…` (every page, exact re-check) |
//! | `create_customer` / `update_customer` | `POST /3/customers` / `PUT /3/customers/{n}` |

use crate::api::{ListQuery, SortOrder, seg};
use crate::client::FortnoxClient;
use crate::error::FortnoxError;
use crate::list_page::ListPage;
use crate::models::{
    ArticleListItem, ArticleWrite, CustomerListItem, CustomerWrite, Price, PriceWrite,
};
use crate::session::FortnoxConnector;
use crate::tokens::TokenManager;
use async_trait::async_trait;
use fortsync_app::registers::{
    FortnoxArticle, FortnoxCustomer, FortnoxCustomerPatch, FortnoxPrice, NewFortnoxArticle,
    RegisterPage, Registers, RegistersConnector, StockBalance,
};
use fortsync_app::{AccountingError, ApiCall};
use fortsync_domain::TenantId;
use fortsync_domain::tenant::Tenant;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The list Fortnox companies start with, pre-selected unless changed.
const DEFAULT_PRICE_LIST: &str = "A";

/// Fortnox's way to clear a text field on update (an empty string may be ignored).
const BLANK: &str = "API_BLANK";

#[async_trait]
impl RegistersConnector for FortnoxConnector {
    async fn registers(&self, tenant: &Tenant) -> Result<Box<dyn Registers>, AccountingError> {
        let token = self.tokens.access_token(tenant).await?;
        let client = FortnoxClient::new(
            self.http.clone(),
            &self.api_base,
            token.clone(),
            tenant.id.to_string(),
            self.throttle.clone(),
            self.retry.clone(),
        );
        Ok(Box::new(FortnoxRegisters::new(
            client,
            token,
            tenant.id.clone(),
            self.tokens.clone(),
        )))
    }
}

/// One tenant's registers over its Fortnox client.
pub struct FortnoxRegisters {
    client: FortnoxClient,
    token: String,
    tenant: TenantId,
    tokens: Arc<TokenManager>,
}

impl FortnoxRegisters {
    /// `client` must carry `token`, the tenant's access token from `tokens`.
    pub fn new(
        client: FortnoxClient,
        token: String,
        tenant: TenantId,
        tokens: Arc<TokenManager>,
    ) -> Self {
        Self {
            client,
            token,
            tenant,
            tokens,
        }
    }

    /// A 401 means Fortnox no longer takes this access token: forget it so the retry refreshes.
    fn seen<T>(&self, r: Result<T, FortnoxError>) -> Result<T, AccountingError> {
        if let Err(e) = &r
            && e.status() == Some(401)
        {
            self.tokens.invalidate(&self.tenant, &self.token);
        }
        r.map_err(AccountingError::from)
    }
}

fn page_number(page: u32) -> Result<u64, AccountingError> {
    if page == 0 {
        return Err(AccountingError::permanent(
            "register pages are numbered from 1",
        ));
    }
    Ok(u64::from(page))
}

fn register_page<T, U>(p: ListPage<T>, map: impl FnMut(T) -> Option<U>) -> RegisterPage<U> {
    let to_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    RegisterPage {
        items: p.items.into_iter().filter_map(map).collect(),
        page: to_u32(p.page),
        total_pages: to_u32(p.total_pages),
    }
}

/// `lastmodified`, when a non-blank `since` is given.
fn modified_since(q: ListQuery, since: Option<&str>) -> ListQuery {
    match since.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => q.param("lastmodified", s),
        None => q,
    }
}

/// A list item of the `filter=active` list (the item itself carries no `Active`).
fn listed_article(a: ArticleListItem) -> FortnoxArticle {
    FortnoxArticle {
        number: a.article_number,
        description: a.description,
        active: true,
        sales_price: a.sales_price,
        vat: a.vat,
        quantity_in_stock: a.quantity_in_stock,
        webshop_article: a.webshop_article,
    }
}

/// The list item carries no `CountryCode` or `VATNumber`; they stay `None` here.
fn customer(c: CustomerListItem) -> FortnoxCustomer {
    FortnoxCustomer {
        number: c.customer_number,
        email: c.email,
        name: c.name,
        phone: c.phone,
        address1: c.address1,
        address2: c.address2,
        zip: c.zip_code,
        city: c.city,
        country_code: None,
        organisation_number: c.organisation_number,
        vat_number: None,
    }
}

/// Tier-0 price of exactly `list` (quantity tiers are not the shop's price).
fn tier_zero(list: &str, p: Price) -> Option<FortnoxPrice> {
    let same_list = p.price_list.is_empty() || p.price_list == list;
    let price = p.price?;
    if !same_list || !p.from_quantity.is_zero() || p.article_number.is_empty() {
        return None;
    }
    Some(FortnoxPrice {
        article_number: p.article_number,
        price,
    })
}

/// The customer body for the fields set in `patch`. On update a blank value clears the field
/// (`API_BLANK`); on create it is left out. The name is never cleared (Fortnox requires it).
fn customer_write(patch: &FortnoxCustomerPatch, update: bool) -> CustomerWrite {
    let field = |v: &Option<String>| -> Option<String> {
        let v = v.as_deref()?.trim();
        match (v.is_empty(), update) {
            (false, _) => Some(v.to_owned()),
            (true, true) => Some(BLANK.to_owned()),
            (true, false) => None,
        }
    };
    let country_code = field(&patch.country_code).map(|c| {
        if c == BLANK {
            c
        } else {
            c.to_ascii_uppercase()
        }
    });
    CustomerWrite {
        name: patch
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        email: field(&patch.email),
        phone1: field(&patch.phone),
        address1: field(&patch.address1),
        address2: field(&patch.address2),
        zip_code: field(&patch.zip),
        city: field(&patch.city),
        country_code,
        organisation_number: field(&patch.organisation_number),
        vat_number: field(&patch.vat_number),
        ..CustomerWrite::default()
    }
}

#[async_trait]
impl Registers for FortnoxRegisters {
    async fn articles(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<FortnoxArticle>, AccountingError> {
        let page = page_number(page)?;
        // Sorted by number so pages stay stable while the sync walks them.
        let query = ListQuery::new()
            .filter("active")
            .sort_by("articlenumber")
            .sort_order(SortOrder::Ascending);
        let query = modified_since(query, since);
        let p = self.seen(
            self.client
                .list_page::<ArticleListItem>("/3/articles", &query, page)
                .await,
        )?;
        Ok(register_page(p, |a| Some(listed_article(a))))
    }

    async fn invoices_changed(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<(String, Option<String>)>, AccountingError> {
        let page = page_number(page)?;
        let query = ListQuery::new()
            .sort_by("documentnumber")
            .sort_order(SortOrder::Ascending);
        let query = modified_since(query, since);
        let p = self.seen(
            self.client
                .list_page::<crate::models::InvoiceListItem>("/3/invoices", &query, page)
                .await,
        )?;
        Ok(register_page(p, |i| {
            Some((i.document_number, i.external_invoice_reference1))
        }))
    }

    async fn payments_changed(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<String>, AccountingError> {
        let page = page_number(page)?;
        let query = modified_since(ListQuery::new(), since);
        let p = self.seen(
            self.client
                .list_page::<crate::models::InvoicePaymentListItem>(
                    "/3/invoicepayments",
                    &query,
                    page,
                )
                .await,
        )?;
        Ok(register_page(p, |x| Some(x.invoice_number.to_string())))
    }

    async fn article(&self, number: &str) -> Result<Option<FortnoxArticle>, AccountingError> {
        match self.client.article(number).await {
            Ok(a) => Ok(Some(FortnoxArticle {
                number: a.article_number,
                description: a.description,
                active: a.active,
                sales_price: a.sales_price,
                vat: a.vat,
                quantity_in_stock: a.quantity_in_stock,
                webshop_article: a.webshop_article,
            })),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => self.seen(Err(e)),
        }
    }

    async fn create_article(&self, a: &NewFortnoxArticle) -> Result<(), AccountingError> {
        let body = ArticleWrite {
            article_number: Some(a.number.clone()),
            description: Some(a.description.clone()),
            vat: a.vat,
            sales_account: a.sales_account,
            // Fortnox keeps a quantity only on stock goods.
            stock_goods: a.quantity_in_stock.map(|_| true),
            quantity_in_stock: a.quantity_in_stock,
            ..ArticleWrite::default()
        };
        self.seen(self.client.create_article(&body).await)?;
        Ok(())
    }

    async fn set_article_stock(
        &self,
        number: &str,
        quantity: Decimal,
    ) -> Result<(), AccountingError> {
        let body = ArticleWrite {
            quantity_in_stock: Some(quantity),
            ..ArticleWrite::default()
        };
        self.seen(self.client.update_article(number, &body).await)?;
        Ok(())
    }

    async fn preselected_price_list(&self) -> Result<String, AccountingError> {
        let p = self.seen(
            self.client
                .list_page::<crate::models::PriceList>("/3/pricelists", &ListQuery::new(), 1)
                .await,
        )?;
        Ok(p.items
            .into_iter()
            .find(|l| l.pre_selected)
            .map(|l| l.code)
            .unwrap_or_else(|| DEFAULT_PRICE_LIST.to_owned()))
    }

    async fn prices(
        &self,
        price_list: &str,
        page: u32,
    ) -> Result<RegisterPage<FortnoxPrice>, AccountingError> {
        let page = page_number(page)?;
        let path = format!("/3/prices/sublist/{}", seg(price_list));
        let p = self.seen(
            self.client
                .list_page::<Price>(&path, &ListQuery::new(), page)
                .await,
        )?;
        Ok(register_page(p, |price| tier_zero(price_list, price)))
    }

    async fn set_price(
        &self,
        price_list: &str,
        article_number: &str,
        price: Decimal,
    ) -> Result<(), AccountingError> {
        let change = PriceWrite {
            price: Some(price),
            ..PriceWrite::default()
        };
        // Usually the row exists: one PUT. A missing row is created.
        let updated = self
            .client
            .update_price_tier(price_list, article_number, Decimal::ZERO, &change)
            .await;
        match updated {
            Ok(_) => Ok(()),
            Err(e) if e.status() == Some(404) => {
                let row = PriceWrite {
                    from_quantity: Some(Decimal::ZERO),
                    ..PriceWrite::new(price_list, article_number, price)
                };
                self.seen(self.client.create_price(&row).await)?;
                Ok(())
            }
            Err(e) => self.seen(Err(e)),
        }
    }

    async fn stock_balances(
        &self,
        stock_point: &str,
        page: u32,
    ) -> Result<RegisterPage<StockBalance>, AccountingError> {
        let page = page_number(page)?;
        let point = stock_point.trim();
        if point.is_empty() {
            return Err(AccountingError::permanent("no stock point given"));
        }
        // The warehouse API has no paging: page 1 holds every balance, in one request.
        if page > 1 {
            return Ok(RegisterPage {
                items: Vec::new(),
                page: u32::try_from(page).unwrap_or(u32::MAX),
                total_pages: 1,
            });
        }
        let balances = self.seen(self.client.stock_balance(&[], &[point]).await)?;
        let items = balances
            .into_iter()
            .filter(|b| b.stock_point_code == point)
            // `availableStock` is Fortnox's in stock − reserved.
            .map(|b| StockBalance {
                article_number: b.item_id,
                available: b.available_stock,
            })
            .collect();
        Ok(RegisterPage {
            items,
            page: 1,
            total_pages: 1,
        })
    }

    async fn customers(
        &self,
        since: Option<&str>,
        page: u32,
    ) -> Result<RegisterPage<FortnoxCustomer>, AccountingError> {
        let page = page_number(page)?;
        let query = ListQuery::new()
            .sort_by("customernumber")
            .sort_order(SortOrder::Ascending);
        let query = modified_since(query, since);
        let p = self.seen(
            self.client
                .list_page::<CustomerListItem>("/3/customers", &query, page)
                .await,
        )?;
        Ok(register_page(p, |c| Some(customer(c))))
    }

    async fn customer_by_email(
        &self,
        email: &str,
    ) -> Result<Option<FortnoxCustomer>, AccountingError> {
        // The client re-checks Fortnox's substring matches exactly; several exact matches: the
        // lowest number, the oldest, as the order sync chooses.
        let mut found = self.seen(self.client.find_customers_by_email(email).await)?;
        found.sort_by(|a, b| {
            (a.customer_number.len(), &a.customer_number)
                .cmp(&(b.customer_number.len(), &b.customer_number))
        });
        Ok(found.into_iter().next().map(customer))
    }

    async fn create_customer(
        &self,
        fields: &FortnoxCustomerPatch,
    ) -> Result<String, AccountingError> {
        let mut body = customer_write(fields, false);
        if body.name.is_none() {
            return Err(AccountingError::permanent(
                "a Fortnox customer needs a name",
            ));
        }
        // Invoices are e-mailed to EmailInvoice, as for customers the order sync creates.
        body.email_invoice = body.email.clone();
        let created = self.seen(self.client.create_customer(&body).await)?;
        Ok(created.customer_number)
    }

    async fn update_customer(
        &self,
        number: &str,
        patch: &FortnoxCustomerPatch,
    ) -> Result<(), AccountingError> {
        let body = customer_write(patch, true);
        if body == CustomerWrite::default() {
            return Ok(());
        }
        self.seen(self.client.update_customer(number, &body).await)?;
        Ok(())
    }

    fn take_calls(&self) -> Vec<ApiCall> {
        self.client.take_calls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn price(list: &str, from: Decimal, p: Option<Decimal>) -> Price {
        Price {
            url: None,
            article_number: "A1".into(),
            price_list: list.into(),
            from_quantity: from,
            price: p,
            percent: None,
            date: None,
        }
    }

    #[test]
    fn only_tier_zero_of_the_list_is_a_price() {
        assert_eq!(
            tier_zero("B", price("B", dec!(0), Some(dec!(99.50)))),
            Some(FortnoxPrice {
                article_number: "A1".into(),
                price: dec!(99.50)
            })
        );
        assert_eq!(tier_zero("B", price("B", dec!(10), Some(dec!(90)))), None);
        assert_eq!(tier_zero("B", price("BB", dec!(0), Some(dec!(90)))), None);
        assert_eq!(tier_zero("B", price("B", dec!(0), None)), None);
    }

    #[test]
    fn update_sends_only_patched_fields_and_blanks_cleared_ones() {
        let patch = FortnoxCustomerPatch {
            city: Some("Malmö".into()),
            phone: Some(String::new()),
            country_code: Some("no".into()),
            ..FortnoxCustomerPatch::default()
        };
        let json = serde_json::to_value(customer_write(&patch, true)).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"City": "Malmö", "Phone1": "API_BLANK", "CountryCode": "NO"})
        );
        let created = serde_json::to_value(customer_write(&patch, false)).unwrap_or_default();
        assert_eq!(
            created,
            serde_json::json!({"City": "Malmö", "CountryCode": "NO"})
        );
    }
}
