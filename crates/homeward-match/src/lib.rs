#![doc = include_str!("../README.md")]

pub mod batch;
pub mod block;
pub mod compare;
pub mod date;
pub mod han;
pub mod ident;
pub mod index;
pub mod model;
pub mod names;
pub mod record;
pub mod synth;
pub mod text;
pub mod thai;

pub use batch::{BatchOptions, BatchResult, Pair};
pub use index::{Candidate, MatchIndex};
pub use model::{FieldExplanation, Model, Score};
pub use record::{FieldError, PersonRecord, Prepared, prepare};
