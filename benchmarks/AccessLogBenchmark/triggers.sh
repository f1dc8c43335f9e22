#!/usr/bin/env bash
# What the access log's insert triggers cost an append: the access-log append benchmark on a PostgreSQL cluster of its
# own (fsync and synchronous_commit on), alternately with the triggers enabled and disabled, ROUNDS times each, on two
# databases migrated as the portal's is (docs/performance.md, "access-log append").
# Usage: [BENCH_PORT=P] triggers.sh [SECONDS] [ROUNDS] [CONCURRENCY]   (rounds alternate which side goes first)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-10}"
ROUNDS="${2:-3}"
CONCURRENCY="${3:-32}"
PG_BIN="${PORTAL_PG_BIN:-/usr/lib/postgresql/15/bin}"
PGDIR="$(mktemp -d /tmp/ap-bench-append.XXXXXX)"
PG=()
if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PGDIR"; PG=(runuser -u postgres --); fi
PORT="${BENCH_PORT:-57532}"
while (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do PORT=$((PORT + 1)); done
(cd / && "${PG[@]}" "$PG_BIN/initdb" -D "$PGDIR/pg" -U postgres --auth=trust --no-locale >/dev/null)
(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=256MB" -l "$PGDIR/pg.log" -w start >/dev/null)
trap '(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -m fast -w stop >/dev/null); rm -rf "$PGDIR"' EXIT
for db in accesslog_triggers accesslog_no_triggers; do
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $db" postgres
done
dotnet build -c Release -nologo -v q benchmarks/AccessLogBenchmark >/dev/null
BENCH=(dotnet benchmarks/AccessLogBenchmark/bin/Release/net10.0/AccessLogBenchmark.dll)
WITH=(--connection "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=accesslog_triggers")
WITHOUT=(--connection "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=accesslog_no_triggers" --without-triggers)
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
  # Which goes first alternates, so neither side always follows the other's writes.
  if (( round % 2 )); then ORDER=(WITH WITHOUT); else ORDER=(WITHOUT WITH); fi
  for side in "${ORDER[@]}"; do
    declare -n ARGS="$side"
    "${BENCH[@]}" "${ARGS[@]}" --seconds "$SECONDS_EACH" --concurrency "$CONCURRENCY" | grep -E "benchmark|appended|latency|failed|disabled"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
