#!/usr/bin/env bash
# Two portals side by side on the same databases, e.g. a build from before a change (copied aside, started with
# start-copy.sh) and `./portal up`'s: the same page at CONCURRENCY signed-in users, SECONDS per run, alternating
# A, B, A, B … ROUNDS times, so the shared host's drift hits both alike. Each portal gets its own session (sessions
# live in the instance). Server time of each run from that portal's request log (server-time.sh); both portals
# must log requests (Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information). Also the portal's own
# CPU per request (user + system time of the process listening on the URL's port), less sensitive to a busy host.
# Usage: benchmarks/portal-load/vs.sh URL_A LOG_A URL_B LOG_B PATH [ROUNDS=3] [SECONDS=20]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url_a="$1"; log_a="$2"; url_b="$3"; log_b="$4"; path="$5"; rounds="${6:-3}"; seconds="${7:-20}"
concurrency="${CONCURRENCY:-20}"
# shellcheck source=benchmarks/portal-load/server-time.sh
source "$here/server-time.sh"
cookie_a="$("$here/signin.sh" "$url_a" auditor1 auditor1-dev)"
cookie_b="$("$here/signin.sh" "$url_b" auditor1 auditor1-dev)"
echo "GET $path, ${concurrency} users, ${seconds} s per run, ${rounds} rounds; A = $url_a, B = $url_b"
for url in "$url_a" "$url_b"; do  # warm-up (JIT tiering), unmeasured
  cookie="$cookie_a"; [[ "$url" == "$url_b" ]] && cookie="$cookie_b"
  hey -z 10s -c "$concurrency" -H "$cookie" "$url$path" >/dev/null
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }   # clock ticks (1/100 s)
pid_of() { ss -ltnpH "sport = :${1##*:}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    if [[ $side == A ]]; then url="$url_a" log="$log_a" cookie="$cookie_a"; else url="$url_b" log="$log_b" cookie="$cookie_b"; fi
    sleep 1; start="$(log_end "$log")"; pid="$(pid_of "$url")"; cpu0="$(cpu_ticks "$pid")"
    out="$(hey -z "${seconds}s" -c "$concurrency" -H "$cookie" "$url$path")"
    cpu1="$(cpu_ticks "$pid")"
    rps="$(printf '%s\n' "$out" | sed -n 's/.*Requests\/sec:\s*//p')"
    n="$(printf '%s\n' "$out" | sed -n 's/.*\[200\]\s*\([0-9]*\) responses.*/\1/p')"
    sleep 1
    echo "round $round $side: $rps requests/s, portal CPU $(( (cpu1 - cpu0) * 10000 / ${n:-1} )) µs/request, load average $(cut -d' ' -f1 /proc/loadavg);$(server_time "$log" "$start" | sed 's/^ *server time/ server time/')"
  done
done
