//! A customer as the register sync sees it: one value per [`CustomerField`], the same shape
//! for the Fortnox customer, the shop customer and the snapshot both agreed on last time.
//!
//! A map rather than a struct so rules, changes and conflicts can name a field as a value.
//! A missing key and a blank value mean the same thing: "no value".

use crate::charset::sanitize_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The customer fields the sync knows, by their Fortnox meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerField {
    Email,
    /// Fortnox `Name`; in the shop the company, or first + last name ([`shop_name`]).
    Name,
    /// Fortnox `Phone1`.
    Phone,
    Address1,
    Address2,
    /// Fortnox `ZipCode`.
    Zip,
    City,
    /// ISO 3166-1 alpha-2.
    CountryCode,
    /// Fortnox only.
    OrganisationNumber,
    /// Fortnox only.
    VatNumber,
}

impl CustomerField {
    /// Every field, in a stable order.
    pub const ALL: [CustomerField; 10] = [
        Self::Email,
        Self::Name,
        Self::Phone,
        Self::Address1,
        Self::Address2,
        Self::Zip,
        Self::City,
        Self::CountryCode,
        Self::OrganisationNumber,
        Self::VatNumber,
    ];

    /// Whether the shops have this field (organisation and VAT numbers are Fortnox-only).
    pub fn on_shop(self) -> bool {
        !matches!(self, Self::OrganisationNumber | Self::VatNumber)
    }

    /// The value as it is written to Fortnox: trimmed, with characters Fortnox refuses
    /// removed (e-mail addresses are only trimmed), country codes upper-cased.
    pub fn fortnox_form(self, value: &str) -> String {
        match self {
            Self::Email => value.trim().to_owned(),
            Self::CountryCode => value.trim().to_ascii_uppercase(),
            _ => sanitize_text(value.trim()),
        }
    }

    /// The form two values are compared in, so spellings of the same value never count as a
    /// change (which would otherwise write, or conflict, on every sync).
    pub fn comparable(self, value: &str) -> String {
        let v = self.fortnox_form(value);
        match self {
            Self::Email | Self::CountryCode => v.to_lowercase(),
            Self::Zip => v.chars().filter(|c| !c.is_whitespace()).collect(),
            Self::Phone => comparable_phone(&v),
            Self::OrganisationNumber => super::duplicates::organisation_digits(&v),
            _ => v.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }

    /// Whether two values are the same value (blank = no value).
    pub fn same(self, a: Option<&str>, b: Option<&str>) -> bool {
        self.comparable(a.unwrap_or("")) == self.comparable(b.unwrap_or(""))
    }
}

/// Digits and a leading `+`; a Swedish `+46`/`0046` prefix read as the domestic `0`, so
/// `+46 70-123 45 67` equals `070-1234567`.
fn comparable_phone(v: &str) -> String {
    let kept: String = v
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if let Some(rest) = kept
        .strip_prefix("+46")
        .or_else(|| kept.strip_prefix("0046"))
    {
        format!("0{}", rest.trim_start_matches('0'))
    } else {
        kept
    }
}

/// The values of one customer. Blank values are not stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerFields(BTreeMap<CustomerField, String>);

impl CustomerFields {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value, `None` when missing or blank.
    pub fn get(&self, field: CustomerField) -> Option<&str> {
        self.0
            .get(&field)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Sets a value; a blank value removes the field.
    pub fn set(&mut self, field: CustomerField, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            self.0.remove(&field);
        } else {
            self.0.insert(field, value);
        }
    }

