//! Report formats. Every format renders the same `Report`; only `cli` chooses one.

mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use crate::scan::Report;

pub use human::Human;
pub use json::{Json, JSON_SCHEMA_VERSION};
pub use sarif::Sarif;

pub trait Emitter {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
