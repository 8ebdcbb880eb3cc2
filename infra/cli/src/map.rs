//! `fortsync map`: a shop order → the Fortnox document that would be posted for it, offline and
//! deterministic (no clock, no network: the document date is the order's date).
//!
//! Prints one JSON object:
//! `{"document": <{"Invoice": …} | {"Order": …} | null>, "shop_total": "…",
//! "document_total": "…", "difference": "…"}` (amounts as decimal strings with two decimals;
//! `difference` = document − shop). Mapping warnings go to stderr, one `warning:` line each.
//! The customer number is the engine's placeholder (`NEW`): the worker fills in the real one.
//! Without `--known-articles` no article is assumed to exist in Fortnox, so SKUs follow the
//! unknown-SKU policy of the settings (free-text rows by default).

use clap::ValueEnum;
use fortsync_domain::TenantId;
use fortsync_domain::document::Rounding;
use fortsync_domain::mapping::{KnownArticles, MapContext, map_order};
use fortsync_domain::order::Order;
use fortsync_domain::settings::TenantSettings;
use fortsync_domain::{generic, shopify, woocommerce};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Platform {
    Shopify,
    Woocommerce,
    Generic,
}

pub struct MapArgs {
    pub platform: Platform,
    pub settings: Option<PathBuf>,
    pub order: Option<PathBuf>,
    pub tenant: String,
    pub known_articles: Vec<String>,
    pub whole_krona: bool,
}

fn read(path: Option<&Path>) -> Result<Vec<u8>, String> {
    match path {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
        None => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map_err(|e| format!("cannot read the order from stdin: {e}"))?;
            Ok(body)
        }
    }
}

impl Platform {
    fn name(self) -> &'static str {
        match self {
            Self::Shopify => "shopify",
            Self::Woocommerce => "woocommerce",
            Self::Generic => "generic",
        }
    }
}

fn parse(platform: Platform, body: &[u8]) -> Result<Order, String> {
    let parsed = match platform {
        Platform::Generic => generic::parse(body).map_err(|e| e.to_string()),
        Platform::Shopify => shopify::parse_order(body).map_err(|e| e.to_string()),
        Platform::Woocommerce => woocommerce::parse_order(body).map_err(|e| e.to_string()),
    };
    parsed.map_err(|e| format!("not a valid {} order: {e}", platform.name()))
}

fn settings(path: Option<&Path>) -> Result<TenantSettings, String> {
    let Some(p) = path else {
        return Ok(TenantSettings::default());
    };
    let body = read(Some(p))?;
    let s: TenantSettings =
        serde_json::from_slice(&body).map_err(|e| format!("settings {}: {e}", p.display()))?;
    s.validate()
        .map_err(|e| format!("settings {}: {e}", p.display()))?;
    Ok(s)
}

/// Two decimals, always (`447.00`, `-0.01`, `0.00`).
fn amount(d: Decimal) -> String {
    let mut v = d.round_dp(2);
    v.rescale(2);
    v.to_string()
}

pub fn run(args: MapArgs) -> Result<(), String> {
    let tenant = TenantId::parse(&args.tenant).map_err(|e| format!("--tenant: {e}"))?;
    let settings = settings(args.settings.as_deref())?;
    let body = read(args.order.as_deref())?;
    let order = parse(args.platform, &body)?;
    let known: HashSet<String> = args
        .known_articles
        .iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let ctx = MapContext {
        customer_number: None,
        articles: KnownArticles::Set(&known),
        rounding: if args.whole_krona {
            Rounding::WholeKrona
        } else {
            Rounding::None
        },
    };
    let mapped = map_order(&tenant, &order, &settings, &ctx).map_err(|e| e.to_string())?;
    let document = fortsync_fortnox::drafts::envelope(&mapped).map_err(|e| e.to_string())?;
    for w in &mapped.warnings {
        eprintln!("warning: {w}");
    }
    let out = serde_json::json!({
        "document": document,
        "shop_total": amount(mapped.shop_total),
        "document_total": amount(mapped.expected.total),
        "difference": amount(mapped.difference),
    });
    let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
