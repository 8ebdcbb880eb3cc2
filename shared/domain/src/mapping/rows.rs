//! Order lines, shipping and fees → document rows (or the `Freight` / `AdministrationFee`
//! fields), per the tenant's settings.

use super::region::{Region, rate_known, revenue_account};
use super::{ArticleDraft, DraftRow, MapContext, MappingError, RowKind};
use crate::charset::{is_valid_article_number, sanitize_text, truncate};
use crate::money::ore;
use crate::order::{Charge, Order, OrderLine};
use crate::settings::{DiscountMode, FeeMode, ShippingMode, TenantSettings, UnknownSkuPolicy};
use rust_decimal::{Decimal, RoundingStrategy};

pub(super) struct Built {
    pub rows: Vec<DraftRow>,
    pub freight: Option<Decimal>,
    pub administration_fee: Option<Decimal>,
    pub articles_to_create: Vec<ArticleDraft>,
}

/// Row description: Fortnox's whitelist, ≤ 255 characters, never empty.
fn describe(text: &str, fallback: &str) -> String {
    let t = truncate(&sanitize_text(text), 255);
    if t.is_empty() {
        let f = truncate(&sanitize_text(fallback), 255);
        if f.is_empty() {
            "Artikel".to_owned()
        } else {
            f
        }
    } else {
        t
    }
}

/// Unit price and AMOUNT discount for a line (see [`DiscountMode`]).
fn price_and_discount(
    mode: DiscountMode,
    quantity: Decimal,
    price: Decimal,
    discount: Decimal,
) -> (Decimal, Decimal) {
    if mode == DiscountMode::RowDiscount || discount.is_zero() {
        return (price, discount);
    }
    let target = ore(quantity * price) - discount;
    match target.checked_div(quantity) {
        Some(per_unit) => {
            let unit = per_unit.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
            (unit, ore(quantity * unit) - target)
        }
        None => (price, discount),
    }
}

struct Ctx<'a> {
    order: &'a Order,
    settings: &'a TenantSettings,
    region: Region,
    country: String,
}

impl Ctx<'_> {
    /// The VAT a row carries: the shop's rate, or 0 in VAT-free regions (only zero-amount rows
    /// can have a positive rate there: the region says no VAT was charged).
    fn vat(&self, rate: Decimal) -> Decimal {
        if self.region.is_vat_free() {
            Decimal::ZERO
        } else {
            rate.normalize()
        }
    }

    fn check_rate(&self, rate: Decimal, item: &str) -> Result<(), MappingError> {
        if rate_known(self.settings, self.region, &self.country, rate) {
            Ok(())
        } else {
            Err(MappingError::UnknownVatRate {
                rate,
                item: item.to_owned(),
                region: self.region.as_str(),
            })
        }
    }

    fn revenue(&self, rate: Decimal, item: &str) -> Result<u32, MappingError> {
        revenue_account(self.settings, self.region, &self.country, rate, item)
    }

    /// Account of a shipping or fee row: the setting's account for sales with Swedish VAT; the
    /// region's revenue account for reverse-charge, export and OSS sales, so they are reported
    /// with the goods.
    fn charge_account(&self, setting: u32, rate: Decimal, item: &str) -> Result<u32, MappingError> {
        let oss = self.region == Region::EuConsumer
            && self.settings.oss_accounts.contains_key(&self.country);
        if self.region.is_vat_free() || oss {
            self.revenue(rate, item)
        } else {
            Ok(setting)
        }
    }
}

