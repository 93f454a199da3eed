//! Limits on what one input may make vigie do. Every parser, normalizer and evaluator that
//! recurses is bounded by one of these, well inside a scan worker's stack (rayon's threads, 2 MiB
//! each); reaching a limit is a located problem on that file, and the scan goes on with the
//! others. `docs/limits.md` lists them for users. The parsers vigie uses have limits of their
//! own, lower still: saphyr's flow collections (255), `toml` (80), `hcl-edit` (64).

/// Collections nested in one another: YAML block and flow collections (aliases included), JSON
/// and HuJSON values, Traefik flat keys, Terraform values, and the document
/// handed to the policies. The YAML scanner counts flow levels in a byte: 255 is its own limit
/// too.
pub const MAX_NESTING: usize = 255;

/// Caddyfile blocks nested in one another (each block is two levels of the document the policies
/// see).
pub const MAX_BLOCK_NESTING: usize = 64;

/// `${VAR:-${VAR:-…}}` nested in one compose value.
pub const MAX_INTERPOLATION_DEPTH: usize = 32;

/// Terraform expressions nested in one another (parentheses, operators, calls, collections).
pub const MAX_EXPRESSION_DEPTH: usize = 256;

/// Terraform references followed from one value (`local.a` → `local.b` → …); a longer chain is
/// an unknown value with a warning.
pub const MAX_REFERENCE_CHAIN: usize = 128;

/// Bytes one evaluated Terraform value may hold (strings, lists and maps counted together); a
/// larger value is unknown, with a warning.
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// Bytes of values one Terraform module's document may hold; past it, further values are unknown,
/// with a warning.
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// The largest list index a flat Traefik key (a label or a flag: `…domains[3].main`) may name.
pub const MAX_LIST_INDEX: usize = 1024;
