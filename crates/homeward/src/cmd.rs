//! One module per top-level command family.

pub mod r#gen;
pub mod matching;
pub mod node;
pub mod screen;
