#!/usr/bin/env bash
# The access-log review benchmark on a PostgreSQL cluster of its own (var/bench-review, removed afterwards):
# a deterministic access log of QUERIES queries (2 × QUERIES events), a demo ledger of as many events for the
# verifier comparison, then benchmarks/AccessLogReviewBenchmark. Usage: run.sh [QUERIES] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/../.."
QUERIES="${1:-100000}"
REPEAT="${2:-30}"
PG_BIN="${PORTAL_PG_BIN:-/usr/lib/postgresql/15/bin}"
DIR="$PWD/var/bench-review"
# The cluster lives where the postgres user can reach it (this tree may not be traversable by it when run as root).
PGDIR="$(mktemp -d /tmp/ap-bench-review.XXXXXX)"
PG=()
if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PGDIR"; PG=(runuser -u postgres --); fi
PORT="${BENCH_PORT:-57432}"
while (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do PORT=$((PORT + 1)); done
rm -rf "$DIR"; mkdir -p "$DIR"
(cd / && "${PG[@]}" "$PG_BIN/initdb" -D "$PGDIR/pg" -U postgres --auth=trust --no-locale >/dev/null)
(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=512MB" -l "$PGDIR/pg.log" -w start >/dev/null)
trap '(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -m fast -w stop >/dev/null); rm -rf "$DIR" "$PGDIR"' EXIT
SERVER="Host=127.0.0.1;Port=$PORT;Username=postgres"
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE ledger_bench" postgres
dotnet build -c Release -nologo -v q src/Portal.Cli >/dev/null
CLI=(dotnet src/Portal.Cli/bin/Release/net10.0/auditportal.dll)
export AUDITPORTAL_KEYS_DIR="$DIR/keys" AUDITPORTAL_WITNESS_DIR="$DIR/witness"
"${CLI[@]}" ledger init --connection "$SERVER;Database=ledger_bench" >/dev/null
"${CLI[@]}" ledger seed --connection "$SERVER;Database=ledger_bench" --events $((2 * QUERIES)) --seed 42 >/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project benchmarks/AccessLogReviewBenchmark -- \
  --server "$SERVER" --database accesslog_review --queries "$QUERIES" --ledger ledger_bench --repeat "$REPEAT"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
