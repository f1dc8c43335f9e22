#!/usr/bin/env bash
# Issue 12: retained server memory per idle signed-in circuit on a timeline page (target < 1 MB at 50 circuits,
# after a full GC) and its growth over repeated navigation (target: none). The portal's live managed heap is read
# with dotnet-gcdump (installed as a tool under var/tools from NuGet if missing), which forces a full GC first.
# Needs `PORTAL_CONFIGURATION=Release ./portal up` and Debian's chromium.
# Usage: benchmarks/CircuitBenchmark/memory.sh [PORTAL_URL] [CIRCUITS=50] [NAVIGATIONS=30] [STREAM=account/acc-000001]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=benchmarks/CircuitBenchmark/heap-setup.sh
source "$here/heap-setup.sh"
DOTNET_GCDUMP="$tools/dotnet-gcdump" dotnet "$here/bin/Release/net10.0/CircuitBenchmark.dll" memory "${1:-http://127.0.0.1:5080}" "$portal_pid" \
    "${2:-50}" "${3:-30}" "${4:-account/acc-000001}"
