#!/usr/bin/env bash
# Starts a copy of a portal build beside the one `./portal up` runs, with the same environment (databases, keys,
# provider) on another port, for side-by-side runs (vs.sh). Make the copy before changing the code:
#   cp -r src/Portal/bin/Release/net10.0 var/before-portal
# The provider must accept the copy's redirect URI: start it with PORTAL_OIDC_EXTRA_REDIRECTS=http://127.0.0.1:PORT.
# The copy runs in its own directory, so it reads the appsettings.json it was built with. Stop it with kill PID.
# Usage: benchmarks/portal-load/start-copy.sh DIR PORT LOG   (prints the copy's process id)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$(cd "$1" && pwd)"; port="$2"; log="$(realpath -m "$3")"
portal="$(pgrep -P "$(cat "$root/var/run/portal.pid")" | head -1)"   # `dotnet run` → the portal's own process
[[ -n "$portal" ]] || { echo "no portal of ./portal up is running" >&2; exit 1; }
mapfile -d '' environment < "/proc/$portal/environ"
cd "$dir"
env -i "${environment[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$port" \
    dotnet "$dir/AuditPortal.Portal.dll" --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
echo $!
