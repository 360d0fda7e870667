//! One module per page of the visitor journey.

pub mod prisons;
