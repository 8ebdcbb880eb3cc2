//! In-memory twins of the ports: the local demo runs on them and use-case tests use them.
//! They honour the same contracts as the AWS adapters (conditional writes, versions,
//! visibility timeouts, a dead-letter queue).

mod accounting;
mod clock;
mod queue;
mod rate;
mod secrets;
mod store;
mod sync;

pub use accounting::FakeFortnox;
pub use clock::ManualClock;
pub use queue::MemoryQueue;
pub use rate::MemoryRateWindow;
pub use secrets::MemorySecrets;
pub use store::MemoryStore;
pub use sync::MemorySyncStore;
