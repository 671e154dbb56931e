//! Civic actions (DESIGN.md §4–5): the rules behind citizen reports and CSO cases, as a pure
//! library without database or web.
//!
//! - [`deadline`]: working-day calendar, iCalendar import, legal due dates, display status.
//! - [`lifecycle`]: Report and Case states and their allowed moves; [`lifecycle::Disclosure`].
//! - [`receipt`]: receipt codes for anonymous reporters, stored as keyed hashes.
//! - [`seal`]: contact details encrypted to a key the server does not hold.
//! - [`photo`]: upload sanitising (type, limits, orientation, metadata removal) and black-out.
//! - [`place`]: public blurring of places and times.

pub mod auth;
pub mod deadline;
pub mod lifecycle;
pub mod photo;
pub mod place;
pub mod receipt;
pub mod seal;
