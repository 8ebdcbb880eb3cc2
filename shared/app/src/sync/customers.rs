//! Customers, field by field per the tenant's direction rules: Fortnox customer pages paired
//! with the shop's customer of the same e-mail, then shop customers changed since the last run
//! that Fortnox did not list (their Fortnox twin found by e-mail, or created after a duplicate
//! check by e-mail and organisation number). The pair's key is the lower-cased e-mail.

use super::store::{SyncCursor, SyncPhase, SyncRun};
use super::{SyncDeps, SyncError, SyncReport, Trail, commit};
use crate::ports::StoreError;
use crate::registers::{FortnoxCustomer, FortnoxCustomerPatch, Registers};
use crate::shop::{CustomerPatch, Shop, ShopCustomer};
use fortsync_domain::job::SyncResource;
use fortsync_domain::sync::{
    CustomerField, CustomerFields, CustomerPlan, FieldChanges, plan_customer, shop_name, split_name,
};
use fortsync_domain::tenant::Tenant;
use std::collections::{HashMap, HashSet};

fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn fortnox_fields(c: &FortnoxCustomer) -> CustomerFields {
    let mut f = CustomerFields::new();
    let mut put = |field, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            f.set(field, v);
        }
    };
    put(CustomerField::Email, &c.email);
    put(CustomerField::Name, &Some(c.name.clone()));
    put(CustomerField::Phone, &c.phone);
    put(CustomerField::Address1, &c.address1);
    put(CustomerField::Address2, &c.address2);
    put(CustomerField::Zip, &c.zip);
    put(CustomerField::City, &c.city);
    put(CustomerField::CountryCode, &c.country_code);
    put(CustomerField::OrganisationNumber, &c.organisation_number);
    put(CustomerField::VatNumber, &c.vat_number);
    f
}

fn shop_fields(c: &ShopCustomer) -> CustomerFields {
    let mut f = CustomerFields::new();
    let mut put = |field, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            f.set(field, v);
        }
    };
    put(CustomerField::Email, Some(&c.email));
    let name = shop_name(&c.first_name, &c.last_name, c.company.as_deref());
    put(CustomerField::Name, Some(&name));
    put(CustomerField::Phone, c.phone.as_deref());
    put(CustomerField::Address1, c.address1.as_deref());
    put(CustomerField::Address2, c.address2.as_deref());
    put(CustomerField::Zip, c.zip.as_deref());
    put(CustomerField::City, c.city.as_deref());
    put(CustomerField::CountryCode, c.country_code.as_deref());
    f
}

fn fortnox_patch(changes: &FieldChanges) -> FortnoxCustomerPatch {
    let get = |f| changes.get(f).map(str::to_owned);
    FortnoxCustomerPatch {
        email: get(CustomerField::Email),
        name: get(CustomerField::Name),
        phone: get(CustomerField::Phone),
        address1: get(CustomerField::Address1),
        address2: get(CustomerField::Address2),
        zip: get(CustomerField::Zip),
        city: get(CustomerField::City),
        country_code: get(CustomerField::CountryCode),
        organisation_number: None,
        vat_number: None,
    }
}

/// The shop's name fields: a company customer's name is its company, else first + last.
fn shop_patch(changes: &FieldChanges, existing: Option<&ShopCustomer>) -> CustomerPatch {
    let get = |f| changes.get(f).map(str::to_owned);
    let (mut first_name, mut last_name, mut company) = (None, None, None);
    if let Some(name) = changes.get(CustomerField::Name) {
        if existing.is_some_and(|c| c.company.as_deref().is_some_and(|x| !x.trim().is_empty())) {
            company = Some(name.to_owned());
        } else {
            let (first, last) = split_name(name);
            first_name = Some(first);
            last_name = Some(last);
        }
    }
    CustomerPatch {
        email: get(CustomerField::Email),
        first_name,
        last_name,
        company,
        phone: get(CustomerField::Phone),
        address1: get(CustomerField::Address1),
        address2: get(CustomerField::Address2),
        zip: get(CustomerField::Zip),
        city: get(CustomerField::City),
        country_code: get(CustomerField::CountryCode),
    }
}

