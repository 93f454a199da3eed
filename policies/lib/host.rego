# Shared helpers for host rules: `import data.vigie.lib.host`. The input is described in
# docs/host-input.md. A fact that could not be read is absent (and listed in
# `input.facts.unread`): every helper here is undefined or empty then, so rules stay silent
# rather than guess.
package vigie.lib.host

import rego.v1

facts := input.facts if is_object(input.facts)

else := {}

# --- Addresses -----------------------------------------------------------------------------------

# `data.vigie.config.vpn_cidrs`, the networks only the operator's VPN reaches.
vpn_cidrs := data.vigie.config.vpn_cidrs if {
	is_array(data.vigie.config.vpn_cidrs)
} else := ["100.64.0.0/10"]

# Interface name prefixes of VPNs (`data.vigie.config.vpn_interfaces`): a rule that only accepts
# traffic arriving on such an interface only admits the VPN.
vpn_interfaces := data.vigie.config.vpn_interfaces if {
	is_array(data.vigie.config.vpn_interfaces)
} else := ["tailscale", "wg", "zt", "tun", "nebula"]

_is_address_or_network(t) if net.cidr_is_valid(t)

_is_address_or_network(t) if {
	not contains(t, "/")
	net.cidr_is_valid(sprintf("%s/0", [t]))
}

_in_any(cidrs, text) if {
	is_string(text)
	_is_address_or_network(text)
	some cidr in cidrs
	is_string(cidr)
	net.cidr_is_valid(cidr)
	net.cidr_contains(cidr, text)
}

# `text` (an address or a network) lies inside one of `vpn_cidrs`.
is_vpn(text) if _in_any(vpn_cidrs, text)

is_loopback(text) if _in_any(["127.0.0.0/8", "::1/128"], text)

is_loopback(text) if text == "localhost"

# Every interface: what `ss` prints for a wildcard bind.
all_interfaces := {"0.0.0.0", "::", "*", ""}

# An address a listener is reachable on from beyond this host and the VPN: every interface, or
# an address that is neither loopback nor in `vpn_cidrs` (a LAN or public address).
is_public(address) if address in all_interfaces

is_public(address) if {
	is_string(address)
	not address in all_interfaces
	not is_loopback(address)
	not is_vpn(address)
}

# "0.0.0.0:22", "[::]:22"
listen_text(address, port) := sprintf("[%s]:%v", [address, port]) if contains(address, ":")

else := sprintf("%s:%v", [address, port])

is_vpn_interface(name) if {
	is_string(name)
	some prefix in vpn_interfaces
	startswith(name, prefix)
}

# --- Ports ---------------------------------------------------------------------------------------

# `[[lo, hi], ...]` covers `port`; null means every port.
covers(ranges, _) if ranges == null

covers(ranges, port) if {
	is_array(ranges)
	some r in ranges
	r[0] <= port
	port <= r[1]
}

# The ports sshd listens on, from `sshd -T` (22 when it could not be read).
ssh_ports := {n |
	some p in facts.sshd.port
	n := to_number(p)
} if {
	is_array(facts.sshd.port)
} else := {22}

listening := facts.listening if is_array(facts.listening)

else := []

# The `ss` lines of sshd listening beyond loopback and the VPN: its process, or an unnamed
# process on an SSH port (`ss` names processes only for root).
public_ssh_listeners := {i: l |
	ports := ssh_ports
	some i, l in listening
	l.proto == "tcp"
	l.port in ports
	object.get(l, "process", null) in {"sshd", null}
	is_public(l.address)
}

# Without `ss` lines: sshd's `listenaddress` settings that are public.
public_listen_addresses := {i: a |
	count(listening) == 0
	some i, a in facts.sshd.listenaddress
	parts := regex.find_all_string_submatch_n(`^\[?([^\]]*)\]?:([0-9]+)$`, a, 1)
	count(parts) == 1
	is_public(parts[0][1])
}

# Where sshd is exposed: the path of each piece of evidence and how it reads (the `ss` lines,
# else the `listenaddress` settings).
ssh_exposures := {{"path": ["facts", "listening", i], "where": listen_text(l.address, l.port)} |
	some i, l in public_ssh_listeners
} if {
	count(public_ssh_listeners) > 0
} else := {{"path": ["facts", "sshd", "listenaddress", i], "where": a} |
	some i, a in public_listen_addresses
}

ssh_exposed if count(ssh_exposures) > 0

# --- Firewalls -----------------------------------------------------------------------------------

firewall_facts := {"ufw status verbose", "nft -j list ruleset", "iptables-save", "ip6tables-save"}

# The firewall facts were gathered, and every firewall the host has was read (a fact that could
# not be read leaves the question open).
firewall_known if {
	is_object(facts.firewall)
	unread := object.get(facts, "unread", {})
	count({f | some f in firewall_facts; unread[f]}) == 0
}

ufw := facts.firewall.ufw if is_object(facts.firewall.ufw)

