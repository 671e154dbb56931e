pub mod deadline;
pub mod lifecycle;
pub mod receipt;
pub mod seal;
