# METADATA
# title: Provider skips TLS certificate verification
# description: >-
#   A provider is told to accept any TLS certificate from the API it manages (Proxmox's
#   `pm_tls_insecure` or `insecure`, Vault's `skip_tls_verify`, Kubernetes' `insecure`, ...), or
#   talks to a Docker daemon over plain TCP without TLS client certificates. Terraform sends the
#   provider's credentials — a Proxmox root password or API token, a Vault token, a cluster admin
#   certificate — with every request, so anyone who can sit between the machine running Terraform
#   and the API (a compromised device on the LAN, ARP or DNS spoofing, a rogue Wi-Fi access point)
#   can present their own certificate, read those credentials and change what gets deployed. A
#   Docker daemon on plain TCP is worse: it asks for no credentials at all, and controlling it is
#   root on the host. Self-signed certificates are the usual reason; trusting that one CA fixes
#   it without turning verification off for everything.
# related_resources:
#   - ref: https://registry.terraform.io/providers/Telmate/proxmox/latest/docs
#   - ref: https://registry.terraform.io/providers/bpg/proxmox/latest/docs
#   - ref: https://registry.terraform.io/providers/hashicorp/vault/latest/docs
#   - ref: https://registry.terraform.io/providers/hashicorp/kubernetes/latest/docs
#   - ref: https://registry.terraform.io/providers/hashicorp/helm/latest/docs
#   - ref: https://registry.terraform.io/providers/kreuzwerker/docker/latest/docs
#   - ref: https://docs.docker.com/engine/security/protect-access/
#   - ref: https://pve.proxmox.com/wiki/Certificate_Management
# custom:
#   id: terraform.provider-tls-insecure
#   severity: high
#   remediation: |-
#     Give the API a certificate the machine running Terraform trusts, then remove the flag.
#     Proxmox VE can get one from Let's Encrypt itself (Datacenter > ACME; the DNS challenge
#     works for hosts that are not reachable from the internet), or add the cluster's own CA
#     (`/etc/pve/pve-root-ca.pem` on a node) to the trust store of the machine running
#     Terraform. For Vault, Kubernetes and the others, point the provider at the CA
#     (`ca_cert_file`, `cluster_ca_certificate`, `root_ca_certificate`, ...) instead of
#     skipping verification:
#
#     ```hcl
#     provider "proxmox" {
#       endpoint = "https://pve.home.example.com:8006/"
#       # insecure = true   <- removed: the certificate now verifies
#     }
#     ```
#
#     For Docker, use `host = "ssh://user@host"` (no open port at all), or protect the TCP
#     socket with TLS (port 2376, `--tlsverify`) and give the provider `cert_path` or
#     `ca_material`, `cert_material` and `key_material`.
#   fix: none
package vigie.rules.terraform.provider_tls_insecure

import data.vigie.lib.terraform as lib
import rego.v1

# The provider arguments that turn certificate verification off when true, by provider type
# (the last part of the provider's source address: telmate/proxmox and bpg/proxmox are both
# "proxmox"). Names checked against each provider's documentation.
_insecure_arguments := {
	# telmate/proxmox calls it pm_tls_insecure, bpg/proxmox calls it insecure.
	"proxmox": {"pm_tls_insecure", "insecure"},
	"vault": {"skip_tls_verify"},
	"kubernetes": {"insecure"},
	"keycloak": {"tls_insecure_skip_verify"},
	"grafana": {"insecure_skip_verify"},
	"authentik": {"insecure"},
	"routeros": {"insecure"},
	"minio": {"minio_insecure"},
	"unifi": {"allow_insecure"},
	"netbox": {"allow_insecure_https"},
	"vsphere": {"allow_unverified_ssl"},
	"portainer": {"skip_ssl_verify"},
	"nomad": {"skip_verify"},
	# hashicorp/aws, often pointed at a self-hosted S3 (MinIO, Garage, Ceph).
	"aws": {"insecure"},
}

# A provider's name in messages: `provider "proxmox"`, with its alias when it has one.
_label(p) := sprintf("provider %q (alias %q)", [p.name, p.body.alias]) if is_string(p.body.alias)

else := sprintf("provider %q", [p.name])

# An argument of the provider block itself. A value from a variable counts as written: the
# finding points at the argument using it.
deny contains finding if {
	table := _insecure_arguments
	some p in lib.providers
	arguments := table[lib.provider_type(p.name)]
	some argument in arguments
	lib.is_true(p.body[argument])
	finding := {
		"msg": sprintf("%s turns off TLS certificate verification (%s = true)", [_label(p), argument]),
		"path": array.concat(p.path, [argument]),
	}
}

# helm reaches the cluster through its own `kubernetes` settings: a nested block up to helm 2.x,
# an object argument (`kubernetes = { ... }`) from 3.0; lib.nested reads both.
deny contains finding if {
	some p in lib.providers
	lib.provider_type(p.name) == "helm"
	some k in lib.nested(p.body, "kubernetes")
	lib.is_true(k.body.insecure)
	finding := {
		"msg": sprintf("%s turns off TLS certificate verification of the cluster (kubernetes.insecure = true)", [_label(p)]),
		"path": array.concat(array.concat(p.path, k.path), ["insecure"]),
	}
}

# Docker: `tcp://` is TLS only when the provider has client certificates, from `cert_path` (a
# directory holding ca.pem, cert.pem and key.pem) or from all three `*_material` arguments.
# Without them the provider speaks plain HTTP to the daemon, which then accepts anyone: port 2375
# is root on the host for whoever reaches it. `ssh://` and `unix://` are fine, and a `context`
# overrides `host`. Any of these values being unknown keeps the rule silent.
deny contains finding if {
	some p in lib.providers
	lib.provider_type(p.name) == "docker"
	lib.url_scheme(p.body.host) in {"tcp", "http"}
	not lib.has_value(p.body, "context")
	not _has_tls_material(p.body)
	finding := {
		"msg": sprintf("%s reaches the Docker daemon over plain TCP (%s) without TLS client certificates", [_label(p), _endpoint(p.body.host)]),
		"path": array.concat(p.path, ["host"]),
	}
}

_has_tls_material(body) if lib.has_value(body, "cert_path")

_has_tls_material(body) if {
	lib.has_value(body, "ca_material")
	lib.has_value(body, "cert_material")
	lib.has_value(body, "key_material")
}


# scheme://host[:port], without user info or path, for the message.
_endpoint(url) := sprintf("%s://%s", [lib.url_scheme(url), hostport]) if {
	authority := regex.split(`[/?#]`, split(trim_space(url), "://")[1])[0]
	parts := split(authority, "@")
	hostport := parts[count(parts) - 1]
}
