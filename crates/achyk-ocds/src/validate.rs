//! Validation of publications against the OCDS 1.1.5 schemas.
