//! Storage: see ARCHITECTURE.md.
