//! Customers: paging, lookup by e-mail, updates, creation and `_fortsync_*` meta.
//!
//! WooCommerce behaviour relied on (`WC_REST_Customers_V1_Controller::get_items`):
//! - The customer list has **no `modified_after`** (WordPress ignores unknown parameters), so
//!   [`customers_page`](fortsync_app::shop::Shop::customers_page) reads every customer, in id
//!   order (stable while customers are added), and keeps those whose `date_modified_gmt` is at
//!   or after `modified_after`. A page can therefore be empty while `next` is set. The list
//!   has the default role filter (`customer`); `find_customer_by_email` asks with `role=all`,
//!   since WooCommerce refuses a second account with a registered address of any role.
//! - `email` matches the whole address, case-insensitively.
//! - Creating a customer leaves username and password to WooCommerce (its "generate username /
//!   password" settings, on by default).
//! - `meta_data` items with only a `key` replace that key's value.

use std::collections::BTreeMap;

use fortsync_app::shop::{CustomerPatch, Page, ShopCustomer, ShopError};
use serde_json::{Value, json};

use crate::mapping::{self, customer, customer_body, gmt_instant, meta_key};
use crate::wire::WireCustomer;
use crate::{PAGE_SIZE, WooShop, numeric_id, page_of};

impl WooShop {
    pub(crate) async fn list_customers(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopCustomer>, ShopError> {
        let page = page_of(cursor)?;
        let since = modified_after.map(mapping::since).transpose()?;
        let query = [
            ("page", page.to_string()),
            ("per_page", PAGE_SIZE.to_string()),
            ("orderby", "id".to_string()),
            ("order", "asc".to_string()),
        ];
        let answer = self.api.get("/customers", &query).await?;
        let customers: Vec<WireCustomer> = answer.json("customers")?;
        let items = customers
            .iter()
            .filter(|c| {
                since.is_none_or(|t| {
                    let changed = if c.date_modified_gmt.is_empty() {
                        &c.date_created_gmt
                    } else {
                        &c.date_modified_gmt
                    };
                    // No usable date: keep it rather than miss a change.
                    gmt_instant(changed).is_none_or(|m| m >= t)
                })
            })
            .map(customer)
            .collect();
        let next = (page < answer.total_pages.unwrap_or(page)).then(|| (page + 1).to_string());
        Ok(Page { items, next })
    }

    pub(crate) async fn customer_by_email(
        &self,
        email: &str,
    ) -> Result<Option<ShopCustomer>, ShopError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Ok(None);
        }
        let query = [
            ("email", email.clone()),
            ("role", "all".to_string()),
            ("per_page", PAGE_SIZE.to_string()),
        ];
        let found: Vec<WireCustomer> = self
            .api
            .get("/customers", &query)
            .await?
            .json("customers")?;
        Ok(found.iter().map(customer).find(|c| c.email == email))
    }

    pub(crate) async fn change_customer(
        &self,
        id: &str,
        patch: &CustomerPatch,
    ) -> Result<(), ShopError> {
        let id = numeric_id(id, "customer")?;
        let body = customer_body(patch);
        if body.is_empty() {
            return Ok(());
        }
        self.api
            .put(&format!("/customers/{id}"), &Value::Object(body))
            .await?;
        Ok(())
    }

    pub(crate) async fn add_customer(
        &self,
        patch: &CustomerPatch,
    ) -> Result<ShopCustomer, ShopError> {
        if patch.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return Err(ShopError::Invalid(
                "a new customer needs an e-mail address".into(),
            ));
        }
        let body = Value::Object(customer_body(patch));
        let c: WireCustomer = self
            .api
            .post_create("/customers", &body)
            .await?
            .json("customer")?;
        Ok(customer(&c))
    }

    pub(crate) async fn customer_fields(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), ShopError> {
        let id = numeric_id(id, "customer")?;
        if fields.is_empty() {
            return Ok(());
        }
        let meta: Vec<Value> = fields
            .iter()
            .map(|(k, v)| json!({"key": meta_key(k), "value": v}))
            .collect();
        self.api
            .put(&format!("/customers/{id}"), &json!({"meta_data": meta}))
            .await?;
        Ok(())
    }
}
