pub mod deadline;
pub mod lifecycle;
pub mod photo;
pub mod place;
pub mod receipt;
pub mod seal;
