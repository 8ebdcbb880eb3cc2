//! Products: paging, SKU lookup, price/stock updates and creation.
//!
//! WooCommerce behaviour relied on (REST docs and `WC_REST_Products_Controller`):
//! - `GET /products` pages with `page` / `per_page` ≤ 100 and reports `X-WP-TotalPages`;
//!   `orderby=modified&order=asc` gives oldest change first; `modified_after` is exclusive and
//!   read as GMT with `dates_are_gmt=true`. It lists products only, so variable products'
//!   variations are read from `/products/{id}/variations` (one request per 100 variations).
//! - Saving a variation saves its parent, so a changed variation shows up through its parent.
//! - `sku` takes a comma-separated list, matches case-insensitively and also returns
//!   variations (`type: "variation"`, `parent_id`); the adapter keeps exact matches only.
//! - `/products/batch` and `/products/{id}/variations/batch` take ≤ 100 objects and answer
//!   failed items in place (`{id, error}`); the product endpoints refuse variation ids
//!   (`woocommerce_rest_invalid_product_id`), and `GET /products/{id}` loads a variation too.
//! - `stock_quantity` is only stored with `manage_stock` on.
//!
//! Paging by `modified` while the shop changes can shift items between pages: an item edited
//! mid-sync moves to the end (and is read again), which can push one unread item onto an
//! already-read page. Callers should take their next `modified_after` from when the sync
//! started, not from the newest `updated_at` seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fortsync_app::shop::{NewProduct, Page, ProductPatch, ShopError, ShopProduct};
use serde_json::{Value, json};

use crate::http::{classify, is_invalid_id};
use crate::mapping::{self, Parent, UnitKind, kind_of, unit};
use crate::wire::{WireBatch, WireItemError, WireProduct};
use crate::{PAGE_SIZE, WooShop, numeric_id, page_of};

/// SKUs per `?sku=` request: keeps URLs short (SKUs are ≤ 50 characters in practice).
const SKUS_PER_REQUEST: usize = 50;

fn item_error(id: u64, e: &WireItemError) -> ShopError {
    classify(e.status(), &e.code, &format!("product {id}: {}", e.message))
}

fn container_error(id: u64) -> ShopError {
    ShopError::Invalid(format!(
        "product {id} is variable, grouped or external: patch its variations or units instead"
    ))
}

/// One error for many: the first one's kind, every message.
fn combine(mut errors: Vec<ShopError>) -> Result<(), ShopError> {
    if errors.len() <= 1 {
        return errors.pop().map_or(Ok(()), Err);
    }
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let joined = format!("{} items failed: {}", errors.len(), text.join("; "));
    Err(match &errors[0] {
        ShopError::NotFound(_) => ShopError::NotFound(joined),
        ShopError::Unauthorized(_) => ShopError::Unauthorized(joined),
        _ => ShopError::Invalid(joined),
    })
}

impl WooShop {
    pub(crate) async fn list_products(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopProduct>, ShopError> {
        let page = page_of(cursor)?;
        let mut query = vec![
            ("page", page.to_string()),
            ("per_page", PAGE_SIZE.to_string()),
            ("orderby", "modified".to_string()),
            ("order", "asc".to_string()),
        ];
        if let Some(after) = modified_after {
            query.push((
                "modified_after",
                mapping::wc_modified_after(mapping::since(after)?),
            ));
            query.push(("dates_are_gmt", "true".to_string()));
        }
        let answer = self.api.get("/products", &query).await?;
        let products: Vec<WireProduct> = answer.json("products")?;
        let mut items = Vec::new();
        for p in &products {
            let kind = kind_of(p);
            self.remember(p.id, kind);
            match kind {
                UnitKind::Product => items.push(unit(p, None)),
                UnitKind::Container if mapping::is_variable(&p.kind) => {
                    items.extend(self.variations_of(&Parent::of(p)).await?);
                }
                _ => {}
            }
        }
        let next = (page < answer.total_pages.unwrap_or(page)).then(|| (page + 1).to_string());
        Ok(Page { items, next })
    }

    /// Every variation of a variable product, as units.
    async fn variations_of(&self, parent: &Parent) -> Result<Vec<ShopProduct>, ShopError> {
        let mut units = Vec::new();
        let mut page = 1;
        loop {
            let query = [
                ("page", page.to_string()),
                ("per_page", PAGE_SIZE.to_string()),
                ("orderby", "id".to_string()),
                ("order", "asc".to_string()),
            ];
            let path = format!("/products/{}/variations", parent.id);
            let answer = self.api.get(&path, &query).await?;
            let variations: Vec<WireProduct> = answer.json("variations")?;
            for v in &variations {
                self.remember(v.id, UnitKind::Variation { parent: parent.id });
                units.push(unit(v, Some(parent)));
            }
            if page >= answer.total_pages.unwrap_or(page) {
                return Ok(units);
            }
            page += 1;
        }
    }

    /// All pages of `GET /products` for `query` (without paging parameters).
    async fn all_products(&self, query: &[(&str, String)]) -> Result<Vec<WireProduct>, ShopError> {
        let mut out = Vec::new();
        let mut page = 1u32;
        loop {
            let mut q = query.to_vec();
            q.push(("page", page.to_string()));
            q.push(("per_page", PAGE_SIZE.to_string()));
            let answer = self.api.get("/products", &q).await?;
            out.extend(answer.json::<Vec<WireProduct>>("products")?);
            if page >= answer.total_pages.unwrap_or(page) {
                return Ok(out);
            }
            page += 1;
        }
    }

    /// Name and status of parent products, by id.
    async fn parents(&self, ids: &BTreeSet<u64>) -> Result<HashMap<u64, Parent>, ShopError> {
        let ids: Vec<u64> = ids.iter().copied().collect();
        let mut out = HashMap::new();
        for chunk in ids.chunks(PAGE_SIZE) {
            let include: Vec<String> = chunk.iter().map(u64::to_string).collect();
            for p in self.all_products(&[("include", include.join(","))]).await? {
                self.remember(p.id, kind_of(&p));
                out.insert(p.id, Parent::of(&p));
            }
        }
        Ok(out)
    }

    pub(crate) async fn find_by_sku(&self, skus: &[String]) -> Result<Vec<ShopProduct>, ShopError> {
        let wanted: Vec<String> = skus
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // A SKU with a comma would be split by WooCommerce: ask for it on its own and let the
        // exact match below drop the pieces.
        let (odd, plain): (Vec<&String>, Vec<&String>) =
            wanted.iter().partition(|s| s.contains(','));
        let mut queries: Vec<String> = plain
            .chunks(SKUS_PER_REQUEST)
            .map(|c| c.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","))
            .collect();
        queries.extend(odd.into_iter().cloned());
        let mut found: BTreeMap<u64, WireProduct> = BTreeMap::new();
        for q in queries {
            for p in self.all_products(&[("sku", q)]).await? {
                if wanted.iter().any(|w| *w == p.sku.trim()) {
                    found.insert(p.id, p);
                }
            }
        }
        let parent_ids: BTreeSet<u64> = found
            .values()
            .filter_map(|p| match kind_of(p) {
                UnitKind::Variation { parent } => Some(parent),
                _ => None,
            })
            .collect();
        let parents = self.parents(&parent_ids).await?;
        let mut units: Vec<ShopProduct> = Vec::new();
        for p in found.values() {
            let kind = kind_of(p);
            self.remember(p.id, kind);
            match kind {
                UnitKind::Product => units.push(unit(p, None)),
                UnitKind::Variation { parent } => {
                    let fallback = Parent {
                        id: parent,
                        name: String::new(),
                        active: false,
                    };
                    units.push(unit(p, Some(parents.get(&parent).unwrap_or(&fallback))));
                }
                UnitKind::Container => {}
            }
        }
        // In the caller's order.
        units.sort_by_key(|u| skus.iter().position(|s| s.trim() == u.sku));
        Ok(units)
    }

