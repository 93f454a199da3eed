# Firewall and security-group rules of Terraform providers, read into one shape:
# `import data.vigie.lib.terraform.network as network`.
#
# `network.inbound_rules` holds every rule that ACCEPTS inbound TCP traffic (or traffic of every
# protocol), whatever the provider:
#
#   {
#     "resource": "hcloud_firewall.web",             # what messages name
#     "path": ["resource", "hcloud_firewall", "web", "rule", 0],
#     "spans": [{"from": 22, "to": 22}],             # the TCP ports it opens, as written
#     "sources": [{"text": "0.0.0.0/0", "path": [..., "source_ips", 0]}, ...],
#   }
#
# `path` is the rule: a nested block, or the resource itself where a resource is one rule
# (aws_security_group_rule, google_compute_firewall, ...). A span covers ports from..to; every
# port is {"from": 0, "to": 65535}. `sources` lists the addresses the rule admits, in the order
# written; a rule that admits anyone because it names no source at all (where the provider reads
# it that way) has one source with "implicit": true, pointing at the rule.
#
# `network.open_rules` are those rules with the sources that let the whole internet in (`open`),
# so a rule about a port only has to look at `spans`.
#
# Unknown values never open anything: a rule whose direction, action, protocol or port is unknown
# is left out, and an unknown source list admits nobody (it is not a missing one). Values from
# variables count as written (the scan resolves them); findings point at them with `lib.anchor`.
#
# Only TCP matters to the rules using this: UDP, ICMP and other protocols are left out.
package vigie.lib.terraform.network

import data.vigie.lib.terraform as lib
import rego.v1

# --- Open rules ----------------------------------------------------------------------------------

# Inbound rules open to the internet, each with `open`: its sources that are the whole internet
# and not inside `vpn_cidrs`, in order (at least one).
open_rules contains object.union(rule, {"open": open}) if {
	vpn := vpn_cidrs
	some rule in inbound_rules
	count(rule.spans) > 0
	open := [source |
		some source in rule.sources
		_is_open(source, vpn)
	]
	count(open) > 0
}

_is_open(source, _) if source.implicit == true

_is_open(source, vpn) if {
	is_world(source.text)
	not _in_any(vpn, source.text)
}

# The texts of a rule's open sources, without repeats, for a message: "0.0.0.0/0, ::/0".
open_text(rule) := concat(", ", [text |
	some i, source in rule.open
	text := source.text
	not _seen_before(rule.open, i, text)
])

_seen_before(sources, i, text) if {
	some j, source in sources
	j < i
	source.text == text
}

# Where a finding about a rule points: its first open source (the argument that gives it when it
# came from a variable or a local), or the rule itself when it names no source.
finding_path(rule) := lib.anchor(rule.open[0].path)

# The span of `rule` holding `port`, the narrowest one first (an exact port before a range).
span_with(rule, port) := spans[0][2] if {
	spans := sort([[span.to - span.from, span.from, span] |
		some span in rule.spans
		span.from <= port
		port <= span.to
	])
	count(spans) > 0
}

# A span covering every port (0 or 1 to 65535).
is_all_ports(span) if {
	span.from <= 1
	span.to >= 65535
}

# --- Addresses -----------------------------------------------------------------------------------

# How providers write "everyone": a /0 network (0.0.0.0/0, ::/0, 1.2.3.4/0 ...), the unspecified
# addresses, or the words some firewalls accept for it.
_world_words := {"0.0.0.0", "::", "any", "*"}

is_world(text) if {
	is_string(text)
	t := lower(trim_space(text))
	_is_world(t)
}

_is_world(t) if t in _world_words

_is_world(t) if {
	endswith(t, "/0")
	net.cidr_is_valid(t)
}

# `data.vigie.config.vpn_cidrs`, the networks only the operator's VPN reaches (default: the
# CGNAT range Tailscale and Headscale use).
vpn_cidrs := data.vigie.config.vpn_cidrs if {
	is_array(data.vigie.config.vpn_cidrs)
} else := ["100.64.0.0/10"]

# `text` is an address or a network inside one of `vpn_cidrs`.
is_vpn(text) if _in_any(vpn_cidrs, text)

