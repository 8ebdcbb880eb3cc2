//! REST resources under `/3/` and `/api/warehouse/`. Every route here sits behind
//! `bearer::guard` (token, rate limit, scope).

pub mod articles;
pub mod company;
pub mod customers;
pub mod documents;
pub mod invoices;
pub mod misc;
pub mod orders;
pub mod payments;
pub mod prices;
pub mod warehouse;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::envelope::{Obj, url};
use crate::errors::ApiError;
use crate::events::EventBus;
use crate::state::{SimState, World};
use crate::validate::Fields;

pub(crate) fn router() -> Router<SimState> {
    Router::new()
        .route(
            "/3/customers",
            get(customers::list).post(customers::create_handler),
        )
        .route(
            "/3/customers/{number}",
            get(customers::get_one)
                .put(customers::update_handler)
                .delete(customers::delete_handler),
        )
        .route(
            "/3/articles",
            get(articles::list).post(articles::create_handler),
        )
        .route(
            "/3/articles/{number}",
            get(articles::get_one)
                .put(articles::update_handler)
                .delete(articles::delete_handler),
        )
        .route(
            "/3/pricelists",
            get(prices::list_pricelists).post(prices::create_pricelist_handler),
        )
        .route(
            "/3/pricelists/{code}",
            get(prices::get_pricelist).put(prices::update_pricelist),
        )
        .route(
            "/3/prices",
            get(prices::list_prices).post(prices::create_price_handler),
        )
        .route("/3/prices/sublist/{list}", get(prices::sublist_of_list))
        .route("/3/prices/sublist/{list}/{article}", get(prices::sublist))
        .route(
            "/3/prices/{list}/{article}",
            get(prices::get_first).put(prices::put_first),
        )
        .route(
            "/3/prices/{list}/{article}/{from}",
            get(prices::get_tier)
                .put(prices::put_tier)
                .delete(prices::delete_tier),
        )
        .route("/3/orders", get(orders::list).post(orders::create_handler))
        .route(
            "/3/orders/{number}",
            get(orders::get_one).put(orders::update_handler),
        )
        .route(
            "/3/orders/{number}/{action}",
            get(orders::get_action).put(orders::put_action),
        )
        .route(
            "/3/invoices",
            get(invoices::list).post(invoices::create_handler),
        )
        .route(
            "/3/invoices/{number}",
            get(invoices::get_one).put(invoices::update_handler),
        )
        .route(
            "/3/invoices/{number}/{action}",
            get(invoices::get_action).put(invoices::put_action),
        )
        .route(
            "/3/invoicepayments",
            get(payments::list).post(payments::create_handler),
        )
        .route(
            "/3/invoicepayments/{number}",
            get(payments::get_one)
                .put(payments::update_handler)
                .delete(payments::delete_handler),
        )
        .route(
            "/3/invoicepayments/{number}/bookkeep",
            axum::routing::put(payments::bookkeep),
        )
        .route("/3/companyinformation", get(company::information))
        .route("/3/settings/company", get(company::settings))
        .route("/3/accounts", get(misc::list_accounts))
        .route("/3/accounts/{number}", get(misc::get_account))
        .route("/3/currencies", get(misc::list_currencies))
        .route("/3/currencies/{code}", get(misc::get_currency))
        .route("/3/financialyears", get(misc::list_financial_years))
        .route("/3/financialyears/{id}", get(misc::get_financial_year))
        .route("/3/{*rest}", axum::routing::any(no_such_route))
        .route(
            "/api/warehouse/status-v1/stockbalance",
            get(warehouse::stockbalance),
        )
        .route("/api/warehouse/{*rest}", axum::routing::any(no_such_route))
}

async fn no_such_route() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, 2000762, "No such route").into_response()
}

/// Time facts a handler needs, read once under the lock, and the event log its changes feed.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub now: OffsetDateTime,
    pub today: Date,
    pub base: String,
    pub events: Arc<EventBus>,
}

impl Ctx {
    pub fn new(st: &SimState, w: &World) -> Self {
        Ctx {
            now: w.clock.now(),
            today: w.clock.today(),
            base: st.base_url(),
            events: st.0.events.clone(),
        }
    }

    /// Appends an event of `tenant` to the `invoices` topic (see `crate::events`).
    pub fn invoice_event(&self, tenant: u64, event_type: &str, entity_id: u64) {
        self.events.emit(
            "invoices",
            event_type,
            tenant,
            &entity_id.to_string(),
            self.now,
        );
    }
}

/// The record as the API returns it: stored data plus `@url`.
pub(crate) fn with_url(base: &str, segment: &str, id_key: &str, data: &Obj) -> Value {
    let mut o = data.clone();
    let id = crate::lists::text(data.get(id_key));
    o.insert("@url".into(), url(base, segment, &id));
    Value::Object(o)
}

/// Every field of the table (except `@url`) with the stored value or null.
pub(crate) fn full(fields: Fields, data: Obj) -> Obj {
    let mut out = Obj::new();
    for (name, _) in fields {
        if name.starts_with('@') {
            continue;
        }
        out.insert(
            (*name).to_string(),
            data.get(*name).cloned().unwrap_or(Value::Null),
        );
    }
    // Keep fields not in the table (e.g. document rows) as they are.
    for (k, v) in data {
        out.entry(k).or_insert(v);
    }
    out
}

/// List item: `@url` plus `keys` of the record.
pub(crate) fn list_item(
    base: &str,
    segment: &str,
    id_key: &str,
    data: &Obj,
    keys: &[&str],
) -> Value {
    let mut o = crate::envelope::pick(data, keys);
    o.insert(
        "@url".into(),
        url(base, segment, &crate::lists::text(data.get(id_key))),
    );
    Value::Object(o)
}
