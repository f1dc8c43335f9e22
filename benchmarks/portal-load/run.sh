#!/usr/bin/env bash
# Load benchmark (issues 3 and 4): latency of the portal's pages at 20 concurrent signed-in users,
# against the portal `./portal up` serves. Uses `hey` (Debian package) and real sessions from the dev
# OpenID Provider. Latency is measured at the client on loopback, so it is an upper bound of server time.
#
# Issue 4 targets (10M-event ledger): timeline first page (50 events) p95 < 100 ms; as-of of a
# 10,000-event stream < 300 ms; entity search by id or actor < 100 ms. The timeline pages are chosen
# from the ledger itself (busiest account, a busy actor) through `./portal psql replica` when it is
# available, or from TIMELINE_STREAM (type/id) and SEARCH_ACTOR.
# Every request is a real gateway query, so each one also appends two access-log entries.
# Each page is first loaded for WARMUP seconds (default 20) unmeasured: a freshly started portal spends
# up to a third of its CPU in tiered JIT recompilation during its first minute under load, and the
# dashboard, measured first, used to carry that cost. PAGES (space-separated paths) limits the pages.
# For a Release portal: PORTAL_CONFIGURATION=Release ./portal up (same port, same data).
# CPU per request (portal vs PostgreSQL, WAL syncs): benchmarks/portal-load/cpu-per-request.sh.
# Usage: benchmarks/portal-load/run.sh [PORTAL_URL] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
portal="${1:-http://127.0.0.1:5080}"; seconds="${2:-30}"
concurrency="${CONCURRENCY:-20}"
command -v hey >/dev/null || { echo "installing hey (apt)"; apt-get install -y -qq hey >/dev/null; }
cookie="$("$here/signin.sh" "$portal" auditor1 auditor1-dev)"

replica() { "$root/portal" psql replica -Atq -c "$1" 2>/dev/null; }
stream="${TIMELINE_STREAM:-$(replica "SELECT stream_type || '/' || stream_id FROM ledger.events WHERE stream_type = 'account' AND stream_seq = (SELECT max(stream_seq) FROM ledger.events WHERE stream_type = 'account') LIMIT 1" || true)}"
stream="${stream:-account/acc-000001}"
actor="${SEARCH_ACTOR:-$(replica "SELECT actor FROM ledger.events WHERE seq > (SELECT max(seq) - 100000 FROM ledger.events) GROUP BY actor ORDER BY count(*) LIMIT 1" || true)}"
actor="${actor:-ops.jdoe}"
events="$(replica "SELECT max(stream_seq) FROM ledger.events WHERE stream_type = '${stream%%/*}' AND stream_id = '${stream#*/}'" || echo '?')"
echo "stream $stream ($events events), actor $actor, ${concurrency} concurrent users, ${seconds}s per page"

# Warm once: the proof page builds the stream's proof in full and caches it for the timeline's badge
# (a timeline page waits at most Portal:Timeline:ProofBudget for it; docs/timeline-pages.md).
curl -sS -o /dev/null -w "proof page (cold, builds the badge): %{time_total} s\n" -H "$cookie" "$portal/timeline/$stream/proof" || true

warmup="${WARMUP:-20}"
default_pages=(/ "/api/streams/account/acc-000001/events?limit=50"
    "/timeline/$stream"
    "/timeline/$stream/as-of"
    "/timeline?type=${stream%%/*}&id=${stream#*/}"
    "/timeline?actor=$actor")
read -r -a pages <<<"${PAGES:-}"
((${#pages[@]})) || pages=("${default_pages[@]}")
# Server time of exactly the measured requests, from the portal's metrics file or request log (see server-time.sh).
# shellcheck source=benchmarks/portal-load/server-time.sh
source "$here/server-time.sh"
log="$(timing_source "$root")"
for path in "${pages[@]}"; do
  echo "== GET $path"
  ((warmup > 0)) && hey -z "${warmup}s" -c "$concurrency" -H "$cookie" "$portal$path" >/dev/null
  sleep 1; start="$(log_end "$log")"
  hey -z "${seconds}s" -c "$concurrency" -H "$cookie" "$portal$path" | grep -E 'Requests/sec|Average|Fastest|Slowest|50% in|90% in|95% in|99% in|\[[0-9]{3}\]'
  sleep 1; server_time "$log" "$start"
done
