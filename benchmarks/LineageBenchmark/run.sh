#!/usr/bin/env bash
# Issue 15 lineage benchmark: seeds a demo ledger of EVENTS with `auditportal ledger seed` (the bulk path, which
# also writes V005's lineage edges) into DB on the dev primary + standby, then runs Program.cs (which appends the
# 1,000-input form and the 10,000-output declaration once) against the standby. Reuses DB when it is seeded.
# Starts the dev PostgreSQL pair if it is not running (PORTAL_PG_PRIMARY_PORT / PORTAL_PG_REPLICA_PORT choose
# its ports when another cluster holds 55432/55433).
# Usage: benchmarks/LineageBenchmark/run.sh [EVENTS=1000000] [DB=lineagebench] [REPEAT=30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
events="${1:-1000000}"; db="${2:-lineagebench}"; repeat="${3:-30}"
# shellcheck source=../../scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=../../scripts/pg.sh
source "$root/scripts/pg.sh"
pg_select dev
pg_is_running "$CL_PRIMARY" && pg_is_running "$CL_REPLICA" || pg_up
pg_ensure_db "$db"

bench="$root/var/bench/$db"; mkdir -p "$bench/witness" "$bench/keys"
export AUDITPORTAL_PRIMARY="Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=$db"
export AUDITPORTAL_KEYS_DIR="$bench/keys" AUDITPORTAL_WITNESS_DIR="$bench/witness"
cli=(dotnet run -c Release --project "$root/src/Portal.Cli" --)
"${cli[@]}" ledger init >/dev/null
if [[ "$(pg_sql "$CL_PPORT" "$db" "SELECT count(*) FROM ledger.events")" == 0 ]]; then
    start="$(date +%s)"
    "${cli[@]}" ledger seed --events "$events" --seed 42 | tail -1
    echo "seeded $events events in $(( $(date +%s) - start )) s"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project "$root/benchmarks/LineageBenchmark" -- \
    --primary "Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=$db" \
    --replica "Host=127.0.0.1;Port=$CL_RPORT;Username=ledger_reader;Database=$db" --repeat "$repeat"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
