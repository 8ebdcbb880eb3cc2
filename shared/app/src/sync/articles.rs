//! Articles with their price and stock: Fortnox article pages (500 each) paired with the shop's
//! products by SKU, then shop products changed since the last run that Fortnox did not list.
//!
//! - Prices come from the article list's `SalesPrice` when the tenant syncs the pre-selected
//!   price list (no extra call); another list is read once per run (its pages) into memory.
//! - Stock comes from `QuantityInStock` (article list) or, with Fortnox Lager, from the stock
//!   point's balances, read once per run.
//! - Every article number Fortnox lists is remembered in the article index (orders then map
//!   SKUs without a lookup, and step 3 knows which shop SKUs Fortnox lacks without a call).

use super::store::{SyncCursor, SyncPhase, SyncRun};
use super::{SyncDeps, SyncError, SyncReport, Trail, commit};
use crate::registers::{FortnoxArticle, NewFortnoxArticle, Registers};
use crate::shop::{NewProduct, ProductPatch, Shop, ShopProduct};
use fortsync_domain::job::SyncResource;
use fortsync_domain::sync::{
    ArticleFacts, ArticlePlan, ArticleSnapshot, ProductFacts, StockDirection, StockSource,
    plan_article,
};
use fortsync_domain::tenant::Tenant;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// What a run reads once: the price list's prices (when not the pre-selected one) and the
/// stock point's balances (Lager).
struct Lookups {
    prices: Option<HashMap<String, Decimal>>,
    stock: Option<HashMap<String, Decimal>>,
    price_list: String,
}

async fn lookups(
    tenant: &Tenant,
    fortnox: &dyn Registers,
    cursor: &mut SyncCursor,
    full: bool,
) -> Result<Lookups, SyncError> {
    let s = &tenant.settings.sync;
    let preselected = match cursor.preselected_price_list.clone().filter(|_| !full) {
        Some(code) => code,
        None => {
            let code = fortnox.preselected_price_list().await?;
            cursor.preselected_price_list = Some(code.clone());
            code
        }
    };
    let price_list = s.prices.price_list.clone().unwrap_or(preselected.clone());
    let prices = if price_list.eq_ignore_ascii_case(&preselected) {
        None
    } else {
        let mut all = HashMap::new();
        let mut page = 1;
        loop {
            let p = fortnox.prices(&price_list, page).await?;
            all.extend(p.items.iter().map(|x| (x.article_number.clone(), x.price)));
            if p.is_last() {
                break;
            }
            page += 1;
        }
        Some(all)
    };
    let stock = match &s.stock.source {
        StockSource::ArticleQuantity => None,
        StockSource::Warehouse { stock_point } => {
            let mut all = HashMap::new();
            let mut page = 1;
            loop {
                let p = fortnox.stock_balances(stock_point, page).await?;
                all.extend(
                    p.items
                        .iter()
                        .map(|x| (x.article_number.clone(), x.available)),
                );
                if p.is_last() {
                    break;
                }
                page += 1;
            }
            Some(all)
        }
    };
    Ok(Lookups {
        prices,
        stock,
        price_list,
    })
}

fn facts(a: &FortnoxArticle, l: &Lookups) -> ArticleFacts {
    let price = match &l.prices {
        Some(map) => map.get(&a.number).copied(),
        None => a.sales_price,
    };
    let (in_stock, available) = match &l.stock {
        Some(map) => {
            let q = map.get(&a.number).copied();
            (q, q)
        }
        None => (a.quantity_in_stock, None),
    };
    ArticleFacts {
        article_number: a.number.clone(),
        description: a.description.clone(),
        active: a.active,
        vat_rate: a.vat.unwrap_or(fortsync_domain::sync::DEFAULT_VAT_RATE),
        price,
        in_stock,
        available,
        modified: None,
    }
}

fn product_facts(p: &ShopProduct) -> ProductFacts {
    ProductFacts {
        sku: p.sku.clone(),
        title: p.title.clone(),
        published: p.active,
        price: p.price,
        stock: p.stock,
        vat_rate: None,
        modified: Some(p.updated_at.clone()),
    }
}

fn money(d: Option<Decimal>) -> String {
    d.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

/// The writes of one page's plans, batched towards the shop.
struct Writes<'a> {
    deps: &'a SyncDeps,
    tenant: &'a Tenant,
    fortnox: &'a dyn Registers,
    shop: &'a dyn Shop,
    lookups: &'a Lookups,
    report: &'a mut SyncReport,
    trail: &'a mut Trail,
}

