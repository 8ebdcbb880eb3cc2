//! `fortsync map` as a user runs it: the built binary, files and stdin, exit codes.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fortsync"))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = bin()
        .arg("map")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fortsync runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("fortsync finishes")
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

fn temp_file(name: &str, body: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("fortsync-map-{}-{name}", std::process::id()));
    std::fs::write(&p, body).expect("write temp file");
    p
}

const GENERIC: &str = "tests/fixtures/generic/order-1001-anna.json";

#[test]
fn generic_order_file_prints_the_invoice_envelope_and_totals() {
    let order = repo(GENERIC);
    let out = run(&["--platform", "generic", order.to_str().unwrap()], None);
    let v = ok_json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["difference", "document", "document_total", "shop_total"]
    );
    assert_eq!(v["shop_total"], "447.00");
    assert_eq!(v["document_total"], "447.00");
    assert_eq!(v["difference"], "0.00");
    let inv = &v["document"]["Invoice"];
    assert_eq!(inv["CustomerNumber"], "NEW");
    assert_eq!(inv["InvoiceDate"], "2026-11-20");
    assert_eq!(inv["Country"], "Sverige");
    assert_eq!(inv["VATIncluded"], true);
    assert_eq!(inv["YourOrderNumber"], "#1001");
    assert_eq!(inv["ExternalInvoiceReference1"], "fortsync:preview:1001");
    let rows = inv["InvoiceRows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["AccountNumber"], 3001);
    assert_eq!(rows[0]["Description"], "T-shirt röd L (TS-RED-L)");
    assert_eq!(rows[1]["AccountNumber"], 3520);
    assert_eq!(rows[1]["VAT"], 25);
}

#[test]
fn reads_stdin_and_is_deterministic() {
    let body = std::fs::read_to_string(repo(GENERIC)).unwrap();
    let a = run(&["--platform", "generic"], Some(&body));
    let b = run(&["--platform", "generic"], Some(&body));
    let v = ok_json(&a);
    assert_eq!(v["document_total"], "447.00");
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn settings_file_changes_the_document() {
    let settings = temp_file(
        "settings.json",
        r#"{"document": "order", "shipping": {"mode": "freight_field"}, "our_reference": "Eva"}"#,
    );
    let order = repo(GENERIC);
    let out = run(
        &[
            "--platform",
            "generic",
            "--settings",
            settings.to_str().unwrap(),
            "--tenant",
            "acme",
            "--known-articles",
            "TS-RED-L,OTHER",
            order.to_str().unwrap(),
        ],
        None,
    );
    let _ = std::fs::remove_file(&settings);
    let v = ok_json(&out);
    assert!(v["document"].get("Invoice").is_none());
    let o = &v["document"]["Order"];
    assert_eq!(o["Freight"], 49);
    assert_eq!(o["OurReference"], "Eva");
    assert_eq!(o["ExternalInvoiceReference1"], "fortsync:acme:1001");
    let rows = o["OrderRows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ArticleNumber"], "TS-RED-L");
    assert_eq!(rows[0]["OrderedQuantity"], 2);
    assert_eq!(rows[0]["DeliveredQuantity"], 2);
    assert_eq!(v["document_total"], "447.00");
}

#[test]
fn a_difference_is_reported_and_explained_on_stderr() {
    let body = std::fs::read_to_string(repo(GENERIC))
        .unwrap()
        .replace("\"447.00\"", "\"450.00\"");
    let out = run(&["--platform", "generic"], Some(&body));
    let v = ok_json(&out);
    assert_eq!(v["shop_total"], "450.00");
    assert_eq!(v["document_total"], "447.00");
    assert_eq!(v["difference"], "-3.00");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning:") && err.contains("more than 1 kr"),
        "{err}"
    );
}

#[test]
fn bad_json_is_a_clear_error() {
    let out = run(&["--platform", "generic"], Some("{not json"));
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a valid generic order"), "{err}");
}

#[test]
fn a_missing_field_names_the_field() {
    let body = std::fs::read_to_string(repo(GENERIC))
        .unwrap()
        .replace("\"currency\": \"SEK\",", "");
    let out = run(&["--platform", "generic"], Some(&body));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("currency"));
}

