# METADATA
# title: Caddy's admin API listens beyond localhost
# description: >-
#   The global `admin` option makes Caddy's admin API listen on a non-loopback address
#   (`admin :2019`, `admin 0.0.0.0:2019`, a LAN address). The admin API has no authentication by
#   default: whoever reaches it can load a new configuration — proxy any site anywhere, serve any
#   file the Caddy user can read — or stop the server. Caddy's default, `localhost:2019`, keeps it
#   to the machine itself.
# related_resources:
#   - ref: https://caddyserver.com/docs/caddyfile/options#admin
#   - ref: https://caddyserver.com/docs/api
# custom:
#   id: caddy.admin-api-exposed
#   severity: high
#   remediation: |-
#     Remove the `admin` option (the default is `localhost:2019`), bind it to loopback or a unix
#     socket, or turn it off when you reload by restarting:
#
#     ```caddyfile
#     {
#     	admin unix//run/caddy/admin.sock
#     }
#     ```
#   fix: none
package vigie.rules.caddy.admin_api_exposed

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	is_array(input.doc.global)
	some k, option in input.doc.global
	option.name == "admin"
	address := option.args[0]
	is_string(address)
	not address in {"off", ""}
	not startswith(address, "unix/")
	host := _host(address)
	not lib.loopback(host)
	finding := {
		"msg": sprintf("Caddy's admin API listens on %s, beyond localhost", [address]),
		"path": ["global", k, "args", 0],
	}
}

# The host part of `host:port`, `[v6]:port`, `:port` (every interface: "").
_host(address) := trim(split(address, "]")[0], "[") if startswith(address, "[")

else := concat(":", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(trim_prefix(trim_prefix(address, "tcp/"), "tcp://"), ":")
	count(parts) > 1
} else := address
