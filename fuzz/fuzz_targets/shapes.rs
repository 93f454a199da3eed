#![no_main]
//! Structure-aware: documents of every syntax with a depth, width or chain length the fuzzer
//! chooses (see `vigie_fuzz::shapes`).

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |shape: vigie_fuzz::shapes::Shape| {
    vigie_fuzz::scan_owned(&shape.render());
});