impl Writes<'_> {
    /// Apply the plans of one page; snapshots only after every write succeeded.
    async fn apply(
        &mut self,
        plans: Vec<(String, Option<ShopProduct>, Option<Decimal>, ArticlePlan)>,
    ) -> Result<(), SyncError> {
        let mut patches = Vec::new();
        let mut snapshots = Vec::new();
        let mut known = Vec::new();
        // `was`: the Fortnox price before this run (for the audit's old -> new).
        for (sku, product, was, plan) in plans {
            self.report.pairs += 1;
            if plan.skip.is_some() {
                self.report.skipped += 1;
                continue;
            }
            for c in &plan.conflicts {
                self.report.conflicts += 1;
                self.trail.change(
                    "conflict",
                    "newest_wins",
                    format!(
                        "{sku} {:?}: kept {:?}, lost {:?}",
                        c.field,
                        c.winner,
                        c.loser()
                    ),
                );
            }
            if let Some(new) = &plan.create_in_fortnox {
                self.fortnox
                    .create_article(&NewFortnoxArticle {
                        number: new.article_number.clone(),
                        description: new.description.clone(),
                        vat: new.vat_rate,
                        sales_account: None,
                        quantity_in_stock: new.quantity_in_stock,
                    })
                    .await?;
                if let Some(price) = new.price {
                    self.fortnox
                        .set_price(&self.lookups.price_list, &new.article_number, price)
                        .await?;
                }
                self.report.fortnox_creates += 1;
                known.push(new.article_number.clone());
                self.trail.change(
                    "article",
                    "created_in_fortnox",
                    format!("{sku}: price {}", money(new.price)),
                );
            }
            if let Some(new) = &plan.create_in_shop {
                self.shop
                    .create_product(&NewProduct {
                        sku: new.sku.clone(),
                        title: new.title.clone(),
                        price: new.price,
                        stock: new.stock,
                        active: false,
                    })
                    .await?;
                self.report.shop_creates += 1;
                self.trail.change(
                    "article",
                    "created_in_shop",
                    format!("{sku} (draft): price {}", money(new.price)),
                );
            }
            let to_fortnox = &plan.to_fortnox;
            if let Some(price) = to_fortnox.price {
                self.fortnox
                    .set_price(&self.lookups.price_list, &sku, price)
                    .await?;
                self.report.fortnox_updates += 1;
                self.trail.change(
                    "price",
                    "shop_to_fortnox",
                    format!("{sku}: {} -> {}", money(was), money(Some(price))),
                );
            }
            if let Some(q) = to_fortnox.quantity_in_stock {
                self.fortnox.set_article_stock(&sku, q).await?;
                self.report.fortnox_updates += 1;
                self.trail
                    .change("stock", "shop_to_fortnox", format!("{sku}: -> {q}"));
            }
            if let Some(p) = &product {
                let change = &plan.to_shop;
                if change.price.is_some() || change.stock.is_some() {
                    self.trail.change(
                        "article",
                        "fortnox_to_shop",
                        format!(
                            "{sku}: price {} -> {}, stock {} -> {}",
                            money(p.price),
                            money(change.price.or(p.price)),
                            p.stock.map_or("-".into(), |v| v.to_string()),
                            change
                                .stock
                                .or(p.stock)
                                .map_or("-".into(), |v| v.to_string()),
                        ),
                    );
                    patches.push(ProductPatch {
                        id: p.id.clone(),
                        price: change.price,
                        stock: change.stock,
                    });
                }
            }
            let snapshot = serde_json::to_string(&plan.snapshot)
                .map_err(|e| crate::ports::StoreError::Corrupt(e.to_string()))?;
            snapshots.push((sku, snapshot));
        }
        if !patches.is_empty() {
            self.shop.update_products(&patches).await?;
            self.report.shop_updates += patches.len() as u32;
        }
        if !known.is_empty() {
            self.deps
                .articles
                .remember_articles(&self.tenant.id, &known)
                .await?;
        }
        self.deps
            .store
            .put_snapshots(&self.tenant.id, SyncResource::Articles, &snapshots)
            .await?;
        Ok(())
    }
}

async fn snapshots_of(
    deps: &SyncDeps,
    tenant: &Tenant,
    skus: &[String],
) -> Result<HashMap<String, ArticleSnapshot>, SyncError> {
    let raw = deps
        .store
        .snapshots(&tenant.id, SyncResource::Articles, skus)
        .await?;
    Ok(raw
        .into_iter()
        .filter_map(|(k, v)| serde_json::from_str(&v).ok().map(|s| (k, s)))
        .collect())
}

