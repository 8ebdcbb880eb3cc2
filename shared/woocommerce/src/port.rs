//! [`Shop`] for [`WooShop`]: each method delegates to the module that implements it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use fortsync_app::shop::{
    CustomerPatch, NewProduct, OrderAnnotation, Page, ProductPatch, Shop, ShopCustomer, ShopError,
    ShopProduct,
};

use crate::WooShop;

#[async_trait]
impl Shop for WooShop {
    async fn products_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopProduct>, ShopError> {
        self.list_products(modified_after, cursor).await
    }

    async fn products_by_sku(&self, skus: &[String]) -> Result<Vec<ShopProduct>, ShopError> {
        self.find_by_sku(skus).await
    }

    async fn update_products(&self, patches: &[ProductPatch]) -> Result<(), ShopError> {
        self.apply_patches(patches).await
    }

    async fn create_product(&self, new: &NewProduct) -> Result<ShopProduct, ShopError> {
        self.add_product(new).await
    }

    async fn customers_page(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopCustomer>, ShopError> {
        self.list_customers(modified_after, cursor).await
    }

    async fn find_customer_by_email(&self, email: &str) -> Result<Option<ShopCustomer>, ShopError> {
        self.customer_by_email(email).await
    }

    async fn update_customer(&self, id: &str, patch: &CustomerPatch) -> Result<(), ShopError> {
        self.change_customer(id, patch).await
    }

    async fn create_customer(&self, patch: &CustomerPatch) -> Result<ShopCustomer, ShopError> {
        self.add_customer(patch).await
    }

    async fn set_customer_fields(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), ShopError> {
        self.customer_fields(id, fields).await
    }

    async fn annotate_order(&self, annotation: &OrderAnnotation) -> Result<(), ShopError> {
        self.annotate(annotation).await
    }

    async fn order_refunds(&self, order_id: &str) -> Result<Vec<Vec<u8>>, ShopError> {
        WooShop::order_refunds(self, order_id).await
    }
}