_in_any(cidrs, text) if {
	is_string(text)
	t := trim_space(text)
	_is_address_or_network(t)
	some cidr in cidrs
	is_string(cidr)
	net.cidr_is_valid(cidr)
	net.cidr_contains(cidr, t)
}

# net.cidr_contains raises an error on anything else.
_is_address_or_network(t) if net.cidr_is_valid(t)

_is_address_or_network(t) if {
	not contains(t, "/")
	net.cidr_is_valid(sprintf("%s/0", [t]))
}

# --- Reading values ------------------------------------------------------------------------------

# A string argument, trimmed and lower case.
_lower(x) := lower(trim_space(x)) if is_string(x)

# An argument absent, null, or empty ("" or []): Terraform sends nothing to the provider.
_unset(body, key) if object.get(body, key, null) == null

_unset(body, key) if body[key] == ""

_unset(body, key) if body[key] == []

# A protocol written as a name or a number: "TCP" -> "tcp", 6 -> "6", -1 -> "-1".
_protocol(x) := _lower(x)

_protocol(x) := sprintf("%v", [x]) if is_number(x)

_tcp := {"tcp", "6"}

_every_port := {"from": 0, "to": 65535}

# One port or a range "a<sep>b" ("80-85", "8000:9000"), a number or a string.
_span(x, sep) := {"from": n, "to": n} if {
	n := lib.as_number(x)
} else := {"from": from, "to": to} if {
	is_string(x)
	parts := split(trim_space(x), sep)
	count(parts) == 2
	from := lib.as_number(trim_space(parts[0]))
	to := lib.as_number(trim_space(parts[1]))
}

_span_nums(from, to) := {"from": a, "to": b} if {
	a := lib.as_number(from)
	b := lib.as_number(to)
}

# The items of a list of sources (`cidr_blocks = [...]`) as sources; items that are not strings
# (unknown ones) are skipped, and an unknown list gives none.
_items(path, body, key) := [{"text": item, "path": array.concat(path, [key, i])} |
	some i, item in lib.list(body[key])
	is_string(item)
]

# A single-address argument (`cidr_ipv4 = "..."`) as a source list.
_single(path, body, key) := [{"text": body[key], "path": array.concat(path, [key])}] if {
	is_string(body[key])
} else := []

_name(r) := sprintf("%s.%s", [r.type, r.name])

# (`data.vigie.lib.terraform.resources` in full: regorus leaves a rule of a parent package undefined
# when it is reached through an import alias from a package nested in it; functions are fine.)
_resources(resource_type) := [r |
	some r in data.vigie.lib.terraform.resources
	r.type == resource_type
	not lib.creates_nothing(r.body)
]

# --- AWS -----------------------------------------------------------------------------------------
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group
# protocol "-1" (or "all") is every protocol and every port, whatever from_port/to_port say;
# "tcp" or 6 opens from_port..to_port. Sources are cidr_blocks and ipv6_cidr_blocks; a rule
# without them admits only security groups, prefix lists or itself (AWS has no "no source = any").

# Inline `ingress` blocks of aws_security_group (also `dynamic "ingress"` and `ingress = [...]`).
inbound_rules contains rule if {
	some r in _resources("aws_security_group")
	some block in lib.nested(r.body, "ingress")
	rule := _aws_rule(r, array.concat(r.path, block.path), block.body)
}

# aws_security_group_rule with type = "ingress".
inbound_rules contains rule if {
	some r in _resources("aws_security_group_rule")
	_lower(r.body.type) == "ingress"
	rule := _aws_rule(r, r.path, r.body)
}

_aws_rule(r, path, body) := {
	"resource": _name(r),
	"path": path,
	"spans": [span],
	"sources": array.concat(_items(path, body, "cidr_blocks"), _items(path, body, "ipv6_cidr_blocks")),
} if {
	span := _aws_span(_protocol(body.protocol), body)
}

_aws_span(protocol, _) := _every_port if protocol in {"-1", "all"}

_aws_span(protocol, body) := _span_nums(body.from_port, body.to_port) if protocol in _tcp

