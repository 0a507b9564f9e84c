//! One ad through the whole pipeline.
fn main() {}
