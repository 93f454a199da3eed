#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (the real binary against
# every fixture, snapshots of every output format, SARIF schema validation) and the Rego unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked --all-targets
