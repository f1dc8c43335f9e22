#!/usr/bin/env bash
# Issue 12: interaction latency over the circuit — next page, filter, as-of change — at CIRCUITS concurrent circuits
# (Chromium pages of one signed-in auditor). Browser time: from the click / in-app navigation to the DOM change that
# shows the answer (an upper bound of server time). Server time: the framework's Blazor metric
# aspnetcore.components.update_parameters.duration of the page, which the portal writes to
# $METRICS_FILE (default var/log/metrics.tsv) when started with
#   Portal__Diagnostics__MetricsFile=$PWD/var/log/metrics.tsv Portal__Diagnostics__ComponentMetrics=true PORTAL_CONFIGURATION=Release ./portal up
# Target: p95 < 100 ms at 10 circuits. Needs Debian's chromium.
# PORTAL_PID=<the portal process>: also the portal's CPU per interaction over the measured rounds (drill mode).
# THINK_MS=0 (default): every circuit does each step at the same instant (10 identical interactions at once);
# THINK_MS=N: each circuit on its own, with N/2–3N/2 ms of think time before each step (users, not a drill).
# The browsers and this driver run at nice 19 (CLIENT_NICE): on a deployment they are on the users' machines, and here
# 10 Chromium renderers would otherwise take the server's cores in the middle of its work (server time counts waits).
# Usage: benchmarks/CircuitBenchmark/interactions.sh [PORTAL_URL] [CIRCUITS=10] [ROUNDS=10] [STREAM=account/acc-000001]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
metrics="${METRICS_FILE:-$root/var/log/metrics.tsv}"
[[ -f "$metrics" ]] && export METRICS_FILE="$metrics" || echo "no $metrics: server time not measured" >&2
# Built first, run as a DLL: `dotnet run` would keep build servers busy beside the run being measured.
dotnet build -c Release "$here" -nologo -v q >/dev/null
nice -n "${CLIENT_NICE:-19}" dotnet "$here/bin/Release/net10.0/CircuitBenchmark.dll" interactions "${1:-http://127.0.0.1:5080}" "${2:-10}" "${3:-10}" "${4:-account/acc-000001}"
