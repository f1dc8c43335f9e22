#!/usr/bin/env bash
# Signs in to a running portal through the real OpenID Provider with curl, the way a browser does
# (authorization code + PKCE, login form, consent), and prints the portal's session cookie header.
# Usage: signin.sh PORTAL_URL USERNAME PASSWORD
set -euo pipefail
portal="${1:?portal url}"; user="${2:?username}"; pass="${3:?password}"
jar="$(mktemp)"; trap 'rm -f "$jar" "$jar.html"' EXIT
curl_() { curl -sS -L -H 'Accept: text/html' -b "$jar" -c "$jar" -o "$jar.html" -w '%{url_effective}' "$@"; }

url="$(curl_ "$portal/login")"
action="$(grep -o 'action="/interaction/[^"]*/login"' "$jar.html" | head -1 | cut -d'"' -f2)"
[[ -n "$action" ]] || { echo "no login form at $url" >&2; exit 1; }
origin="$(printf '%s' "$url" | grep -oE '^https?://[^/]+')"
url="$(curl_ --data-urlencode "username=$user" --data-urlencode "password=$pass" "$origin$action")"
if confirm="$(grep -o 'action="/interaction/[^"]*/confirm"' "$jar.html" | head -1 | cut -d'"' -f2)" && [[ -n "$confirm" ]]; then
  url="$(curl_ --data '' "$origin$confirm")"
fi
# Netscape cookie jar; HttpOnly cookies are written as "#HttpOnly_<domain>". Cookies carry no port,
# so the provider's cookies for the same host come along; the portal ignores them.
host="$(printf '%s' "$portal" | sed -E 's#^https?://([^:/]+).*#\1#')"
cookie="$(awk -v host="$host" '{ d = $1; sub(/^#HttpOnly_/, "", d) } d == host && NF >= 7 { printf "%s=%s; ", $6, $7 }' "$jar")"
[[ -n "$cookie" ]] || { echo "signed in, but no portal session cookie was set (ended at $url)" >&2; exit 1; }
printf 'Cookie: %s\n' "${cookie%; }"