# aws_vpc_security_group_ingress_rule: one rule, one source (cidr_ipv4 or cidr_ipv6, else a
# security group or a prefix list); ip_protocol "-1" is every protocol and port.
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
inbound_rules contains rule if {
	some r in _resources("aws_vpc_security_group_ingress_rule")
	span := _aws_span(_protocol(r.body.ip_protocol), r.body)
	rule := {
		"resource": _name(r),
		"path": r.path,
		"spans": [span],
		"sources": array.concat(_single(r.path, r.body, "cidr_ipv4"), _single(r.path, r.body, "cidr_ipv6")),
	}
}

# --- Hetzner Cloud -------------------------------------------------------------------------------
# https://registry.terraform.io/providers/hetznercloud/hcloud/latest/docs/resources/firewall
# `rule` blocks with direction "in"; port "22", "80-85" or "any"; source_ips is required for
# inbound rules (a rule without it is rejected, so it is not read as "anyone").
inbound_rules contains rule if {
	some r in _resources("hcloud_firewall")
	some block in lib.nested(r.body, "rule")
	body := block.body
	_lower(body.direction) == "in"
	_protocol(body.protocol) == "tcp"
	span := _hcloud_span(body.port)
	path := array.concat(r.path, block.path)
	rule := {"resource": _name(r), "path": path, "spans": [span], "sources": _items(path, body, "source_ips")}
}

_hcloud_span(port) := _every_port if _lower(port) == "any"

else := _span(port, "-")

# --- DigitalOcean --------------------------------------------------------------------------------
# https://registry.terraform.io/providers/digitalocean/digitalocean/latest/docs/resources/firewall
# `inbound_rule` blocks: port_range "22", "8000-9000", or "1-65535" (the API's "0", and "all", too)
# for every port. Sources other than source_addresses are Droplets, tags, load balancers or
# Kubernetes clusters; a rule with no source admits nothing.
inbound_rules contains rule if {
	some r in _resources("digitalocean_firewall")
	some block in lib.nested(r.body, "inbound_rule")
	body := block.body
	_protocol(body.protocol) == "tcp"
	span := _do_span(body.port_range)
	path := array.concat(r.path, block.path)
	rule := {"resource": _name(r), "path": path, "spans": [span], "sources": _items(path, body, "source_addresses")}
}

_do_span(port_range) := _every_port if _lower(port_range) in {"all", "0"}

else := _span(port_range, "-")

# --- Google Cloud --------------------------------------------------------------------------------
# https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_firewall
# The resource is the rule: `direction` defaults to INGRESS, `disabled = true` turns it off. Each
# `allow` block names a protocol ("tcp", "6" or "all") and `ports` ("22", "1000-2000"); no ports
# is every port. `deny` blocks are not read. An ingress rule with none of source_ranges,
# source_tags and source_service_accounts applies to 0.0.0.0/0.
inbound_rules contains rule if {
	some r in _resources("google_compute_firewall")
	body := r.body
	_gcp_ingress(body)
	not lib.is_true(object.get(body, "disabled", false))
	spans := [span |
		some block in lib.nested(body, "allow")
		_protocol(block.body.protocol) in {"tcp", "6", "all"}
		some span in _gcp_spans(block.body)
	]
	count(spans) > 0
	rule := {"resource": _name(r), "path": r.path, "spans": spans, "sources": _gcp_sources(r.path, body)}
}

_gcp_ingress(body) if object.get(body, "direction", null) == null

_gcp_ingress(body) if _lower(body.direction) == "ingress"

_gcp_spans(allow) := [_every_port] if {
	_unset(allow, "ports")
} else := [span |
	some port in lib.list(allow.ports)
	span := _span(port, "-")
]

_gcp_sources(path, body) := [{"text": "0.0.0.0/0 (the default: no source is set)", "path": path, "implicit": true}] if {
	_unset(body, "source_ranges")
	_unset(body, "source_tags")
	_unset(body, "source_service_accounts")
} else := _items(path, body, "source_ranges")

