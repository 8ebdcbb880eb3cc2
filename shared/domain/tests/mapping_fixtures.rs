//! Every fixture in `tests/fixtures/mapping/` (format in its README.md) is mapped and checked:
//! its own expectations (rows, accounts, VAT, totals, warnings, errors) and the invariants that
//! hold for every order (document total = shop total + difference, to the öre; an independent
//! recomputation of Fortnox's total agrees with the engine's; VAT-free regions carry no VAT;
//! texts within Fortnox's whitelist and limits).

use fortsync_domain::TenantId;
use fortsync_domain::charset::is_allowed_text;
use fortsync_domain::document::Rounding;
use fortsync_domain::generic;
use fortsync_domain::mapping::{KnownArticles, MapContext, Mapped, Region, RowKind, map_order};
use fortsync_domain::order::Order;
use fortsync_domain::settings::{RoundingPolicy, TenantSettings};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mapping")
}

/// JSON merge patch where arrays of objects merge element by element (by index).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if !v.is_null() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p)) if p.iter().all(Value::is_object) => {
            for (i, v) in p.iter().enumerate() {
                match t.get_mut(i) {
                    Some(existing) => merge(existing, v),
                    None => t.push(v.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

pub struct Case {
    pub name: String,
    pub order: Order,
    pub settings: TenantSettings,
    pub known: HashSet<String>,
    pub customer_number: Option<String>,
    pub rounding: Rounding,
    pub expect: Value,
}

fn load(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let body = serde_json::to_vec(&v["order"]).map_err(|e| e.to_string())?;
    let mut order = generic::parse(&body).map_err(|e| format!("order: {e}"))?;
    if let Some(patch) = v.get("canonical") {
        let mut o = serde_json::to_value(&order).map_err(|e| e.to_string())?;
        merge(&mut o, patch);
        order = serde_json::from_value(o).map_err(|e| format!("canonical patch: {e}"))?;
    }
    let settings = match v.get("settings") {
        Some(s) => serde_json::from_value(s.clone()).map_err(|e| format!("settings: {e}"))?,
        None => TenantSettings::default(),
    };
    let ctx = v.get("context").cloned().unwrap_or(Value::Null);
    let known = ctx["known_articles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let rounding = match ctx["rounding"].as_str() {
        Some("whole_krona") => Rounding::WholeKrona,
        _ => Rounding::None,
    };
    Ok(Case {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        order,
        settings,
        known,
        customer_number: ctx["customer_number"].as_str().map(str::to_owned),
        rounding,
        expect: v["expect"].clone(),
    })
}

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => Decimal::from_str(s).ok(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn ore(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Fortnox's total recomputed from the rows, independently of the engine (the simulator's
/// documented rules: `tests/fortnox-sim/src/compute.rs`).
fn oracle_total(m: &Mapped, rounding: Rounding) -> (Decimal, Decimal) {
    let d = &m.document;
    let mut groups: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for r in &d.rows {
        *groups.entry(r.vat.normalize()).or_default() += ore(r.quantity * r.price) - r.discount;
    }
    *groups.entry(Decimal::from(25)).or_default() +=
        d.freight.unwrap_or_default() + d.administration_fee.unwrap_or_default();
    let mut vat = Decimal::ZERO;
    let mut sum = Decimal::ZERO;
    for (rate, amount) in groups {
        let hundred = Decimal::ONE_HUNDRED;
        vat += if d.vat_included {
            ore(amount * rate / (hundred + rate))
        } else {
            ore(amount * rate / hundred)
        };
        sum += amount;
    }
    let gross = if d.vat_included { sum } else { sum + vat };
    let total = match rounding {
        Rounding::None => gross,
        Rounding::WholeKrona => {
            gross.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        }
    };
    (total, vat)
}

fn kind_name(k: RowKind) -> &'static str {
    match k {
        RowKind::Article => "article",
        RowKind::FreeText => "free_text",
        RowKind::Shipping => "shipping",
        RowKind::Fee => "fee",
        RowKind::GiftCard => "gift_card",
        RowKind::Rounding => "rounding",
    }
}

fn region_name(r: Region) -> &'static str {
    match r {
        Region::Se => "se",
        Region::EuConsumer => "eu_consumer",
        Region::EuReverseCharge => "eu_reverse_charge",
        Region::Export => "export",
    }
}

fn check_amount(errs: &mut Vec<String>, what: &str, want: &Value, got: Decimal) {
    match dec(want) {
        Some(w) if w == got => {}
        Some(w) => errs.push(format!("{what}: expected {w}, got {got}")),
        None => errs.push(format!("{what}: expectation {want} is not an amount")),
    }
}

fn check_invariants(c: &Case, m: &Mapped, errs: &mut Vec<String>) {
    if m.expected.total - m.shop_total != m.difference {
        errs.push("difference is not expected total − shop total".into());
    }
    let (total, vat) = oracle_total(m, c.rounding);
    if total != m.expected.total || vat != m.expected.vat {
        errs.push(format!(
            "independent recomputation gives total {total} VAT {vat}, engine {} / {}",
            m.expected.total, m.expected.vat
        ));
    }
    if m.shop_total != c.order.total {
        errs.push("shop_total is not the order's total".into());
    }
    let gap = m.expected.total - m.expected.round_off - m.shop_total;
    if c.settings.rounding == RoundingPolicy::Row
        && c.rounding == Rounding::None
        && m.lines_total == m.shop_total
        && !m.difference.is_zero()
    {
        errs.push(format!(
            "rounding: row and consistent shop data, yet a difference of {}",
            m.difference
        ));
    }
    if gap.abs() > Decimal::ONE && m.rounding_row.is_some() {
        errs.push("a rounding row beyond 1 kr".into());
    }
    if m.document.rows.len() > 500 {
        errs.push("more than 500 rows".into());
    }
    for (i, r) in m.document.rows.iter().enumerate() {
        if r.description.is_empty()
            || r.description.chars().count() > 255
            || !is_allowed_text(&r.description)
        {
            errs.push(format!(
                "row {i}: description {:?} breaks Fortnox's rules",
                r.description
            ));
        }
        if !(1000..=9999).contains(&r.account) {
            errs.push(format!("row {i}: account {}", r.account));
        }
        if matches!(m.region, Region::EuReverseCharge | Region::Export) && !r.vat.is_zero() {
            errs.push(format!("row {i}: VAT {} in a VAT-free region", r.vat));
        }
        if r.kind == RowKind::Rounding
            && (!r.vat.is_zero() || r.account != c.settings.rounding_account)
        {
            errs.push(format!(
                "row {i}: rounding row not VAT-free on the rounding account"
            ));
        }
    }
    let d = &m.document;
    for (what, t) in [
        ("your_reference", &d.your_reference),
        ("customer_name", &d.customer_name),
    ] {
        if !is_allowed_text(t) {
            errs.push(format!("{what} {t:?} has characters Fortnox refuses"));
        }
    }
    if d.your_reference.chars().count() > 50 || d.your_order_number.chars().count() > 30 {
        errs.push("a reference is too long".into());
    }
}

fn check_rows(want: &[Value], m: &Mapped, errs: &mut Vec<String>) {
    let rows = &m.document.rows;
    if want.len() != rows.len() {
        errs.push(format!(
            "expected {} rows, got {}: {:?}",
            want.len(),
            rows.len(),
            rows.iter()
                .map(|r| (kind_name(r.kind), r.description.as_str(), r.account))
                .collect::<Vec<_>>()
        ));
        return;
    }
    for (i, (w, r)) in want.iter().zip(rows).enumerate() {
        let Some(w) = w.as_object() else {
            errs.push(format!("row {i}: expectation is not an object"));
            continue;
        };
        for (k, v) in w {
            let at = format!("row {i} {k}");
            match k.as_str() {
                "kind" => {
                    if v.as_str() != Some(kind_name(r.kind)) {
                        errs.push(format!("{at}: expected {v}, got {}", kind_name(r.kind)));
                    }
                }
                "account" => {
                    if v.as_u64() != Some(u64::from(r.account)) {
                        errs.push(format!("{at}: expected {v}, got {}", r.account));
                    }
                }
                "article" => {
                    if v.as_str() != r.article_number.as_deref() {
                        errs.push(format!("{at}: expected {v}, got {:?}", r.article_number));
                    }
                }
                "description" => {
                    if v.as_str() != Some(r.description.as_str()) {
                        errs.push(format!("{at}: expected {v}, got {:?}", r.description));
                    }
                }
                "vat" => check_amount(errs, &at, v, r.vat),
                "quantity" => check_amount(errs, &at, v, r.quantity),
                "price" => check_amount(errs, &at, v, r.price),
                "discount" => check_amount(errs, &at, v, r.discount),
                "total" => check_amount(errs, &at, v, ore(r.quantity * r.price) - r.discount),
                other => errs.push(format!("row {i}: unknown expectation key {other}")),
            }
        }
    }
}

fn check(c: &Case) -> Vec<String> {
    let mut errs = Vec::new();
    let tenant = TenantId::parse("acme").unwrap();
    let ctx = MapContext {
        customer_number: c.customer_number.as_deref(),
        articles: KnownArticles::Set(&c.known),
        rounding: c.rounding,
    };
    let e = &c.expect;
    let result = map_order(&tenant, &c.order, &c.settings, &ctx);
    if let Some(want) = e.get("error") {
        match result {
            Ok(_) => errs.push(format!("expected an error containing {want}, mapped fine")),
            Err(err) => {
                let msg = err.to_string();
                if !want.as_str().is_some_and(|w| msg.contains(w)) {
                    errs.push(format!("error {msg:?} does not contain {want}"));
                }
            }
        }
        return errs;
    }
    let m = match result {
        Ok(m) => m,
        Err(err) => return vec![format!("mapping failed: {err}")],
    };
    check_invariants(c, &m, &mut errs);
    let obj = e.as_object().cloned().unwrap_or_default();
    for (k, v) in &obj {
        match k.as_str() {
            "kind" => {
                let got = serde_json::to_value(m.kind).unwrap_or(Value::Null);
                if &got != v {
                    errs.push(format!("kind: expected {v}, got {got}"));
                }
            }
            "region" => {
                if v.as_str() != Some(region_name(m.region)) {
                    errs.push(format!(
                        "region: expected {v}, got {}",
                        region_name(m.region)
                    ));
                }
            }
            "vat_type" => {
                if v.as_str() != Some(m.customer.vat_type.as_fortnox()) {
                    errs.push(format!(
                        "vat_type: expected {v}, got {}",
                        m.customer.vat_type.as_fortnox()
                    ));
                }
            }
            "shop_total" => check_amount(&mut errs, k, v, m.shop_total),
            "document_total" => check_amount(&mut errs, k, v, m.expected.total),
            "difference" => check_amount(&mut errs, k, v, m.difference),
            "vat" => check_amount(&mut errs, k, v, m.expected.vat),
            "round_off" => check_amount(&mut errs, k, v, m.expected.round_off),
            "lines_total" => check_amount(&mut errs, k, v, m.lines_total),
            "paid_with_gift_cards" => check_amount(&mut errs, k, v, m.paid_with_gift_cards),
            "rounding_row" => match (v, m.rounding_row) {
                (Value::Null, None) => {}
                (Value::Null, Some(r)) => {
                    errs.push(format!("rounding_row: expected none, got {r}"))
                }
                (_, Some(r)) => check_amount(&mut errs, k, v, r),
                (_, None) => errs.push(format!("rounding_row: expected {v}, got none")),
            },
            "freight" | "administration_fee" => {
                let got = if k == "freight" {
                    m.document.freight
                } else {
                    m.document.administration_fee
                };
                match (v, got) {
                    (Value::Null, None) => {}
                    (_, Some(g)) => check_amount(&mut errs, k, v, g),
                    (_, None) => errs.push(format!("{k}: expected {v}, got none")),
                }
            }
            "rows" => check_rows(
                v.as_array().map(Vec::as_slice).unwrap_or(&[]),
                &m,
                &mut errs,
            ),
            "accounts" => {
                let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
                for r in &m.document.rows {
                    *sums.entry(r.account.to_string()).or_default() +=
                        ore(r.quantity * r.price) - r.discount;
                }
                let want = v.as_object().cloned().unwrap_or_default();
                for (acc, amount) in &want {
                    check_amount(
                        &mut errs,
                        &format!("account {acc}"),
                        amount,
                        sums.get(acc).copied().unwrap_or_default(),
                    );
                }
                for acc in sums.keys() {
                    if !want.contains_key(acc) {
                        errs.push(format!("account {acc} has rows but is not expected"));
                    }
                }
            }
            "warnings" => {
                for w in v.as_array().cloned().unwrap_or_default() {
                    let w = w.as_str().unwrap_or_default();
                    if !m.warnings.iter().any(|g| g.contains(w)) {
                        errs.push(format!("no warning containing {w:?} in {:?}", m.warnings));
                    }
                }
            }
            "no_warnings" => {
                if v == &Value::Bool(true) && !m.warnings.is_empty() {
                    errs.push(format!("expected no warnings, got {:?}", m.warnings));
                }
            }
            "articles_to_create" => {
                let got: Vec<&str> = m
                    .articles_to_create
                    .iter()
                    .map(|a| a.article_number.as_str())
                    .collect();
                let want: Vec<&str> = v
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if got != want {
                    errs.push(format!(
                        "articles_to_create: expected {want:?}, got {got:?}"
                    ));
                }
            }
            "document" => {
                // Partial match on the draft's header fields (serde names of DocumentDraft).
                let got = serde_json::to_value(&m.document).unwrap_or(Value::Null);
                for (field, want) in v.as_object().cloned().unwrap_or_default() {
                    let g = &got[&field];
                    let same = match (dec(&want), dec(g)) {
                        (Some(a), Some(b)) if want.is_string() && !field.contains("date") => a == b,
                        _ => g == &want,
                    };
                    if !same {
                        errs.push(format!("document.{field}: expected {want}, got {g}"));
                    }
                }
            }
            "customer" => {
                let got = serde_json::to_value(&m.customer).unwrap_or(Value::Null);
                for (field, want) in v.as_object().cloned().unwrap_or_default() {
                    if got[&field] != want {
                        errs.push(format!(
                            "customer.{field}: expected {want}, got {}",
                            got[&field]
                        ));
                    }
                }
            }
            other => errs.push(format!("unknown expectation key {other}")),
        }
    }
    errs
}

#[test]
fn every_mapping_fixture_maps_as_expected() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/mapping exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 25, "only {} fixtures", paths.len());
    let mut failures = Vec::new();
    for p in &paths {
        match load(p) {
            Ok(c) => {
                for e in check(&c) {
                    failures.push(format!("{}: {e}", c.name));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", p.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{} mapping fixtures checked", paths.len());
}

#[test]
fn the_merge_patch_merges_arrays_by_index() {
    let mut t = serde_json::json!({"lines": [{"a": 1, "b": 2}, {"a": 3}], "x": 1});
    merge(
        &mut t,
        &serde_json::json!({"lines": [{}, {"b": 4}], "y": 2}),
    );
    assert_eq!(
        t,
        serde_json::json!({"lines": [{"a": 1, "b": 2}, {"a": 3, "b": 4}], "x": 1, "y": 2})
    );
}
