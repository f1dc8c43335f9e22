#!/usr/bin/env bash
# Issue 13: `auditportal ledger verify` as a whole process against a raw binary COPY of the same rows and
# columns (psql, output thrown away), run alternately so both see the same machine. Prints each run's wall and
# CPU seconds and the median ratio COPY wall / verify wall (target >= 0.6).
#
# Needs a ledger seeded by benchmarks/seed-cli/run.sh (its witness in var/bench/DB/witness) on the dev primary.
# Usage: benchmarks/verify-cli/vs-copy.sh [DB=seedbench] [PAIRS=5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
db="${1:-seedbench}"; pairs="${2:-5}"
cli="${CLI:-$root/var/cli/auditportal}"
eval "$("$root/portal" env)"
port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$AUDITPORTAL_PRIMARY")"
columns="seq, event_id, stream_type, stream_id, stream_seq, occurred_at, recorded_at, actor, action, client_address, schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, idempotency_key, prev_hash, stream_prev_hash, hash"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for i in $(seq "$pairs"); do
    /usr/bin/time -o "$out/v$i" -f "%e %U %S" "$cli" ledger verify --connection "Host=127.0.0.1;Port=$port;Username=postgres;Database=$db" \
        --witness-dir "$root/var/bench/$db/witness" >/dev/null 2>&1 || { echo "verify did not say INTACT" >&2; exit 1; }
    /usr/bin/time -o "$out/c$i" -f "%e %U %S" psql -h 127.0.0.1 -p "$port" -U postgres -d "$db" -qAtc \
        "COPY (SELECT $columns FROM ledger.events ORDER BY seq) TO STDOUT (FORMAT binary)" >/dev/null
    read -r vw vu vs < "$out/v$i"; read -r cw _ _ < "$out/c$i"
    echo "pair $i: verify ${vw} s wall (${vu} user, ${vs} sys), COPY ${cw} s wall, ratio $(echo "scale=3; $cw / $vw" | bc)"
    echo "$(echo "scale=4; $cw / $vw" | bc)" >> "$out/ratios"
done
echo "median COPY/verify: $(sort -n "$out/ratios" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') (target >= 0.6); load $(cut -d' ' -f1-3 /proc/loadavg)"
