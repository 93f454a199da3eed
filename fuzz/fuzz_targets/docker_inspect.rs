#![no_main]
//! Recorded `docker inspect` output, then (after a NUL byte) a compose file it is compared with.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["docker-inspect.json", "compose.yaml"], data);
});
