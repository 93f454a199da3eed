#!/usr/bin/env bash
# Whole-process throughput of `vigie scan`, on two corpora built from the bundled example and the
# rule fixtures: N compose files (default 10000), and Terraform modules holding about N `.tf` files.
# For each it reports wall time, files/s and peak RSS for a full scan; then the wall time of a
# one-file scan (the pre-commit case, policy compilation included).
# Usage: bench/scan-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
cargo build --release --locked --quiet
bin="$PWD/target/release/vigie"

# Copies seed files (or seed module folders) round-robin into N numbered folders.
build_corpus() { # name count seed...
  local corpus="bench/corpus/$1-$2" count="$2"
  shift 2
  local seeds=("$@")
  if [ ! -d "$corpus" ]; then
    rm -rf "$corpus.tmp" && mkdir -p "$corpus.tmp"
    for ((i = 0; i < count; i++)); do
      local d="$corpus.tmp/$((i / 100))/unit$i" seed="${seeds[i % ${#seeds[@]}]}"
      mkdir -p "$d"
      if [ -d "$seed" ]; then cp -r "$seed"/. "$d"/; else cp "$seed" "$d/compose.yaml"; fi
    done
    mv "$corpus.tmp" "$corpus"
  fi
  echo "$corpus"
}

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

full_scan() { # label corpus
  local files
  files=$(find "$2" -type f \( -name '*.tf' -o -name '*.tfvars' -o -name '*.yaml' -o -name '*.yml' \) | wc -l)
  "$bin" scan "$2" --format json --fail-on none > /dev/null # warm the page cache
  read -r wall rss < <(measure "$bin" scan "$2" --format json --fail-on none)
  echo "$1: $files files in ${wall}s = $(python3 -c "print(round($files / $wall))") files/s, peak RSS ${rss} MiB ($(nproc) cores)"
}

mapfile -t compose_seeds < <(find examples/homelab fixtures/compose -name '*.yaml' -o -name '*.yml' | grep -v override | sort)
compose=$(build_corpus compose "$n" "${compose_seeds[@]}")
full_scan "compose" "$compose"

# Terraform: every fixture folder (a module, with the modules it calls) is a seed; N*2/3 copies
# hold roughly N files.
mapfile -t tf_seeds < <(find fixtures/terraform -mindepth 2 -maxdepth 2 -type d | sort)
if [ "${#tf_seeds[@]}" -gt 0 ]; then
  terraform=$(build_corpus terraform "$((n * 2 / 3))" "${tf_seeds[@]}")
  full_scan "terraform" "$terraform"
fi

one="$compose/0/unit0/compose.yaml"
best=999
for _ in 1 2 3 4 5; do
  read -r w _ < <(measure "$bin" scan "$one" --format json --fail-on none)
  best=$(python3 -c "print(min($best, $w))")
done
echo "one-file scan (pre-commit): best of 5 = $(python3 -c "print(round($best * 1000, 1))") ms wall"
