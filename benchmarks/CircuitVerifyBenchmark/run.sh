#!/usr/bin/env bash
# Issue 12 performance check (report only): live verification through the circuit against the CLI, same
# ledger, same replica, same session. Target: portal rows/s (run started and followed in Chromium by VIEWERS
# live pages) >= 80 % of `auditportal ledger verify`'s rows/s.
#
# Needs `./portal up` with a seeded ledger (e.g. `dotnet run --project src/Portal.Cli -- ledger seed --events 1000000`)
# and Portal:Verification:MaxRowsPerSecond=0 (the default); PARALLEL like Portal:Verification:Parallelism.
# Usage: benchmarks/CircuitVerifyBenchmark/run.sh [PORTAL_URL] [VIEWERS] [PARALLEL]
# ROUNDS (default 1): CLI and portal alternate that many times (the host's speed drifts; compare pairs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
portal="${1:-http://127.0.0.1:5080}"; viewers="${2:-3}"; parallel="${3:-1}"
eval "$("$root/portal" env)"
# Built first, run as a DLL: `dotnet run` would keep build servers busy beside the run being measured.
dotnet build -c Release "$here" -nologo -v q >/dev/null
bench="$here/bin/Release/net10.0/CircuitVerifyBenchmark.dll"

for round in $(seq 1 "${ROUNDS:-1}"); do
echo "== round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "== CLI: auditportal ledger verify --parallel $parallel"
cli_json="$("$root/var/cli/auditportal" ledger verify --parallel "$parallel" --json 2>/dev/null | tr -d "\n" || true)"
cli_rate="$(printf '%s' "$cli_json" | sed -n 's/.*"rows_per_second": *\([0-9.]*\).*/\1/p')"
echo "CLI rows/s: ${cli_rate:-?}"

echo "== portal: run started and followed through the circuit in Chromium"
out="$(dotnet "$bench" "$portal" "$viewers" | tee /dev/stderr)"
portal_rate="$(printf '%s\n' "$out" | sed -n 's/^PORTAL_ROWS_PER_SECOND=//p')"
if [[ -n "${cli_rate:-}" && -n "${portal_rate:-}" ]]; then
  awk -v p="$portal_rate" -v c="$cli_rate" 'BEGIN { printf "portal/CLI: %.0f%% (target >= 80%%)\n", 100 * p / c }'
fi
done
