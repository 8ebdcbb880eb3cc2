//! Reading WooCommerce lines, shipping and fee lines, tax rates, meta data and addresses.

use super::{WireAddress, WireCharge, WireLine, WireMeta, WireTax, WireTaxRate};
use crate::money::{HUNDRED, ore};
use crate::order::{Address, Charge, OrderLine};
use crate::platform::{Id, PlatformError, field, percent, rate_from_amounts, scalar_text, text};
use rust_decimal::Decimal;

/// The order's tax rates by rate id (only those that state `rate_percent`).
pub(super) struct Rates(Vec<(String, Decimal)>);

impl Rates {
    pub(super) fn new(lines: &[WireTaxRate]) -> Self {
        let known = lines
            .iter()
            .filter_map(|t| Some((t.rate_id.as_ref()?.text(), percent(t.rate_percent?))));
        Rates(known.collect())
    }

    fn known(&self) -> Vec<Decimal> {
        self.0.iter().map(|(_, r)| *r).collect()
    }

    fn get(&self, id: Option<&Id>) -> Option<Decimal> {
        let id = id?.text();
        self.0.iter().find(|(k, _)| *k == id).map(|(_, r)| *r)
    }

    /// Σ of the named rates; derived from the first (tax, base) pair with a base otherwise.
    fn resolve(&self, taxes: &[WireTax], pairs: &[(Decimal, Decimal)]) -> Decimal {
        let used: Vec<&WireTax> = taxes
            .iter()
            .filter(|t| t.total.is_some() || t.subtotal.is_some())
            .collect();
        let named: Option<Decimal> = if used.is_empty() {
            None
        } else {
            used.iter().map(|t| self.get(t.id.as_ref())).sum()
        };
        named.unwrap_or_else(|| {
            let pair = pairs.iter().find(|(_, base)| !base.is_zero());
            pair.map(|(tax, base)| rate_from_amounts(*tax, *base, &self.known()))
                .unwrap_or_default()
        })
    }
}

pub(super) fn meta(meta: &[WireMeta], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        let m = meta.iter().find(|m| m.key.as_deref() == Some(*k))?;
        scalar_text(m.value.as_ref())
    })
}