# --- Proxmox VE (bpg/proxmox) --------------------------------------------------------------------
# https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_firewall_rules
# `rule` blocks with type "in" and action "ACCEPT" (DROP and REJECT block); `enabled = false`
# turns one off, and a block with `security_group` inserts a security group instead of being a
# rule. A `macro` ("SSH", "RDP", ...) gives the protocol and ports; otherwise `proto` (none = every
# protocol) and `dport` ("22", "22,8006", "8000:9000", service names; none = every port). `source`
# is an address, a network, a range, an alias, an IP set, or a comma-separated list of those; no
# source is any address.
inbound_rules contains rule if {
	some r in _resources("proxmox_virtual_environment_firewall_rules")
	some block in lib.nested(r.body, "rule")
	body := block.body
	object.get(body, "security_group", null) == null
	_lower(body.type) == "in"
	_lower(body.action) == "accept"
	not lib.is_false(object.get(body, "enabled", true))
	spans := _proxmox_spans(body)
	count(spans) > 0
	path := array.concat(r.path, block.path)
	rule := {"resource": _name(r), "path": path, "spans": spans, "sources": _proxmox_sources(path, body)}
}

# The standard macros that open a port the rules look at (the others open none of them).
_proxmox_macros := {
	"ssh": {"from": 22, "to": 22},
	"rdp": {"from": 3389, "to": 3389},
	"mysql": {"from": 3306, "to": 3306},
	"postgresql": {"from": 5432, "to": 5432},
}

# Names from /etc/services a dport may use instead of a number.
_services := {"ssh": 22, "ms-wbt-server": 3389, "mysql": 3306, "postgresql": 5432}

_proxmox_spans(body) := [span |
	span := _proxmox_macros[_lower(body.macro)]
] if {
	not object.get(body, "macro", null) in {null, ""}
} else := _proxmox_dports(object.get(body, "dport", null)) if {
	proto := object.get(body, "proto", null)
	_proxmox_tcp(proto)
}

_proxmox_tcp(proto) if proto == null

_proxmox_tcp(proto) if _protocol(proto) in _tcp

_proxmox_dports(dport) := [_every_port] if {
	dport in {null, ""}
} else := [span |
	some part in split(dport, ",")
	span := _proxmox_dport(trim_space(part))
] if {
	is_string(dport)
} else := [{"from": dport, "to": dport}] if {
	is_number(dport)
}

_proxmox_dport(part) := {"from": n, "to": n} if {
	n := _services[lower(part)]
} else := _span(part, ":")

_proxmox_sources(path, body) := [{"text": "any address (no source is set)", "path": path, "implicit": true}] if {
	object.get(body, "source", null) in {null, ""}
} else := [{"text": trim_space(part), "path": array.concat(path, ["source"])} |
	some part in split(body.source, ",")
] if {
	is_string(body.source)
}

# --- OpenStack (Neutron) -------------------------------------------------------------------------
# https://registry.terraform.io/providers/terraform-provider-openstack/openstack/latest/docs/resources/networking_secgroup_rule_v2
# One resource, one rule, direction "ingress". No protocol is every protocol; no port_range_min
# and port_range_max (or 0 for both) is every port. Without remote_ip_prefix, remote_group_id and
# remote_address_group_id, the rule admits every address of its ethertype.
inbound_rules contains rule if {
	some r in _resources("openstack_networking_secgroup_rule_v2")
	body := r.body
	_lower(body.direction) == "ingress"
	_openstack_tcp(body)
	span := _openstack_span(object.get(body, "port_range_min", null), object.get(body, "port_range_max", null))
	rule := {"resource": _name(r), "path": r.path, "spans": [span], "sources": _openstack_sources(r.path, body)}
}

_openstack_tcp(body) if _unset(body, "protocol")

_openstack_tcp(body) if _protocol(body.protocol) in {"tcp", "6", "any"}

_openstack_span(lo, hi) := _every_port if {
	lo == null
	hi == null
} else := _every_port if {
	lib.as_number(lo) == 0
	lib.as_number(hi) == 0
} else := _span_nums(lo, hi) if {
	lo != null
	hi != null
} else := _span(lo, "-") if {
	hi == null
} else := _span(hi, "-")

_openstack_sources(path, body) := [{"text": "any address (no remote_ip_prefix or remote group is set)", "path": path, "implicit": true}] if {
	_unset(body, "remote_ip_prefix")
	_unset(body, "remote_group_id")
	_unset(body, "remote_address_group_id")
} else := _single(path, body, "remote_ip_prefix")
