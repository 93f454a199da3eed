//! Report formats. Every format renders the same `Report`; only `cli` chooses one.

pub mod escape;
mod html;
mod human;
mod json;
pub mod previous;
mod sarif;

use std::io::{self, Write};

use crate::scan::Report;

pub use html::{timestamp, Html, HtmlContext};
pub use human::Human;
pub use json::{Json, JSON_SCHEMA_VERSION};
pub use sarif::Sarif;

pub trait Emitter {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}
