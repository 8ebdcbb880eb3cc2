//! Creating records directly (tests and `POST /control/seed`), bypassing auth, cost and
//! validation other than what keeps the store consistent. The API mutations use the same
//! insert helpers.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::{Address, Customer, Location, Order, Product, ProductStatus, Variant};
use crate::state::World;

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedVariant {
    pub sku: String,
    pub price: Decimal,
    /// Default "Default Title" (a single-variant product).
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default = "yes")]
    pub tracked: bool,
    /// On hand at the primary location; `None` = not stocked anywhere.
    #[serde(default)]
    pub on_hand: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedProduct {
    pub title: String,
    #[serde(default)]
    pub status: ProductStatus,
    #[serde(default)]
    pub tags: Vec<String>,
    pub variants: Vec<SeedVariant>,
    /// Change time of the product and its variants; default now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

impl SeedProduct {
    /// An active single-variant product.
    pub fn simple(sku: &str, title: &str, price: Decimal, on_hand: Option<i64>) -> Self {
        SeedProduct {
            title: title.into(),
            status: ProductStatus::Active,
            tags: Vec::new(),
            variants: vec![SeedVariant {
                sku: sku.into(),
                price,
                title: None,
                tracked: on_hand.is_some(),
                on_hand,
            }],
            updated_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeedCustomer {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub address1: Option<String>,
    #[serde(default)]
    pub address2: Option<String>,
    #[serde(default)]
    pub zip: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeedOrder {
    /// Default `#{next number}` from 1001.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Everything `POST /control/seed` accepts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Seed {
    #[serde(default)]
    pub products: Vec<SeedProduct>,
    #[serde(default)]
    pub customers: Vec<SeedCustomer>,
    #[serde(default)]
    pub orders: Vec<SeedOrder>,
    /// Extra (non-primary) location names.
    #[serde(default)]
    pub locations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Seeded {
    pub products: Vec<Product>,
    pub customers: Vec<Customer>,
    pub orders: Vec<Order>,
    pub locations: Vec<Location>,
}

/// A variant to insert.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewVariant {
    pub title: String,
    pub sku: String,
    pub price: Decimal,
    pub tracked: bool,
    pub on_hand: BTreeMap<u64, i64>,
}

impl World {
    pub(crate) fn new_variant(
        &mut self,
        nv: NewVariant,
        position: u32,
        at: OffsetDateTime,
    ) -> Variant {
        let id = self.new_id();
        let item = self.new_id();
        Variant {
            id,
            title: nv.title,
            sku: nv.sku,
            price: nv.price,
            position,
            inventory_item_id: item,
            tracked: nv.tracked,
            on_hand: nv.on_hand,
            created_at: at,
            updated_at: at,
        }
    }

    pub(crate) fn insert_product(
        &mut self,
        title: String,
        status: ProductStatus,
        tags: Vec<String>,
        variants: Vec<NewVariant>,
        at: OffsetDateTime,
    ) -> Product {
        let id = self.new_id();
        let variants = variants
            .into_iter()
            .enumerate()
            .map(|(i, nv)| self.new_variant(nv, i as u32 + 1, at))
            .collect();
        let p = Product {
            id,
            title,
            status,
            tags,
            variants,
            metafields: Vec::new(),
            created_at: at,
            updated_at: at,
        };
        self.products.insert(id, p.clone());
        self.reindex();
        p
    }

    pub(crate) fn seed_product(&mut self, s: SeedProduct) -> Product {
        let at = s.updated_at.unwrap_or_else(|| self.now());
        let loc = self.primary_location();
        let variants = s
            .variants
            .into_iter()
            .map(|v| NewVariant {
                title: v.title.unwrap_or_else(|| "Default Title".into()),
                sku: v.sku,
                price: v.price,
                tracked: v.tracked,
                on_hand: v
                    .on_hand
                    .map(|q| BTreeMap::from([(loc, q)]))
                    .unwrap_or_default(),
            })
            .collect();
        self.insert_product(s.title, s.status, s.tags, variants, at)
    }

    pub(crate) fn seed_customer(&mut self, s: SeedCustomer) -> Customer {
        let at = s.updated_at.unwrap_or_else(|| self.now());
        let id = self.new_id();
        let has_address = [
            &s.company,
            &s.address1,
            &s.address2,
            &s.zip,
            &s.city,
            &s.country_code,
        ]
        .iter()
        .any(|f| f.is_some());
        let mut addresses = Vec::new();
        if has_address {
            addresses.push(Address {
                id: self.new_id(),
                first_name: s.first_name.clone(),
                last_name: s.last_name.clone(),
                company: s.company,
                address1: s.address1,
                address2: s.address2,
                zip: s.zip,
                city: s.city,
                province_code: None,
                country_code: s.country_code,
                phone: None,
            });
        }
        let c = Customer {
            id,
            email: s.email,
            first_name: s.first_name,
            last_name: s.last_name,
            phone: s.phone,
            note: None,
            tags: Vec::new(),
            default_address_id: addresses.first().map(|a| a.id),
            addresses,
            metafields: Vec::new(),
            created_at: at,
            updated_at: at,
        };
        self.customers.insert(id, c.clone());
        c
    }

    pub(crate) fn seed_order(&mut self, s: SeedOrder) -> Order {
        let at = self.now();
        let id = self.new_id();
        let number = self.next_order_number;
        self.next_order_number += 1;
        let o = Order {
            id,
            name: s.name.unwrap_or_else(|| format!("#{number}")),
            email: s.email,
            note: s.note,
            tags: s.tags,
            metafields: Vec::new(),
            created_at: at,
            updated_at: at,
        };
        self.orders.insert(id, o.clone());
        o
    }

    pub(crate) fn add_location(&mut self, name: &str) -> Location {
        let id = self.new_id();
        let l = Location {
            id,
            name: name.into(),
            active: true,
        };
        self.locations.insert(id, l.clone());
        l
    }

    pub(crate) fn seed(&mut self, s: Seed) -> Seeded {
        Seeded {
            locations: s.locations.iter().map(|n| self.add_location(n)).collect(),
            products: s
                .products
                .into_iter()
                .map(|p| self.seed_product(p))
                .collect(),
            customers: s
                .customers
                .into_iter()
                .map(|c| self.seed_customer(c))
                .collect(),
            orders: s.orders.into_iter().map(|o| self.seed_order(o)).collect(),
        }
    }
}