fn line_row(
    c: &Ctx<'_>,
    ctx: &MapContext<'_>,
    line: &OrderLine,
    articles: &mut Vec<ArticleDraft>,
    warnings: &mut Vec<String>,
) -> Result<DraftRow, MappingError> {
    let vat = c.vat(line.vat_rate);
    c.check_rate(vat, &line.name)?;
    let (price, discount) = price_and_discount(
        c.settings.discounts,
        line.quantity,
        line.unit_price,
        line.discount,
    );
    let sku = line.sku.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if line.gift_card {
        if !vat.is_zero() {
            warnings.push(format!(
                "gift card '{}' was sold with {vat}% VAT: a multi-purpose voucher carries no VAT until redeemed; check the shop's tax settings",
                line.name
            ));
        }
        let name = describe(&line.name, sku.unwrap_or("Presentkort"));
        let description = if name.to_lowercase().contains("presentkort") {
            name
        } else {
            describe(&format!("Presentkort: {name}"), "Presentkort")
        };
        return Ok(DraftRow {
            kind: RowKind::GiftCard,
            article_number: None,
            description,
            quantity: line.quantity,
            price,
            discount,
            vat,
            account: c.settings.gift_card_account,
        });
    }
    let account = c.revenue(vat, &line.name)?;
    let name = describe(&line.name, sku.unwrap_or("Artikel"));
    let (kind, article_number, description) = match sku {
        None => (RowKind::FreeText, None, name),
        Some(sku) if !is_valid_article_number(sku) => {
            warnings.push(format!(
                "SKU {sku:?} on '{}' has characters Fortnox does not allow in article numbers (letters, digits, _ - / \\ + $; no spaces; at most 50): written as a free-text row",
                line.name
            ));
            (
                RowKind::FreeText,
                None,
                describe(&format!("{name} (SKU {sku})"), &name),
            )
        }
        Some(sku) if ctx.articles.exists(sku) => (RowKind::Article, Some(sku.to_owned()), name),
        Some(sku) => match c.settings.unknown_sku {
            UnknownSkuPolicy::CreateArticle => {
                if !articles.iter().any(|a| a.article_number == sku) {
                    // The article's own defaults are its Swedish ones (rows always carry
                    // the account of this order's region anyway).
                    let rate = line.vat_rate.normalize();
                    articles.push(ArticleDraft {
                        article_number: sku.to_owned(),
                        description: truncate(&name, 200),
                        vat: rate,
                        sales_account: c.settings.sales_accounts.for_rate(rate).unwrap_or(account),
                    });
                }
                (RowKind::Article, Some(sku.to_owned()), name)
            }
            UnknownSkuPolicy::FreeTextRow => (
                RowKind::FreeText,
                None,
                describe(&format!("{name} ({sku})"), &name),
            ),
            UnknownSkuPolicy::Refuse => {
                return Err(MappingError::UnknownArticle {
                    sku: sku.to_owned(),
                    item: line.name.clone(),
                });
            }
        },
    };
    Ok(DraftRow {
        kind,
        article_number,
        description,
        quantity: line.quantity,
        price,
        discount,
        vat,
        account,
    })
}

