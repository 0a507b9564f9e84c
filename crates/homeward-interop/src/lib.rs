//! Interchange files, parsed and printed without I/O: person lists from
//! CSV, XLSX or pasted text ([`people`]), with column recognition in the
//! region's languages, field-by-field checks and a preview of what will be
//! read and which rows cannot be used.

pub mod people;
