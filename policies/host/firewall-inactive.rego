# METADATA
# title: No active firewall
# description: >-
#   Nothing filters incoming traffic: ufw is inactive or absent, and no nftables or iptables chain
#   on the input path drops anything (no `drop` policy, no drop or reject rule). Every service
#   that listens on a public interface, including ones started later or by a package upgrade, is
#   open to the internet. A host without ufw, nft or iptables rules has no firewall. Docker's own
#   chains filter forwarded container traffic, not the host's, and do not count. When a firewall
#   fact could not be read (not root, and `sudo -n` not allowed) the rule stays silent.
# related_resources:
#   - ref: https://manpages.debian.org/bookworm/ufw/ufw.8.en.html
#   - ref: https://wiki.nftables.org/wiki-nftables/index.php/Simple_ruleset_for_a_server
# custom:
#   id: host.firewall-inactive
#   severity: high
#   remediation: |-
#     Turn on a default-deny firewall that admits SSH from your VPN only (here with ufw; use the
#     VPN range from `vpn_cidrs` in `vigie.toml`), from a console or a session you keep open:
#
#     ```sh
#     ufw default deny incoming
#     ufw allow from 100.64.0.0/10 to any port 22 proto tcp
#     ufw enable
#     ```
#   fix: none
package vigie.rules.host.firewall_inactive

import data.vigie.lib.host
import rego.v1

deny contains {"msg": _msg, "path": _path} if {
	host.firewall_known
	not host.filtering
}

_msg := "ufw is inactive and no nftables or iptables rule filters incoming traffic" if {
	host.ufw
} else := "no firewall: no ufw, nftables or iptables rule filters incoming traffic"

# The ufw status line, else the first nft or iptables output there is.
_path := ["facts", "firewall", "ufw", "active"] if {
	host.ufw
} else := ["facts", "firewall", src] if {
	some src in ["nft", "iptables", "ip6tables"]
	host.facts.firewall[src]
} else := ["facts", "firewall"]
