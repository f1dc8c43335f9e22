#!/usr/bin/env bash
# The access-log review benchmark on a PostgreSQL cluster of its own: a deterministic access log of QUERIES queries
# (~2 × QUERIES events), a demo ledger of LEDGER_EVENTS events (default 2 × QUERIES; 0: none, and no verifier
# comparison) for the verifier comparison, then benchmarks/AccessLogReviewBenchmark.
# Usage: [BENCH_PORT=P] [KEEP=DIR] [LEDGER_EVENTS=N] [SKIP=anomalies,verify] [ANOMALY_QUERIES=N] [VERIFY_ROUNDS=R] run.sh [QUERIES] [REPEAT]
# ANOMALY_QUERIES=N evaluates the anomaly rules over the log's newest ~N queries only; VERIFY_ROUNDS (default 3).
# KEEP=DIR keeps the cluster in DIR (an absolute path the postgres user can reach, e.g. /tmp/ap-bench-10m) and stops
# it afterwards without removing it; a later run with the same KEEP starts it again and measures the log already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
QUERIES="${1:-100000}"
REPEAT="${2:-30}"
LEDGER_EVENTS="${LEDGER_EVENTS:-$((2 * QUERIES))}"
PG_BIN="${PORTAL_PG_BIN:-/usr/lib/postgresql/15/bin}"
DIR="$PWD/var/bench-review"
# The cluster lives where the postgres user can reach it (this tree may not be traversable by it when run as root).
PGDIR="${KEEP:-$(mktemp -d /tmp/ap-bench-review.XXXXXX)}"
mkdir -p "$PGDIR"
PG=()
if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PGDIR"; PG=(runuser -u postgres --); fi
PORT="${BENCH_PORT:-57432}"
while (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null; do PORT=$((PORT + 1)); done
rm -rf "$DIR"; mkdir -p "$DIR"
[[ -f "$PGDIR/pg/PG_VERSION" ]] || (cd / && "${PG[@]}" "$PG_BIN/initdb" -D "$PGDIR/pg" -U postgres --auth=trust --no-locale >/dev/null)
(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=8GB -c maintenance_work_mem=512MB" -l "$PGDIR/pg.log" -w start >/dev/null)
if [[ -n "${KEEP:-}" ]]; then
  trap '(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -m fast -w stop >/dev/null); rm -rf "$DIR"' EXIT
else
  trap '(cd / && "${PG[@]}" "$PG_BIN/pg_ctl" -D "$PGDIR/pg" -m fast -w stop >/dev/null); rm -rf "$DIR" "$PGDIR"' EXIT
fi
SERVER="Host=127.0.0.1;Port=$PORT;Username=postgres"
LEDGER_ARGS=()
if [[ "$LEDGER_EVENTS" -gt 0 ]]; then
  if ! psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ledger_bench'" postgres | grep -q 1; then
    psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE ledger_bench" postgres
    dotnet build -c Release -nologo -v q src/Portal.Cli >/dev/null
    CLI=(dotnet src/Portal.Cli/bin/Release/net10.0/auditportal.dll)
    export AUDITPORTAL_KEYS_DIR="$DIR/keys" AUDITPORTAL_WITNESS_DIR="$DIR/witness"
    "${CLI[@]}" ledger init --connection "$SERVER;Database=ledger_bench" >/dev/null
    "${CLI[@]}" ledger seed --connection "$SERVER;Database=ledger_bench" --events "$LEDGER_EVENTS" --seed 42 >/dev/null
  fi
  LEDGER_ARGS=(--ledger ledger_bench)
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet run -c Release --project benchmarks/AccessLogReviewBenchmark -- \
  --server "$SERVER" --database accesslog_review --queries "$QUERIES" "${LEDGER_ARGS[@]}" --repeat "$REPEAT" --skip "${SKIP:-}" \
  ${ANOMALY_QUERIES:+--anomaly-queries "$ANOMALY_QUERIES"} --verify-rounds "${VERIFY_ROUNDS:-3}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
