//! Customers: `updated_at:>=` pages sorted by `UPDATED_AT`, lookup by e-mail, create/update
//! (name, e-mail and phone on the customer; company and address on its default address via
//! `customerAddressCreate`/`customerAddressUpdate`, the Admin API's address mutations since
//! 2025-04), and `fortsync` metafields.
//!
//! In patches `Some("")` clears a field: it is sent as `null`, which Shopify treats as "remove".

use std::collections::BTreeMap;

use fortsync_app::shop::{CustomerPatch, Page, ShopCustomer, ShopError};
use serde_json::{Map, Value, json};

use crate::client::Call;
use crate::documents::{
    ADDRESS_FIELDS, CUSTOMER_ADDRESS, CUSTOMER_CREATE, CUSTOMER_FIELDS, CUSTOMER_UPDATE,
    CUSTOMERS_PAGE, with,
};
use crate::ids::{quote, to_gid, updated_since};
use crate::metafields;
use crate::mutation::{MUTATION_COST, MutationDoc, check};
use crate::shop::{ShopifyShop, parse};
use crate::wire::{Address, Connection, Customer, UserError, set_address};

const PAGE_SIZE: u32 = 100;
/// Customer, e-mail, phone and address objects.
const CUSTOMER_COST: u32 = 4;

/// `Some("")` → null (clear), `Some(v)` → v, `None` → absent.
fn put(input: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        let v = v.trim();
        input.insert(
            key.into(),
            if v.is_empty() { Value::Null } else { json!(v) },
        );
    }
}

fn customer_input(p: &CustomerPatch) -> Map<String, Value> {
    let mut m = Map::new();
    let email = p.email.as_ref().map(|e| e.trim().to_lowercase());
    put(&mut m, "email", &email);
    put(&mut m, "firstName", &p.first_name);
    put(&mut m, "lastName", &p.last_name);
    put(&mut m, "phone", &p.phone);
    m
}

fn address_input(p: &CustomerPatch) -> Map<String, Value> {
    let mut m = Map::new();
    put(&mut m, "company", &p.company);
    put(&mut m, "address1", &p.address1);
    put(&mut m, "address2", &p.address2);
    put(&mut m, "zip", &p.zip);
    put(&mut m, "city", &p.city);
    let cc = p.country_code.as_ref().map(|c| c.trim().to_uppercase());
    put(&mut m, "countryCode", &cc);
    m
}

fn user_errors(payload: &Value, label: &str) -> Result<(), ShopError> {
    let errors: Vec<UserError> = parse(&payload["userErrors"])?;
    let labelled: Vec<(String, UserError)> =
        errors.into_iter().map(|e| (label.to_string(), e)).collect();
    check(&labelled)
}

impl ShopifyShop {
    async fn customers(
        &self,
        first: u32,
        query: Option<String>,
        after: Option<&str>,
    ) -> Result<Connection<Customer>, ShopError> {
        let call = Call::new(
            "FortsyncCustomersPage",
            with(CUSTOMERS_PAGE, CUSTOMER_FIELDS),
            json!({"first": first, "after": after, "query": query}),
            2 + first * CUSTOMER_COST,
        )
        .exact_cost();
        let data = self.client.run(&call).await?;
        parse(&data["customers"])
    }

