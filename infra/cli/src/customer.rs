//! `fortsync customer --tenant T --email E`: the customer's balance owed in Fortnox, overdue
//! invoices, open items, uninvoiced shop orders and the credit limit, as a table.

use fortsync_app::worker::WorkerDeps;
use fortsync_domain::TenantId;

/// Print the balance table of a customer of a tenant, with the given worker's ports.
pub async fn print(deps: &WorkerDeps, tenant: &TenantId, email: &str) -> Result<(), String> {
    let tenant = deps
        .tenants
        .get_tenant(tenant)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no tenant {tenant}"))?;
    let fortnox = deps
        .accounting
        .connect(&tenant)
        .await
        .map_err(|e| e.to_string())?;
    let now = deps.clock.now();
    let today = now
        .to_offset(fortsync_domain::sync::timestamp::stockholm_offset(now))
        .date()
        .to_string();
    let found = fortsync_app::balance::for_customer(
        fortnox.as_ref(),
        deps.customers.as_ref(),
        deps.orders.as_ref(),
        &tenant,
        email,
        &today,
    )
    .await
    .map_err(|e| e.to_string())?;
    match found {
        Some((number, balance)) => {
            println!("customer {number} ({email}) on {today}");
            print!("{}", fortsync_domain::balance::table(&balance));
            Ok(())
        }
        None => Err(format!("Fortnox has no customer with e-mail {email}")),
    }
}

pub struct CustomerArgs {
    pub tenant: String,
    pub email: String,
    pub table: String,
    pub secret_prefix: String,
    pub fortnox_api_base: String,
    pub fortnox_auth_base: String,
}

/// Against a deployed stack (the table and secrets of `--table` / `--secret-prefix`).
pub async fn run(args: CustomerArgs) -> Result<(), String> {
    let tenant = TenantId::parse(&args.tenant).map_err(|e| e.to_string())?;
    let ports =
        fortsync_handlers::wiring::Ports::aws(&args.table, "unused-by-this-command", None).await;
    let endpoints = fortsync_handlers::wiring::FortnoxEndpoints {
        api_base: args.fortnox_api_base,
        auth_base: args.fortnox_auth_base,
        timeout: std::time::Duration::from_secs(15),
    };
    let deps = ports
        .worker(
            &args.secret_prefix,
            &endpoints,
            fortsync_fortnox::RetryPolicy::default(),
        )
        .map_err(|e| e.to_string())?;
    print(&deps, &tenant, &args.email).await
}
