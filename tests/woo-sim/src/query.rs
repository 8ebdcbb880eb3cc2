//! Collection parameters shared by the list endpoints, checked the way WordPress checks a
//! schema (`rest_invalid_param` on a bad value; unknown parameters are ignored, as WordPress
//! ignores them), and the paging headers `X-WP-Total` / `X-WP-TotalPages` / `Link`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::errors::{ApiError, ApiResult};

/// Query parameters, last value winning (PHP's behaviour for repeated plain keys).
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(pub BTreeMap<String, String>);

impl Params {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Params(pairs.into_iter().collect())
    }

    /// A non-empty value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn int(&self, name: &str, default: usize) -> ApiResult<usize> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| ApiError::not_of_type(name, "integer")),
        }
    }

    pub fn bool(&self, name: &str, default: bool) -> ApiResult<bool> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(_) => Err(ApiError::not_of_type(name, "boolean")),
        }
    }

    /// A value from `allowed`, else `default`.
    pub fn one_of<'a>(
        &'a self,
        name: &str,
        allowed: &[&str],
        default: &'a str,
    ) -> ApiResult<&'a str> {
        match self.get(name) {
            None => Ok(default),
            Some(v) if allowed.contains(&v) => Ok(v),
            Some(_) => Err(ApiError::invalid_param(
                name,
                format!("{name} is not one of {}.", allowed.join(", ")),
            )),
        }
    }

    /// Ids as `wp_parse_id_list` reads them: separated by commas or spaces.
    pub fn ids(&self, name: &str) -> Vec<u64> {
        self.get(name)
            .map(|v| {
                v.split([',', ' '])
                    .filter_map(|s| s.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn ascending(&self, default: &str) -> ApiResult<bool> {
        Ok(self.one_of("order", &["asc", "desc"], default)? == "asc")
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    pub fn read(params: &Params, max_per_page: usize) -> ApiResult<Self> {
        let page = params.int("page", 1)?;
        if page < 1 {
            return Err(ApiError::invalid_param(
                "page",
                "page must be greater than or equal to 1",
            ));
        }
        let per_page = params.int("per_page", 10)?;
        if per_page < 1 || per_page > max_per_page {
            return Err(ApiError::invalid_param(
                "per_page",
                format!("per_page must be between 1 (inclusive) and {max_per_page} (inclusive)"),
            ));
        }
        Ok(Paging { page, per_page })
    }
}

/// One page of `items` with WordPress's paging headers; a page past the end is an empty list.
pub(crate) fn page_response(
    items: Vec<Value>,
    paging: Paging,
    collection_url: &str,
    params: &Params,
) -> Response {
    let total = items.len();
    let pages = total.div_ceil(paging.per_page);
    let start = (paging.page - 1).saturating_mul(paging.per_page);
    let slice: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(paging.per_page)
        .collect();
    let mut resp = Json(Value::Array(slice)).into_response();
    let headers = resp.headers_mut();
    insert(headers, "x-wp-total", &total.to_string());
    insert(headers, "x-wp-totalpages", &pages.to_string());
    let link = |page: usize, rel: &str| {
        let mut q = params.0.clone();
        q.insert("page".into(), page.to_string());
        q.remove("consumer_key");
        q.remove("consumer_secret");
        let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("<{collection_url}?{}>; rel=\"{rel}\"", query.join("&"))
    };
    let mut links = Vec::new();
    if paging.page > 1 {
        links.push(link((paging.page - 1).min(pages.max(1)), "prev"));
    }
    if pages > paging.page {
        links.push(link(paging.page + 1, "next"));
    }
    if !links.is_empty() {
        insert(headers, "link", &links.join(", "));
    }
    resp
}

fn insert(headers: &mut axum::http::HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}
