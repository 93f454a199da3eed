#!/usr/bin/env bash
# `vigie audit` of N live hosts at once (default: 10, 50 and 100). Each host is a network
# namespace with its own /etc/ssh and hostname running a real sshd (MaxStartups raised), reached
# over a veth pair under 10.203.240.0/22. For each N it reports the wall time and vigie's own CPU
# time (user + system, of the vigie process alone: sshd runs in other processes), in all and per
# host. On one machine the hosts' sshd compete with vigie for the same cores: the target is on
# vigie's share, at most 30 ms of CPU per host, with 100 hosts done in under 10 s.
# Needs root, iproute2 and openssh-server. Usage: bench/audit-hosts.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/audit-hosts.sh needs root (network namespaces)" >&2; exit 2; }
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(10 50 100)
max=0
for n in "${sizes[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
[ "$max" -le 256 ] || { echo "at most 256 hosts" >&2; exit 2; }

cargo build --release --locked --quiet
bin="$PWD/target/release/vigie"
work=$(mktemp -d)
tag="b$$"
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for ((i = 0; i < max; i++)); do
    for p in $(ip netns pids "$tag-$i" 2> /dev/null); do kill -9 "$p" 2> /dev/null || true; done
    ip link del "${tag}r$i" 2> /dev/null || true
    ip netns del "$tag-$i" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p /run/sshd "$work/etc"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$work/id_ed25519"
ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$work/etc/ssh_host_ed25519_key"
cp "$work/id_ed25519.pub" "$work/etc/authorized_keys"
hostkey=$(cut -d' ' -f1,2 "$work/etc/ssh_host_ed25519_key.pub")
: > "$work/known_hosts"

echo "starting $max hosts..." >&2
for ((i = 0; i < max; i++)); do
  ns="$tag-$i"
  third=$((240 + i / 64))
  fourth=$(((i % 64) * 4))
  addr="10.203.$third.$((fourth + 2))"
  ip netns add "$ns"
  ip link add "${tag}r$i" type veth peer name "${tag}h$i"
  ip link set "${tag}h$i" netns "$ns"
  ip addr add "10.203.$third.$((fourth + 1))/30" dev "${tag}r$i"
  ip link set "${tag}r$i" up
  ip -n "$ns" addr add "$addr/30" dev "${tag}h$i"
  ip -n "$ns" link set "${tag}h$i" up
  ip -n "$ns" link set lo up
  etc="$work/etc-$i"
  cp -r "$work/etc" "$etc"
  cat > "$etc/sshd_config" << EOF
ListenAddress $addr
HostKey $etc/ssh_host_ed25519_key
PidFile $etc/sshd.pid
AuthorizedKeysFile $etc/authorized_keys
StrictModes no
UsePAM no
MaxStartups 500
EOF
  ip netns exec "$ns" unshare --uts --mount --propagation private sh -c \
    "hostname host$i && mount --bind $etc /etc/ssh && exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config" \
    > /dev/null 2> "$work/sshd-$i.log" &
  pids+=($!)
  echo "$addr $hostkey" >> "$work/known_hosts"
  printf '[[hosts]]\nname = "host%d"\naddress = "%s"\nuser = "root"\nidentity = "%s"\n\n' \
    "$i" "$addr" "$work/id_ed25519" >> "$work/all.toml"
done
for ((i = 0; i < max; i++)); do
  addr="10.203.$((240 + i / 64)).$(((i % 64) * 4 + 2))"
  for _ in $(seq 100); do
    (exec 3<> "/dev/tcp/$addr/22") 2> /dev/null && break
    sleep 0.1
  done
done

# CPU seconds the whole machine spent busy (all processes: vigie, every sshd and the facts
# commands they run, and anything else running): what bounds the wall time on one machine.
busy_seconds() {
  python3 -c "import os; f=open('/proc/stat').readline().split()[1:]; v=list(map(int,f)); print((sum(v)-v[3]-v[4])/os.sysconf('SC_CLK_TCK'))"
}

for n in "${sizes[@]}"; do
  # The first n hosts of the inventory (each entry is 6 lines).
  head -n $((n * 6)) "$work/all.toml" > "$work/inv-$n.toml"
  busy_before=$(busy_seconds)
  /usr/bin/time -f "%e %U %S" -o "$work/time-$n" \
    env HOME="$work" USER=root SSH_AUTH_SOCK= "$bin" audit --inventory "$work/inv-$n.toml" \
    --known-hosts "$work/known_hosts" --format json --fail-on none \
    > "$work/report-$n.json" 2> "$work/stderr-$n" || true
  busy=$(python3 -c "print(round($(busy_seconds) - $busy_before, 1))")
  read -r wall user sys < <(tail -n 1 "$work/time-$n")
  reached=$(grep -c '"status": "reached"' "$work/report-$n.json" || true)
  python3 - "$n" "$wall" "$user" "$sys" "$reached" "$busy" << 'PY'
import sys
n, wall, user, sys_t, reached, busy = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
cpu = user + sys_t
print(f"{n:4d} hosts ({reached} reached): wall {wall:.2f} s, vigie CPU {cpu:.2f} s "
      f"(user {user:.2f} + sys {sys_t:.2f}) = {cpu / n * 1000:.1f} ms/host; "
      f"machine busy {busy:.1f} CPU-s = {busy / n * 1000:.0f} ms/host")
PY
  if [ "$reached" -ne "$n" ]; then
    echo "  not every host was reached:" >&2
    { grep -o '"message": "[^"]*"' "$work/report-$n.json" | sort | uniq -c | head -5; } >&2 || true
    head -c 2000 "$work/stderr-$n" >&2
  fi
done
echo "($(nproc) cores shared with the hosts' sshd; load average $(cut -d' ' -f1-3 /proc/loadavg))"