/// Merges article rows per `sum_rows_with_same_article` (see the module rules).
fn sum_rows(rows: Vec<DraftRow>, settings: &TenantSettings) -> Vec<DraftRow> {
    if !settings.sum_rows_with_same_article {
        return rows;
    }
    let mut out: Vec<DraftRow> = Vec::with_capacity(rows.len());
    for r in rows {
        let summable = r.kind == RowKind::Article
            && r.article_number
                .as_deref()
                .is_some_and(|a| settings.may_sum_article(a));
        if summable
            && let Some(t) = out.iter_mut().find(|t| {
                t.kind == RowKind::Article
                    && t.article_number == r.article_number
                    && t.price == r.price
                    && t.vat == r.vat
                    && t.account == r.account
            })
        {
            let quantity = t.quantity + r.quantity;
            if ore(quantity * t.price) == ore(t.quantity * t.price) + ore(r.quantity * r.price) {
                t.quantity = quantity;
                t.discount += r.discount;
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Whether `charges` may go in a 25 % document field (`Freight` / `AdministrationFee`).
fn fits_field(c: &Ctx<'_>, charges: &[Charge]) -> bool {
    charges
        .iter()
        .all(|ch| ch.amount >= Decimal::ZERO && c.vat(ch.vat_rate) == Decimal::from(25))
}

struct ChargeKind<'a> {
    kind: RowKind,
    label: &'a str,
    account: u32,
    article: Option<&'a str>,
}

fn charge_rows(
    c: &Ctx<'_>,
    charges: &[Charge],
    how: &ChargeKind<'_>,
    rows: &mut Vec<DraftRow>,
) -> Result<(), MappingError> {
    for ch in charges {
        let vat = c.vat(ch.vat_rate);
        c.check_rate(vat, &ch.name)?;
        rows.push(DraftRow {
            kind: how.kind,
            article_number: how.article.map(str::to_owned),
            description: describe(&format!("{}: {}", how.label, ch.name), how.label),
            quantity: Decimal::ONE,
            price: ch.amount,
            discount: Decimal::ZERO,
            vat,
            account: c.charge_account(how.account, vat, &ch.name)?,
        });
    }
    Ok(())
}

/// A field total, or the reason it cannot be used (`None` = use rows).
fn field_total(
    c: &Ctx<'_>,
    charges: &[Charge],
    what: &str,
    field: &str,
    warnings: &mut Vec<String>,
) -> Option<Decimal> {
    if charges.is_empty() {
        return None;
    }
    if fits_field(c, charges) {
        let sum: Decimal = charges.iter().map(|ch| ch.amount).sum();
        return Some(sum);
    }
    warnings.push(format!(
        "{what} not at 25 % VAT (or negative) cannot go in Fortnox's {field} field: written as rows"
    ));
    None
}

pub(super) fn build(
    order: &Order,
    settings: &TenantSettings,
    ctx: &MapContext<'_>,
    region: Region,
    warnings: &mut Vec<String>,
) -> Result<Built, MappingError> {
    let c = Ctx {
        order,
        settings,
        region,
        country: order.billing.country_code.trim().to_ascii_uppercase(),
    };
    let mut articles = Vec::new();
    let mut rows = Vec::with_capacity(order.lines.len() + order.shipping.len() + order.fees.len());
    for line in &c.order.lines {
        if line.quantity.is_zero() {
            warnings.push(format!("line '{}' has quantity 0: left out", line.name));
            continue;
        }
        rows.push(line_row(&c, ctx, line, &mut articles, warnings)?);
    }
    let mut rows = sum_rows(rows, settings);

    let (freight, shipping_article) = match &settings.shipping {
        ShippingMode::FreightField => (
            field_total(&c, &order.shipping, "shipping", "Freight", warnings),
            None,
        ),
        ShippingMode::Row { article_number } => (None, article_number.as_deref()),
    };
    if freight.is_none() {
        charge_rows(
            &c,
            &order.shipping,
            &ChargeKind {
                kind: RowKind::Shipping,
                label: "Frakt",
                account: settings.shipping_account_or_default(),
                article: shipping_article,
            },
            &mut rows,
        )?;
    }
    let (administration_fee, fee_article) = match &settings.fees {
        FeeMode::AdministrationFeeField => (
            field_total(&c, &order.fees, "fees", "AdministrationFee", warnings),
            None,
        ),
        FeeMode::Row { article_number } => (None, article_number.as_deref()),
    };
    if administration_fee.is_none() {
        charge_rows(
            &c,
            &order.fees,
            &ChargeKind {
                kind: RowKind::Fee,
                label: "Avgift",
                account: settings.fee_account,
                article: fee_article,
            },
            &mut rows,
        )?;
    }
    Ok(Built {
        rows,
        freight,
        administration_fee,
        articles_to_create: articles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn in_price_discount_keeps_the_row_total_exact() {
        // 3 × 100 − 10 = 290 → 96.67 per unit (290.01) and 0.01 left as discount.
        let (p, d) = price_and_discount(DiscountMode::InPrice, dec!(3), dec!(100), dec!(10));
        assert_eq!((p, d), (dec!(96.67), dec!(0.01)));
        assert_eq!(ore(dec!(3) * p) - d, dec!(290));
        // Divisible: no discount left.
        let (p, d) = price_and_discount(DiscountMode::InPrice, dec!(2), dec!(100), dec!(10));
        assert_eq!((p, d), (dec!(95), dec!(0)));
        let (p, d) = price_and_discount(DiscountMode::RowDiscount, dec!(2), dec!(100), dec!(10));
        assert_eq!((p, d), (dec!(100), dec!(10)));
    }

    #[test]
    fn descriptions_are_never_empty() {
        assert_eq!(describe("😎", "TS-1"), "TS-1");
        assert_eq!(describe("😎", "🙂"), "Artikel");
        assert_eq!(describe(&"x".repeat(300), "").chars().count(), 255);
    }
}
