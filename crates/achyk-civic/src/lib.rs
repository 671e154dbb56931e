pub mod deadline;
pub mod lifecycle;
