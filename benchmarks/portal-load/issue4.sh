#!/usr/bin/env bash
# The three speed targets of issue 4, against a running portal, in one command:
#   1. timeline first page (50 events) p95 < 100 ms
#   2. as-of state of a ~10,000-event stream < 300 ms (p95 here)
#   3. entity search by id, and by actor, < 100 ms (p95 here)
# Each page gets one warm-up request, then REQUESTS (default 100) requests from CONCURRENCY (default 1:
# one investigator; the targets are latencies, not throughput) signed-in users with `hey`. Latency is
# measured at the client on loopback, an upper bound of server time. Every request is a real gateway
# query (two access-log appends). Besides latency, the portal's own CPU time per as-of request is read
# from /proc (user+sys of the portal's process group), which load on other cores does not inflate.
#
# Streams and actor come from the ledger through `./portal psql replica` (so run it with the same
# PORTAL_* port variables as `./portal up`), or from the environment:
#   TIMELINE_STREAM  type/id for the timeline page   (default: the busiest account)
#   ASOF_STREAM      type/id for the as-of page      (default: the stream whose size is nearest ASOF_EVENTS)
#   ASOF_EVENTS      wanted as-of stream size        (default 10000)
#   SEARCH_ACTOR     actor for the search            (default: svc:order-router, the busiest actor)
# The demo ledger of 10M events has no stream near 10,000 events (docs/timeline-pages.md, "Which stream to
# measure"): the default then picks the nearest one and prints its size; set ASOF_STREAM to override.
#
# Usage: benchmarks/portal-load/issue4.sh [PORTAL_URL]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
portal="${1:-http://127.0.0.1:${PORTAL_HTTP_PORT:-5080}}"
requests="${REQUESTS:-100}"; concurrency="${CONCURRENCY:-1}"; asof_events="${ASOF_EVENTS:-10000}"
[[ "$requests" =~ ^[0-9]+$ && "$concurrency" =~ ^[0-9]+$ && "$requests" -ge "$concurrency" && "$concurrency" -ge 1 ]] \
  || { echo "REQUESTS and CONCURRENCY must be numbers, REQUESTS >= CONCURRENCY >= 1" >&2; exit 2; }
[[ "$asof_events" =~ ^[0-9]+$ ]] || { echo "ASOF_EVENTS must be a number" >&2; exit 2; }
command -v hey >/dev/null || { echo "installing hey (apt)"; apt-get install -y -qq hey >/dev/null; }
cookie="$("$here/signin.sh" "$portal" auditor1 auditor1-dev)"

replica() { "$root/portal" psql replica -Atq -c "$1" 2>/dev/null; }
# Head of every stream through its first event (V002's events_stream_first_idx) and one backward index
# probe per stream: ~60,000 probes at 10M events, a second or two; no scan of the ledger.
streams_by_size="SELECT f.stream_type || '/' || f.stream_id || '|' || h.n FROM ledger.events f
  CROSS JOIN LATERAL (SELECT max(x.stream_seq) AS n FROM ledger.events x
                      WHERE x.stream_type = f.stream_type AND x.stream_id = f.stream_id) h
  WHERE f.stream_seq = 1"
size_of() { replica "SELECT max(stream_seq) FROM ledger.events WHERE stream_type = '${1%%/*}' AND stream_id = '${1#*/}'" || echo '?'; }

timeline="${TIMELINE_STREAM:-$(replica "$streams_by_size AND f.stream_type = 'account' ORDER BY h.n DESC LIMIT 1" | cut -d'|' -f1 || true)}"
timeline="${timeline:-account/acc-000001}"
asof="${ASOF_STREAM:-$(replica "$streams_by_size ORDER BY abs(h.n - $asof_events), 1 LIMIT 1" | cut -d'|' -f1 || true)}"
asof="${asof:-account/acc-000004}"
actor="${SEARCH_ACTOR:-svc:order-router}"
ledger_size="$(replica "SELECT coalesce(max(seq), 0) FROM ledger.events" || echo '?')"
echo "ledger: $ledger_size events; portal $portal; $requests requests per page from $concurrency user(s)"
echo "timeline stream $timeline ($(size_of "$timeline") events); as-of stream $asof ($(size_of "$asof") events; wanted ~$asof_events); actor $actor"

# The portal's process group (./portal up writes it to var/run/portal.pid) for CPU accounting.
pgid="$(cat "$root/var/run/portal.pid" 2>/dev/null || true)"
portal_cpu_ticks() { # user+sys clock ticks of every process in the portal's group
  [[ -n "$pgid" ]] || { echo 0; return; }
  local total=0 pid
  for pid in $(pgrep -g "$pgid" 2>/dev/null); do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
if [[ -n "$pgid" ]] && pgrep -g "$pgid" -f 'bin/Debug/' >/dev/null 2>&1; then
  echo "note: the portal runs a Debug build (./portal up): the JIT does not optimise it; Release figures are lower"
fi

# Warm the timeline's proof badge: the proof page builds the stream's proof in full (streams every leaf hash up to
# the checkpoint: long at 10M) and caches it; otherwise the first timeline requests wait up to the badge budget
# and the build's CPU lands in the measurement (docs/timeline-pages.md, "Proof badge").
curl -sS -o /dev/null -w "proof page of $timeline (cold, builds the badge): %{time_total} s\n" -H "$cookie" "$portal/timeline/$timeline/proof" || true

verdict=0
measure() { # name target_ms path
  local name="$1" target="$2" path="$3" out p50 p95 before after
  curl -sS -o /dev/null -H "$cookie" "$portal$path" || true
  before="$(portal_cpu_ticks)"
  out="$(hey -n "$requests" -c "$concurrency" -H "$cookie" "$portal$path")"
  after="$(portal_cpu_ticks)"
  if ! grep -qE '\[200\][[:space:]]+'"$requests"' responses' <<<"$out"; then
    echo "$name: not every response was 200:"; grep -E '\[[0-9]{3}\]' <<<"$out"; verdict=1; return
  fi
  p50="$(awk '/ 50% in /{ printf "%.1f", $3 * 1000 }' <<<"$out")"
  p95="$(awk '/ 95% in /{ printf "%.1f", $3 * 1000 }' <<<"$out")"
  # hey leaves out percentiles it has too few samples for: then the slowest request stands in (stricter).
  [[ -n "$p95" ]] || p95="$(awk '/Slowest:/{ printf "%.1f", $2 * 1000 }' <<<"$out")"
  [[ -n "$p95" && -n "$p50" ]] || { echo "$name: could not read latencies from hey:"; echo "$out"; verdict=1; return; }
  local cpu_ms; cpu_ms="$(awk -v t="$(( after - before ))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", t * 1000 / hz / n }')"
  local ok; ok="$(awk -v p="$p95" -v t="$target" 'BEGIN { print (p < t) ? "MET" : "MISSED" }')"
  [[ "$ok" == MET ]] || verdict=1
  printf '%-28s p50 %7s ms  p95 %7s ms  (target p95 < %s ms: %s)  portal CPU %s ms/request\n' "$name" "$p50" "$p95" "$target" "$ok" "$cpu_ms"
}

measure "timeline first page" 100 "/timeline/$timeline"
measure "as-of (now)" 300 "/timeline/$asof/as-of"
measure "search by id" 100 "/timeline?type=${asof%%/*}&id=${asof#*/}"
measure "search by actor" 100 "/timeline?actor=$actor"
exit "$verdict"
