# Shared helpers for Caddyfile rules: `import data.vigie.lib.caddy as lib`.
# The input shape is described in docs/caddy-input.md. Values may be unknown
# (`{"unknown": "{$VAR}"}`): helpers check types before calling builtins.
package vigie.lib.caddy

import rego.v1

# Every site that is an object, with its index.
sites contains {"index": i, "site": site} if {
	is_array(input.doc.sites)
	some i, site in input.doc.sites
	is_object(site)
}

# A host only this machine reaches: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`.
loopback(host) if {
	is_string(host)
	h := trim(lower(host), "[]")
	_loopback(h)
}

_loopback(h) if h in {"localhost", "::1"}

_loopback(h) if endswith(h, ".localhost")

_loopback(h) if regex.match(`^127\.[0-9]+\.[0-9]+\.[0-9]+$`, h)

# Every address of the site is a loopback host.
local_only(site) if {
	is_array(site.addresses)
	count(site.addresses) > 0
	every a in site.addresses {
		loopback(a.host)
	}
}

# The site only redirects (`redir https://...`): a plain-HTTP site that sends everyone to HTTPS.
redirect_only(site) if {
	is_array(site.directives)
	count(site.directives) > 0
	every d in site.directives {
		d.name == "redir"
	}
}

# The site sets `Strict-Transport-Security`.
sets_hsts(site) if {
	is_array(site.headers)
	some h in site.headers
	is_string(h.name)
	lower(h.name) == "strict-transport-security"
	h.op in {"set", "add", "default", "replace"}
}

# A site's name for messages: its first address as written.
site_name(site) := site.addresses[0].text if is_string(site.addresses[0].text)

else := "(unnamed)"
