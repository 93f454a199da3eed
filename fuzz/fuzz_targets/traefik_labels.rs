#![no_main]
//! Traefik's Docker labels: a compose file with a Traefik service and labelled services, keys
//! built from Traefik's words.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |setup: vigie_fuzz::traefik::Setup| {
    vigie_fuzz::scan_owned(&[("compose.yaml".to_string(), setup.render())]);
});