struct Pair {
    key: String,
    fortnox: Option<FortnoxCustomer>,
    shop: Option<ShopCustomer>,
    plan: CustomerPlan,
}

async fn apply(
    deps: &SyncDeps,
    tenant: &Tenant,
    fortnox: &dyn Registers,
    shop: &dyn Shop,
    pairs: Vec<Pair>,
    report: &mut SyncReport,
    trail: &mut Trail,
) -> Result<(), SyncError> {
    let mut snapshots = Vec::new();
    for p in pairs {
        report.pairs += 1;
        for c in &p.plan.conflicts {
            report.conflicts += 1;
            trail.change(
                "conflict",
                "newest_wins",
                format!(
                    "{} {:?}: kept {:?}, lost {:?}",
                    p.key,
                    c.field,
                    c.winner,
                    c.loser()
                ),
            );
        }
        if p.plan.is_noop() {
            report.skipped += 1;
        }
        // "City: Uppsala -> Malmö" per field written, old values from the side written to.
        let fields = |c: &FieldChanges, before: Option<&CustomerFields>| {
            c.iter()
                .map(|(f, new)| {
                    let old = before.and_then(|b| b.get(f)).unwrap_or("-");
                    format!("{f:?}: {old} -> {new}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fortnox_before = p.fortnox.as_ref().map(fortnox_fields);
        let shop_before = p.shop.as_ref().map(shop_fields);
        match (&p.fortnox, p.plan.create_in_fortnox) {
            (Some(f), _) if !p.plan.to_fortnox.is_empty() => {
                fortnox
                    .update_customer(&f.number, &fortnox_patch(&p.plan.to_fortnox))
                    .await?;
                report.fortnox_updates += 1;
                trail.change(
                    "customer",
                    "shop_to_fortnox",
                    format!(
                        "{} (customer {}): {}",
                        p.key,
                        f.number,
                        fields(&p.plan.to_fortnox, fortnox_before.as_ref())
                    ),
                );
            }
            (None, true) => {
                // The e-mail is the pair's key: a created customer always carries it, whatever
                // the e-mail field's direction (else the next run could not pair it).
                let mut fields = fortnox_patch(&p.plan.to_fortnox);
                fields.email.get_or_insert_with(|| p.key.clone());
                let number = fortnox.create_customer(&fields).await?;
                report.fortnox_creates += 1;
                trail.change(
                    "customer",
                    "created_in_fortnox",
                    format!("{} as customer {number}", p.key),
                );
            }
            _ => {}
        }
        match (&p.shop, p.plan.create_in_shop) {
            (Some(s), _) if !p.plan.to_shop.is_empty() => {
                shop.update_customer(&s.id, &shop_patch(&p.plan.to_shop, Some(s)))
                    .await?;
                report.shop_updates += 1;
                trail.change(
                    "customer",
                    "fortnox_to_shop",
                    format!(
                        "{}: {}",
                        p.key,
                        fields(&p.plan.to_shop, shop_before.as_ref())
                    ),
                );
            }
            (None, true) => {
                let mut fields = shop_patch(&p.plan.to_shop, None);
                fields.email.get_or_insert_with(|| p.key.clone());
                shop.create_customer(&fields).await?;
                report.shop_creates += 1;
                trail.change("customer", "created_in_shop", p.key.clone());
            }
            _ => {}
        }
        let json = serde_json::to_string(&p.plan.snapshot)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        snapshots.push((p.key, json));
    }
    deps.store
        .put_snapshots(&tenant.id, SyncResource::Customers, &snapshots)
        .await?;
    Ok(())
}

async fn snapshots_of(
    deps: &SyncDeps,
    tenant: &Tenant,
    keys: &[String],
) -> Result<HashMap<String, CustomerFields>, SyncError> {
    let raw = deps
        .store
        .snapshots(&tenant.id, SyncResource::Customers, keys)
        .await?;
    Ok(raw
        .into_iter()
        .filter_map(|(k, v)| serde_json::from_str(&v).ok().map(|s| (k, s)))
        .collect())
}

pub(super) async fn run(
    deps: &SyncDeps,
    tenant: &Tenant,
    cursor: &mut SyncCursor,
    run: &mut SyncRun,
    trail: &mut Trail,
) -> Result<SyncReport, SyncError> {
    let fortnox = deps.registers.registers(tenant).await?;
    let shop = deps.shops.shop(tenant).await?;
    let rules = &tenant.settings.sync.customers;
    let mut report = SyncReport::default();
    let mut seen: HashSet<String> = HashSet::new();

    if run.phase == SyncPhase::FortnoxToShop {
        loop {
            let page = fortnox
                .customers(run.fortnox_since.as_deref(), run.fortnox_page)
                .await?;
            report.fortnox_pages += 1;
            let with_email: Vec<&FortnoxCustomer> = page
                .items
                .iter()
                .filter(|c| c.email.as_deref().is_some_and(|e| e.contains('@')))
                .collect();
            let keys: Vec<String> = with_email
                .iter()
                .filter_map(|c| c.email.as_deref().map(key))
                .collect();
            let last = snapshots_of(deps, tenant, &keys).await?;
            let mut pairs = Vec::new();
            for c in with_email {
                let k = key(c.email.as_deref().unwrap_or_default());
                if !seen.insert(k.clone()) {
                    continue;
                }
                let s = shop.find_customer_by_email(&k).await?;
                let plan = plan_customer(
                    Some(&fortnox_fields(c)),
                    s.as_ref().map(shop_fields).as_ref(),
                    last.get(&k),
                    None,
                    s.as_ref().map(|x| x.updated_at.as_str()),
                    rules,
                );
                pairs.push(Pair {
                    key: k,
                    fortnox: Some(c.clone()),
                    shop: s,
                    plan,
                });
            }
            apply(
                deps,
                tenant,
                fortnox.as_ref(),
                shop.as_ref(),
                pairs,
                &mut report,
                trail,
            )
            .await?;
            let done = page.is_last() || page.items.is_empty();
            if done {
                run.phase = SyncPhase::ShopToFortnox;
            } else {
                run.fortnox_page += 1;
            }
            commit(deps, &tenant.id, SyncResource::Customers, cursor, run).await?;
            if done {
                break;
            }
        }
    }

    loop {
        let page = shop
            .customers_page(run.shop_since.as_deref(), run.shop_cursor.as_deref())
            .await?;
        report.shop_pages += 1;
        let fresh: Vec<ShopCustomer> = page
            .items
            .into_iter()
            .filter(|c| c.email.contains('@') && !seen.contains(&key(&c.email)))
            .collect();
        let keys: Vec<String> = fresh.iter().map(|c| key(&c.email)).collect();
        let last = snapshots_of(deps, tenant, &keys).await?;
        let mut pairs = Vec::new();
        for s in fresh {
            let k = key(&s.email);
            if !seen.insert(k.clone()) {
                continue;
            }
            // The duplicate check before any create: the same e-mail in Fortnox (exact, over
            // its substring search), else the same organisation number.
            let f = fortnox.customer_by_email(&k).await?;
            let plan = plan_customer(
                f.as_ref().map(fortnox_fields).as_ref(),
                Some(&shop_fields(&s)),
                last.get(&k),
                None,
                Some(s.updated_at.as_str()),
                rules,
            );
            pairs.push(Pair {
                key: k,
                fortnox: f,
                shop: Some(s),
                plan,
            });
        }
        apply(
            deps,
            tenant,
            fortnox.as_ref(),
            shop.as_ref(),
            pairs,
            &mut report,
            trail,
        )
        .await?;
        run.shop_cursor = page.next.clone();
        commit(deps, &tenant.id, SyncResource::Customers, cursor, run).await?;
        if page.next.is_none() {
            break;
        }
    }
    report.fortnox_calls = fortnox.take_calls().len() as u32;
    Ok(report)
}
