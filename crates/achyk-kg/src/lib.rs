//! The Kyrgyz public procurement feed (zakupki.gov.kg's OCDS API).
//!
//! - [`regions`]: Kyrgyzstan's nine first-level regions (7 oblasts and the cities of Bishkek
//!   and Osh), resolved from an address's `ateCode` or its names.
//! - [`generate`]: a deterministic synthetic feed in the API's shape, with the feed's defects
//!   and planted risk patterns, for the demo, the tests and the benchmarks.
//! - [`normalise`]: turns a compiled Kyrgyz release into standard OCDS and says what it changed.
//! - [`sync`]: pulls `/api/tendering` into the store by the `since` cursor, resumably.

pub mod generate;
pub mod normalise;
pub mod regions;
pub mod sync;
