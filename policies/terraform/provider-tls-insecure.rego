# METADATA
# title: Provider skips TLS certificate verification
# description: >-
#   A provider is told not to verify the TLS certificate of the API it drives: the Proxmox
#   providers' `pm_tls_insecure` (telmate) or `insecure` (bpg), Vault's `skip_tls_verify`,
#   Kubernetes' and Helm's `insecure`, and the same switch of other providers a homelab uses; or the
#   Docker provider talks to a `tcp://` daemon without TLS material. Terraform then sends its
#   credentials — a root API token, a Vault token, a kubeconfig — to whoever answers at that
#   address: anything on the network path (a compromised router, ARP or DNS spoofing on the LAN)
#   can impersonate the hypervisor and take the credentials.
# related_resources:
#   - ref: https://registry.terraform.io/providers/Telmate/proxmox/latest/docs
#   - ref: https://registry.terraform.io/providers/bpg/proxmox/latest/docs
#   - ref: https://registry.terraform.io/providers/hashicorp/vault/latest/docs
#   - ref: https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs
#   - ref: https://registry.terraform.io/providers/kreuzwerker/docker/latest/docs
# custom:
#   id: terraform.provider-tls-insecure
#   severity: high
#   remediation: |-
#     Give the API a certificate the provider can verify — from your own CA (point the provider at
#     it, e.g. `ca_cert_file` for Vault, `cluster_ca_certificate` for Kubernetes) or from Let's
#     Encrypt through a DNS challenge — and remove the switch. For Proxmox, upload a certificate
#     under Datacenter → Certificates or use its ACME support. For a remote Docker daemon, use
#     `ssh://user@host` or TLS (`cert_path`, or `ca_material`, `cert_material`, `key_material`).
#   fix: none
package vigie.rules.terraform.provider_tls_insecure

import data.vigie.lib.terraform as lib
import rego.v1

# Provider arguments that turn verification off when true, by provider name.
_switches := {
	"proxmox": {"pm_tls_insecure", "insecure"},
	"vault": {"skip_tls_verify"},
	"kubernetes": {"insecure"},
	"kubectl": {"insecure"},
	"keycloak": {"tls_insecure_skip_verify"},
	"grafana": {"insecure_skip_verify"},
	"authentik": {"insecure"},
	"routeros": {"insecure"},
	"minio": {"minio_insecure"},
	"nomad": {"skip_verify"},
	"consul": {"insecure_https"},
	"unifi": {"allow_insecure"},
}

deny contains finding if {
	some p in lib.providers
	some arg in _switches[p.name]
	lib.is_true(p.body[arg])
	finding := {
		"msg": sprintf("provider %q does not verify the TLS certificate of its API (%s = true)", [p.name, arg]),
		"path": lib.anchor(array.concat(p.path, [arg])),
	}
}

# Helm (and the Kubernetes settings of other providers) nest the switch in a `kubernetes` block.
deny contains finding if {
	some p in lib.providers
	p.name in {"helm", "kubectl"}
	some k in lib.nested(p.body, "kubernetes")
	lib.is_true(k.body.insecure)
	path := array.concat(array.concat(p.path, k.path), ["insecure"])
	finding := {
		"msg": sprintf("provider %q does not verify the TLS certificate of the Kubernetes API (kubernetes { insecure = true })", [p.name]),
		"path": lib.anchor(path),
	}
}

# The Docker provider on a TCP daemon without TLS material: the daemon's API (root on that host)
# is reached in clear text with no authentication.
deny contains finding if {
	some p in lib.providers
	p.name == "docker"
	host := p.body.host
	is_string(host)
	startswith(lower(host), "tcp://")
	not _docker_tls(p.body)
	finding := {
		"msg": sprintf("provider \"docker\" talks to %s without TLS: the Docker API is reached unencrypted and unauthenticated", [host]),
		"path": lib.anchor(array.concat(p.path, ["host"])),
	}
}

_docker_tls(body) if _set(body.cert_path)

_docker_tls(body) if _set(body.ca_material)

# A value the scan cannot know may be TLS material: stay silent.
_set(x) if lib.is_unknown(x)

_set(x) if {
	is_string(x)
	x != ""
}
