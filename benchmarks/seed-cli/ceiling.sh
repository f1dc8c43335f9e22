#!/usr/bin/env bash
# The server's share of a seed, with a client that costs nothing: COPY the rows of an already seeded
# ledger (binary, from a file) into a fresh `ledger init` database whose bulk-load indexes and unique
# constraints are dropped as `ledger seed` drops them, wait for the hot standby, then let `ledger init`
# rebuild what is missing (LedgerBulkLoad.RestoreAsync: the same builds, connections and sort memory as a
# seed). Prints the COPY and build phases and events/s. docs/performance.md §1 "Session 6".
#
# Needs the dev cluster running (`./portal up`, or at least its PostgreSQL) and a seeded SOURCE database
# (e.g. the one benchmarks/seed-cli/run.sh leaves). Drops and recreates DB.
# Usage: benchmarks/seed-cli/ceiling.sh [SOURCE=seedbench] [DB=seedceiling]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source_db="${1:-seedbench}"; db="${2:-seedceiling}"
cli="${CLI:-$root/var/cli/auditportal}"
[[ -x "$cli" ]] || { echo "no $cli: run ./portal up first (it publishes the CLI)" >&2; exit 2; }
eval "$("$root/portal" env)"
port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$AUDITPORTAL_PRIMARY")"
replica_port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$AUDITPORTAL_REPLICA")"
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -h 127.0.0.1 -U postgres -qAtX "$@"; }
export AUDITPORTAL_PRIMARY="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db"

# The server writes and reads the file itself (COPY TO/FROM a file: no client in between), so it lives in a
# folder of its own that the postgres user may write, sticky like /tmp.
rows="$root/var/bench/server-files/$source_db.events.bin"
if [[ ! -s "$rows" ]]; then
    mkdir -p "$(dirname "$rows")"; chmod 1777 "$(dirname "$rows")"
    psql -p "$port" -c "COPY (SELECT * FROM ledger.events ORDER BY seq) TO '$rows' (FORMAT binary)" "$source_db"
fi
events="$(psql -p "$port" -c "SELECT count(*) FROM ledger.events" "$source_db")"

psql -p "$port" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" postgres
"$cli" ledger init >/dev/null
drops="$(psql -p "$port" -c "SELECT string_agg(format('DROP INDEX ledger.%I;', indexname), ' ') FROM pg_indexes
    WHERE schemaname = 'ledger' AND tablename = 'events' AND indexname <> 'events_pkey' AND indexname NOT LIKE '%\_key'" "$db")"
psql -p "$port" -c "$drops" -c "ALTER TABLE ledger.events DROP CONSTRAINT events_stream_type_stream_id_stream_seq_key,
    DROP CONSTRAINT events_event_id_key, DROP CONSTRAINT events_idempotency_key_key" "$db"
caught_up() { # waits until the standby has replayed everything the primary has written so far
    local lsn; lsn="$(psql -p "$port" -c "SELECT pg_current_wal_lsn()" "$db")"
    until [[ "$(psql -p "$replica_port" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'" postgres)" == t ]]; do sleep 0.05; done
}
t0="$(date +%s.%N)"
psql -p "$port" -c "SET synchronous_commit = off" -c "COPY ledger.events FROM '$rows' (FORMAT binary)" "$db"
caught_up; t1="$(date +%s.%N)"
"$cli" ledger init >/dev/null
caught_up; t2="$(date +%s.%N)"
awk -v n="$events" -v c="$(echo "$t1 - $t0" | bc)" -v b="$(echo "$t2 - $t1" | bc)" 'BEGIN {
  printf "server alone: %d events; COPY %.1f s + builds %.1f s = %.1f s; %.0f events/s\n", n, c, b, c + b, n / (c + b) }'
