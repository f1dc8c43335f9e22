#!/usr/bin/env bash
# Issue 2 seeding benchmark: `auditportal ledger seed` (the ReadyToRun CLI that ./portal publishes to
# var/cli) into a fresh database on the dev primary, which streams to its hot standby as in
# `./portal up`. Prints events/s (wall), client CPU (user+sys of the CLI) and server CPU (every process
# of the dev primary and standby, reaped backends included) per event. Target: >= 50,000 events/s.
#
# Needs the dev cluster running (`./portal up`, or at least its PostgreSQL). Drops and recreates DB.
# Usage: benchmarks/seed-cli/run.sh [EVENTS=1000000] [DB=seedbench] [extra `ledger seed` args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
events="${1:-1000000}"; db="${2:-seedbench}"; shift $(( $# < 2 ? $# : 2 ))
cli="${CLI:-$root/var/cli/auditportal}"  # CLI=path overrides, e.g. a JIT build to compare
[[ -x "$cli" ]] || { echo "no $cli: run ./portal up first (it publishes the CLI)" >&2; exit 2; }
eval "$("$root/portal" env)"
port="$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$AUDITPORTAL_PRIMARY")"
export AUDITPORTAL_PRIMARY="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db"
# The seeded database keeps its witness in var/bench/DB/witness, next to a link to the keys, so that
# benchmarks/VerifyBenchmark --database DB --keys var/bench/DB checks its checkpoints and witness.
bench="$root/var/bench/$db"
rm -rf "$bench"; mkdir -p "$bench/witness"; ln -s "$AUDITPORTAL_KEYS_DIR" "$bench/keys"
export AUDITPORTAL_WITNESS_DIR="$bench/witness"

server_cpu() { # seconds of CPU used so far by the dev primary + standby and their reaped children
    local tck total=0 d pm p f
    tck="$(getconf CLK_TCK)"
    for d in "$root/var/pg/primary" "$root/var/pg/replica"; do
        pm="$(head -1 "$d/postmaster.pid")"
        for p in $pm $(pgrep -P "$pm"); do
            read -r -a f < "/proc/$p/stat" 2>/dev/null || continue
            total=$(( total + f[13] + f[14] + f[15] + f[16] ))
        done
    done
    echo "scale=3; $total / $tck" | bc
}

psql -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" postgres
"$cli" ledger init >/dev/null
s0="$(server_cpu)"; t0="$(date +%s.%N)"
/usr/bin/time -o "$bench/time" -f "%U %S %M" "$cli" ledger seed --events "$events" --seed 42 "$@" | tail -1
t1="$(date +%s.%N)"; s1="$(server_cpu)"
read -r user sys rss < "$bench/time"
awk -v n="$events" -v w="$(echo "$t1 - $t0" | bc)" -v u="$user" -v s="$sys" -v srv="$(echo "$s1 - $s0" | bc)" -v rss="$rss" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  printf "events %d; wall %.1f s; %.0f events/s (target 50000)\n", n, w, n / w
  printf "client CPU %.1f s (%.1f us/event), peak RSS %d KB; server CPU %.1f s (%.1f us/event); load %s\n",
         u + s, 1e6 * (u + s) / n, rss, srv, 1e6 * srv / n, load }'
