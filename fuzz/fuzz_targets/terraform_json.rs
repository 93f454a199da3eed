#![no_main]
//! Terraform JSON: `main.tf.json`, then (after a NUL byte) `terraform.tfvars.json`.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["main.tf.json", "terraform.tfvars.json"], data);
});
