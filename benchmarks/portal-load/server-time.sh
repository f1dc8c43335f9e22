# shellcheck shell=bash
# Server time of measured requests, shared by the portal benchmarks, from one of two sources:
# - the portal's metrics file (preferred; cheap): started with
#     Portal__Diagnostics__MetricsFile=$PWD/var/log/metrics.tsv PORTAL_CONFIGURATION=Release ./portal up
#   it holds every http.server.request.duration measurement (Hosting/BenchmarkMetricsRecorder.cs; leave
#   Portal__Diagnostics__ComponentMetrics off for a load run: it times and writes every component of every page);
# - the request log: started with
#     env 'Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information' PORTAL_CONFIGURATION=Release ./portal up
#   each request's "Request finished … <ms>" line in var/log/portal.log. Writing that log costs the portal ~15 % of
#   its CPU at 300 requests/s, which a load run then measures too.
# Both are Kestrel's time from the request's first byte to the end of the response, without the load tool or the
# accept queue.

# timing_source ROOT: the metrics file if the portal writes one (METRICS_FILE, default var/log/metrics.tsv), else the log.
timing_source() {
  local metrics="${METRICS_FILE:-$1/var/log/metrics.tsv}"
  [[ -s "$metrics" ]] && echo "$metrics" || echo "$1/var/log/portal.log"
}

# log_end FILE: the number of the line after the file's last one (where a run about to start will write).
log_end() { echo $(( $(wc -l <"$1" 2>/dev/null || echo 0) + 1 )); }

# server_time FILE FIRST_LINE [PATTERN]: p50/p95/p99 of the 200 GETs written from FIRST_LINE on. PATTERN narrows them:
# for the metrics file an awk regular expression on the route (e.g. '^/$' for the dashboard), for the log a sed
# regular expression on the URL (default: any).
server_time() {
  local source="${1##*/}"
  if [[ "$1" == *.tsv ]]; then
    tail -n +"$2" "$1" | awk -F'\t' -v re="${3:-.}" '$2 == "http.server.request.duration" && $4 ~ /^GET .* 200$/ {
        route = $4; sub(/^GET /, "", route); sub(/ 200$/, "", route); if (route ~ re) print $3 }'
  else
    tail -n +"$2" "$1" | sed -n "s/.*Request finished HTTP\/[0-9.]* GET ${3:-[^ ]*} - 200 - .* \([0-9.]*\)ms\$/\1/p"
  fi | sort -n | awk -v source="$source" '{ v[NR] = $1 } END { if (NR == 0) { print "  server time: none recorded (see benchmarks/portal-load/server-time.sh)"; exit }
        printf "  server time (%s, %d requests): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", source, NR, v[int(NR*0.50)+1], v[int(NR*0.95)+1], v[int(NR*0.99)+1] }'
}
