#![no_main]
//! Traefik's command-line flags (a compose service running Traefik), and the static
//! configuration they make, beside a `traefik.yml` the input may also hold (after a NUL byte:
//! the flags come from the first part, one per line).

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    let parts = vigie_fuzz::split(&["flags", "traefik.yml"], data);
    let flags = String::from_utf8_lossy(parts[0].1);
    let mut compose = String::from("services:\n  proxy:\n    image: traefik:v3.1\n    command:\n");
    for line in flags.lines() {
        compose.push_str(&format!("      - {}\n", vigie_fuzz::quoted(line)));
    }
    compose.push_str("  app:\n    image: nginx:1\n    labels:\n      traefik.enable: \"true\"\n");
    let mut files = vec![("compose.yaml".to_string(), compose)];
    if let Some((_, t)) = parts.get(1) {
        files.push(("traefik.yml".to_string(), String::from_utf8_lossy(t).into_owned()));
    }
    vigie_fuzz::scan_owned(&files);
});