    /// Builder form of [`Self::set`].
    pub fn with(mut self, field: CustomerField, value: impl Into<String>) -> Self {
        self.set(field, value);
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = (CustomerField, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<S: Into<String>> FromIterator<(CustomerField, S)> for CustomerFields {
    fn from_iter<I: IntoIterator<Item = (CustomerField, S)>>(iter: I) -> Self {
        let mut fields = Self::new();
        for (k, v) in iter {
            fields.set(k, v);
        }
        fields
    }
}

impl<S: Into<String>, const N: usize> From<[(CustomerField, S); N]> for CustomerFields {
    fn from(pairs: [(CustomerField, S); N]) -> Self {
        pairs.into_iter().collect()
    }
}

/// Values to write to one side. Unlike [`CustomerFields`], an empty string is kept: it means
/// "clear this field" (the shop port's `CustomerPatch` reads `Some("")` the same way).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldChanges(BTreeMap<CustomerField, String>);

impl FieldChanges {
    /// The value to write (`Some("")` = clear), `None` = leave the field alone.
    pub fn get(&self, field: CustomerField) -> Option<&str> {
        self.0.get(&field).map(String::as_str)
    }

    pub fn contains(&self, field: CustomerField) -> bool {
        self.0.contains_key(&field)
    }

    pub fn iter(&self) -> impl Iterator<Item = (CustomerField, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn insert(&mut self, field: CustomerField, value: String) {
        self.0.insert(field, value);
    }
}

/// The shop customer's name as Fortnox `Name`: the company when there is one (Fortnox names
/// company customers by the company), else first and last name.
pub fn shop_name(first_name: &str, last_name: &str, company: Option<&str>) -> String {
    match company.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.to_owned(),
        None => [first_name.trim(), last_name.trim()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A Fortnox person name split for the shop's first/last name fields: the last word is the
/// last name ("Anna Maria Svensson" → "Anna Maria", "Svensson"). Company customers should get
/// the whole name as the shop's company instead.
pub fn split_name(name: &str) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.split_last() {
        None => (String::new(), String::new()),
        Some((last, [])) => (String::new(), (*last).to_owned()),
        Some((last, first)) => (first.join(" "), (*last).to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::CustomerField as F;
    use super::*;

    #[test]
    fn blank_values_are_no_values() {
        let mut c = CustomerFields::from([(F::Email, "a@b.se"), (F::Phone, "  ")]);
        assert_eq!(c.get(F::Email), Some("a@b.se"));
        assert_eq!(c.get(F::Phone), None);
        c.set(F::Email, "");
        assert!(c.is_empty());
    }

    #[test]
    fn spellings_of_the_same_value_compare_equal() {
        assert!(F::Email.same(Some("Anna@Example.SE "), Some("anna@example.se")));
        assert!(F::Zip.same(Some("111 22"), Some("11122")));
        assert!(F::Phone.same(Some("+46 70-123 45 67"), Some("070-1234567")));
        assert!(F::Phone.same(Some("0046701234567"), Some("0701234567")));
        assert!(!F::Phone.same(Some("+4570123456"), Some("070123456")));
        assert!(F::CountryCode.same(Some("se"), Some("SE")));
        assert!(F::City.same(Some("Stockholm  "), Some("Stockholm")));
        assert!(!F::City.same(Some("stockholm"), Some("Stockholm")));
        assert!(F::Name.same(Some("Kim 😎 Ek"), Some("Kim Ek")));
        assert!(F::Address2.same(None, Some(" ")));
        assert!(!F::Address2.same(None, Some("c/o Ek")));
    }

    #[test]
    fn fortnox_form_strips_refused_characters() {
        assert_eq!(F::Name.fortnox_form(" Kim 😎 Ek "), "Kim Ek");
        assert_eq!(F::CountryCode.fortnox_form("se"), "SE");
        assert_eq!(F::Email.fortnox_form(" a@b.se "), "a@b.se");
    }

    #[test]
    fn names_compose_and_split() {
        assert_eq!(shop_name("Anna", "Svensson", None), "Anna Svensson");
        assert_eq!(shop_name("Anna", "Svensson", Some("Ek AB")), "Ek AB");
        assert_eq!(shop_name("", "Svensson", Some(" ")), "Svensson");
        assert_eq!(
            split_name("Anna Maria  Svensson"),
            ("Anna Maria".to_owned(), "Svensson".to_owned())
        );
        assert_eq!(split_name("Cher"), (String::new(), "Cher".to_owned()));
        assert_eq!(split_name(" "), (String::new(), String::new()));
    }

    #[test]
    fn serialises_as_a_plain_object() {
        let c = CustomerFields::from([(F::Email, "a@b.se"), (F::CountryCode, "SE")]);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"email":"a@b.se","country_code":"SE"}"#);
        assert_eq!(serde_json::from_str::<CustomerFields>(&json).unwrap(), c);
    }
}
