#![no_main]
//! Traefik YAML: the static `traefik.yml`, then (after a NUL byte) a dynamic `dynamic.yml` its file provider may name, then a compose file with labels.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["traefik.yml", "dynamic.yml", "compose.yaml"], data);
});