ufw_active if ufw.active == true

# nft and iptables chains, each with the path of its node.
chains := [{"path": ["facts", "firewall", src, "chains", i], "chain": c, "key": key} |
	some src in ["nft", "iptables", "ip6tables"]
	some i, c in facts.firewall[src].chains
	key := sprintf("%s/%v/%v/%v", [src, c.family, c.table, c.name])
]

# Chains packets for this host go through: those hooked to input, and those they jump to.
_edges := {e.key: targets |
	some e in chains
	src := e.path[2]
	targets := {sprintf("%s/%v/%v/%v", [src, e.chain.family, e.chain.table, r.target]) |
		some r in e.chain.rules
		r.verdict in {"jump", "goto"}
		is_string(r.target)
	}
}

_input_chains := {e.key | some e in chains; e.chain.hook == "input"}

_reachable := graph.reachable(_edges, _input_chains)

input_chains := [e | some e in chains; e.key in _reachable]

# Rules of the chains incoming packets go through, each with its path.
input_rules := [{"path": array.concat(e.path, ["rules", j]), "rule": r} |
	some e in input_chains
	some j, r in e.chain.rules
]

_blocks(r) if r.verdict in {"drop", "reject"}

# The host filters incoming traffic: ufw is active, or a chain hooked to input drops by default,
# or a rule on the input path drops or rejects.
filtering if ufw_active

filtering if {
	some e in chains
	e.chain.hook == "input"
	e.chain.policy == "drop"
}

filtering if {
	some e in input_rules
	_blocks(e.rule)
}

# A rule matching only new connections on a VPN or the loopback interface, or from VPN or
# loopback sources, does not admit the world.
_admits_world(r) if {
	count(object.get(r, "negated", [])) == 0
	not r.opaque
	object.get(r, "iif", null) == null
	_from_world(object.get(r, "saddr", null))
	_new_connections(object.get(r, "ct_state", null))
}

_admits_world(r) if {
	count(object.get(r, "negated", [])) == 0
	not r.opaque
	iif := object.get(r, "iif", null)
	is_string(iif)
	iif != "lo"
	not is_vpn_interface(iif)
	_from_world(object.get(r, "saddr", null))
	_new_connections(object.get(r, "ct_state", null))
}

_from_world(saddr) if saddr == null

_from_world(saddr) if {
	is_array(saddr)
	some s in saddr
	not is_vpn(s)
	not is_loopback(s)
}

_new_connections(states) if states == null

_new_connections(states) if "new" in states

# A chain rule that accepts new connections to `port` over TCP from beyond the VPN.
accepts_world(r, port) if {
	r.verdict == "accept"
	object.get(r, "proto", null) in {null, "tcp"}
	covers(object.get(r, "dports", null), port)
	_admits_world(r)
}

# A chain rule that drops every new connection to `port` (whatever its source).
blocks_all(r, port) if {
	_blocks(r)
	object.get(r, "proto", null) in {null, "tcp"}
	covers(object.get(r, "dports", null), port)
	count(object.get(r, "negated", [])) == 0
	not r.opaque
	object.get(r, "saddr", null) == null
	object.get(r, "iif", null) == null
}

# A ufw rule that lets TCP connections to `port` in from beyond the VPN.
ufw_admits_world(rule, port) if {
	rule.action in {"allow", "limit"}
	rule.direction == "in"
	object.get(rule, "proto", null) in {null, "tcp"}
	covers(rule.ports, port)
	not is_vpn_interface(object.get(rule, "interface", null))
	object.get(rule, "interface", null) != "lo"
	_ufw_from_world(object.get(rule, "from_address", null))
}

_ufw_from_world(saddr) if saddr == null

_ufw_from_world(address) if {
	is_string(address)
	not is_vpn(address)
	not is_loopback(address)
}

# --- Configuration -------------------------------------------------------------------------------

_units := {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

# A duration such as "48h", "2d", "90m" in seconds; a number is seconds already.
duration_seconds(d) := d if is_number(d)

duration_seconds(d) := n * _units[unit] if {
	is_string(d)
	regex.match(`^[0-9]+[smhdw]$`, d)
	unit := substring(d, count(d) - 1, 1)
	n := to_number(substring(d, 0, count(d) - 1))
}

# `data.vigie.config.backup.max_age` in seconds (default 48h).
backup_max_age := s if {
	s := duration_seconds(data.vigie.config.backup.max_age)
} else := 172800

# "3d 4h", "5h 12m", "40m" for an age in seconds.
age_text(s) := sprintf("%dd %dh", [d, h]) if {
	s >= 86400
	d := floor(s / 86400)
	h := floor((s - (d * 86400)) / 3600)
} else := sprintf("%dh %dm", [h, m]) if {
	s >= 3600
	h := floor(s / 3600)
	m := floor((s - (h * 3600)) / 60)
} else := sprintf("%dm", [floor(s / 60)])
