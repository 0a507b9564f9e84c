//! One module per top-level command family.

pub mod gen;
pub mod matching;
pub mod screen;
