#!/usr/bin/env bash
# Issue 12: interaction latency over the circuit — next page, filter, as-of change — at CIRCUITS concurrent circuits
# (Chromium pages of one signed-in auditor), timed in each page from the click / in-app navigation to the DOM change
# that shows the answer (an upper bound of server time: it includes the loopback round trip and the browser's patch).
# Target: p95 < 100 ms at 10 circuits. Needs `PORTAL_CONFIGURATION=Release ./portal up` and Debian's chromium.
# Usage: benchmarks/CircuitBenchmark/interactions.sh [PORTAL_URL] [CIRCUITS=10] [ROUNDS=10] [STREAM=account/acc-000001]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Built first, run as a DLL: `dotnet run` would keep build servers busy beside the run being measured.
dotnet build -c Release "$here" -nologo -v q >/dev/null
dotnet "$here/bin/Release/net10.0/CircuitBenchmark.dll" interactions "${1:-http://127.0.0.1:5080}" "${2:-10}" "${3:-10}" "${4:-account/acc-000001}"
