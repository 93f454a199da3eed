# METADATA
# title: ACL lets every device reach every port of every device
# description: >-
#   An entry of a Headscale or Tailscale policy file accepts traffic from `*` to `*:*` (or, in
#   the newer `grants` syntax, from `*` to `*` on every `ip` port). That is the default
#   "allow all" policy: every node of the tailnet — a phone, a guest's laptop, a compromised IoT
#   box or CI runner — reaches SSH, databases and admin UIs on every other node. The VPN then
#   only keeps out the internet; inside, one stolen device is a foothold everywhere.
# related_resources:
#   - ref: https://headscale.net/stable/ref/acls/
#   - ref: https://tailscale.com/kb/1337/policy-syntax
#   - ref: https://tailscale.com/kb/1324/grants
# custom:
#   id: headscale.acl-allow-all
#   severity: medium
#   remediation: |-
#     Replace the catch-all entry with entries that say who reaches what, using groups and tags:
#
#     ```jsonc
#     {
#       "groups": { "group:admins": ["alice@"] },
#       "tagOwners": { "tag:server": ["group:admins"] },
#       "acls": [
#         { "action": "accept", "src": ["group:admins"], "dst": ["tag:server:22,443"] },
#         { "action": "accept", "src": ["autogroup:member"], "dst": ["tag:server:443"] }
#       ]
#     }
#     ```
#   fix: none
package vigie.rules.headscale.acl_allow_all

import rego.v1

deny contains finding if {
	is_array(input.doc.acls)
	some i, acl in input.doc.acls
	is_object(acl)
	lower(_text(acl.action)) == "accept"
	_has(acl.src, "*")
	_has(acl.dst, "*:*")
	finding := {
		"msg": "this ACL entry accepts traffic from every device (*) to every port of every device (*:*)",
		"path": ["acls", i],
	}
}

deny contains finding if {
	is_array(input.doc.grants)
	some i, grant in input.doc.grants
	is_object(grant)
	_has(grant.src, "*")
	_has(grant.dst, "*")
	_has(grant.ip, "*")
	finding := {
		"msg": "this grant gives every device (*) every IP port (*) of every device (*)",
		"path": ["grants", i],
	}
}

_has(list, item) if {
	is_array(list)
	item in list
}

_text(x) := x if is_string(x)

else := ""