    pub(crate) async fn customers_page_impl(
        &self,
        modified_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Page<ShopCustomer>, ShopError> {
        let conn = self
            .customers(PAGE_SIZE, updated_since(modified_after), cursor)
            .await?;
        Ok(Page {
            items: conn.nodes.iter().map(Customer::to_shop).collect(),
            next: conn.next(),
        })
    }

    pub(crate) async fn find_customer_by_email_impl(
        &self,
        email: &str,
    ) -> Result<Option<ShopCustomer>, ShopError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Ok(None);
        }
        let conn = self
            .customers(10, Some(format!("email:{}", quote(&email))), None)
            .await?;
        Ok(conn
            .nodes
            .iter()
            .map(Customer::to_shop)
            .find(|c| c.email == email))
    }

    async fn address_mutation(
        &self,
        customer_id: &str,
        address_id: Option<&str>,
        address: Map<String, Value>,
    ) -> Result<Address, ShopError> {
        let (name, field, query) = match address_id {
            Some(_) => (
                "FortsyncAddressUpdate",
                "customerAddressUpdate",
                format!(
                    "mutation FortsyncAddressUpdate($c: ID!, $a: ID!, $address: MailingAddressInput!) {{
  customerAddressUpdate(customerId: $c, addressId: $a, address: $address, setAsDefault: true) {{
    address {{ {ADDRESS_FIELDS} }} userErrors {{ field message }} }} }}"
                ),
            ),
            None => (
                "FortsyncAddressCreate",
                "customerAddressCreate",
                format!(
                    "mutation FortsyncAddressCreate($c: ID!, $address: MailingAddressInput!) {{
  customerAddressCreate(customerId: $c, address: $address, setAsDefault: true) {{
    address {{ {ADDRESS_FIELDS} }} userErrors {{ field message }} }} }}"
                ),
            ),
        };
        let mut vars = json!({"c": customer_id, "address": address});
        if let Some(a) = address_id {
            vars["a"] = json!(a);
        }
        let mut call = Call::new(name, query, vars, MUTATION_COST);
        if address_id.is_none() {
            call = call.not_resendable();
        }
        let data = self.client.run(&call).await?;
        user_errors(&data[field], &format!("address of {customer_id}"))?;
        parse(&data[field]["address"])
    }

    pub(crate) async fn update_customer_impl(
        &self,
        id: &str,
        patch: &CustomerPatch,
    ) -> Result<(), ShopError> {
        let id = to_gid("Customer", id)?;
        let mut input = customer_input(patch);
        let address = address_input(patch);
        let mut address_id: Option<Option<String>> = None;
        if !input.is_empty() {
            input.insert("id".into(), json!(id));
            let call = Call::new(
                "FortsyncCustomerUpdate",
                CUSTOMER_UPDATE,
                json!({"input": input}),
                MUTATION_COST,
            );
            let data = self.client.run(&call).await?;
            user_errors(&data["customerUpdate"], &format!("customer {id}"))?;
            address_id = Some(
                data.pointer("/customerUpdate/customer/defaultAddress/id")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
        }
        if address.is_empty() {
            return Ok(());
        }
        let address_id = match address_id {
            Some(a) => a,
            None => {
                let call = Call::new(
                    "FortsyncCustomerAddress",
                    CUSTOMER_ADDRESS,
                    json!({"id": id}),
                    2,
                );
                let data = self.client.run(&call).await?;
                if data["customer"].is_null() {
                    return Err(ShopError::NotFound(format!("customer {id}")));
                }
                data.pointer("/customer/defaultAddress/id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            }
        };
        self.address_mutation(&id, address_id.as_deref(), address)
            .await
            .map(|_| ())
    }

    pub(crate) async fn create_customer_impl(
        &self,
        patch: &CustomerPatch,
    ) -> Result<ShopCustomer, ShopError> {
        let mut input = customer_input(patch);
        input.retain(|_, v| !v.is_null());
        let call = Call::new(
            "FortsyncCustomerCreate",
            with(CUSTOMER_CREATE, CUSTOMER_FIELDS),
            json!({"input": input}),
            MUTATION_COST,
        )
        .not_resendable();
        let data = self.client.run(&call).await?;
        let label = format!(
            "customer {}",
            patch.email.as_deref().unwrap_or("without e-mail")
        );
        user_errors(&data["customerCreate"], &label)?;
        let created: Customer = parse(&data["customerCreate"]["customer"])?;
        let mut out = created.to_shop();
        let mut address = address_input(patch);
        address.retain(|_, v| !v.is_null());
        if !address.is_empty() {
            let a = self.address_mutation(&created.id, None, address).await?;
            set_address(&mut out, &a);
        }
        Ok(out)
    }

    pub(crate) async fn set_customer_fields_impl(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<(), ShopError> {
        let id = to_gid("Customer", id)?;
        let mut doc = MutationDoc::new("FortsyncCustomerFields");
        // Without the stored values every non-empty field is written and every empty one
        // deleted (deleting a missing metafield is a no-op).
        let current: BTreeMap<String, String> = fields
            .iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| Ok((metafields::normalise_key(k)?, String::new())))
            .collect::<Result<_, ShopError>>()?;
        metafields::add_to(&mut doc, &id, fields, &current)?;
        if doc.is_empty() {
            return Ok(());
        }
        let data = self.client.run(&doc.call()).await?;
        check(&doc.user_errors(&data))
    }
}
