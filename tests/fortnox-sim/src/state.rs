//! Shared simulator state: one mutex around the whole world (tenants, tokens, rate windows, log).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::{Date, Month, OffsetDateTime};

use crate::clock::{Clock, fmt_date};
use crate::config::{AppConfig, Rounding, SimConfig};
use crate::envelope::{Obj, num};
use crate::errors::{ApiError, ApiResult, code};
use crate::events::{ConnectionInfo, EventBus, Signal, TopicEvent};
use crate::faults::Fault;
use crate::log::LoggedRequest;
use crate::ratelimit::RateLimiter;
use crate::tokens::{TokenResponse, TokenStore};

/// A stored record: the full JSON as GET returns it (without `@url`) plus its change time.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub data: Obj,
    /// When the simulator last changed the record (UTC); used by `?lastmodified=`.
    pub modified: OffsetDateTime,
}

impl Record {
    pub fn new(data: Obj, now: OffsetDateTime) -> Self {
        Record {
            data,
            modified: now,
        }
    }
}

/// One Fortnox company (tenant / `DatabaseNumber`).
#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    pub id: u64,
    pub rounding: Rounding,
    pub company: Obj,
    pub customers: BTreeMap<String, Record>,
    /// Every customer number ever used, deleted ones included (never reusable).
    pub used_customer_numbers: HashSet<String>,
    pub next_customer: u64,
    pub articles: BTreeMap<String, Record>,
    pub next_article: u64,
    pub pricelists: BTreeMap<String, Record>,
    pub prices: Vec<Record>,
    pub orders: BTreeMap<u64, Record>,
    pub next_order: u64,
    pub invoices: BTreeMap<u64, Record>,
    pub next_invoice: u64,
    pub payments: BTreeMap<u64, Record>,
    pub next_payment: u64,
    pub next_row_id: u64,
    pub next_voucher: u64,
    pub accounts: BTreeMap<u32, Record>,
    pub currencies: BTreeMap<String, Record>,
    pub financial_years: Vec<Record>,
    /// Explicit stock per (article, stock point); stock point "MAIN" falls back to the article's
    /// `QuantityInStock`.
    pub stock: BTreeMap<(String, String), (Decimal, Decimal)>,
}

/// BAS accounts every tenant starts with.
pub(crate) const BAS_ACCOUNTS: &[(u32, &str, &str)] = &[
    (1510, "Kundfordringar", ""),
    (1930, "Företagskonto/checkkonto/affärskonto", ""),
    (
        2611,
        "Utgående moms på försäljning inom Sverige, 25 %",
        "MP1",
    ),
    (
        2621,
        "Utgående moms på försäljning inom Sverige, 12 %",
        "MP2",
    ),
    (2420, "Förskott från kunder", ""),
    (
        2631,
        "Utgående moms på försäljning inom Sverige, 6 %",
        "MP3",
    ),
    (3001, "Försäljning inom Sverige, 25 % moms", "MP1"),
    (3002, "Försäljning inom Sverige, 12 % moms", "MP2"),
    (3003, "Försäljning inom Sverige, 6 % moms", "MP3"),
    (3004, "Försäljning inom Sverige, momsfri", ""),
    (3105, "Försäljning varor till land utanför EU", ""),
    (
        3106,
        "Försäljning varor till annat EU-land, momspliktig",
        "",
    ),
    (3108, "Försäljning varor till annat EU-land, momsfri", ""),
    (3520, "Fakturerade frakter", "MP1"),
    (3540, "Faktureringsavgifter", "MP1"),
    (3740, "Öres- och kronutjämning", ""),
    (3990, "Övriga ersättningar och intäkter", ""),
    (4000, "Inköp av varor från Sverige", ""),
];

/// (code, description, sell rate in SEK).
const CURRENCIES: &[(&str, &str, &str)] = &[
    ("SEK", "Svenska kronor", "1"),
    ("EUR", "Euro", "11.50"),
    ("USD", "Amerikanska dollar", "10.50"),
    ("NOK", "Norska kronor", "1.00"),
    ("DKK", "Danska kronor", "1.54"),
];

