#![no_main]
//! Recorded host facts: the header and the transcript, and every fact parser behind it.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["web.facts"], data);
});
