//! List endpoints: paging (`page`, `limit`, `offset`), `lastmodified`, `filter`, `sortby` /
//! `sortorder` and the case-insensitive substring search parameters.
//!
//! - `limit` defaults to 100 and must be 1..=500 (else 400 code 2000588); `page` is 1-based;
//!   `offset` skips records after the page start. `@TotalPages` is at least 1.
//! - `lastmodified=YYYY-MM-DD HH:MM[:SS]` (or a bare date) is read as Stockholm local time and
//!   matches records changed at or after that instant (simulator clock).
//! - Unknown parameters are ignored; an invalid value of a known parameter (`filter`, `sortby`,
//!   `sortorder`, `limit`, `page`, `lastmodified`) is 400 code 2000588.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;
use time::OffsetDateTime;

use crate::clock::parse_lastmodified;
use crate::envelope::{Meta, Obj, parse_dec};
use crate::errors::{ApiError, ApiResult, code};
use crate::state::Record;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;

/// What a list endpoint supports.
pub struct ListSpec {
    pub filters: &'static [&'static str],
    /// `sortby` value → record field.
    pub sorts: &'static [(&'static str, &'static str)],
    /// Search parameter → record field (case-insensitive substring).
    pub search: &'static [(&'static str, &'static str)],
    pub lastmodified: bool,
    /// Field giving the default order (ascending).
    pub default_sort: &'static str,
}

#[derive(Debug, Clone)]
pub struct ListParams {
    pub page: usize,
    pub limit: usize,
    pub offset: usize,
    pub filter: Option<String>,
    pub sort_field: Option<&'static str>,
    pub descending: bool,
    pub lastmodified: Option<OffsetDateTime>,
    /// All parameters, keys lowercased.
    pub params: HashMap<String, String>,
}

impl ListParams {
    /// A non-empty parameter value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

fn bad_param(name: &str, value: &str) -> ApiError {
    ApiError::bad(
        code::INVALID_PARAM,
        format!("Ogiltig parameter: {name}={value}"),
    )
}

pub fn parse(query: &[(String, String)], spec: &ListSpec) -> ApiResult<ListParams> {
    let params: HashMap<String, String> = query
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let int = |k: &str| -> ApiResult<Option<usize>> {
        get(k)
            .map(|v| v.trim().parse::<usize>().map_err(|_| bad_param(k, v)))
            .transpose()
    };
    let page = int("page")?.unwrap_or(1);
    if page == 0 {
        return Err(bad_param("page", "0"));
    }
    let limit = int("limit")?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad(
            code::INVALID_PARAM,
            format!("Ogiltig parameter: limit={limit} (tillåtet 1-{MAX_LIMIT})"),
        ));
    }
    let offset = int("offset")?.unwrap_or(0);
    let filter = match get("filter") {
        Some(f) if spec.filters.contains(&f.to_ascii_lowercase().as_str()) => {
            Some(f.to_ascii_lowercase())
        }
        Some(f) => return Err(bad_param("filter", f)),
        None => None,
    };
    let sort_field = match get("sortby") {
        Some(s) => match spec
            .sorts
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
        {
            Some((_, field)) => Some(*field),
            None => return Err(bad_param("sortby", s)),
        },
        None => None,
    };
    let descending = match get("sortorder").map(str::to_ascii_lowercase).as_deref() {
        None | Some("ascending") => false,
        Some("descending") => true,
        Some(other) => return Err(bad_param("sortorder", other)),
    };
    if !spec.lastmodified
        && let Some(v) = params.get("lastmodified")
    {
        return Err(bad_param("lastmodified", v));
    }
    let lastmodified = match get("lastmodified") {
        Some(v) => Some(parse_lastmodified(v).ok_or_else(|| bad_param("lastmodified", v))?),
        None => None,
    };
    Ok(ListParams {
        page,
        limit,
        offset,
        filter,
        sort_field,
        descending,
        lastmodified,
        params,
    })
}

/// Text of a field for searching: strings as-is, numbers and booleans printed, null empty.
pub fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

pub fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Numeric comparison when both sides are numbers (or numeric strings), else case-insensitive
/// text; null first.
pub fn cmp_values(a: &Value, b: &Value) -> Ordering {
    let (ta, tb) = (text(Some(a)), text(Some(b)));
    match (parse_dec(&ta), parse_dec(&tb)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => match (a.is_null(), b.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => ta.to_lowercase().cmp(&tb.to_lowercase()),
        },
    }
}

/// Applies lastmodified, filter, search, sorting and paging.
/// `filter(name, record)` implements the resource's filters; `extra(record)` its special search
/// parameters (date ranges, booleans, row fields).
pub fn select<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    p: &ListParams,
    spec: &ListSpec,
    filter: impl Fn(&str, &Obj) -> bool,
    extra: impl Fn(&Obj) -> bool,
) -> (Vec<&'a Record>, Meta) {
    let mut hits: Vec<&Record> = records
        .into_iter()
        .filter(|r| p.lastmodified.is_none_or(|lm| r.modified >= lm))
        .filter(|r| p.filter.as_deref().is_none_or(|f| filter(f, &r.data)))
        .filter(|r| {
            spec.search.iter().all(|(param, field)| match p.get(param) {
                Some(needle) => contains_ci(&text(r.data.get(*field)), needle),
                None => true,
            })
        })
        .filter(|r| extra(&r.data))
        .collect();
    let field = p.sort_field.unwrap_or(spec.default_sort);
    hits.sort_by(|a, b| {
        cmp_values(
            a.data.get(field).unwrap_or(&Value::Null),
            b.data.get(field).unwrap_or(&Value::Null),
        )
    });
    if p.descending {
        hits.reverse();
    }
    let total = hits.len();
    let start = (p.page - 1)
        .saturating_mul(p.limit)
        .saturating_add(p.offset);
    let page: Vec<&Record> = hits.into_iter().skip(start).take(p.limit).collect();
    let meta = Meta {
        total_resources: total,
        total_pages: total.div_ceil(p.limit).max(1),
        current_page: p.page,
    };
    (page, meta)
}

/// Boolean search parameter (`sent=true`): matches when the field equals it.
pub fn bool_param_matches(p: &ListParams, param: &str, o: &Obj, field: &str) -> bool {
    match p.get(param).map(str::to_ascii_lowercase).as_deref() {
        Some("true") => crate::envelope::bool_of(o, field),
        Some("false") => !crate::envelope::bool_of(o, field),
        _ => true,
    }
}
