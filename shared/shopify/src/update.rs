//! `update_products`: N price and stock changes in few calls.
//!
//! 1. Patches for the same variant are merged (later fields win).
//! 2. Each variant's product and inventory item come from the cache filled by earlier reads,
//!    else from `nodes(ids:)` (250 per call). Unknown variants are skipped and reported as
//!    `NotFound` after the others are written.
//! 3. Prices become one `productVariantsBulkUpdate` per product (≤ 250 variants each), which
//!    also switches tracking on where stock is set for an untracked item; stock becomes
//!    `inventorySetQuantities` of on-hand quantities at the location (≤ 250 each, with an
//!    `@idempotent` key reused on retries and `changeFromQuantity: null`, i.e. Fortnox wins).
//! 4. These root fields are packed, in that order, up to 50 per mutation document (10 points
//!    each, 500 of the 1000-point limit).

use std::collections::{BTreeMap, HashMap};

use fortsync_app::shop::{ProductPatch, ShopError};
use serde_json::{Value, json};

use crate::client::Call;
use crate::documents::VARIANT_REFS;
use crate::ids::to_gid;
use crate::mutation::{MutationDoc, check};
use crate::shop::{ShopifyShop, VariantRef, parse};

const MAX_FIELDS_PER_DOC: usize = 50;
const MAX_LIST: usize = 250;

#[derive(Debug, Clone, PartialEq)]
struct Change {
    id: String,
    price: Option<rust_decimal::Decimal>,
    stock: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Bulk {
        product_id: String,
        variants: Vec<Value>,
    },
    Stock {
        quantities: Vec<Value>,
    },
}

fn merge(patches: &[ProductPatch]) -> Result<Vec<Change>, ShopError> {
    let mut out: Vec<Change> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in patches {
        if p.price.is_none() && p.stock.is_none() {
            continue;
        }
        let id = to_gid("ProductVariant", &p.id)?;
        match index.get(&id) {
            Some(&i) => {
                let c = &mut out[i];
                c.price = p.price.or(c.price);
                c.stock = p.stock.or(c.stock);
            }
            None => {
                index.insert(id.clone(), out.len());
                out.push(Change {
                    id,
                    price: p.price,
                    stock: p.stock,
                });
            }
        }
    }
    Ok(out)
}

fn plan(
    changes: &[Change],
    refs: &HashMap<String, VariantRef>,
    location: Option<&str>,
) -> Vec<Part> {
    let mut bulk: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut quantities = Vec::new();
    for c in changes {
        let Some(r) = refs.get(&c.id) else { continue };
        let enable_tracking = c.stock.is_some() && !r.tracked;
        if c.price.is_some() || enable_tracking {
            let mut v = json!({"id": c.id});
            if let Some(p) = c.price {
                v["price"] = json!(p.to_string());
            }
            if enable_tracking {
                v["inventoryItem"] = json!({"tracked": true});
            }
            bulk.entry(r.product_id.as_str()).or_default().push(v);
        }
        if let (Some(q), Some(loc)) = (c.stock, location) {
            quantities.push(json!({
                "inventoryItemId": r.inventory_item_id,
                "locationId": loc,
                "quantity": q,
                "changeFromQuantity": null,
            }));
        }
    }
    let mut parts = Vec::new();
    for (product_id, variants) in bulk {
        for chunk in variants.chunks(MAX_LIST) {
            parts.push(Part::Bulk {
                product_id: product_id.to_string(),
                variants: chunk.to_vec(),
            });
        }
    }
    for chunk in quantities.chunks(MAX_LIST) {
        parts.push(Part::Stock {
            quantities: chunk.to_vec(),
        });
    }
    parts
}

fn document(parts: &[Part]) -> MutationDoc {
    let mut doc = MutationDoc::new("FortsyncUpdateProducts");
    for part in parts {
        match part {
            Part::Bulk {
                product_id,
                variants,
            } => {
                let p = doc.var("ID!", json!(product_id));
                let v = doc.var(
                    "[ProductVariantsBulkInput!]!",
                    Value::Array(variants.clone()),
                );
                doc.field(
                    format!("prices of {product_id}"),
                    format!("productVariantsBulkUpdate(productId: {p}, variants: {v}) {{ userErrors {{ field message code }} }}"),
                );
            }
            Part::Stock { quantities } => {
                let input = doc.var(
                    "InventorySetQuantitiesInput!",
                    json!({
                        "name": "on_hand",
                        "reason": "correction",
                        "referenceDocumentUri": "gid://fortsync/StockSync/fortnox",
                        "quantities": quantities,
                    }),
                );
                // One key per part, kept across retries of this document.
                let key = doc.var("String!", json!(uuid::Uuid::new_v4().to_string()));
                doc.field(
                    "stock",
                    format!("inventorySetQuantities(input: {input}) @idempotent(key: {key}) {{ userErrors {{ field message code }} }}"),
                );
            }
        }
    }
    doc
}

