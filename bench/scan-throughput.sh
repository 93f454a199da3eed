#!/usr/bin/env bash
# Whole-process throughput of `vigie scan`: builds a corpus of N compose files (default 10000) from
# the bundled example and the rule fixtures, then reports wall time, files/s and peak RSS for a
# full scan, and the wall time of a one-file scan (the pre-commit case, policy compilation
# included). Usage: bench/scan-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --locked --quiet
bin="$PWD/target/release/vigie"
corpus="bench/corpus/compose-$n"
if [ ! -d "$corpus" ]; then
  rm -rf "$corpus.tmp" && mkdir -p "$corpus.tmp"
  mapfile -t seeds < <(find examples/homelab fixtures/compose -name '*.yaml' -o -name '*.yml' | grep -v override | sort)
  for ((i = 0; i < n; i++)); do
    d="$corpus.tmp/$((i / 100))/svc$i"
    mkdir -p "$d"
    cp "${seeds[i % ${#seeds[@]}]}" "$d/compose.yaml"
  done
  mv "$corpus.tmp" "$corpus"
fi
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{wall:.3f} {rss:.1f}")
PY
}
"$bin" scan "$corpus" --format json --fail-on none > /dev/null # warm the page cache
read -r wall rss < <(measure "$bin" scan "$corpus" --format json --fail-on none)
echo "full scan: $n files in ${wall}s = $(python3 -c "print(round($n / $wall))") files/s, peak RSS ${rss} MiB ($(nproc) cores)"
one="$corpus/0/svc0/compose.yaml"
best=999
for _ in 1 2 3 4 5; do
  read -r w _ < <(measure "$bin" scan "$one" --format json --fail-on none)
  best=$(python3 -c "print(min($best, $w))")
done
echo "one-file scan (pre-commit): best of 5 = $(python3 -c "print(round($best * 1000, 1))") ms wall"
