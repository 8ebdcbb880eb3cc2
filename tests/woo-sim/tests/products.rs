//! Products, variations and batches of the simulated WooCommerce REST API.

mod common;

use common::setup;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

fn simple(i: usize) -> Value {
    json!({"name": format!("Product {i}"), "sku": format!("SKU-{i:04}"), "regular_price": "10.00"})
}

fn tee() -> Value {
    json!({
        "name": "Tee", "type": "variable", "sku": "TEE",
        "variations": [
            {"sku": "TEE-S", "regular_price": "199.00", "attributes": [{"id": 1, "name": "Size", "option": "S"}],
             "manage_stock": true, "stock_quantity": 4},
            {"sku": "TEE-M", "regular_price": "209.00", "attributes": [{"id": 1, "name": "Size", "option": "M"}]},
        ]
    })
}

#[tokio::test]
async fn lists_pages_with_wordpress_paging_headers() {
    let env = setup().await;
    env.sim
        .seed_products((0..25).map(simple).collect())
        .expect("seed");
    let r = env
        .get(
            "/products",
            &[
                ("per_page", "10"),
                ("page", "3"),
                ("orderby", "id"),
                ("order", "asc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("x-wp-total"), Some("25"));
    assert_eq!(r.header("x-wp-totalpages"), Some("3"));
    assert_eq!(r.body.as_array().unwrap().len(), 5);
    assert_eq!(r.body[0]["sku"], "SKU-0020");
    assert!(r.header("link").unwrap().contains("rel=\"prev\""));
    let past = env
        .get("/products", &[("per_page", "10"), ("page", "4")])
        .await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.body, json!([]));
}

#[tokio::test]
async fn per_page_above_100_is_an_invalid_param() {
    let env = setup().await;
    let r = env.get("/products", &[("per_page", "101")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "rest_invalid_param");
    assert!(r.body["data"]["params"]["per_page"].is_string());
}

#[tokio::test]
async fn the_product_shape_follows_the_reference_resource() {
    let env = setup().await;
    let ids = env
        .sim
        .seed_products(vec![json!({"name": "Premium Quality", "sku": "PQ", "regular_price": "21.99", "sale_price": "19.99"})])
        .unwrap();
    let r = env.get(&format!("/products/{}", ids[0]), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    for key in [
        "id",
        "name",
        "slug",
        "permalink",
        "date_created",
        "date_created_gmt",
        "date_modified",
        "date_modified_gmt",
        "type",
        "status",
        "sku",
        "price",
        "regular_price",
        "sale_price",
        "manage_stock",
        "stock_quantity",
        "stock_status",
        "parent_id",
        "variations",
        "meta_data",
        "_links",
    ] {
        assert!(r.body.get(key).is_some(), "missing {key}");
    }
    assert_eq!(r.body["price"], "19.99");
    assert_eq!(r.body["on_sale"], true);
    assert_eq!(r.body["type"], "simple");
    assert_eq!(r.body["slug"], "premium-quality");
    // Site time is UTC+1 by default, the _gmt form is UTC.
    let local = r.body["date_modified"].as_str().unwrap();
    let gmt = r.body["date_modified_gmt"].as_str().unwrap();
    assert_ne!(local, gmt);
    assert_eq!(gmt.len(), 19);
    let missing = env.get("/products/999999", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "woocommerce_rest_product_invalid_id");
}

#[tokio::test]
async fn sku_filter_takes_a_list_matches_case_insensitively_and_includes_variations() {
    let env = setup().await;
    env.sim
        .seed_products(vec![simple(1), simple(2), simple(3), tee()])
        .unwrap();
    let r = env
        .get(
            "/products",
            &[("sku", "sku-0001,TEE-M,NOPE"), ("per_page", "100")],
        )
        .await;
    let skus: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus.len(), 2, "{skus:?}");
    assert!(skus.contains(&"SKU-0001"));
    assert!(skus.contains(&"TEE-M"));
    let variation = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == "TEE-M")
        .unwrap();
    assert_eq!(variation["type"], "variation");
    assert!(variation["parent_id"].as_u64().unwrap() > 0);
    assert_eq!(variation["name"], "Tee - M");
    // Without sku the list holds products only.
    let all = env.get("/products", &[("per_page", "100")]).await;
    assert_eq!(all.header("x-wp-total"), Some("4"));
}

#[tokio::test]
async fn modified_after_is_exclusive_and_reads_site_time_unless_dates_are_gmt() {
    let env = setup().await;
    env.sim
        .seed_products(vec![
            json!({"name": "Old", "sku": "OLD", "date_modified_gmt": "2026-03-01T09:00:00"}),
            json!({"name": "Edge", "sku": "EDGE", "date_modified_gmt": "2026-03-01T10:00:00"}),
            json!({"name": "New", "sku": "NEW", "date_modified_gmt": "2026-03-01T11:00:00"}),
        ])
        .unwrap();
    let names = |r: &common::Reply| -> Vec<String> {
        r.body
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let gmt = env
        .get(
            "/products",
            &[
                ("modified_after", "2026-03-01T10:00:00"),
                ("dates_are_gmt", "true"),
                ("orderby", "modified"),
                ("order", "asc"),
            ],
        )
        .await;
    assert_eq!(names(&gmt), ["New"]);
    // 10:00 site time (UTC+1) is 09:00 UTC.
    let local = env
        .get(
            "/products",
            &[
                ("modified_after", "2026-03-01T10:00:00"),
                ("orderby", "modified"),
                ("order", "asc"),
            ],
        )
        .await;
    assert_eq!(names(&local), ["Edge", "New"]);
    let bad = env
        .get("/products", &[("modified_after", "last week")])
        .await;
    assert_eq!(bad.code(), "rest_invalid_param");
}

#[tokio::test]
async fn orderby_modified_asc_puts_the_latest_change_last() {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-03-01 10:00 UTC));
    let ids = env
        .sim
        .seed_products(vec![simple(1), simple(2), simple(3)])
        .unwrap();
    env.sim.advance(time::Duration::minutes(5));
    let r = env
        .put(
            &format!("/products/{}", ids[0]),
            &json!({"regular_price": "12.00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["date_modified_gmt"], "2026-03-01T10:05:00");
    let list = env
        .get("/products", &[("orderby", "modified"), ("order", "asc")])
        .await;
    assert_eq!(list.ids(), vec![ids[1], ids[2], ids[0]]);
}

#[tokio::test]
async fn status_and_type_filters() {
    let env = setup().await;
    env.sim
        .seed_products(vec![
            json!({"name": "A", "status": "publish"}),
            json!({"name": "B", "status": "draft"}),
            json!({"name": "C", "status": "private"}),
            tee(),
        ])
        .unwrap();
    assert_eq!(
        env.get("/products", &[("status", "draft")])
            .await
            .header("x-wp-total"),
        Some("1")
    );
    assert_eq!(
        env.get("/products", &[]).await.header("x-wp-total"),
        Some("4")
    );
    assert_eq!(
        env.get("/products", &[("type", "variable")])
            .await
            .header("x-wp-total"),
        Some("1")
    );
    assert_eq!(
        env.get("/products", &[("status", "bogus")]).await.code(),
        "rest_invalid_param"
    );
}

#[tokio::test]
async fn writes_follow_the_schema_and_stock_needs_manage_stock() {
    let env = setup().await;
    let ids = env.sim.seed_products(vec![simple(1), simple(2)]).unwrap();
    let path = format!("/products/{}", ids[0]);
    let number = env.put(&path, &json!({"regular_price": 12.5})).await;
    assert_eq!(number.status, StatusCode::BAD_REQUEST);
    assert_eq!(number.code(), "rest_invalid_param");
    let ignored = env.put(&path, &json!({"stock_quantity": 7})).await;
    assert_eq!(ignored.body["stock_quantity"], Value::Null);
    let managed = env
        .put(&path, &json!({"manage_stock": true, "stock_quantity": 7}))
        .await;
    assert_eq!(managed.body["stock_quantity"], 7);
    assert_eq!(managed.body["stock_status"], "instock");
    let zero = env.put(&path, &json!({"stock_quantity": "0"})).await;
    assert_eq!(zero.body["stock_status"], "outofstock");
    let dup = env.put(&path, &json!({"sku": "sku-0002"})).await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.code(), "product_invalid_sku");
    let missing = env
        .put("/products/424242", &json!({"regular_price": "1.00"}))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.code(), "woocommerce_rest_product_invalid_id");
}

#[tokio::test]
async fn create_answers_201_with_the_new_product() {
    let env = setup().await;
    let r = env
        .post(
            "/products",
            &json!({"name": "New mug", "sku": "MUG", "regular_price": "99.00", "status": "draft"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["type"], "simple");
    let again = env
        .post("/products", &json!({"name": "Other", "sku": "mug"}))
        .await;
    assert_eq!(again.code(), "product_invalid_sku");
}

#[tokio::test]
async fn batch_creates_and_updates_and_reports_failed_items_in_place() {
    let env = setup().await;
    let ids = env.sim.seed_products(vec![simple(1)]).unwrap();
    let r = env
        .post(
            "/products/batch",
            &json!({
                "create": [{"name": "Fresh", "sku": "FRESH", "regular_price": "5.00"}],
                "update": [{"id": ids[0], "regular_price": "11.00"}, {"id": 999999, "regular_price": "1.00"}],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["create"][0]["sku"], "FRESH");
    assert_eq!(r.body["update"][0]["regular_price"], "11.00");
    assert_eq!(r.body["update"][1]["id"], 999999);
    assert_eq!(
        r.body["update"][1]["error"]["code"],
        "woocommerce_rest_product_invalid_id"
    );
    assert_eq!(env.sim.product(ids[0]).unwrap()["regular_price"], "11.00");
}

#[tokio::test]
async fn batch_of_more_than_100_is_refused_with_413() {
    let env = setup().await;
    let items: Vec<Value> = (0..101).map(simple).collect();
    let r = env.post("/products/batch", &json!({"create": items})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "woocommerce_rest_request_entity_too_large");
    assert!(env.sim.products().is_empty());
}

#[tokio::test]
async fn product_endpoints_refuse_variation_ids_but_read_them() {
    let env = setup().await;
    let ids = env.sim.seed_products(vec![tee()]).unwrap();
    let variation = env.sim.variations(ids[0])[0]["id"].as_u64().unwrap();
    let put = env
        .put(
            &format!("/products/{variation}"),
            &json!({"regular_price": "1.00"}),
        )
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    assert_eq!(put.code(), "woocommerce_rest_invalid_product_id");
    let batch = env
        .post(
            "/products/batch",
            &json!({"update": [{"id": variation, "regular_price": "1.00"}]}),
        )
        .await;
    assert_eq!(
        batch.body["update"][0]["error"]["code"],
        "woocommerce_rest_invalid_product_id"
    );
    let get = env.get(&format!("/products/{variation}"), &[]).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.body["type"], "variation");
    assert_eq!(get.body["parent_id"], ids[0]);
}

#[tokio::test]
async fn variations_have_their_own_sku_price_and_stock_and_touch_the_parent() {
    let env = setup().await;
    env.sim.set_now(datetime!(2026-03-01 10:00 UTC));
    let ids = env.sim.seed_products(vec![tee()]).unwrap();
    let parent = ids[0];
    let list = env
        .get(
            &format!("/products/{parent}/variations"),
            &[("orderby", "id"), ("order", "asc")],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("x-wp-total"), Some("2"));
    let s = &list.body[0];
    assert_eq!(
        (
            s["sku"].as_str(),
            s["regular_price"].as_str(),
            s["stock_quantity"].as_i64()
        ),
        (Some("TEE-S"), Some("199.00"), Some(4))
    );
    assert_eq!(s["parent_id"], parent);
    let parent_json = env.get(&format!("/products/{parent}"), &[]).await;
    assert_eq!(parent_json.body["price"], "199.00");
    assert_eq!(parent_json.body["variations"].as_array().unwrap().len(), 2);

    env.sim.advance(time::Duration::minutes(10));
    let vid = s["id"].as_u64().unwrap();
    let put = env
        .put(
            &format!("/products/{parent}/variations/{vid}"),
            &json!({"regular_price": "189.00"}),
        )
        .await;
    assert_eq!(put.body["regular_price"], "189.00");
    assert_eq!(put.body["date_modified_gmt"], "2026-03-01T10:10:00");
    assert_eq!(
        env.sim.product(parent).unwrap()["date_modified_gmt"],
        "2026-03-01T10:10:00"
    );

    let other = env.sim.seed_products(vec![simple(9)]).unwrap()[0];
    let wrong_parent = env
        .put(
            &format!("/products/{other}/variations/{vid}"),
            &json!({"regular_price": "1.00"}),
        )
        .await;
    assert_eq!(
        wrong_parent.code(),
        "woocommerce_rest_product_variation_invalid_id"
    );
}

#[tokio::test]
async fn variation_batch_updates_many_and_creates() {
    let env = setup().await;
    let parent = env.sim.seed_products(vec![tee()]).unwrap()[0];
    let vids: Vec<u64> = env
        .sim
        .variations(parent)
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    let r = env
        .post(
            &format!("/products/{parent}/variations/batch"),
            &json!({
                "create": [{"sku": "TEE-L", "regular_price": "219.00", "attributes": [{"id": 1, "name": "Size", "option": "L"}]}],
                "update": [{"id": vids[0], "manage_stock": true, "stock_quantity": 9}, {"id": vids[1], "regular_price": "1.00"}],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["create"][0]["name"], "Tee - L");
    assert_eq!(r.body["update"][0]["stock_quantity"], 9);
    assert_eq!(r.body["update"][1]["regular_price"], "1.00");
    assert_eq!(env.sim.variations(parent).len(), 3);
}
