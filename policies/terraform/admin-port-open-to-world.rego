# METADATA
# title: Admin or database port open to the internet
# description: >-
#   A firewall or security-group rule accepts, from any address (0.0.0.0/0, ::/0, "any", or no
#   source where the provider reads that as everyone), a port that should never face the
#   internet: RDP (3389), VNC (5900), the Docker API (2375, 2376: root on the host for whoever
#   reaches it), the Proxmox VE web UI and API (8006), the Kubernetes API (6443) and kubelet
#   (10250), etcd (2379), databases (MySQL 3306, PostgreSQL 5432, Redis 6379, MongoDB 27017,
#   Elasticsearch 9200, SQL Server 1433, memcached 11211 and the others compose and host rules
#   know) or admin UIs (9000: Portainer, MinIO; 9090: Cockpit, Prometheus; 9443: Portainer).
#   These services are scanned for continuously and
#   attacked with default credentials, unauthenticated access and known vulnerabilities; exposed
#   Docker APIs are taken over for cryptominers, exposed databases are wiped and ransomed. A rule
#   that opens every port is reported once, naming the ports it exposes; a range is reported once
#   per range. The same firewalls as `terraform.ssh-open-to-world` are read: AWS network ACLs and
#   default security group, Azure network security rules, and the named rules
#   (`postgresql-tcp`) and presets (`//modules/postgresql`) of the
#   terraform-aws-modules/security-group module. Sources inside `vpn_cidrs` and narrower networks
#   are fine; values the scan cannot know never raise a finding. SSH is
#   `terraform.ssh-open-to-world`'s.
# related_resources:
#   - ref: https://docs.docker.com/engine/security/protect-access/
#   - ref: https://pve.proxmox.com/wiki/Firewall
#   - ref: https://registry.terraform.io/providers/hetznercloud/hcloud/latest/docs/resources/firewall
#   - ref: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_security_group_ingress_rule
#   - ref: https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/compute_firewall
#   - ref: https://registry.terraform.io/providers/digitalocean/digitalocean/latest/docs/resources/firewall
#   - ref: https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_firewall_rules
#   - ref: https://registry.terraform.io/providers/terraform-provider-openstack/openstack/latest/docs/resources/networking_secgroup_rule_v2
#   - ref: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl
#   - ref: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
#   - ref: https://registry.terraform.io/modules/terraform-aws-modules/security-group/aws
# custom:
#   id: terraform.admin-port-open-to-world
#   severity: high
#   remediation: |-
#     Keep admin interfaces and databases off the internet: reach them over a VPN (Tailscale,
#     Headscale, WireGuard) and restrict the rule's source to the VPN's network (listed in
#     `vpn_cidrs` in `vigie.toml`), or to the private network of the machines that use them:
#
#     ```hcl
#     ingress {
#       from_port   = 5432
#       to_port     = 5432
#       protocol    = "tcp"
#       cidr_blocks = ["10.0.0.0/16"]
#     }
#     ```
#
#     Open only the ports a service needs rather than a range or every port, and publish web
#     UIs through a reverse proxy with TLS and authentication.
#   fix: none
package vigie.rules.terraform.admin_port_open_to_world

import data.vigie.lib.ports as port_lists
import data.vigie.lib.terraform.network
import rego.v1

# The ports this rule looks for: the database and admin ports `compose.database-port-published`
# and `host.service-exposed` look for too (policies/lib/ports.rego).
_admin_ports := port_lists.exposed_services

# What a rule opening every port names first.
_highlights := [2375, 3306, 3389, 5432, 6379, 27017]

# One finding per port or range written in an open rule that holds admin ports: a single port
# names its service, a range lists the admin ports inside it. Findings point at the rule's first
# open source, or at the rule when it names no source.
deny contains finding if {
	names := _admin_ports
	some rule in network.open_rules
	some span in rule.spans
	not network.is_all_ports(span)
	ports := sort([port |
		some port, _ in names
		span.from <= port
		port <= span.to
	])
	count(ports) > 0
	finding := {
		"msg": sprintf("%s accepts %s from %s", [rule.resource, _ports(span, ports, names), network.open_text(rule)]),
		"path": network.finding_path(rule),
	}
}

# A rule opening every port is one finding, however it says so.
deny contains finding if {
	names := _admin_ports
	some rule in network.open_rules
	some span in rule.spans
	network.is_all_ports(span)
	finding := {
		"msg": sprintf("%s accepts every port from %s, including %s and %d other database and admin ports", [rule.resource, network.open_text(rule), _list(_highlights, names), count(names) - count(_highlights)]),
		"path": network.finding_path(rule),
	}
}

_ports(span, ports, names) := sprintf("%s (port %v)", [names[span.from], span.from]) if span.from == span.to

else := sprintf("ports %v-%v, including %s,", [span.from, span.to, _list(ports, names)])

# "MySQL (3306), RDP (3389)"
_list(ports, names) := concat(", ", [sprintf("%s (%v)", [names[port], port]) | some port in ports])
