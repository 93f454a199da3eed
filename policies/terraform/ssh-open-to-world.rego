# METADATA
# title: SSH open to the internet
# description: >-
#   A firewall or security-group rule accepts SSH (TCP port 22) from any address: 0.0.0.0/0,
#   ::/0, "any", or no source at all where the provider reads that as everyone. An SSH port on
#   the internet is found by scanners within minutes and then brute-forced around the clock;
#   password logins, a weak or leaked key, or the next OpenSSH vulnerability (regreSSHion,
#   CVE-2024-6387, was reachable before authentication) is then all that stands between the
#   internet and a root shell on the host. A self-hoster rarely needs SSH reachable by anyone
#   but themselves, which a VPN gives without any open port. A rule that opens a range holding
#   port 22, or every port, is reported too, once per rule. Read: Hetzner, DigitalOcean, Google,
#   Proxmox and OpenStack firewalls; AWS security groups (also the default one), their rule
#   resources and network ACLs; Azure network security rules (inline or not; a lower-numbered
#   Deny that covers the rule is honoured, as it is in network ACLs); and the
#   terraform-aws-modules/security-group module, its named rules (`ssh-tcp`) and preset
#   submodules (`//modules/ssh`) resolved with the module's own rule table. Sources inside
#   `vpn_cidrs` and narrower networks are fine; values the scan cannot know (a resource
#   attribute, an unset variable) never raise a finding.
# related_resources:
#   - ref: https://registry.terraform.io/providers/hetznercloud/hcloud/latest/docs/resources/firewall
#   - ref: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
#   - ref: https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_firewall
#   - ref: https://registry.terraform.io/providers/digitalocean/digitalocean/latest/docs/resources/firewall
#   - ref: https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_firewall_rules
#   - ref: https://registry.terraform.io/providers/terraform-provider-openstack/openstack/latest/docs/resources/networking_secgroup_rule_v2
#   - ref: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl
#   - ref: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
#   - ref: https://registry.terraform.io/modules/terraform-aws-modules/security-group/aws
#   - ref: https://nvd.nist.gov/vuln/detail/CVE-2024-6387
# custom:
#   id: terraform.ssh-open-to-world
#   severity: high
#   remediation: |-
#     Reach SSH over a VPN (Tailscale, Headscale, WireGuard, NetBird) and restrict the rule's
#     source to the VPN's network (listed in `vpn_cidrs` in `vigie.toml`), or to the fixed
#     addresses you administer from:
#
#     ```hcl
#     rule {
#       direction  = "in"
#       protocol   = "tcp"
#       port       = "22"
#       source_ips = ["100.64.0.0/10"]
#     }
#     ```
#
#     With Tailscale SSH or a WireGuard tunnel, the rule can usually go away entirely. If SSH
#     must stay public (a bastion), allow keys only, disable root and password logins, and
#     suppress the finding with a reason: `# vigie:ignore terraform.ssh-open-to-world -- bastion`.
#   fix: none
package vigie.rules.terraform.ssh_open_to_world

import data.vigie.lib.terraform.network
import rego.v1

# One finding per rule (a block, or a resource that is one rule) whose ports include 22, however
# many of its ports or ranges do: it points at the first open source, or at the rule when the
# rule names no source.
deny contains finding if {
	some rule in network.open_rules
	span := network.span_with(rule, 22)
	finding := {
		"msg": sprintf("%s accepts %s from %s", [rule.resource, _ports(span), network.open_text(rule)]),
		"path": network.finding_path(rule),
	}
}

# What the rule opens, from the narrowest span holding port 22.
_ports(span) := "SSH (port 22)" if span.from == span.to

else := "every port, SSH (22) included," if network.is_all_ports(span)

else := sprintf("ports %v-%v, SSH (22) included,", [span.from, span.to])
