#![doc = include_str!("../README.md")]

pub mod date;
pub mod han;
pub mod ident;
pub mod names;
pub mod text;
pub mod thai;
