//! One module per top-level command family.

pub mod r#gen;
pub mod import;
pub mod matching;
pub mod node;
pub mod report;
pub mod screen;
