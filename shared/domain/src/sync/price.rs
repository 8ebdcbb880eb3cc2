//! Fortnox list price ↔ shop price.
//!
//! Fortnox price-list prices are taken to exclude VAT (how Fortnox lists are normally kept;
//! the document's `VATIncluded` decides what an invoice shows). A shop with
//! `shop_prices_include_vat` gets `net × (100 + rate) / 100`, and gives back
//! `gross × 100 / (100 + rate)`, with the article's VAT rate, rounded to öre.
//!
//! Öre rounding makes the two conversions not quite inverse (a 0.02 gross is 0.02 net, which
//! is 0.03 gross again), so a two-way sync treats a pair as agreeing when either conversion
//! matches ([`agree`]); otherwise the pair would flip on every run.

use crate::money::{HUNDRED, ore};
use rust_decimal::Decimal;

/// The shop price for a Fortnox list price.
pub fn shop_price(fortnox_net: Decimal, vat_rate: Decimal, shop_includes_vat: bool) -> Decimal {
    if shop_includes_vat {
        ore(fortnox_net * (HUNDRED + vat_rate) / HUNDRED)
    } else {
        ore(fortnox_net)
    }
}

/// The Fortnox list price for a shop price.
pub fn fortnox_price(shop: Decimal, vat_rate: Decimal, shop_includes_vat: bool) -> Decimal {
    if shop_includes_vat {
        ore(shop * HUNDRED / (HUNDRED + vat_rate))
    } else {
        ore(shop)
    }
}

/// Whether a Fortnox and a shop price describe the same price.
pub fn agree(fortnox_net: Decimal, shop: Decimal, vat_rate: Decimal, incl: bool) -> bool {
    shop_price(fortnox_net, vat_rate, incl) == shop
        || fortnox_price(shop, vat_rate, incl) == fortnox_net
}

/// A price worth syncing: zero or negative prices are treated as "no price" (an article
/// without a list price often reads as 0, and copying it would make the product free).
pub(crate) fn usable(price: Option<Decimal>) -> Option<Decimal> {
    price.filter(|p| *p > Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn converts_with_the_articles_rate() {
        assert_eq!(shop_price(dec!(79.92), dec!(25), true), dec!(99.90));
        assert_eq!(fortnox_price(dec!(99.90), dec!(25), true), dec!(79.92));
        assert_eq!(shop_price(dec!(100), dec!(12), true), dec!(112));
        assert_eq!(fortnox_price(dec!(106), dec!(6), true), dec!(100));
        assert_eq!(shop_price(dec!(79.925), dec!(25), false), dec!(79.93));
        assert_eq!(fortnox_price(dec!(99.90), dec!(0), true), dec!(99.90));
    }

    #[test]
    fn rounding_pairs_agree_both_ways() {
        assert_eq!(shop_price(dec!(0.02), dec!(25), true), dec!(0.03));
        assert!(agree(dec!(0.02), dec!(0.02), dec!(25), true));
        assert!(agree(dec!(0.02), dec!(0.03), dec!(25), true));
        assert!(!agree(dec!(0.02), dec!(0.04), dec!(25), true));
    }

    #[test]
    fn zero_is_no_price() {
        assert_eq!(usable(Some(dec!(0))), None);
        assert_eq!(usable(Some(dec!(-1))), None);
        assert_eq!(usable(Some(dec!(1))), Some(dec!(1)));
    }
}
