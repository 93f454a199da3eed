#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seeds from the repository's fixtures/ and tests/data/ (the
# corpus directory is not committed: the fixtures are the seeds). Files a target reads together
# (a compose file and its .env, main.tf and terraform.tfvars, traefik.yml and dynamic.yml) become
# one seed joined by a NUL byte, the separator the targets split on. Existing corpus entries are
# kept. Usage: fuzz/seed.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
repo=..
corpus=corpus

# seed TARGET FILE [COMPANION...]: one seed, named after the main file's path.
seed() {
  local target=$1 main=$2
  shift 2
  local name
  name=$(printf '%s' "${main#"$repo"/}" | tr '/' '_')
  mkdir -p "$corpus/$target"
  {
    cat "$main"
    for companion in "$@"; do
      printf '\0'
      cat "$companion"
    done
  } > "$corpus/$target/seed-$name"
}

# files PATTERN...: the fixtures whose name matches one of the find -name patterns.
files() {
  local args=()
  for p in "$@"; do
    [ "${#args[@]}" -eq 0 ] || args+=(-o)
    args+=(-name "$p")
  done
  find "$repo/fixtures" "$repo/tests/data" -type f \( "${args[@]}" \) | sort
}

wanted() { [ "${#selected[@]}" -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }
selected=("$@")

if wanted yaml; then
  while read -r f; do seed yaml "$f"; done < <(files '*.yml' '*.yaml' '*.json' '*.hujson')
fi
if wanted compose; then
  while read -r f; do
    dir=$(dirname "$f")
    parts=()
    if [ -f "$dir/.env" ]; then parts+=("$dir/.env"); fi
    if [ -f "$dir/compose.override.yaml" ] && [ "$(basename "$f")" = compose.yaml ]; then
      [ "${#parts[@]}" -gt 0 ] || parts+=(/dev/null)
      parts+=("$dir/compose.override.yaml")
    fi
    seed compose "$f" "${parts[@]}"
  done < <(files 'compose*.y*ml' 'docker-compose*.y*ml' 'positive-*.yaml' 'negative-*.yaml')
fi
if wanted terraform; then
  while read -r f; do
    dir=$(dirname "$f")
    if [ -f "$dir/terraform.tfvars" ]; then seed terraform "$f" "$dir/terraform.tfvars"; else seed terraform "$f"; fi
  done < <(files '*.tf')
  while read -r f; do seed terraform "$f"; done < <(files '*.tfvars')
fi
if wanted terraform_json; then
  while read -r f; do seed terraform_json "$f"; done < <(files '*.tf.json' '*.tfvars.json')
fi
if wanted caddyfile; then
  while read -r f; do
    dir=$(dirname "$f")
    if [ -f "$dir/.env" ]; then seed caddyfile "$f" "$dir/.env"; else seed caddyfile "$f"; fi
  done < <(files 'Caddyfile' 'Caddyfile.*' '*.caddyfile' '*.caddy' '*.conf' '*.inc')
fi
if wanted caddy_json; then
  while read -r f; do seed caddy_json "$f"; done < <(files 'caddy*.json')
fi
if wanted traefik_yaml; then
  while read -r f; do
    dir=$(dirname "$f")
    if [ -f "$dir/dynamic.yml" ] && [ "$(basename "$f")" != dynamic.yml ]; then
      seed traefik_yaml "$f" "$dir/dynamic.yml"
    else
      seed traefik_yaml "$f"
    fi
  done < <(find "$repo/fixtures/traefik" "$repo/tests/data" -type f \( -name '*.yml' -o -name '*.yaml' \) -path '*traefik*' | sort)
fi
if wanted traefik_toml; then
  while read -r f; do
    dir=$(dirname "$f")
    if [ -f "$dir/dynamic.toml" ] && [ "$(basename "$f")" != dynamic.toml ]; then
      seed traefik_toml "$f" "$dir/dynamic.toml"
    else
      seed traefik_toml "$f"
    fi
  done < <(files '*.toml')
fi
if wanted traefik_flags; then
  # The flags of the fixtures' Traefik services, one per line.
  mkdir -p "$corpus/traefik_flags"
  while read -r f; do
    flags=$(grep -ho -- '--[a-zA-Z][a-zA-Z0-9._-]*\(=[^"'"'"' ,]*\)\?' "$f" || true)
    [ -z "$flags" ] || printf '%s\n' "$flags" > "$corpus/traefik_flags/seed-$(printf '%s' "${f#"$repo"/}" | tr '/' '_')"
  done < <(files '*.yml' '*.yaml' | xargs grep -l 'traefik' || true)
fi
if wanted headscale; then
  while read -r f; do seed headscale "$f"; done < <(files '*.hujson' 'policy.json')
fi
if wanted host_facts; then
  while read -r f; do seed host_facts "$f"; done < <(files '*.facts')
fi
if wanted docker_inspect; then
  while read -r f; do seed docker_inspect "$f"; done < <(files '*docker-inspect.json')
fi
