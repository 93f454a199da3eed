#![no_main]
//! Docker Compose with interpolation: the compose file, then (after a NUL byte) its `.env`, then its override.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["compose.yaml", ".env", "compose.override.yaml"], data);
});
