//! vigie: a policy-as-code hardening auditor for self-hosted infrastructure.
//!
//! Dependency direction (nothing points back up):
//! `cli` → `output`, `scan` → `discover`, `suppress`, `policy`, `source` → `document` → `text`;
//! `finding`, `secret`, `problem`, `settings`, `limits`, `fsio` (every file vigie reads) and `write` (every
//! file vigie writes) are shared leaves. Only `source` knows file formats and
//! only `cli` chooses an output.
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::string_slice
    )
)]

pub mod audit;
pub mod cli;
pub mod discover;
pub mod document;
pub mod finding;
pub mod fsio;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod limits;
pub mod output;
pub mod policy;
pub mod problem;
pub mod project;
pub mod scan;
pub mod secret;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod text;
pub mod write;

pub use cli::{run, ExitStatus};
