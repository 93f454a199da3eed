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
# addresses, or the words some firewalls accept for it (Azure's `*`, `Any` and `Internet` tag).
_world_words := {"0.0.0.0", "::", "any", "*", "internet"}

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

# Inline `ingress` blocks of aws_security_group and aws_default_security_group (also
# `dynamic "ingress"` and `ingress = [...]`).
inbound_rules contains rule if {
	some resource_type in ["aws_security_group", "aws_default_security_group"]
	some r in _resources(resource_type)
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

# --- AWS network ACLs ----------------------------------------------------------------------------
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl_rule
# Inline `ingress` blocks of aws_network_acl and aws_default_network_acl (action "allow" or
# "deny", rule_no), and aws_network_acl_rule resources (egress = false, rule_action,
# rule_number). One source each: cidr_block or ipv6_cidr_block. protocol "-1"/"all" is every
# port. Rules are applied lowest number first, so an allow is left out when a lower-numbered deny
# of the same ACL (the same resource, or the same network_acl_id) refuses the whole internet on
# every port it opens.
inbound_rules contains found if {
	some rule in _acl_rules
	rule.allow
	not _acl_shadowed(rule)
	found := object.remove(rule, ["allow", "group", "order"])
}

_acl_rules contains rule if {
	some resource_type in ["aws_network_acl", "aws_default_network_acl"]
	some r in _resources(resource_type)
	some block in lib.nested(r.body, "ingress")
	path := array.concat(r.path, block.path)
	body := block.body
	rule := _acl_rule(r, path, body, object.get(body, "action", null), object.get(body, "rule_no", null), r.path)
}

_acl_rules contains rule if {
	some r in _resources("aws_network_acl_rule")
	not lib.is_true(object.get(r.body, "egress", false))
	body := r.body
	rule := _acl_rule(r, r.path, body, object.get(body, "rule_action", null), object.get(body, "rule_number", null), object.get(body, "network_acl_id", r.path))
}

_acl_rule(r, path, body, action, order, group) := {
	"resource": _name(r),
	"path": path,
	"spans": [span],
	"sources": array.concat(_single(path, body, "cidr_block"), _single(path, body, "ipv6_cidr_block")),
	"allow": _allows(action),
	"group": group,
	"order": _order(order),
} if {
	_lower(action) in {"allow", "deny"}
	span := _aws_span(_protocol(body.protocol), body)
}

_allows(action) := true if {
	_lower(action) == "allow"
} else := false

# A rule's number (or priority) when it is known, else null: such a rule is never taken as
# applying first.
_order(x) := n if {
	n := lib.as_number(x)
} else := null

_acl_shadowed(rule) if {
	some deny in _acl_rules
	_blocks_first(deny, rule)
}

# --- Azure network security groups ---------------------------------------------------------------
# https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
# https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_group
# azurerm_network_security_rule resources and the inline `security_rule` blocks of
# azurerm_network_security_group: direction "Inbound", access "Allow" or "Deny", protocol "Tcp"
# or "*", destination_port_range ("22", "1000-2000", "*") or destination_port_ranges, and
# source_address_prefix ("*", "Internet", "Any", a CIDR) or source_address_prefixes. Rules apply
# lowest priority first: an allow is left out when a deny of lower priority in the same group
# (the same resource, or the same network_security_group_name) refuses the whole internet on every
# port it opens.
inbound_rules contains found if {
	some rule in _nsg_rules
	rule.allow
	not _nsg_shadowed(rule)
	found := object.remove(rule, ["allow", "group", "order"])
}

_nsg_rules contains rule if {
	some r in _resources("azurerm_network_security_group")
	some block in lib.nested(r.body, "security_rule")
	path := array.concat(r.path, block.path)
	rule := _nsg_rule(r, path, block.body, r.path)
}

_nsg_rules contains rule if {
	some r in _resources("azurerm_network_security_rule")
	group := [object.get(r.body, "resource_group_name", null), object.get(r.body, "network_security_group_name", r.path)]
	rule := _nsg_rule(r, r.path, r.body, group)
}

_nsg_rule(r, path, body, group) := {
	"resource": _name(r),
	"path": path,
	"spans": spans,
	"sources": array.concat(_single(path, body, "source_address_prefix"), _items(path, body, "source_address_prefixes")),
	"allow": _allows(body.access),
	"group": group,
	"order": _order(object.get(body, "priority", null)),
} if {
	_lower(body.direction) == "inbound"
	_lower(body.access) in {"allow", "deny"}
	_protocol(body.protocol) in {"tcp", "*"}
	spans := _nsg_spans(body)
	count(spans) > 0
}

_nsg_spans(body) := [span |
	some port in array.concat(_as_list(object.get(body, "destination_port_range", null)), lib.list(object.get(body, "destination_port_ranges", null)))
	span := _nsg_span(port)
]

_as_list(x) := [x] if x != null

else := []

_nsg_span(port) := _every_port if _lower(port) == "*"

else := _span(port, "-")

_nsg_shadowed(rule) if {
	some deny in _nsg_rules
	_blocks_first(deny, rule)
}

# `deny` refuses the whole internet, before `rule` is reached, on every port `rule` opens.
_blocks_first(deny, rule) if {
	not deny.allow
	deny.group == rule.group
	is_number(deny.order)
	is_number(rule.order)
	deny.order < rule.order
	some source in deny.sources
	is_world(source.text)
	every span in rule.spans {
		some covering in deny.spans
		covering.from <= span.from
		span.to <= covering.to
	}
}

# --- terraform-aws-modules/security-group ------------------------------------------------------
# https://registry.terraform.io/modules/terraform-aws-modules/security-group/aws
# A `module` block whose source is the module (the registry address or its GitHub repository),
# or one of its preset submodules (`//modules/ssh`, `//modules/postgresql`, ...). The rules it
# creates are read from its inputs with the module's own table of named rules
# (policies/data/terraform-aws-security-group.json):
# - v5: `ingress_rules` (names) with `ingress_cidr_blocks` / `ingress_ipv6_cidr_blocks`;
#   `ingress_with_cidr_blocks` / `ingress_with_ipv6_cidr_blocks` items (a `rule` name, or
#   from_port/to_port/protocol, with `cidr_blocks` / `ipv6_cidr_blocks` as comma-separated text,
#   else the module's CIDR lists); their `computed_*` twins, as many as `number_of_computed_*`
#   says; a preset submodule adds its group's rules unless `auto_ingress_rules` replaces them.
# - v6: `ingress_rules` as a map of rules (from_port, to_port, ip_protocol, cidr_ipv4,
#   cidr_ipv6), and a preset submodule's `ingress_cidr_ipv4` / `ingress_cidr_ipv6` maps.
# `create = false` creates nothing. Findings point at the `ingress_rules` item, the CIDR, or the
# item of `ingress_with_*` that opens the port.

_sg_table := data.vigie.tables.terraform_aws_security_group

_sg_modules contains {"name": name, "body": body, "preset": preset, "path": ["module", name]} if {
	is_object(input.doc.module)
	some name, body in input.doc.module
	is_object(body)
	not lib.creates_nothing(body)
	not lib.is_false(object.get(body, "create", true))
	preset := _sg_preset(body.source)
}

_sg_registry := `^(registry\.terraform\.io/)?terraform-aws-modules/security-group/aws(//modules/[a-z0-9-]+)?/?$`

_sg_github := `^(git::)?(https://|ssh://git@|git@)?github\.com[/:]terraform-aws-modules/terraform-aws-security-group(\.git)?(//modules/[a-z0-9-]+)?/?$`

# "" for the root module, else the preset submodule's name.
_sg_preset(source) := preset if {
	is_string(source)
	address := split(lower(trim_space(source)), "?")[0]
	_sg_source(address)
	preset := _sg_submodule(address)
}

_sg_source(address) if regex.match(_sg_registry, address)

_sg_source(address) if regex.match(_sg_github, address)

_sg_submodule(address) := trim_suffix(parts[1], "/") if {
	parts := split(address, "//modules/")
	count(parts) == 2
} else := ""

# The v5 group of a preset submodule (v6 renamed a few).
_sg_group(preset) := group if {
	group := _sg_table.renamed[preset]
} else := preset

_sg_span(from, to, protocol) := _every_port if {
	_protocol(protocol) in {"-1", "all"}
} else := {"from": a, "to": b} if {
	_protocol(protocol) in _tcp
	a := lib.as_number(from)
	b := lib.as_number(to)
}

# The span of a named rule of the table, when it is TCP (or every protocol).
_sg_named_span(name) := _sg_span(entry[0], entry[1], entry[2]) if {
	is_string(name)
	entry := _sg_table.rules[name]
}

_sg_name(m) := sprintf("module.%s", [m.name])

# The sources of the module's CIDR lists, each pointing at `at` (the item that uses them), or at
# the CIDR itself when `at` is null.
_sg_list_sources(m, at) := [{"text": text, "path": _at(at, source.path)} |
	some key in ["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks"]
	some source in _items(m.path, m.body, key)
	text := source.text
]

_at(at, path) := path if at == null

else := at

# v5 `ingress_rules` and `computed_ingress_rules`: one rule per known name.
inbound_rules contains rule if {
	some m in _sg_modules
	some key in ["ingress_rules", "computed_ingress_rules"]
	is_array(m.body[key])
	some i, name in m.body[key]
	i < _sg_limit(m.body, key)
	span := _sg_named_span(name)
	path := array.concat(m.path, [key, i])
	rule := {"resource": _sg_name(m), "path": path, "spans": [span], "sources": _sg_list_sources(m, path)}
}

# How many items of a list the module uses: all, or `number_of_computed_*` of a `computed_*` one
# (0 by default; an unknown count is taken as none).
_sg_limit(body, key) := 1000000 if {
	not startswith(key, "computed_")
} else := n if {
	n := lib.as_number(object.get(body, concat("", ["number_of_", key]), null))
} else := 0

# v5 preset submodules: their group's rules (or `auto_ingress_rules`), open to the CIDR lists.
inbound_rules contains rule if {
	some m in _sg_modules
	m.preset != ""
	names := _sg_auto_rules(m)
	spans := [span | some name in names; span := _sg_named_span(name)]
	count(spans) > 0
	rule := {"resource": _sg_name(m), "path": m.path, "spans": spans, "sources": _sg_list_sources(m, null)}
}

_sg_auto_rules(m) := lib.list(m.body.auto_ingress_rules) if {
	object.get(m.body, "auto_ingress_rules", null) != null
} else := lib.list(_sg_table.groups[_sg_group(m.preset)])

# v5 `ingress_with_cidr_blocks` and its ipv6 and computed twins.
_sg_with := {
	"ingress_with_cidr_blocks": ["cidr_blocks", "ingress_cidr_blocks"],
	"ingress_with_ipv6_cidr_blocks": ["ipv6_cidr_blocks", "ingress_ipv6_cidr_blocks"],
	"computed_ingress_with_cidr_blocks": ["cidr_blocks", "ingress_cidr_blocks"],
	"computed_ingress_with_ipv6_cidr_blocks": ["ipv6_cidr_blocks", "ingress_ipv6_cidr_blocks"],
}

inbound_rules contains rule if {
	some m in _sg_modules
	some key, how in _sg_with
	is_array(m.body[key])
	some i, item in m.body[key]
	is_object(item)
	i < _sg_limit(m.body, key)
	span := _sg_item_span(item)
	path := array.concat(m.path, [key, i])
	rule := {"resource": _sg_name(m), "path": path, "spans": [span], "sources": _sg_item_sources(m, path, item, how[0], how[1])}
}

# from_port, to_port and protocol of the item, each else from its named `rule`.
_sg_item_span(item) := _sg_span(
	_sg_field(item, "from_port", 0),
	_sg_field(item, "to_port", 1),
	_sg_field(item, "protocol", 2),
)

_sg_field(item, key, index) := item[key] if {
	object.get(item, key, null) != null
} else := _sg_table.rules[item.rule][index] if {
	is_string(item.rule)
}

# The item's own comma-separated CIDRs, else the module's list `fallback` (pointing at the item).
_sg_item_sources(m, path, item, own, fallback) := [{"text": trim_space(text), "path": array.concat(path, [own])} |
	some text in split(item[own], ",")
] if {
	is_string(item[own])
} else := [{"text": source.text, "path": path} |
	some source in _items(m.path, m.body, fallback)
]

# v6 root module: `ingress_rules` is a map of rules, each with one source.
inbound_rules contains rule if {
	some m in _sg_modules
	is_object(m.body.ingress_rules)
	some key, item in m.body.ingress_rules
	is_object(item)
	from := object.get(item, "from_port", object.get(item, "to_port", null))
	span := _sg_span(from, object.get(item, "to_port", from), item.ip_protocol)
	path := array.concat(m.path, ["ingress_rules", key])
	rule := {
		"resource": _sg_name(m),
		"path": path,
		"spans": [span],
		"sources": array.concat(_single(path, item, "cidr_ipv4"), _single(path, item, "cidr_ipv6")),
	}
}

# v6 preset submodules: each entry of `ingress_cidr_ipv4` / `ingress_cidr_ipv6` opens the preset.
inbound_rules contains rule if {
	some m in _sg_modules
	m.preset != ""
	sources := [{"text": text, "path": array.concat(m.path, [key, k])} |
		some key in ["ingress_cidr_ipv4", "ingress_cidr_ipv6"]
		is_object(m.body[key])
		some k, text in m.body[key]
		is_string(text)
	]
	count(sources) > 0
	spans := [span |
		some name in lib.list(_sg_table.groups[_sg_group(m.preset)])
		span := _sg_named_span(name)
	]
	count(spans) > 0
	rule := {"resource": _sg_name(m), "path": m.path, "spans": spans, "sources": sources}
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
