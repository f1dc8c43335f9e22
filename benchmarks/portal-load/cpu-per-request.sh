#!/usr/bin/env bash
# CPU per request (issue 3): runs hey against one page of a running portal and reports, besides
# requests/s and latency, the CPU time the portal process and the two PostgreSQL clusters spent per
# request, and the commits and WAL syncs (fsyncs) per request on the primary. CPU time is what to
# compare on a busy machine: wall-clock latency there depends on everyone else's load.
#
# Usage: benchmarks/portal-load/cpu-per-request.sh [PORTAL_URL] [SECONDS] [PATH]
#   PORTAL_PID   the portal's process id (default: whatever listens on PORTAL_URL's port)
#   CONCURRENCY  concurrent users (default 20)
#   WARMUP       seconds of the same load before measuring (default 45): a freshly started portal
#                spends a third of its CPU in tiered JIT recompilation for the first ~45 s on 2 busy cores
#   Run with the same PORTAL_PG_* variables as `./portal up` so it finds the dev clusters.
# Reads /proc/<pid>/stat: utime+stime of the portal; for each postmaster its own plus its reaped
# children's (cutime+cstime) plus every live child's, so backends that exit during the run count too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
portal="${1:-http://127.0.0.1:5080}"; seconds="${2:-20}"; path="${3:-/}"
concurrency="${CONCURRENCY:-20}"
command -v hey >/dev/null || { echo "installing hey (apt)"; apt-get install -y -qq hey >/dev/null; }
port="${portal##*:}"; port="${port%%/*}"
pid="${PORTAL_PID:-$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)}"
[[ -n "$pid" ]] || { echo "no process listens on port $port; set PORTAL_PID" >&2; exit 1; }
primary_pid="$(head -1 "$root/var/pg/primary/postmaster.pid")"
replica_pid="$(head -1 "$root/var/pg/replica/postmaster.pid")"
tck="$(getconf CLK_TCK)"

# ticks of one process (own), or with children reaped (fields 14-17 of /proc/PID/stat)
own_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
tree_ticks() { # postmaster + reaped children + live children
  local total children c
  total="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat")"
  children="$(cat /proc/"$1"/task/*/children 2>/dev/null || true)"
  for c in $children; do total=$((total + $(own_ticks "$c"))); done
  echo "$total"
}
primary_stat() { "$root/portal" psql primary -Atq -c \
  "SELECT (SELECT sum(xact_commit) FROM pg_stat_database), (SELECT wal_sync FROM pg_stat_wal)" 2>/dev/null | tr '|' ' '; }

cookie="$("$here/signin.sh" "$portal" auditor1 auditor1-dev)"
warmup="${WARMUP:-45}"
if ((warmup > 0)); then
  echo "warming up: ${warmup}s of the same load (JIT tier-up, pools)"
  hey -z "${warmup}s" -c "$concurrency" -H "$cookie" "$portal$path" >/dev/null
fi

read -r commits0 syncs0 < <(primary_stat)
p0="$(own_ticks "$pid")"; a0="$(tree_ticks "$primary_pid")"; r0="$(tree_ticks "$replica_pid")"
out="$(hey -z "${seconds}s" -c "$concurrency" -H "$cookie" "$portal$path")"
p1="$(own_ticks "$pid")"; a1="$(tree_ticks "$primary_pid")"; r1="$(tree_ticks "$replica_pid")"
read -r commits1 syncs1 < <(primary_stat)

n="$(awk '/^  \[200\]/ { print $2 }' <<<"$out")"; n="${n:-0}"
echo "$out" | grep -E 'Requests/sec|Average|50% in|95% in|99% in|^ +\[[0-9]{3}\]'
awk -v n="$n" -v tck="$tck" -v p="$((p1 - p0))" -v a="$((a1 - a0))" -v r="$((r1 - r0))" \
    -v c="$((commits1 - commits0))" -v s="$((syncs1 - syncs0))" 'BEGIN {
  if (n == 0) { print "no 200 responses"; exit 1 }
  ms = 1000 / tck / n
  printf "GET responses 200: %d\n", n
  printf "CPU ms/request: portal %.2f, primary %.2f, replica %.2f, total %.2f\n", p * ms, a * ms, r * ms, (p + a + r) * ms
  printf "primary per request: %.2f commits, %.2f WAL syncs\n", c / n, s / n
}'
