#!/usr/bin/env bash
# Issue 5 performance check (report only, no pass/fail): a whole-ledger verification started in the
# portal versus `auditportal ledger verify` on the same ledger and replica, in the same session, while
# 20 signed-in users load the dashboard. Target: portal rows/s >= 80% of the CLI's; page p95 < 100 ms.
#
# Needs `./portal up` (dev cluster, OpenID Provider, portal) with a seeded ledger, e.g.
#   ./portal up && dotnet run --project src/Portal.Cli -- ledger seed --events 1000000
# and `hey` (Debian package). Set Portal:Verification:MaxRowsPerSecond=0 (the default) and
# Portal:Verification:Parallelism like the CLI's --parallel for a like-for-like comparison.
# USERS (default 20) signed-in users load the dashboard meanwhile, each back to back, or at most RATE pages
# per second each when RATE is set (hey -q). The same load without a run is measured first for BASELINE
# seconds (default 15; 0 skips it). A portal serving another ledger database of the dev cluster:
#   PORTAL_LEDGER_DB=seed1m PORTAL_WITNESS_DIR=$PWD/var/bench/seed1m/witness ./portal up
# Usage: benchmarks/portal-verify/run.sh [PORTAL_URL] [PARALLEL] [FROM TO]
# With FROM and TO both verify the sequence range FROM..TO (e.g. 1 1000000: the first million events of a
# larger ledger) instead of the whole ledger. The CLI is the ReadyToRun build ./portal publishes to var/cli.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
portal="${1:-http://127.0.0.1:5080}"; parallel="${2:-1}"; from="${3:-}"; to="${4:-}"
range_args=(); form=(--data-urlencode "scope=whole")
if [[ -n "$from" && -n "$to" ]]; then
  range_args=(--from "$from" --to "$to")
  form=(--data-urlencode "scope=range" --data-urlencode "from=$from" --data-urlencode "to=$to")
fi
command -v hey >/dev/null || { echo "installing hey (apt)"; apt-get install -y -qq hey >/dev/null; }
eval "$("$root/portal" env)"

echo "== CLI: auditportal ledger verify --parallel $parallel ${range_args[*]}"
cli_json="$("$root/var/cli/auditportal" ledger verify --parallel "$parallel" "${range_args[@]}" --json 2>/dev/null | tr -d "\n" || true)"
cli_rate="$(printf '%s' "$cli_json" | sed -n 's/.*"rows_per_second": *\([0-9.]*\).*/\1/p')"
echo "CLI rows/s: ${cli_rate:-?}"

cookie="$("$root/benchmarks/portal-load/signin.sh" "$portal" auditor1 auditor1-dev)"
users="${USERS:-20}"; rate="${RATE:-0}"
load_desc="$users users on / ($( [[ "$rate" == 0 ]] && echo "back to back" || echo "each at most $rate pages/s"))"
# The same page load without a run first (BASELINE seconds, default 15; 0: skip), for comparison.
# Server time of the dashboard requests ("GET …/") measured below, from the portal's request log.
# shellcheck source=benchmarks/portal-load/server-time.sh
source "$root/benchmarks/portal-load/server-time.sh"
log="$root/var/log/portal.log"
if [[ "${BASELINE:-15}" != 0 ]]; then
  echo "== no run: $load_desc for ${BASELINE:-15} s"
  start="$(log_end "$log")"
  hey -z "${BASELINE:-15}s" -c "$users" -q "$rate" -H "$cookie" "$portal/" | grep -E 'Requests/sec|95% in' || true
  sleep 1; server_time "$log" "$start" '[^ ]*\/'
fi
jar="$(mktemp)"; trap 'rm -f "$jar" "$jar.events" "$jar.hey"' EXIT
token="$(curl -sS -H "$cookie" -c "$jar" "$portal/" | grep -o 'name="__RequestVerificationToken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
location="$(curl -sS -o /dev/null -w '%{redirect_url}' -H "$cookie" -b "$jar" \
  "${form[@]}" --data-urlencode "__RequestVerificationToken=$token" "$portal/verification/runs")"
run="${location##*/}"
[[ -n "$run" ]] || { echo "the portal did not start a run" >&2; exit 1; }
echo "== portal run $run; $load_desc while it runs"
start="$(log_end "$log")"
hey -z 600s -c "$users" -q "$rate" -H "$cookie" "$portal/" >"$jar.hey" & hey_pid=$!
curl -sS -N -H "$cookie" -H 'Accept: text/event-stream' "$portal/verification/runs/$run/events" \
  | while IFS= read -r line; do printf '%s\n' "$line"; [[ "$line" == "event: done" ]] && { IFS= read -r data; printf '%s\n' "$data"; break; }; done >"$jar.events"
kill -INT "$hey_pid" 2>/dev/null || true; wait "$hey_pid" 2>/dev/null || true
done_line="$(grep '^data:' "$jar.events" | tail -1)"
portal_rate="$(printf '%s' "$done_line" | sed -n 's/.*"rowsPerSecond":\([0-9.]*\).*/\1/p')"
echo "portal: $done_line"
echo "portal rows/s: ${portal_rate:-?}"
if [[ -n "${cli_rate:-}" && -n "${portal_rate:-}" ]]; then
  awk -v p="$portal_rate" -v c="$cli_rate" 'BEGIN { printf "portal/CLI: %.0f%% (target >= 80%%)\n", 100 * p / c }'
fi
echo "== dashboard latency during the run (target p95 < 100 ms)"
grep -E 'Requests/sec|Average|95% in|99% in|\[[0-9]{3}\]' "$jar.hey" || true
sleep 1; server_time "$log" "$start" '[^ ]*\/'
