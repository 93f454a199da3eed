//! What the fuzz targets share: turning an input into the files of a scan, and the
//! structure-aware generators (deep nesting, long chains, wide fan-out) that byte mutation does
//! not reach.
pub mod shapes;
pub mod traefik;
pub mod worker;

/// Split `data` at its first NUL bytes into at most `names.len()` files: the first part is the
/// main file (`names[0]`), the next ones its companions (an `.env`, a tfvars file, an imported
/// snippet). A seed without NUL is the main file alone.
pub fn split<'a>(names: &[&'a str], data: &'a [u8]) -> Vec<(&'a str, &'a [u8])> {
    let mut out = Vec::new();
    let mut rest = data;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        match rest.iter().position(|&b| b == 0) {
            Some(at) if !last => {
                out.push((*name, &rest[..at]));
                rest = &rest[at + 1..];
            }
            _ => {
                out.push((*name, rest));
                break;
            }
        }
    }
    out
}

/// Scan the files `data` splits into ([`split`]).
pub fn scan_split(names: &[&str], data: &[u8]) {
    scan(&split(names, data));
}

/// Scan `files` as `vigie scan` does (see `vigie::fuzzing::scan_files`). Only a failure of the
/// harness itself (the temporary directory cannot be written) panics here.
pub fn scan(files: &[(&str, &[u8])]) {
    if let Err(e) = worker::run(|| vigie::fuzzing::scan_files(files)) {
        panic!("fuzz harness: cannot write the input files: {e}");
    }
}

/// Scan owned files (what the generators render).
pub fn scan_owned(files: &[(String, String)]) {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    scan(&borrowed);
}

/// `s` as a YAML (and JSON-compatible) double-quoted string.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parse `data` with the shared YAML reader (on the worker).
pub fn yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        worker::run(|| vigie::fuzzing::yaml(text));
    }
}
