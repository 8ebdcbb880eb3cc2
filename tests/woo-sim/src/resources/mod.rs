//! The WooCommerce REST v3 resources: models, writes and HTTP handlers.

pub(crate) mod batch;
pub(crate) mod customer_routes;
pub(crate) mod customers;
pub(crate) mod fields;
pub(crate) mod order_routes;
pub(crate) mod orders;
pub(crate) mod product_list;
pub(crate) mod product_routes;
pub(crate) mod product_write;
pub(crate) mod products;

use axum::Router;
use axum::routing::{get, post};

use crate::state::SimState;

/// Routes under `/wp-json/wc/v3`. `batch` also answers PUT and PATCH, like WordPress's
/// `EDITABLE` methods; single-object updates take PUT, PATCH and POST.
pub(crate) fn router() -> Router<SimState> {
    use customer_routes as c;
    use order_routes as o;
    use product_routes as p;
    Router::new()
        .route("/products", get(p::list).post(p::create))
        .route(
            "/products/batch",
            post(p::batch_products)
                .put(p::batch_products)
                .patch(p::batch_products),
        )
        .route(
            "/products/{id}",
            get(p::get_one)
                .put(p::update)
                .patch(p::update)
                .post(p::update),
        )
        .route(
            "/products/{id}/variations",
            get(p::list_variations).post(p::create_variation),
        )
        .route(
            "/products/{id}/variations/batch",
            post(p::batch_variations)
                .put(p::batch_variations)
                .patch(p::batch_variations),
        )
        .route(
            "/products/{id}/variations/{vid}",
            get(p::get_variation)
                .put(p::update_variation)
                .patch(p::update_variation)
                .post(p::update_variation),
        )
        .route("/customers", get(c::list).post(c::create))
        .route(
            "/customers/{id}",
            get(c::get_one)
                .put(c::update)
                .patch(c::update)
                .post(c::update),
        )
        .route(
            "/orders/{id}",
            get(o::get_one)
                .put(o::update)
                .patch(o::update)
                .post(o::update),
        )
        .route(
            "/orders/{id}/notes",
            get(o::list_notes).post(o::create_note),
        )
        .route("/orders/{id}/refunds", get(o::list_refunds))
        .route("/orders/{id}/refunds/{rid}", get(o::get_refund))
}