    pub(crate) async fn apply_patches(&self, patches: &[ProductPatch]) -> Result<(), ShopError> {
        let mut products: Vec<(u64, Value, bool)> = Vec::new();
        let mut variations: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
        // Everything is checked before the first write.
        for patch in patches {
            let id = numeric_id(&patch.id, "product")?;
            let Some(item) = mapping::patch_item(id, patch)? else {
                continue;
            };
            match self.known(id) {
                Some(UnitKind::Variation { parent }) => {
                    variations.entry(parent).or_default().push(item)
                }
                Some(UnitKind::Container) => return Err(container_error(id)),
                Some(UnitKind::Product) => products.push((id, item, true)),
                None => products.push((id, item, false)),
            }
        }
        let mut errors = Vec::new();
        let mut unresolved = Vec::new();
        for chunk in products.chunks(PAGE_SIZE) {
            let body = json!({"update": chunk.iter().map(|(_, item, _)| item.clone()).collect::<Vec<_>>()});
            let batch: WireBatch = self
                .api
                .post_idempotent("/products/batch", &body)
                .await?
                .json("batch")?;
            for ((id, item, known), got) in chunk.iter().zip(batch.update) {
                match got.error {
                    // Perhaps a variation we have not seen yet: the product endpoint refuses those.
                    Some(e) if !known && (e.status() == 404 || is_invalid_id(&e.code)) => {
                        unresolved.push((*id, item.clone()));
                    }
                    Some(e) => errors.push(item_error(*id, &e)),
                    None if mapping::is_variable(&got.kind) => errors.push(container_error(*id)),
                    None => self.remember(*id, UnitKind::Product),
                }
            }
        }
        for (id, item) in unresolved {
            match self.api.get(&format!("/products/{id}"), &[]).await {
                Ok(answer) => {
                    let p: WireProduct = answer.json("product")?;
                    match kind_of(&p) {
                        UnitKind::Variation { parent } => {
                            self.remember(id, UnitKind::Variation { parent });
                            variations.entry(parent).or_default().push(item);
                        }
                        _ => errors.push(ShopError::Invalid(format!(
                            "product {id} refused the update"
                        ))),
                    }
                }
                Err(ShopError::NotFound(m)) => {
                    errors.push(ShopError::NotFound(format!("product {id}: {m}")))
                }
                Err(e) => return Err(e),
            }
        }
        for (parent, items) in &variations {
            for chunk in items.chunks(PAGE_SIZE) {
                let path = format!("/products/{parent}/variations/batch");
                let batch: WireBatch = self
                    .api
                    .post_idempotent(&path, &json!({"update": chunk}))
                    .await?
                    .json("batch")?;
                for got in batch.update {
                    if let Some(e) = got.error {
                        errors.push(item_error(got.id, &e));
                    }
                }
            }
        }
        combine(errors)
    }

    pub(crate) async fn add_product(&self, new: &NewProduct) -> Result<ShopProduct, ShopError> {
        if new.sku.trim().is_empty() {
            return Err(ShopError::Invalid("a new product needs a SKU".into()));
        }
        let body = mapping::new_product_body(new)?;
        let p: WireProduct = self
            .api
            .post_create("/products", &body)
            .await?
            .json("product")?;
        self.remember(p.id, UnitKind::Product);
        Ok(unit(&p, None))
    }
}
