#!/usr/bin/env bash
# Masked vs granted timeline page side by side (see Program.cs). Starts the test cluster pair of ./portal test
# (var/test-pg, next free ports), runs the benchmark, stops the cluster.
#   benchmarks/GrantTimelineBenchmark/run.sh [events=20000] [requests=300]
set -euo pipefail
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=/dev/null
source "$ROOT_DIR/scripts/lib.sh"
# shellcheck source=/dev/null
source "$ROOT_DIR/scripts/pg.sh"
mkdirs
pg_select test
pg_down >/dev/null 2>&1 || true
rm -rf "${CL_PRIMARY:?}" "${CL_REPLICA:?}"
while port_open "$CL_PPORT" || port_open "$CL_RPORT"; do CL_PPORT=$((CL_PPORT + 2)); CL_RPORT=$((CL_RPORT + 2)); done
trap 'pg_down >/dev/null 2>&1 || true' EXIT
pg_up
export BENCH_PRIMARY="Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=postgres"
export BENCH_REPLICA="Host=127.0.0.1;Port=$CL_RPORT;Username=postgres;Database=postgres"
# WebApplicationFactory finds the portal's content root through this (the test projects get it from their build).
export ASPNETCORE_TEST_CONTENTROOT_AUDITPORTAL_PORTAL="$ROOT_DIR/src/Portal"
dotnet run -c Release --project "$ROOT_DIR/benchmarks/GrantTimelineBenchmark" -- "${1:-20000}" "${2:-300}"
