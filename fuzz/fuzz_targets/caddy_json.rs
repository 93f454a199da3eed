#![no_main]
//! Caddy JSON configuration.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["caddy.json"], data);
});
