#!/usr/bin/env bash
# Issue 12: no growth of the portal's retained memory over a long run of repeated navigation (next page, filter,
# as-of point, back) in CIRCUITS circuits for MINUTES, the managed heap measured after a full GC every SAMPLE minutes
# (dotnet-gcdump, installed under var/tools from NuGet if missing). Needs `PORTAL_CONFIGURATION=Release ./portal up`
# and Debian's chromium. Usage: benchmarks/CircuitBenchmark/growth.sh [PORTAL_URL] [CIRCUITS=10] [MINUTES=30] [SAMPLE=3] [STREAM]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=benchmarks/CircuitBenchmark/heap-setup.sh
source "$here/heap-setup.sh"
DOTNET_GCDUMP="$tools/dotnet-gcdump" dotnet "$here/bin/Release/net10.0/CircuitBenchmark.dll" growth "${1:-http://127.0.0.1:5080}" "$portal_pid" \
    "${2:-10}" "${3:-30}" "${4:-3}" "${5:-account/acc-000001}"
