//! Reading and creating products: variant pages (`updated_at:>=` deltas), SKU lookups and
//! `productSet` creates.

use std::collections::BTreeSet;

use fortsync_app::shop::{NewProduct, Page, ShopError, ShopProduct};
use serde_json::{Value, json};

use crate::client::Call;
use crate::documents::{CREATE_PRODUCT, VARIANT_FIELDS, VARIANTS_PAGE, with};
use crate::ids::{quote, updated_since};
use crate::mutation::{MUTATION_COST, check};
use crate::shop::{ShopifyShop, VariantRef, parse};
use crate::wire::{Connection, UserError, Variant};

/// Variants per page: each costs about 5 points (variant, product, inventory item, level,
/// quantities), so 100 keep a page near 500 of the 1000-point single-query limit.
pub(crate) const PAGE_SIZE: u32 = 100;
const VARIANT_COST: u32 = 5;
/// SKUs per search query (`sku:"A" OR sku:"B" ...`).
const SKUS_PER_QUERY: usize = 50;

impl ShopifyShop {
    pub(crate) async fn variants_page(
        &self,
        query: Option<String>,
        after: Option<&str>,
    ) -> Result<Connection<Variant>, ShopError> {
        let location = self.location_id().await?;
        let call = Call::new(
            "FortsyncVariantsPage",
            with(VARIANTS_PAGE, VARIANT_FIELDS),
            json!({"first": PAGE_SIZE, "after": after, "query": query, "location": location}),
            2 + PAGE_SIZE * VARIANT_COST,
        );
        let data = self.client.run(&call).await?;
        let conn: Connection<Variant> = parse(&data["productVariants"])?;
        self.remember(&conn.nodes);
        Ok(conn)
    }

    pub(crate) async fn products_page_impl(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopProduct>, ShopError> {
        let conn = self
            .variants_page(updated_since(modified_after), cursor)
            .await?;
        Ok(Page {
            items: conn.nodes.iter().map(Variant::to_shop).collect(),
            next: conn.next(),
        })
    }

    pub(crate) async fn products_by_sku_impl(
        &self,
        skus: &[String],
    ) -> Result<Vec<ShopProduct>, ShopError> {
        let wanted: BTreeSet<&str> = skus
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let wanted: Vec<&str> = wanted.into_iter().collect();
        let mut out = Vec::new();
        for chunk in wanted.chunks(SKUS_PER_QUERY) {
            let query = chunk
                .iter()
                .map(|s| format!("sku:{}", quote(s)))
                .collect::<Vec<_>>()
                .join(" OR ");
            let mut after: Option<String> = None;
            loop {
                let conn = self
                    .variants_page(Some(query.clone()), after.as_deref())
                    .await?;
                // Shopify's search is looser than equality (case, tokens): keep exact matches.
                out.extend(
                    conn.nodes
                        .iter()
                        .filter(|v| v.sku.as_deref().is_some_and(|s| chunk.contains(&s)))
                        .map(Variant::to_shop),
                );
                match conn.next() {
                    Some(c) => after = Some(c),
                    None => break,
                }
            }
        }
        Ok(out)
    }

    pub(crate) async fn create_product_impl(
        &self,
        new: &NewProduct,
    ) -> Result<ShopProduct, ShopError> {
        let location = self.location_id().await?;
        let mut variant = json!({
            "optionValues": [{"optionName": "Title", "name": "Default Title"}],
            "sku": new.sku,
            "inventoryItem": {"tracked": new.stock.is_some()},
        });
        if let Some(p) = new.price {
            variant["price"] = json!(p.to_string());
        }
        if let Some(q) = new.stock {
            variant["inventoryQuantities"] =
                json!([{"locationId": location, "name": "on_hand", "quantity": q}]);
        }
        let input = json!({
            "title": new.title,
            "status": if new.active { "ACTIVE" } else { "DRAFT" },
            "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
            "variants": [variant],
        });
        // Resending a create after a lost answer could make a duplicate product.
        let call = Call::new(
            "FortsyncCreateProduct",
            with(CREATE_PRODUCT, VARIANT_FIELDS),
            json!({"input": input, "location": location}),
            MUTATION_COST,
        )
        .not_resendable();
        let data = self.client.run(&call).await?;
        let payload = &data["productSet"];
        let errors: Vec<UserError> = parse(&payload["userErrors"])?;
        let labelled: Vec<(String, UserError)> = errors
            .into_iter()
            .map(|e| (format!("product {}", new.sku), e))
            .collect();
        check(&labelled)?;
        let variants: Vec<Variant> = parse(
            payload
                .pointer("/product/variants/nodes")
                .unwrap_or(&Value::Null),
        )?;
        let v = variants
            .into_iter()
            .next()
            .ok_or_else(|| ShopError::Invalid("productSet returned no variant".into()))?;
        self.remember_ref(
            &v.id,
            VariantRef {
                product_id: v.product.id.clone(),
                inventory_item_id: v.inventory_item.id.clone(),
                tracked: v.inventory_item.tracked,
            },
        );
        Ok(v.to_shop())
    }
}
