#![no_main]
//! Terraform HCL and its evaluation: `main.tf`, then (after a NUL byte) `terraform.tfvars`, then a module's `main.tf`.

libfuzzer_sys::fuzz_target!(init: vigie_fuzz::worker::init(), |data: &[u8]| {
    vigie_fuzz::scan_split(&["main.tf", "terraform.tfvars", "modules/m/main.tf"], data);
});
