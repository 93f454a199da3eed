#![no_main]
//! Traefik TOML: the static `traefik.toml`, then (after a NUL byte) a dynamic `dynamic.toml`.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["traefik.toml", "dynamic.toml"], data);
});
