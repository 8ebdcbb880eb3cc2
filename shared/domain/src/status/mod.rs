//! Invoice status back to the shop: Fortnox invoice facts → a status, a transition against
//! what was last written, and the shop write (note, tags, fields, WooCommerce status). Pure:
//! the worker reads the invoice, calls these functions and performs the write. No I/O, no
//! clock (`today` is passed in as `YYYY-MM-DD`).
//!
//! # Decisions
//! - **Stages** ([`Stage`]), ordered by progress and evaluated by precedence: cancelled >
//!   credited > paid > partly paid > booked > sent > created (fortnox-api.md §8). Fortnox's
//!   flags are not exclusive (a paid invoice is usually also booked), so the first match wins.
//!   Credited is tested before paid because whether crediting zeroes the original's `Balance`
//!   is unverified.
//! - **Credited** only on an original (`credit == false`) whose `CreditInvoiceReference` is
//!   set (not empty, not Fortnox's `"0"`): on a credit note the same field points back to the
//!   original, so it never makes the credit note "credited".
//! - **Paid**: nothing outstanding (`Balance` ≤ 0 in the direction of `Total`, overpaid
//!   included) *and* booked or `FinalPayDate` set. The second condition keeps a never-booked
//!   invoice whose balance reads 0 from completing a shop order. A zero-total invoice is
//!   therefore paid once booked (nothing to collect, and no payment will ever set
//!   `FinalPayDate`). A few öre left by Fortnox's öre rounding read as partly paid: the fix
//!   belongs in payment registration (a write-off), not in hiding the balance.
//! - **Partly paid**: `0 < Balance < Total` (by magnitude, so credit notes work alike).
//! - **Overdue** is a flag, not a stage: unpaid (created … partly paid), not a credit note,
//!   something outstanding, and `DueDate` strictly before `today` (the due date itself is
//!   still on time). Unreadable dates never make anything overdue.
//! - **Transitions** ([`advance`]): the worker always derives from a *fresh* read of the
//!   invoice, so a lower stage than last written means Fortnox itself went back (a deleted
//!   payment: paid → booked) and is written as [`Transition::Reversed`]. A status derived
//!   from anything older (a queued list item, an event payload) that comes out `Reversed`
//!   must be confirmed with a fresh GET and [`advance`] again before writing: a stale read
//!   then comes out `Unchanged` and never moves the shop backwards.
//! - **Shop write** ([`annotation`]): English text with Fortnox's terms; every field is always
//!   present (empty when unknown) so a write after a reversal clears e.g. `paid_date`; status
//!   tags not applicable are listed for removal; the WooCommerce status is only ever moved
//!   forward (set on paid, never reset on reversal: the merchant may already have shipped).

mod annotation;
mod facts;
mod rules;
mod stage;
pub(crate) mod text;
mod transition;

pub use annotation::{
    STATUS_TAGS, ShopWrite, TAG_CANCELLED, TAG_CREDITED, TAG_INVOICED, TAG_OVERDUE, TAG_PAID,
    TAG_PARTLY_PAID, annotation,
};
pub use facts::InvoiceFacts;
pub use rules::{MarkInvoicedOn, StatusSettings};
pub use stage::{DocumentStatus, Stage, derive};
pub use transition::{Transition, advance};
