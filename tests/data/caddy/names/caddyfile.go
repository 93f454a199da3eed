// A Caddyfile adapter in Go: not a Caddyfile.
package caddyfile

func parse() {
}
