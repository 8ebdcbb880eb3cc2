//! Filtering and ordering of `GET /products` and `GET /products/{id}/variations`.
//!
//! From WooCommerce's `WC_REST_Products_Controller::prepare_objects_query` and the CRUD
//! controller's collection parameters:
//! - `sku` is a comma-separated list matched exactly (case-insensitively, as MySQL compares);
//!   with more than one SKU the whole string is tried as one SKU too. With `sku` the query also
//!   covers variations (`post_type` product and product_variation); without it `/products`
//!   lists products only.
//! - `modified_after` / `modified_before` / `after` / `before` are exclusive; without
//!   `dates_are_gmt=true` a date without an offset is site time.
//! - `status` defaults to `any` (everything but trash); `orderby` defaults to `date`, `order` to
//!   `desc`; ties keep id order.

use std::cmp::Ordering;

use time::{OffsetDateTime, UtcOffset};

use super::products::{PRODUCT_TYPES, Product, dec};
use crate::clock::parse_wp_date;
use crate::errors::{ApiError, ApiResult};
use crate::query::Params;
use crate::state::World;

const ORDERBY: &[&str] = &[
    "date",
    "id",
    "include",
    "title",
    "slug",
    "modified",
    "price",
    "popularity",
    "rating",
    "menu_order",
];
const STATUS_FILTER: &[&str] = &[
    "any", "future", "trash", "draft", "pending", "private", "publish",
];

/// Which collection is listed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    Products,
    VariationsOf(u64),
}

struct Filter {
    skus: Option<Vec<String>>,
    status: String,
    kind: Option<String>,
    include: Vec<u64>,
    exclude: Vec<u64>,
    parent: Vec<u64>,
    search: Option<String>,
    modified_after: Option<OffsetDateTime>,
    modified_before: Option<OffsetDateTime>,
    after: Option<OffsetDateTime>,
    before: Option<OffsetDateTime>,
}

fn date(params: &Params, name: &str, naive: UtcOffset) -> ApiResult<Option<OffsetDateTime>> {
    params
        .get(name)
        .map(|v| {
            parse_wp_date(v, naive).ok_or_else(|| ApiError::invalid_param(name, "Invalid date."))
        })
        .transpose()
}

impl Filter {
    fn read(params: &Params, site: UtcOffset) -> ApiResult<Self> {
        let naive = if params.bool("dates_are_gmt", false)? {
            UtcOffset::UTC
        } else {
            site
        };
        let skus = params.get("sku").map(|s| {
            let mut v: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
            if v.len() > 1 {
                v.push(s.to_string());
            }
            v
        });
        let kind = match params.get("type") {
            None => None,
            Some(t) if PRODUCT_TYPES.contains(&t) => Some(t.to_string()),
            Some(_) => {
                return Err(ApiError::invalid_param(
                    "type",
                    format!("type is not one of {}.", PRODUCT_TYPES.join(", ")),
                ));
            }
        };
        Ok(Filter {
            skus,
            status: params.one_of("status", STATUS_FILTER, "any")?.to_string(),
            kind,
            include: params.ids("include"),
            exclude: params.ids("exclude"),
            parent: params.ids("parent"),
            search: params.get("search").map(str::to_lowercase),
            modified_after: date(params, "modified_after", naive)?,
            modified_before: date(params, "modified_before", naive)?,
            after: date(params, "after", naive)?,
            before: date(params, "before", naive)?,
        })
    }

    fn keeps(&self, p: &Product, scope: Scope) -> bool {
        let in_scope = match scope {
            Scope::Products => !p.is_variation() || self.skus.is_some(),
            Scope::VariationsOf(parent) => p.is_variation() && p.parent_id == parent,
        };
        let status = if self.status == "any" {
            p.status != "trash"
        } else {
            p.status == self.status
        };
        in_scope
            && status
            && self.kind.as_ref().is_none_or(|k| *k == p.kind)
            && self.skus.as_ref().is_none_or(|skus| {
                !p.sku.is_empty() && skus.iter().any(|s| s.eq_ignore_ascii_case(&p.sku))
            })
            && (self.include.is_empty() || self.include.contains(&p.id))
            && !self.exclude.contains(&p.id)
            && (self.parent.is_empty() || self.parent.contains(&p.parent_id))
            && self
                .search
                .as_ref()
                .is_none_or(|s| p.name.to_lowercase().contains(s))
            && self.modified_after.is_none_or(|t| p.modified > t)
            && self.modified_before.is_none_or(|t| p.modified < t)
            && self.after.is_none_or(|t| p.created > t)
            && self.before.is_none_or(|t| p.created < t)
    }
}

fn compare(a: &Product, b: &Product, orderby: &str, include: &[u64]) -> Ordering {
    let pos = |id: u64| include.iter().position(|x| *x == id).unwrap_or(usize::MAX);
    match orderby {
        "date" => a.created.cmp(&b.created),
        "modified" => a.modified.cmp(&b.modified),
        "title" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        "slug" => a.slug.cmp(&b.slug),
        "include" => pos(a.id).cmp(&pos(b.id)),
        "price" => dec(&a.price()).cmp(&dec(&b.price())),
        _ => a.id.cmp(&b.id),
    }
}

/// The matching products or variations, ordered as asked.
pub(crate) fn select<'w>(
    w: &'w World,
    params: &Params,
    scope: Scope,
) -> ApiResult<Vec<&'w Product>> {
    let filter = Filter::read(params, w.site_offset())?;
    let orderby = params.one_of("orderby", ORDERBY, "date")?;
    let ascending = params.ascending("desc")?;
    let mut found: Vec<&Product> = w
        .products
        .values()
        .filter(|p| filter.keeps(p, scope))
        .collect();
    found.sort_by(|a, b| {
        let o = compare(a, b, orderby, &filter.include);
        let o = if ascending { o } else { o.reverse() };
        o.then(a.id.cmp(&b.id))
    });
    Ok(found)
}
