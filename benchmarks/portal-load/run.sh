#!/usr/bin/env bash
# Load benchmark for issue 3: p95 latency of the dashboard and a typical page at 20 concurrent
# signed-in users, against the portal `./portal up` serves. Uses `hey` (Debian package) and real
# sessions from the dev OpenID Provider. Latency is measured at the client on loopback, so it is an
# upper bound of server time.
# Usage: benchmarks/portal-load/run.sh [PORTAL_URL] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
portal="${1:-http://127.0.0.1:5080}"; seconds="${2:-30}"
command -v hey >/dev/null || { echo "installing hey (apt)"; apt-get install -y -qq hey >/dev/null; }
cookie="$("$here/signin.sh" "$portal" auditor1 auditor1-dev)"
for path in / "/api/streams/account/acc-000001/events?limit=50"; do
  echo "== GET $path, 20 concurrent users, ${seconds}s"
  hey -z "${seconds}s" -c 20 -H "$cookie" "$portal$path" | grep -E 'Requests/sec|Average|Fastest|Slowest|50% in|90% in|95% in|99% in|\[[0-9]{3}\]'
done
