#!/usr/bin/env bash
# Issue 13: `auditportal ledger checkpoint` in a new process on a ledger whose head is past its last checkpoint.
# Copies a seeded ledger (benchmarks/seed-cli/run.sh) to a scratch database DB_ckbench, removes its last
# checkpoint row there (as the superuser, triggers disabled: this copy exists only to be measured) so that the
# head has none, and times the command that signs it, RUNS times (the row is removed again before each run).
# Usage: [REUSE=1] benchmarks/checkpoint-cli/run.sh [DB=seedbench] [RUNS=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
db="${1:-seedbench}"; runs="${2:-3}"; scratch="${db}_ckbench"
cli="${CLI:-$root/var/cli/auditportal}"
eval "$("$root/portal" env)"
port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$AUDITPORTAL_PRIMARY")"
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -qAt "$@"; }
# REUSE=1 keeps the scratch copy of an earlier run (a 10M copy takes minutes); FILE_COPY: no WAL for the copy.
[[ -n "${REUSE:-}" ]] || sql -d postgres -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" -c "CREATE DATABASE $scratch TEMPLATE $db STRATEGY FILE_COPY"
head="$(sql -d "$scratch" -c "SELECT max(size) FROM ledger.checkpoints")"
witness="$(mktemp -d)"; trap 'rm -rf "$witness"' EXIT
for i in $(seq "$runs"); do
    sql -d "$scratch" -c "ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL; DELETE FROM ledger.checkpoints WHERE size = $head; ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;"
    rm -rf "$witness/w"; cp -r "$root/var/bench/$db/witness" "$witness/w"; rm -f "$witness/w/$(printf '%020d' "$head")".*
    /usr/bin/time -f "run $i: %e s wall, %U user, %S sys, peak %M KB" "$cli" ledger checkpoint \
        --connection "Host=127.0.0.1;Port=$port;Username=postgres;Database=$scratch" --witness-dir "$witness/w" >/dev/null
done
echo "ledger $db: $head events; load $(cut -d' ' -f1-3 /proc/loadavg)"
