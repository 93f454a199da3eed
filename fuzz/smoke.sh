#!/usr/bin/env bash
# Fuzz smoke test: install cargo-fuzz (pinned) into target/tools, build every fuzz target once,
# seed the corpora from the fixtures, and run each target for a short time. Any crash, timeout or
# out-of-memory fails the script, with the input that caused it left in fuzz/artifacts/<target>/.
#   VIGIE_FUZZ_SECONDS  seconds per target (default 15)
#   VIGIE_FUZZ_JOBS     targets run at once (default 2)
#   VIGIE_FUZZ_TARGETS  the targets to run (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_fuzz_version=0.13.1
tools="$PWD/target/tools"
if ! "$tools/bin/cargo-fuzz" --version 2> /dev/null | grep -qF "$cargo_fuzz_version"; then
  cargo install --quiet --root "$tools" cargo-fuzz --locked --version "=$cargo_fuzz_version"
fi
export PATH="$tools/bin:$PATH"
# cargo-fuzz passes nightly-only flags (-Z, sanitizer coverage) to rustc; stable is the only
# toolchain here.
export RUSTC_BOOTSTRAP=1

cd fuzz
seconds="${VIGIE_FUZZ_SECONDS:-15}"
jobs="${VIGIE_FUZZ_JOBS:-2}"
# Without sanitizer: vigie's code is safe Rust; with debug assertions (overflow checks).
cargo fuzz build --sanitizer none --debug-assertions
targets="${VIGIE_FUZZ_TARGETS:-$(cargo fuzz list | tr '\n' ' ')}"
./seed.sh

out=target/smoke
rm -rf "$out"
mkdir -p "$out/tmp" "$out/dict"
bin=target/x86_64-unknown-linux-gnu/release

# The dictionaries of each target (a syntax and its keys).
dicts() {
  case "$1" in
    yaml) echo yaml ;;
    compose) echo yaml compose ;;
    terraform) echo hcl ;;
    terraform_json) echo json hcl ;;
    caddyfile) echo caddy ;;
    caddy_json) echo json caddy ;;
    traefik_yaml) echo yaml traefik ;;
    traefik_toml) echo toml traefik ;;
    traefik_flags) echo traefik ;;
    headscale) echo json hujson ;;
    host_facts) echo facts ;;
    docker_inspect) echo json docker ;;
    *) ;; # structured targets: the fuzzer's bytes are not text
  esac
}

run() {
  local t=$1 args=()
  local names
  names=$(dicts "$t")
  if [ -n "$names" ]; then
    for d in $names; do cat "dict/$d.dict"; done > "$out/dict/$t.dict"
    args+=("-dict=$out/dict/$t.dict")
  fi
  mkdir -p "corpus/$t" "artifacts/$t"
  if TMPDIR="$PWD/$out/tmp" "$bin/$t" "corpus/$t" "${args[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 > "$out/$t.log" 2>&1; then
    local execs cov
    execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$out/$t.log" | grep -o '[0-9]*$' || true)
    cov=$(grep -a 'DONE' "$out/$t.log" | grep -o 'cov: [0-9]*' | tail -n 1 || true)
    echo "fuzz $t: ok, ${execs:-?} execs, ${cov:-cov: ?}"
  else
    echo "fuzz $t: FAILED (input in fuzz/artifacts/$t/)"
    tail -n 40 "$out/$t.log"
    return 1
  fi
}
export -f run dicts
export out bin seconds

status=0
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run {}' || status=1
rm -rf "$out/tmp"
exit "$status"
