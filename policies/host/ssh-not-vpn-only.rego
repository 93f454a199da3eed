# METADATA
# title: SSH reachable from outside the VPN
# description: >-
#   sshd listens on a public or LAN address and nothing keeps connections from beyond the VPN
#   away: the firewall is inactive, a ufw rule allows the SSH port (from `sshd -T`) from Anywhere
#   or from a network outside `vpn_cidrs`, ufw's default admits incoming traffic, or an
#   nftables/iptables chain on the input path accepts it (or accepts everything by default
#   without dropping it). SSH open to the internet is hammered by password guessing and exposed
#   to every pre-authentication vulnerability of sshd (regreSSHion, CVE-2024-6387, gave root to
#   unauthenticated attackers). Behind a VPN (Tailscale, Headscale, WireGuard) only enrolled
#   devices reach it. Rules restricted to a VPN interface (`tailscale0`, `wg0`; prefixes in
#   `vpn_interfaces`) or to VPN sources are fine. nftables/iptables rules are read without their
#   order: an accept rule shadowed by an earlier drop is still reported.
# related_resources:
#   - ref: https://tailscale.com/kb/1077/secure-server-ubuntu
#   - ref: https://nvd.nist.gov/vuln/detail/CVE-2024-6387
# custom:
#   id: host.ssh-not-vpn-only
#   severity: high
#   remediation: |-
#     Admit SSH from the VPN only (the range from `vpn_cidrs` in `vigie.toml`, or the VPN's
#     interface), then remove the open rule, keeping a VPN session open while you do it:
#
#     ```sh
#     ufw allow in on tailscale0 to any port 22 proto tcp
#     ufw delete allow 22/tcp
#     ufw default deny incoming
#     ```
#
#     Or make sshd listen on the VPN address only (`ListenAddress 100.x.y.z`).
#   fix: none
package vigie.rules.host.ssh_not_vpn_only

import data.vigie.lib.host
import rego.v1

# No firewall at all: the listener is the evidence.
deny contains {
	"msg": sprintf("sshd listens on %s and no firewall filters incoming traffic", [exposure.where]),
	"path": exposure.path,
} if {
	some exposure in host.ssh_exposures
	host.firewall_known
	not host.filtering
}

# ufw admits SSH from beyond the VPN.
deny contains {
	"msg": sprintf("ufw rule `%s` lets %s reach SSH (port %d)", [rule.text, _from(rule), port]),
	"path": ["facts", "firewall", "ufw", "rules", i],
} if {
	host.ssh_exposed
	host.ufw_active
	some port in host.ssh_ports
	some i, rule in host.ufw.rules
	host.ufw_admits_world(rule, port)
}

deny contains {
	"msg": sprintf("ufw admits incoming connections by default (Default: %s (incoming)), SSH included", [host.ufw.default_incoming]),
	"path": ["facts", "firewall", "ufw", "default_incoming"],
} if {
	host.ssh_exposed
	host.ufw_active
	host.ufw.default_incoming in {"allow", "accept"}
}

# Without ufw: a chain rule on the input path accepts SSH from beyond the VPN.
deny contains {
	"msg": sprintf("a %s rule accepts SSH (port %d) from %s", [_tool(e.path), port, _sources(e.rule)]),
	"path": e.path,
} if {
	host.ssh_exposed
	not host.ufw_active
	host.filtering
	some port in host.ssh_ports
	some e in host.input_rules
	host.accepts_world(e.rule, port)
}

# Without ufw: an input chain accepts by default and nothing on the input path drops SSH.
deny contains {
	"msg": sprintf("the %s chain %q accepts by default and no rule drops SSH (port %d)", [_tool(e.path), e.chain.name, port]),
	"path": e.path,
} if {
	host.ssh_exposed
	not host.ufw_active
	host.filtering
	some port in host.ssh_ports
	some e in host.chains
	e.chain.hook == "input"
	e.chain.policy == "accept"
	not _dropped(port)
	not _accepted(port)
}

_dropped(port) if {
	some e in host.input_rules
	host.blocks_all(e.rule, port)
}

_accepted(port) if {
	some e in host.input_rules
	host.accepts_world(e.rule, port)
}

_from(rule) := "anyone" if rule.from_address == null

else := rule.from_address

_tool(path) := "nftables" if path[2] == "nft"

else := path[2]

_sources(rule) := "anywhere" if object.get(rule, "saddr", null) == null

else := concat(", ", rule.saddr)
