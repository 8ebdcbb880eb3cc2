//! Response shapes and their mapping to the port's types.

use std::str::FromStr;

use fortsync_app::shop::{ShopCustomer, ShopProduct};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Connection<T> {
    pub nodes: Vec<T>,
    #[serde(rename = "pageInfo")]
    pub page_info: Option<PageInfo>,
}

impl<T> Connection<T> {
    /// The cursor of the next page, if there is one.
    pub fn next(&self) -> Option<String> {
        self.page_info
            .as_ref()
            .filter(|p| p.has_next_page)
            .and_then(|p| p.end_cursor.clone())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Id {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Quantity {
    pub name: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Level {
    pub quantities: Vec<Quantity>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InventoryItem {
    pub id: String,
    pub tracked: bool,
    #[serde(default)]
    pub inventory_level: Option<Level>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductRef {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Variant {
    pub id: String,
    pub title: String,
    pub display_name: String,
    pub sku: Option<String>,
    pub price: String,
    pub updated_at: String,
    pub product: ProductRef,
    pub inventory_item: InventoryItem,
}

impl Variant {
    /// The port's view: `None` stock when untracked, 0 when tracked but not stocked at the
    /// location; `updated_at` is the later of the variant's and its product's change time, so
    /// a status change shows up too.
    pub fn to_shop(&self) -> ShopProduct {
        let stock = self.inventory_item.tracked.then(|| {
            self.inventory_item
                .inventory_level
                .as_ref()
                .and_then(|l| l.quantities.iter().find(|q| q.name == "on_hand"))
                .map_or(0, |q| q.quantity)
        });
        let title = if self.title == "Default Title" {
            self.product.title.clone()
        } else {
            self.display_name.clone()
        };
        let updated_at = match &self.product.updated_at {
            Some(p) if *p > self.updated_at => p.clone(),
            _ => self.updated_at.clone(),
        };
        ShopProduct {
            id: self.id.clone(),
            product_id: self.product.id.clone(),
            sku: self.sku.clone().unwrap_or_default(),
            title,
            price: Decimal::from_str(self.price.trim()).ok(),
            stock,
            active: self.product.status == "ACTIVE",
            updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Address {
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code_v2: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Email {
    pub email_address: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Phone {
    pub phone_number: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Customer {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub updated_at: String,
    pub default_email_address: Option<Email>,
    pub default_phone_number: Option<Phone>,
    pub default_address: Option<Address>,
}

impl Customer {
    pub fn to_shop(&self) -> ShopCustomer {
        let mut c = ShopCustomer {
            id: self.id.clone(),
            email: self
                .default_email_address
                .as_ref()
                .map(|e| e.email_address.trim().to_lowercase())
                .unwrap_or_default(),
            first_name: self.first_name.clone().unwrap_or_default(),
            last_name: self.last_name.clone().unwrap_or_default(),
            phone: self
                .default_phone_number
                .as_ref()
                .map(|p| p.phone_number.clone()),
            updated_at: self.updated_at.clone(),
            ..ShopCustomer::default()
        };
        if let Some(a) = &self.default_address {
            set_address(&mut c, a);
        }
        c
    }
}

pub(crate) fn set_address(c: &mut ShopCustomer, a: &Address) {
    c.company = a.company.clone();
    c.address1 = a.address1.clone();
    c.address2 = a.address2.clone();
    c.zip = a.zip.clone();
    c.city = a.city.clone();
    c.country_code = a.country_code_v2.clone();
}

/// A mutation's `userErrors` entry (`code` only on typed errors).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct UserError {
    #[serde(default)]
    pub field: Option<Vec<String>>,
    pub message: String,
    #[serde(default)]
    pub code: Option<String>,
}

impl UserError {
    /// Whether the error says the target record is missing.
    pub fn is_not_found(&self) -> bool {
        let m = self.message.to_lowercase();
        matches!(
            self.code.as_deref(),
            Some(
                "NOT_FOUND"
                    | "PRODUCT_DOES_NOT_EXIST"
                    | "PRODUCT_VARIANT_DOES_NOT_EXIST"
                    | "INVALID_INVENTORY_ITEM"
            )
        ) || m.contains("does not exist")
            || m.contains("not found")
            || m.contains("could not be found")
    }

    pub fn describe(&self) -> String {
        match &self.field {
            Some(f) if !f.is_empty() => format!("{}: {}", f.join("."), self.message),
            _ => self.message.clone(),
        }
    }
}