pub(super) async fn run(
    deps: &SyncDeps,
    tenant: &Tenant,
    cursor: &mut SyncCursor,
    run: &mut SyncRun,
    trail: &mut Trail,
) -> Result<SyncReport, SyncError> {
    let fortnox = deps.registers.registers(tenant).await?;
    let shop = deps.shops.shop(tenant).await?;
    let settings = &tenant.settings.sync;
    let lookups = lookups(tenant, fortnox.as_ref(), cursor, run.full).await?;
    let mut report = SyncReport::default();
    // SKUs paired from the Fortnox side in this invocation: step 3 need not read them again.
    let mut seen: HashSet<String> = HashSet::new();

    if run.phase == SyncPhase::FortnoxToShop {
        loop {
            let page = fortnox
                .articles(run.fortnox_since.as_deref(), run.fortnox_page)
                .await?;
            report.fortnox_pages += 1;
            let numbers: Vec<String> = page.items.iter().map(|a| a.number.clone()).collect();
            deps.articles
                .remember_articles(&tenant.id, &numbers)
                .await?;
            let products: HashMap<String, ShopProduct> = if numbers.is_empty() {
                HashMap::new()
            } else {
                shop.products_by_sku(&numbers)
                    .await?
                    .into_iter()
                    .map(|p| (p.sku.clone(), p))
                    .collect()
            };
            let last = snapshots_of(deps, tenant, &numbers).await?;
            let plans = page
                .items
                .iter()
                .map(|a| {
                    let product = products.get(&a.number).cloned();
                    let pf = product.as_ref().map(product_facts);
                    let af = facts(a, &lookups);
                    let plan = plan_article(Some(&af), pf.as_ref(), last.get(&a.number), settings);
                    (a.number.clone(), product, af.price, plan)
                })
                .collect();
            seen.extend(numbers);
            Writes {
                deps,
                tenant,
                fortnox: fortnox.as_ref(),
                shop: shop.as_ref(),
                lookups: &lookups,
                report: &mut report,
                trail,
            }
            .apply(plans)
            .await?;
            let done = page.is_last() || page.items.is_empty();
            if done {
                run.phase = SyncPhase::ShopToFortnox;
            } else {
                run.fortnox_page += 1;
            }
            commit(deps, &tenant.id, SyncResource::Articles, cursor, run).await?;
            if done {
                break;
            }
        }
    }

    // The shop side is read only when something flows towards Fortnox.
    let upstream = settings.articles.direction.writes_fortnox()
        || settings.prices.direction.writes_fortnox()
        || settings.stock.direction == StockDirection::ShopToFortnox;
    if upstream {
        loop {
            let page = shop
                .products_page(run.shop_since.as_deref(), run.shop_cursor.as_deref())
                .await?;
            report.shop_pages += 1;
            let fresh: Vec<ShopProduct> = page
                .items
                .into_iter()
                .filter(|p| !p.sku.trim().is_empty() && !seen.contains(&p.sku))
                .collect();
            if !fresh.is_empty() {
                let skus: Vec<String> = fresh.iter().map(|p| p.sku.clone()).collect();
                let known = deps.articles.known_articles(&tenant.id, &skus).await?;
                let last = snapshots_of(deps, tenant, &skus).await?;
                let mut plans = Vec::with_capacity(fresh.len());
                let stock_up = settings.stock.direction == StockDirection::ShopToFortnox;
                for p in fresh {
                    // Unchanged since the last sync wrote or read it: nothing to carry to Fortnox,
                    // and no Fortnox read for it.
                    if !stock_up
                        && last.get(&p.sku).is_some_and(|l| {
                            l.shop_price == p.price && l.title.as_deref() == Some(p.title.as_str())
                        })
                    {
                        continue;
                    }
                    // Fortnox is read only for SKUs it is known to have.
                    let article = if known.contains(&p.sku) {
                        fortnox.article(&p.sku).await?
                    } else {
                        None
                    };
                    let af = article.as_ref().map(|a| facts(a, &lookups));
                    let plan = plan_article(
                        af.as_ref(),
                        Some(&product_facts(&p)),
                        last.get(&p.sku),
                        settings,
                    );
                    seen.insert(p.sku.clone());
                    let was = af.as_ref().and_then(|f| f.price);
                    plans.push((p.sku.clone(), Some(p), was, plan));
                }
                Writes {
                    deps,
                    tenant,
                    fortnox: fortnox.as_ref(),
                    shop: shop.as_ref(),
                    lookups: &lookups,
                    report: &mut report,
                    trail,
                }
                .apply(plans)
                .await?;
            }
            run.shop_cursor = page.next.clone();
            commit(deps, &tenant.id, SyncResource::Articles, cursor, run).await?;
            if page.next.is_none() {
                break;
            }
        }
    }
    report.fortnox_calls = fortnox.take_calls().len() as u32;
    Ok(report)
}