impl Tenant {
    fn new(
        id: u64,
        name: &str,
        org: Option<&str>,
        rounding: Rounding,
        now: OffsetDateTime,
        today: Date,
    ) -> Self {
        let org = org
            .map(str::to_string)
            .unwrap_or_else(|| format!("556{:03}-{:04}", id % 1000, id % 10000));
        let company = json!({
            "CompanyName": name,
            "OrganizationNumber": org,
            "Address": "Storgatan 1",
            "ZipCode": "111 22",
            "City": "Stockholm",
            "CountryCode": "SE",
            "DatabaseNumber": id,
            "VisitAddress": "Storgatan 1",
            "VisitCity": "Stockholm",
            "VisitCountryCode": "SE",
            "VisitZipCode": "111 22",
        });
        let company = match company {
            Value::Object(o) => o,
            _ => Obj::new(),
        };
        let mut t = Tenant {
            id,
            rounding,
            company,
            customers: BTreeMap::new(),
            used_customer_numbers: HashSet::new(),
            next_customer: 0,
            articles: BTreeMap::new(),
            next_article: 0,
            pricelists: BTreeMap::new(),
            prices: Vec::new(),
            orders: BTreeMap::new(),
            next_order: 0,
            invoices: BTreeMap::new(),
            next_invoice: 0,
            payments: BTreeMap::new(),
            next_payment: 0,
            next_row_id: 0,
            next_voucher: 0,
            accounts: BTreeMap::new(),
            currencies: BTreeMap::new(),
            financial_years: Vec::new(),
            stock: BTreeMap::new(),
        };
        let pricelist = json!({"Code": "A", "Description": "Prislista A", "Comments": null, "PreSelected": true});
        if let Value::Object(o) = pricelist {
            t.pricelists.insert("A".into(), Record::new(o, now));
        }
        let year = today.year();
        for (number, description, vat_code) in BAS_ACCOUNTS {
            let a = json!({
                "Active": true,
                "BalanceBroughtForward": num(Decimal::ZERO),
                "CostCenter": null,
                "CostCenterSettings": "ALLOWED",
                "Description": description,
                "Number": number,
                "Project": "",
                "ProjectSettings": "ALLOWED",
                "SRU": 0,
                "VATCode": if vat_code.is_empty() { Value::Null } else { json!(vat_code) },
                "Year": 1,
            });
            if let Value::Object(o) = a {
                t.accounts.insert(*number, Record::new(o, now));
            }
        }
        for (code_, description, rate) in CURRENCIES {
            let rate: Decimal = rate.parse().unwrap_or(Decimal::ONE);
            let c = json!({
                "BuyRate": num(rate),
                "Code": code_,
                "Date": fmt_date(today),
                "Description": description,
                "IsAutomatic": *code_ != "SEK",
                "SellRate": num(rate),
                "Unit": 1,
            });
            if let Value::Object(o) = c {
                t.currencies.insert((*code_).into(), Record::new(o, now));
            }
        }
        let from = Date::from_calendar_date(year, Month::January, 1).unwrap_or(today);
        let to = Date::from_calendar_date(year, Month::December, 31).unwrap_or(today);
        let fy = json!({
            "Id": 1,
            "FromDate": fmt_date(from),
            "ToDate": fmt_date(to),
            "AccountChartType": "BAS 2024",
            "AccountingMethod": "ACCRUAL",
        });
        if let Value::Object(o) = fy {
            t.financial_years.push(Record::new(o, now));
        }
        t
    }

    /// Id of the financial year covering `date`.
    pub fn financial_year_for(&self, date: Date) -> Option<u64> {
        self.financial_years.iter().find_map(|fy| {
            let from = fy
                .data
                .get("FromDate")
                .and_then(Value::as_str)
                .and_then(crate::clock::parse_date)?;
            let to = fy
                .data
                .get("ToDate")
                .and_then(Value::as_str)
                .and_then(crate::clock::parse_date)?;
            (from <= date && date <= to)
                .then(|| fy.data.get("Id").and_then(Value::as_u64))
                .flatten()
        })
    }

    pub fn row_id(&mut self) -> u64 {
        self.next_row_id += 1;
        self.next_row_id
    }

    pub fn voucher(&mut self) -> u64 {
        self.next_voucher += 1;
        self.next_voucher
    }
}

/// Whose tenant the next browser consent grants, and whether it is refused.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConsentSetting {
    pub refuse: bool,
    pub tenant: Option<u64>,
}

pub(crate) struct World {
    pub clock: Clock,
    pub apps: HashMap<String, AppConfig>,
    pub consent: ConsentSetting,
    pub tenants: BTreeMap<u64, Tenant>,
    pub next_tenant: u64,
    pub tokens: TokenStore,
    pub rate: RateLimiter,
    pub faults: Vec<Fault>,
    pub log: Vec<LoggedRequest>,
}

