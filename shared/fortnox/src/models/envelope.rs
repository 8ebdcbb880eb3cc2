//! Fortnox's PascalCase envelopes: one record `{"Customer": {…}}`, one page of a list
//! `{"Customers": […], "MetaInformation": {…}}`.

use fortsync_domain::money::lenient;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A type sent or received as a single record under `KEY` (`{"Customer": {…}}`).
pub trait Resource {
    const KEY: &'static str;
}

/// A type received as the items of a list under `LIST_KEY` (`{"Customers": […]}`).
pub trait Listed {
    const LIST_KEY: &'static str;
}

/// `{"<T::KEY>": T}`. Other keys next to it are ignored on reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<T>(pub T);

impl<T> Envelope<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: Resource + Serialize> Serialize for Envelope<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(T::KEY, &self.0)?;
        m.end()
    }
}

/// Borrowing form of [`Envelope`] for request bodies.
#[derive(Debug)]
pub struct EnvelopeRef<'a, T>(pub &'a T);

impl<T: Resource + Serialize> Serialize for EnvelopeRef<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(T::KEY, self.0)?;
        m.end()
    }
}

impl<'de, T: Resource + Deserialize<'de>> Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Resource + Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Envelope<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object with the key {}", T::KEY)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == T::KEY && found.is_none() {
                        found = Some(map.next_value::<T>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                found
                    .map(Envelope)
                    .ok_or_else(|| de::Error::missing_field(T::KEY))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Paging facts of a list page. Every field is optional: a list without `MetaInformation` is
/// paged by page size instead (see [`crate::api::Listing`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Meta {
    #[serde(rename = "@TotalResources", default, deserialize_with = "count")]
    pub total_resources: Option<u64>,
    #[serde(rename = "@TotalPages", default, deserialize_with = "count")]
    pub total_pages: Option<u64>,
    #[serde(rename = "@CurrentPage", default, deserialize_with = "count")]
    pub current_page: Option<u64>,
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(lenient::option(d)?.and_then(|v| v.to_u64()))
}

/// One page of a list: `{"<T::LIST_KEY>": [T…], "MetaInformation": {…}}`. The list key is
/// required (a missing key is an error, never an empty page); `null` reads as no items.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` when the answer had no `MetaInformation`.
    pub meta: Option<Meta>,
}

impl<'de, T: Listed + Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Listed + Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Page<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object with the key {}", T::LIST_KEY)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items: Option<Vec<T>> = None;
                let mut meta = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == T::LIST_KEY && items.is_none() {
                        items = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default());
                    } else if key == "MetaInformation" && meta.is_none() {
                        meta = map.next_value::<Option<Meta>>()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let items = items.ok_or_else(|| de::Error::missing_field(T::LIST_KEY))?;
                Ok(Page { items, meta })
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}
