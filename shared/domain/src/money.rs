//! Money is `Decimal`, rounded to öre (two decimals) half away from zero, the way Swedish
//! invoices and Fortnox round.

use rust_decimal::{Decimal, RoundingStrategy};

pub const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Round to öre, half away from zero.
pub fn ore(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Round to whole kronor, half away from zero ("öresutjämning").
pub fn krona(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// VAT contained in a gross amount at `rate` percent.
pub fn vat_of_gross(gross: Decimal, rate: Decimal) -> Decimal {
    ore(gross * rate / (HUNDRED + rate))
}

/// VAT on a net amount at `rate` percent.
pub fn vat_of_net(net: Decimal, rate: Decimal) -> Decimal {
    ore(net * rate / HUNDRED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ore_rounds_half_away_from_zero() {
        assert_eq!(ore(dec!(0.125)), dec!(0.13));
        assert_eq!(ore(dec!(-0.125)), dec!(-0.13));
        assert_eq!(ore(dec!(0.124)), dec!(0.12));
    }

    #[test]
    fn vat_of_gross_extracts_a_fifth_at_25_percent() {
        assert_eq!(vat_of_gross(dec!(125), dec!(25)), dec!(25));
        assert_eq!(vat_of_gross(dec!(99.90), dec!(25)), dec!(19.98));
        assert_eq!(vat_of_gross(dec!(112), dec!(12)), dec!(12));
    }

    #[test]
    fn krona_rounds_to_whole_kronor() {
        assert_eq!(krona(dec!(1249.50)), dec!(1250));
        assert_eq!(krona(dec!(1249.49)), dec!(1249));
    }
}

/// Serde helpers for amounts that arrive as JSON numbers *or* strings (Fortnox list items,
/// shop payloads). Strings are parsed exactly. serde_json holds a JSON number with a fraction
/// as a binary float; it is read back through its shortest decimal text (never through float
/// arithmetic), which restores the written digits exactly for up to 15 significant digits —
/// every real amount — so `199.9` stays `199.9`.
pub mod lenient {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, de::Error};
    use std::str::FromStr;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(serde_json::Number),
        Text(String),
    }

    fn parse<E: Error>(raw: Raw) -> Result<Option<Decimal>, E> {
        let text = match raw {
            Raw::Number(n) => n.to_string(),
            Raw::Text(s) if s.trim().is_empty() => return Ok(None),
            Raw::Text(s) => s.trim().replace(',', "."),
        };
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Some)
            .map_err(|_| E::custom(format!("not a decimal amount: {text:?}")))
    }

    /// Required amount.
    pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        parse(Raw::deserialize(d)?)?.ok_or_else(|| D::Error::custom("empty amount"))
    }

    /// Optional amount: `null`, missing (with `#[serde(default)]`) or `""` give `None`.
    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(raw) => parse(raw),
        }
    }

    /// Amount defaulting to zero when null or missing (with `#[serde(default)]`).
    pub fn or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        Ok(option(d)?.unwrap_or_default())
    }
}

#[cfg(test)]
mod lenient_tests {
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(with = "super::lenient_decimal")]
        a: Decimal,
        #[serde(default, deserialize_with = "super::lenient::option")]
        b: Option<Decimal>,
    }

    #[test]
    fn numbers_and_strings_parse_exactly() {
        let t: T = serde_json::from_str(r#"{"a": 199.9, "b": "12.50"}"#).unwrap();
        assert_eq!(t.a, dec!(199.9));
        assert_eq!(t.b, Some(dec!(12.50)));
        let t: T = serde_json::from_str(r#"{"a": "-8", "b": null}"#).unwrap();
        assert_eq!(t.a, dec!(-8));
        assert_eq!(t.b, None);
        let t: T = serde_json::from_str(r#"{"a": 1e2, "b": ""}"#).unwrap();
        assert_eq!(t.a, dec!(100));
        assert_eq!(t.b, None);
        assert!(serde_json::from_str::<T>(r#"{"a": "abc"}"#).is_err());
    }
}

/// `#[serde(with = "lenient_decimal")]`: lenient in, plain string out.
pub mod lenient_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        super::lenient::decimal(d)
    }
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
}