/// First tenant id handed out; ids look like Fortnox database numbers.
const FIRST_TENANT: u64 = 1_000_001;

impl World {
    fn new(config: &SimConfig) -> Self {
        World {
            clock: Clock::new(),
            apps: config
                .apps
                .iter()
                .map(|a| (a.client_id.clone(), a.clone()))
                .collect(),
            consent: ConsentSetting::default(),
            tenants: BTreeMap::new(),
            next_tenant: FIRST_TENANT,
            tokens: TokenStore::default(),
            rate: RateLimiter::default(),
            faults: Vec::new(),
            log: Vec::new(),
        }
    }

    pub fn create_tenant(&mut self, name: &str, org: Option<&str>, rounding: Rounding) -> u64 {
        let id = self.next_tenant;
        self.next_tenant += 1;
        let now = self.clock.now();
        let today = self.clock.today();
        self.tenants
            .insert(id, Tenant::new(id, name, org, rounding, now, today));
        id
    }

    pub fn tenant_mut(&mut self, id: u64) -> ApiResult<&mut Tenant> {
        self.tenants.get_mut(&id).ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                code::TOKEN,
                "Okänd databas för access-token.",
            )
        })
    }
}

pub(crate) struct Inner {
    pub config: SimConfig,
    pub base_url: RwLock<String>,
    pub world: Mutex<World>,
    /// Event log of the WebSocket topics; its own lock, always taken after (never while
    /// waiting for) the world's.
    pub events: Arc<EventBus>,
}

