//! Reading Shopify lines, shipping lines, tax lines and addresses; the money chooser.

use super::{
    Cur, MoneySet, WireAddress, WireAllocation, WireAttribute, WireLine, WireShipping, WireTaxLine,
};
use crate::money::ore;
use crate::order::{Address, Charge, OrderLine};
use crate::platform::{
    Id, PlatformError, country, field, full_name, key, percent_of_fraction, scalar_text, text,
};
use rust_decimal::Decimal;

impl Cur {
    /// For refunds, which name no shop currency: presentment money when stated, else plain.
    pub(super) fn presentment_or_plain() -> Self {
        Cur {
            differs: false,
            currency: String::new(),
            shop: String::new(),
        }
    }

    pub(super) fn pick(
        &self,
        name: &str,
        plain: Option<Decimal>,
        set: Option<&MoneySet>,
    ) -> Result<Option<Decimal>, PlatformError> {
        if let Some(a) = set.and_then(|s| s.presentment_money.as_ref()?.amount) {
            return Ok(Some(a));
        }
        if self.differs && plain.is_some() {
            return Err(field(
                format!("{name}_set"),
                format!(
                    "missing: the buyer paid in {} but `{name}` is in the shop's currency {}",
                    self.currency, self.shop
                ),
            ));
        }
        Ok(plain)
    }

    pub(super) fn required(
        &self,
        name: &str,
        plain: Option<Decimal>,
        set: Option<&MoneySet>,
    ) -> Result<Decimal, PlatformError> {
        self.pick(name, plain, set)?
            .ok_or_else(|| field(name, "missing"))
    }

    pub(super) fn allocations(
        &self,
        name: &str,
        a: &[WireAllocation],
    ) -> Result<Decimal, PlatformError> {
        let mut sum = Decimal::ZERO;
        for (j, x) in a.iter().enumerate() {
            let at = format!("{name}[{j}].amount");
            sum += self
                .pick(&at, x.amount, x.amount_set.as_ref())?
                .unwrap_or_default();
        }
        Ok(sum)
    }
}

/// Σ of the tax lines' rates in percent; `None` without tax lines. A tax line with zero tax on
/// an amount that is not zero is an exemption and does not count.
pub(super) fn tax_rate(
    name: &str,
    lines: &[WireTaxLine],
    amount: Decimal,
) -> Result<Option<Decimal>, PlatformError> {
    if lines.is_empty() {
        return Ok(None);
    }
    let mut sum = Decimal::ZERO;
    for (j, t) in lines.iter().enumerate() {
        let Some(rate) = t.rate else { continue };
        let tax = t
            .price
            .or_else(|| t.price_set.as_ref()?.presentment_money.as_ref()?.amount);
        if tax.is_some_and(|p| p.is_zero()) && !amount.is_zero() {
            continue;
        }
        sum += percent_of_fraction(&format!("{name}[{j}].rate"), rate)?;
    }
    Ok(Some(sum))
}

pub(super) fn line(
    i: usize,
    l: &WireLine,
    cur: &Cur,
    legacy_rate: Decimal,
) -> Result<OrderLine, PlatformError> {
    let at = |f: &str| format!("line_items[{i}].{f}");
    let quantity = l.quantity.ok_or_else(|| field(at("quantity"), "missing"))?;
    if quantity <= Decimal::ZERO {
        return Err(field(at("quantity"), "must be positive"));
    }
    let price = cur.required(&at("price"), l.price, l.price_set.as_ref())?;
    if price < Decimal::ZERO {
        return Err(field(at("price"), "must not be negative"));
    }
    let discount = if l.discount_allocations.is_empty() {
        let set = l.total_discount_set.as_ref();
        cur.pick(&at("total_discount"), l.total_discount, set)?
            .unwrap_or_default()
    } else {
        cur.allocations(&at("discount_allocations"), &l.discount_allocations)?
    };
    let gross = ore(price * quantity);
    if discount < Decimal::ZERO || discount > gross {
        let source = match l.discount_allocations.is_empty() {
            true => "total_discount",
            false => "discount_allocations",
        };
        return Err(field(at(source), "must be between 0 and the line amount"));
    }
    let gift_card = l.gift_card == Some(true);
    let vat_rate = match tax_rate(&at("tax_lines"), &l.tax_lines, gross - discount)? {
        _ if gift_card => Decimal::ZERO,
        Some(rate) => rate,
        None if l.taxable == Some(false) => Decimal::ZERO,
        None => legacy_rate,
    };
    Ok(OrderLine {
        line_id: l.id.as_ref().map(Id::text),
        sku: text(l.sku.as_deref()),
        name: text(l.name.as_deref())
            .or_else(|| text(l.title.as_deref()))
            .ok_or_else(|| field(at("name"), "missing"))?,
        quantity: quantity.normalize(),
        unit_price: price,
        vat_rate,
        discount,
        gift_card,
    })
}

pub(super) fn shipping(i: usize, s: &WireShipping, cur: &Cur) -> Result<Charge, PlatformError> {
    let at = |f: &str| format!("shipping_lines[{i}].{f}");
    let price = cur.required(&at("price"), s.price, s.price_set.as_ref())?;
    let discounted = cur.pick(
        &at("discounted_price"),
        s.discounted_price,
        s.discounted_price_set.as_ref(),
    )?;
    let amount = match discounted {
        _ if !s.discount_allocations.is_empty() => {
            price - cur.allocations(&at("discount_allocations"), &s.discount_allocations)?
        }
        Some(d) => d,
        None => price,
    };
    if amount < Decimal::ZERO {
        return Err(field(at("price"), "must not be negative after discounts"));
    }
    Ok(Charge {
        name: text(s.title.as_deref())
            .or_else(|| text(s.code.as_deref()))
            .unwrap_or_else(|| "Shipping".into()),
        amount,
        vat_rate: tax_rate(&at("tax_lines"), &s.tax_lines, amount)?.unwrap_or_default(),
    })
}

pub(super) fn address(name: &str, a: &WireAddress) -> Result<Address, PlatformError> {
    Ok(Address {
        line1: text(a.address1.as_deref()).unwrap_or_default(),
        line2: text(a.address2.as_deref()),
        zip: text(a.zip.as_deref()).unwrap_or_default(),
        city: text(a.city.as_deref()).unwrap_or_default(),
        country_code: country(&format!("{name}.country_code"), a.country_code.as_deref())?,
    })
}

pub(super) fn person(a: Option<&WireAddress>) -> Option<String> {
    let a = a?;
    full_name(a.first_name.as_deref(), a.last_name.as_deref()).or_else(|| text(a.name.as_deref()))
}

/// A note attribute whose normalised name is one of `names`.
pub(super) fn attribute(attrs: &[WireAttribute], names: &[&str]) -> Option<String> {
    attrs
        .iter()
        .find(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| names.contains(&key(n).as_str()))
        })
        .and_then(|a| scalar_text(a.value.as_ref()))
}
