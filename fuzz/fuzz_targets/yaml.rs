#![no_main]
//! The YAML reader every YAML and JSON source shares, on its own.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::yaml(data);
});
