#![no_main]
//! Headscale ACL policy (HuJSON).

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["acl.hujson"], data);
});