#[test]
fn bad_settings_are_a_clear_error() {
    let settings = temp_file("bad-settings.json", r#"{"shipping_account": 35}"#);
    let order = repo(GENERIC);
    let out = run(
        &[
            "--platform",
            "generic",
            "--settings",
            settings.to_str().unwrap(),
            order.to_str().unwrap(),
        ],
        None,
    );
    let _ = std::fs::remove_file(&settings);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shipping_account"), "{err}");
}

#[test]
fn unknown_platform_is_refused() {
    let out = run(&["--platform", "magento"], Some("{}"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("magento"), "{err}");
}

#[test]
fn a_missing_order_file_is_an_error() {
    let out = run(&["--platform", "generic", "/nonexistent/order.json"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

const SHOPIFY: &str = r##"{
  "id": 820982911946154508, "name": "#1001", "email": "anna@example.se",
  "created_at": "2026-11-20T09:14:00+01:00", "currency": "SEK", "taxes_included": true,
  "total_price": "447.00",
  "billing_address": {"first_name": "Anna", "last_name": "Svensson", "address1": "Storgatan 1",
                      "zip": "111 22", "city": "Stockholm", "country_code": "SE", "country": "Sweden"},
  "line_items": [{"id": 1, "sku": "TS-RED-L", "name": "T-shirt röd L", "title": "T-shirt röd L",
                  "quantity": 2, "price": "199.00",
                  "tax_lines": [{"rate": 0.25, "price": "79.60", "title": "Moms"}]}],
  "shipping_lines": [{"title": "PostNord", "price": "49.00",
                      "tax_lines": [{"rate": 0.25, "price": "9.80", "title": "Moms"}]}]
}"##;

#[test]
fn shopify_order() {
    let v = ok_json(&run(&["--platform", "shopify"], Some(SHOPIFY)));
    assert_eq!(v["shop_total"], "447.00");
    assert_eq!(v["difference"], "0.00");
    let inv = &v["document"]["Invoice"];
    assert_eq!(inv["YourOrderNumber"], "#1001");
    assert_eq!(
        inv["ExternalInvoiceReference1"],
        "fortsync:preview:820982911946154508"
    );
    assert_eq!(inv["InvoiceRows"][0]["AccountNumber"], 3001);
    assert_eq!(inv["InvoiceRows"][1]["AccountNumber"], 3520);
}

const WOOCOMMERCE: &str = r##"{
  "id": 727, "number": "727", "status": "processing", "currency": "SEK",
  "date_created": "2026-11-20T09:14:00", "prices_include_tax": false, "total": "447.00",
  "billing": {"first_name": "Anna", "last_name": "Svensson", "address_1": "Storgatan 1",
              "city": "Stockholm", "postcode": "111 22", "country": "SE", "email": "anna@example.se"},
  "line_items": [{"id": 1, "name": "T-shirt röd L", "sku": "TS-RED-L", "quantity": 2,
                  "subtotal": "318.40", "subtotal_tax": "79.60", "total": "318.40", "total_tax": "79.60",
                  "taxes": [{"id": 1, "total": "79.60", "subtotal": "79.60"}]}],
  "shipping_lines": [{"id": 2, "method_title": "PostNord", "total": "39.20", "total_tax": "9.80",
                      "taxes": [{"id": 1, "total": "9.80"}]}],
  "tax_lines": [{"id": 3, "rate_id": 1, "rate_percent": 25, "label": "Moms"}]
}"##;

#[test]
fn woocommerce_order() {
    let v = ok_json(&run(&["--platform", "woocommerce"], Some(WOOCOMMERCE)));
    assert_eq!(v["shop_total"], "447.00");
    assert_eq!(v["document_total"], "447.00");
    assert_eq!(v["difference"], "0.00");
    let inv = &v["document"]["Invoice"];
    assert_eq!(inv["VATIncluded"], false);
    assert_eq!(inv["InvoiceRows"][0]["AccountNumber"], 3001);
    assert_eq!(inv["InvoiceRows"][0]["VAT"], 25);
}