/// WooCommerce stores names HTML-escaped; `&amp;` last so nothing is unescaped twice.
fn unescape(s: &str) -> String {
    const ENTITIES: &[(&str, &str)] = &[
        ("&ndash;", "–"),
        ("&#8211;", "–"),
        ("&mdash;", "—"),
        ("&#8212;", "—"),
        ("&quot;", "\""),
        ("&#039;", "'"),
        ("&#39;", "'"),
        ("&#8217;", "’"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ];
    ENTITIES
        .iter()
        .fold(s.to_owned(), |acc, (e, c)| acc.replace(e, c))
}

const GIFT_CARD_META: &[&str] = &[
    "wc_gc_giftcard",
    "_wc_gc_giftcard",
    "pw_gift_card",
    "_ywgc_",
];

/// One line of an order or (with `refund`, amounts negative) of a refund.
pub(super) fn line(
    at: &str,
    l: &WireLine,
    incl: bool,
    rates: &Rates,
    refund: bool,
) -> Result<OrderLine, PlatformError> {
    let at = |f: &str| format!("{at}.{f}");
    let sign = |d: Option<Decimal>| d.map(|d| if refund { d.abs() } else { d });
    let mut quantity = sign(l.quantity).ok_or_else(|| field(at("quantity"), "missing"))?;
    if refund && quantity.is_zero() {
        quantity = Decimal::ONE; // an amount-only refund of the line
    }
    if quantity <= Decimal::ZERO {
        return Err(field(at("quantity"), "must be positive"));
    }
    let total = sign(l.total).ok_or_else(|| field(at("total"), "missing"))?;
    let subtotal = sign(l.subtotal).unwrap_or(total);
    let (total_tax, subtotal_tax) = (
        sign(l.total_tax).unwrap_or_default(),
        sign(l.subtotal_tax).unwrap_or_default(),
    );
    let (before, after) = if incl {
        (subtotal + subtotal_tax, total + total_tax)
    } else {
        (subtotal, total)
    };
    if after < Decimal::ZERO {
        return Err(field(at("total"), "must not be negative"));
    }
    let (unit_price, discount) = if after <= before {
        (before / quantity, before - after)
    } else {
        (after / quantity, Decimal::ZERO)
    };
    let refunded_item = if refund {
        meta(&l.meta_data, &["_refunded_item_id"])
    } else {
        None
    };
    Ok(OrderLine {
        line_id: refunded_item.or_else(|| l.id.as_ref().map(Id::text)),
        sku: text(l.sku.as_deref()),
        name: text(l.name.as_deref())
            .map(|n| unescape(&n))
            .ok_or_else(|| field(at("name"), "missing"))?,
        quantity: quantity.normalize(),
        unit_price,
        vat_rate: rates.resolve(&l.taxes, &[(total_tax, total), (subtotal_tax, subtotal)]),
        discount,
        gift_card: l.meta_data.iter().any(|m| {
            m.key
                .as_deref()
                .is_some_and(|k| GIFT_CARD_META.iter().any(|p| k.starts_with(p)))
        }),
    })
}

/// A shipping or fee line: one charge, or one per rate when several rates each tax a part.
pub(super) fn charges(
    at: &str,
    default_name: &str,
    c: &WireCharge,
    incl: bool,
    rates: &Rates,
    refund: bool,
) -> Result<Vec<Charge>, PlatformError> {
    let sign = |d: Decimal| if refund { d.abs() } else { d };
    let total = sign(
        c.total
            .ok_or_else(|| field(format!("{at}.total"), "missing"))?,
    );
    let tax = sign(c.total_tax.unwrap_or_default());
    let name = text(c.method_title.as_deref())
        .or_else(|| text(c.name.as_deref()))
        .map(|n| unescape(&n))
        .unwrap_or_else(|| default_name.to_owned());
    // Several rates, each taxing a part (proportional shipping VAT): one charge per rate.
    let taxed = c
        .taxes
        .iter()
        .filter(|t| t.total.is_some_and(|x| !x.is_zero()));
    let parts: Option<Vec<(Decimal, Decimal)>> = taxed
        .map(|t| {
            Some((
                rates.get(t.id.as_ref()).filter(|r| *r > Decimal::ZERO)?,
                sign(t.total?),
            ))
        })
        .collect();
    if let Some(parts) = parts.filter(|p| p.len() >= 2 && distinct(p)) {
        let bases: Vec<Decimal> = parts.iter().map(|(r, t)| ore(*t * HUNDRED / *r)).collect();
        let sum: Decimal = bases.iter().sum();
        if (sum - total).abs() <= Decimal::new(parts.len() as i64, 2) {
            let mut rest = total;
            let mut out = Vec::with_capacity(parts.len());
            for (i, ((rate, t), base)) in parts.iter().zip(bases).enumerate() {
                let base = if i + 1 == parts.len() { rest } else { base };
                rest -= base;
                let amount = if incl { base + *t } else { base };
                out.push(Charge {
                    name: name.clone(),
                    amount,
                    vat_rate: *rate,
                });
            }
            return Ok(out);
        }
    }
    Ok(vec![Charge {
        name,
        amount: if incl { total + tax } else { total },
        vat_rate: rates.resolve(&c.taxes, &[(tax, total)]),
    }])
}

fn distinct(parts: &[(Decimal, Decimal)]) -> bool {
    parts
        .iter()
        .enumerate()
        .all(|(i, a)| parts[i + 1..].iter().all(|b| b.0 != a.0))
}

pub(super) fn address(a: &WireAddress, country_code: String) -> Address {
    Address {
        line1: text(a.address_1.as_deref()).unwrap_or_default(),
        line2: text(a.address_2.as_deref()),
        zip: text(a.postcode.as_deref()).unwrap_or_default(),
        city: text(a.city.as_deref()).unwrap_or_default(),
        country_code,
    }
}
