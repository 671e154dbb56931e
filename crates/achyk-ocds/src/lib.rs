//! OCDS core: read every form a publication comes in, work out merge rules from the embedded
//! 1.1.5 release schema and the extensions a package declares, and merge releases into compiled
//! and versioned releases exactly as OCP's reference (`ocdsmerge`) does.
//!
//! No IO beyond readers over `impl Read`, no async, no SQL.

pub mod canonical;
pub mod json;
pub mod merge;
pub mod project;
pub mod read;
pub mod release;
pub mod rules;
pub mod schema;
pub mod validate;

pub use merge::{
    MergeWarning, Merged, MergedText, compile, compile_nodes, compile_texts, versioned,
    versioned_nodes, versioned_texts,
};
pub use read::{
    Event, InputIssue, Item, ItemHead, ItemKind, Location, PackageMeta, ReadOptions, SkimmedLine,
    check_line, read_publication, read_publication_skimming, read_publication_with,
};
pub use release::{ReleaseHead, ReleaseProblem};
pub use rules::MergeRules;