impl ShopifyShop {
    /// Product and inventory item of each variant; ids Shopify does not know are returned
    /// separately.
    async fn resolve_refs(
        &self,
        ids: &[String],
    ) -> Result<(HashMap<String, VariantRef>, Vec<String>), ShopError> {
        let mut found = HashMap::new();
        let mut unknown = Vec::new();
        for id in ids {
            match self.cached_ref(id) {
                Some(r) => {
                    found.insert(id.clone(), r);
                }
                None => unknown.push(id.clone()),
            }
        }
        let mut missing = Vec::new();
        for chunk in unknown.chunks(MAX_LIST) {
            let call = Call::new(
                "FortsyncVariantRefs",
                VARIANT_REFS,
                json!({"ids": chunk}),
                3 * chunk.len() as u32,
            )
            .exact_cost();
            let data = self.client.run(&call).await?;
            let nodes: Vec<Value> = parse(&data["nodes"])?;
            for (id, node) in chunk.iter().zip(nodes) {
                let product = node.pointer("/product/id").and_then(Value::as_str);
                let item = node.pointer("/inventoryItem/id").and_then(Value::as_str);
                match (product, item) {
                    (Some(p), Some(i)) => {
                        let r = VariantRef {
                            product_id: p.to_string(),
                            inventory_item_id: i.to_string(),
                            tracked: node
                                .pointer("/inventoryItem/tracked")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                        };
                        self.remember_ref(id, r.clone());
                        found.insert(id.clone(), r);
                    }
                    _ => missing.push(id.clone()),
                }
            }
        }
        Ok((found, missing))
    }

    pub(crate) async fn update_products_impl(
        &self,
        patches: &[ProductPatch],
    ) -> Result<(), ShopError> {
        let changes = merge(patches)?;
        if changes.is_empty() {
            return Ok(());
        }
        let location = if changes.iter().any(|c| c.stock.is_some()) {
            Some(self.location_id().await?)
        } else {
            None
        };
        let ids: Vec<String> = changes.iter().map(|c| c.id.clone()).collect();
        let (refs, missing) = self.resolve_refs(&ids).await?;
        let parts = plan(&changes, &refs, location.as_deref());
        let mut errors = Vec::new();
        for chunk in parts.chunks(MAX_FIELDS_PER_DOC) {
            let doc = document(chunk);
            let data = match self.client.run(&doc.call()).await {
                Ok(d) => d,
                Err(e) => {
                    self.forget(&ids);
                    return Err(e);
                }
            };
            errors.extend(doc.user_errors(&data));
        }
        if !errors.is_empty() {
            // The cached picture may be stale (moved or deleted variants): read afresh next time.
            self.forget(&ids);
            check(&errors)?;
        }
        for c in changes.iter().filter(|c| c.stock.is_some()) {
            if let Some(mut r) = refs.get(&c.id).cloned() {
                r.tracked = true;
                self.remember_ref(&c.id, r);
            }
        }
        if !missing.is_empty() {
            return Err(ShopError::NotFound(format!(
                "product variants: {}",
                missing.join(", ")
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn patch(id: u64, price: Option<rust_decimal::Decimal>, stock: Option<i64>) -> ProductPatch {
        ProductPatch {
            id: id.to_string(),
            price,
            stock,
        }
    }

    fn refs(n: u64, per_product: u64, tracked: bool) -> HashMap<String, VariantRef> {
        (0..n)
            .map(|i| {
                (
                    format!("gid://shopify/ProductVariant/{i}"),
                    VariantRef {
                        product_id: format!("gid://shopify/Product/{}", i / per_product),
                        inventory_item_id: format!("gid://shopify/InventoryItem/{i}"),
                        tracked,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn merges_patches_per_variant() {
        let c = merge(&[
            patch(1, Some(dec!(10)), None),
            patch(2, None, None),
            patch(1, None, Some(4)),
            patch(1, Some(dec!(12)), None),
        ])
        .unwrap();
        assert_eq!(
            c,
            vec![Change {
                id: "gid://shopify/ProductVariant/1".into(),
                price: Some(dec!(12)),
                stock: Some(4)
            }]
        );
        assert!(
            merge(&[
                patch(1, None, Some(1)),
                ProductPatch {
                    id: "x".into(),
                    price: None,
                    stock: Some(1)
                }
            ])
            .is_err()
        );
    }

    #[test]
    fn groups_prices_per_product_and_stock_in_lists_of_250() {
        let changes = merge(
            &(0..300)
                .map(|i| patch(i, Some(dec!(1)), Some(i as i64)))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let parts = plan(
            &changes,
            &refs(300, 100, true),
            Some("gid://shopify/Location/1"),
        );
        let kinds: Vec<(bool, usize)> = parts
            .iter()
            .map(|p| match p {
                Part::Bulk { variants, .. } => (true, variants.len()),
                Part::Stock { quantities } => (false, quantities.len()),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (true, 100),
                (true, 100),
                (true, 100),
                (false, 250),
                (false, 50)
            ]
        );
        let doc = document(&parts);
        let call = doc.call();
        assert_eq!(call.cost, 50);
        assert_eq!(call.query.matches("@idempotent(key:").count(), 2);
    }

    #[test]
    fn stock_on_untracked_items_switches_tracking_on() {
        let changes = merge(&[patch(0, None, Some(5)), patch(1, Some(dec!(9.5)), None)]).unwrap();
        let parts = plan(
            &changes,
            &refs(2, 10, false),
            Some("gid://shopify/Location/1"),
        );
        let Part::Bulk { variants, .. } = &parts[0] else {
            panic!("bulk first: {parts:?}")
        };
        assert_eq!(
            variants,
            &vec![
                json!({"id": "gid://shopify/ProductVariant/0", "inventoryItem": {"tracked": true}}),
                json!({"id": "gid://shopify/ProductVariant/1", "price": "9.5"}),
            ]
        );
        assert!(matches!(&parts[1], Part::Stock { quantities } if quantities.len() == 1));
    }
}
