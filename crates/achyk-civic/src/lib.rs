pub mod deadline;
pub mod lifecycle;
pub mod place;
pub mod receipt;
pub mod seal;