/// Shared simulator state. Cheap to clone; all clones see the same world.
#[derive(Clone)]
pub struct SimState(pub(crate) Arc<Inner>);

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        let world = World::new(&config);
        SimState(Arc::new(Inner {
            config,
            base_url: RwLock::new("http://127.0.0.1".into()),
            world: Mutex::new(world),
            events: Arc::new(EventBus::new()),
        }))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.0.world.lock().expect("simulator state mutex poisoned")
    }

    pub fn config(&self) -> &SimConfig {
        &self.0.config
    }

    /// Base URL used in `@url` fields, e.g. `http://127.0.0.1:8089` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.0
            .base_url
            .read()
            .expect("base url lock poisoned")
            .clone()
    }

    pub fn set_base_url(&self, url: &str) {
        *self.0.base_url.write().expect("base url lock poisoned") =
            url.trim_end_matches('/').to_string();
    }

    /// Creates a tenant with default rounding; returns its id (= `DatabaseNumber`).
    pub fn add_tenant(&self, company_name: &str) -> u64 {
        self.add_tenant_with(company_name, None, None)
    }

    pub fn add_tenant_with(
        &self,
        company_name: &str,
        organization_number: Option<&str>,
        rounding: Option<Rounding>,
    ) -> u64 {
        let rounding = rounding.unwrap_or(self.0.config.default_rounding);
        self.lock()
            .create_tenant(company_name, organization_number, rounding)
    }

    pub fn tenant_ids(&self) -> Vec<u64> {
        self.lock().tenants.keys().copied().collect()
    }

    /// Mints an access + refresh token as if the code flow had just completed.
    pub fn issue_token(&self, client_id: &str, tenant_id: u64, scopes: &[&str]) -> TokenResponse {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let mut w = self.lock();
        let now = w.clock.now();
        w.tokens.mint(now, client_id, tenant_id, &scopes, true)
    }

    /// Records a service-account consent (what `account_type=service` in the browser flow does),
    /// enabling `grant_type=client_credentials` for (client_id, tenant).
    pub fn grant_service_consent(&self, client_id: &str, tenant_id: u64, scopes: &[&str]) {
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        self.lock()
            .tokens
            .service_consents
            .insert((client_id.to_string(), tenant_id), scopes);
    }

    pub fn set_rounding(&self, tenant_id: u64, rounding: Rounding) {
        if let Some(t) = self.lock().tenants.get_mut(&tenant_id) {
            t.rounding = rounding;
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.lock().clock.now()
    }

    pub fn set_now(&self, now: OffsetDateTime) {
        self.lock().clock.set_now(now);
    }

    pub fn advance(&self, d: std::time::Duration) {
        self.lock().clock.advance(d);
    }

    /// Which tenant the next browser consent grants (None: the first, created if missing), and
    /// whether the user refuses.
    pub fn set_consent(&self, refuse: bool, tenant_id: Option<u64>) {
        self.lock().consent = ConsentSetting {
            refuse,
            tenant: tenant_id,
        };
    }

    /// Registers (or replaces) an OAuth app.
    pub fn register_app(&self, app: AppConfig) {
        self.lock().apps.insert(app.client_id.clone(), app);
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// Logged requests with this method whose path starts with `path_prefix` (all outcomes,
    /// including 429s and injected faults).
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(path_prefix))
            .count()
    }

    /// Counts per "METHOD /route/template", per tenant, and the number of 429s.
    pub fn stats(&self) -> Value {
        crate::log::stats(&self.lock().log)
    }

    pub fn invoices(&self, tenant_id: u64) -> Vec<Value> {
        self.records(
            tenant_id,
            |t| t.invoices.values().collect(),
            "invoices",
            "DocumentNumber",
        )
    }

    pub fn orders(&self, tenant_id: u64) -> Vec<Value> {
        self.records(
            tenant_id,
            |t| t.orders.values().collect(),
            "orders",
            "DocumentNumber",
        )
    }

    pub fn customers(&self, tenant_id: u64) -> Vec<Value> {
        let mut v = self.records(
            tenant_id,
            |t| t.customers.values().collect(),
            "customers",
            "CustomerNumber",
        );
        v.sort_by(|a, b| crate::lists::cmp_values(&a["CustomerNumber"], &b["CustomerNumber"]));
        v
    }

    pub fn articles(&self, tenant_id: u64) -> Vec<Value> {
        self.records(
            tenant_id,
            |t| t.articles.values().collect(),
            "articles",
            "ArticleNumber",
        )
    }

    pub fn invoice_payments(&self, tenant_id: u64) -> Vec<Value> {
        self.records(
            tenant_id,
            |t| t.payments.values().collect(),
            "invoicepayments",
            "Number",
        )
    }

    fn records(
        &self,
        tenant_id: u64,
        pick: impl Fn(&Tenant) -> Vec<&Record>,
        segment: &str,
        id_key: &str,
    ) -> Vec<Value> {
        let base = self.base_url();
        let w = self.lock();
        let Some(t) = w.tenants.get(&tenant_id) else {
            return Vec::new();
        };
        pick(t)
            .into_iter()
            .map(|r| crate::resources::with_url(&base, segment, id_key, &r.data))
            .collect()
    }

    /// Creates records of `kind` (customers, articles, pricelists, prices, orders, invoices,
    /// invoicepayments, stockbalance) with the API's validation, bypassing auth and rate limit.
    pub fn seed(
        &self,
        kind: &str,
        tenant_id: u64,
        records: Vec<Value>,
    ) -> Result<Vec<Value>, crate::control::SeedError> {
        crate::control::seed_records(self, kind, tenant_id, records)
    }

    /// Back to the state right after start: no tenants, tokens, faults, log or events; clock
    /// real time; WebSocket connections closed.
    pub fn reset(&self) {
        *self.lock() = World::new(&self.0.config);
        self.0.events.reset();
    }

    /// Stored events of `topic` (every topic when None), oldest first.
    pub fn topic_events(&self, topic: Option<&str>) -> Vec<TopicEvent> {
        self.0.events.all(topic)
    }

    /// Appends an event as if Fortnox had emitted it (timestamp: the simulator clock).
    pub fn emit_event(
        &self,
        topic: &str,
        event_type: &str,
        tenant_id: u64,
        entity_id: &str,
    ) -> TopicEvent {
        let now = self.now();
        self.0
            .events
            .emit(topic, event_type, tenant_id, entity_id, now)
    }

    /// Every live WebSocket connection re-sends the last `count` events it delivered
    /// (at-least-once duplicates); returns the number of connections told.
    pub fn duplicate_events(&self, count: usize) -> usize {
        self.0.events.signal(Signal::Duplicate(count))
    }

    /// Closes every live WebSocket connection (abruptly, or with a close frame when
    /// `graceful`); returns the number of connections told.
    pub fn drop_connections(&self, graceful: bool) -> usize {
        self.0.events.signal(Signal::Drop { graceful })
    }

    /// The live WebSocket connections and what they registered.
    pub fn topic_connections(&self) -> Vec<ConnectionInfo> {
        self.0.events.connections()
    }
}
