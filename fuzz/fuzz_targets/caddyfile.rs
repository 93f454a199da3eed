#![no_main]
//! Caddyfile: the Caddyfile, then (after a NUL byte) its `.env`, then a file it may import (`proxy.inc`).

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["Caddyfile", ".env", "proxy.inc"], data);
});
