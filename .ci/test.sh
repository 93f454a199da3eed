#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (the real binary against
# every fixture, snapshots of every output format, SARIF schema validation, the Caddyfile parser
# against `caddy adapt`) and the Rego unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# `caddy adapt` is the oracle for the Caddyfile parser (tests/caddy_adapt.rs): install Debian's.
if ! command -v caddy > /dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq caddy > /dev/null
fi
export VIGIE_REQUIRE_CADDY=1
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked --all-targets
