package vigie.rules.caddy.admin_api_exposed

import rego.v1

admin(args) := {"kind": "caddy", "path": "Caddyfile", "doc": {"global": [{"name": "admin", "args": args, "block": []}]}, "origins": {}}

test_all_interfaces_and_lan_are_denied if {
	findings := deny with input as admin(["0.0.0.0:2019"])
	count(findings) == 1
	some f in findings
	f.path == ["global", 0, "args", 0]
	count(deny) == 1 with input as admin([":2019"])
	count(deny) == 1 with input as admin(["192.168.1.5:2019"])
	count(deny) == 1 with input as admin(["[::]:2019"])
}

test_loopback_socket_and_off_are_allowed if {
	count(deny) == 0 with input as admin(["localhost:2019"])
	count(deny) == 0 with input as admin(["127.0.0.1:2019"])
	count(deny) == 0 with input as admin(["[::1]:2019"])
	count(deny) == 0 with input as admin(["unix//run/caddy/admin.sock"])
	count(deny) == 0 with input as admin(["off"])
	count(deny) == 0 with input as admin([{"unknown": "{$ADMIN}"}])
}

test_no_admin_option_is_allowed if {
	count(deny) == 0 with input as {"kind": "caddy", "doc": {"global": []}, "origins": {}}
}
