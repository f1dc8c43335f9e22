# shellcheck shell=bash
# Server time of measured requests, shared by the portal benchmarks. When the portal was started with
# ASP.NET Core's request log on
#   env 'Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information' PORTAL_CONFIGURATION=Release ./portal up
# each request's "Request finished … <ms>" line in var/log/portal.log is Kestrel's time from the request's
# first byte to the end of the response, without the load tool or the accept queue.

# log_end LOG: the number of the line after the log's last one (where a run about to start will log).
log_end() { echo $(( $(wc -l <"$1" 2>/dev/null || echo 0) + 1 )); }

# server_time LOG FIRST_LINE [URL_REGEX]: p50/p95/p99 of the 200 GETs logged from FIRST_LINE on whose URL
# matches URL_REGEX (a sed regular expression; default: any URL).
server_time() {
  tail -n +"$2" "$1" | sed -n "s/.*Request finished HTTP\/[0-9.]* GET ${3:-[^ ]*} - 200 - .* \([0-9.]*\)ms\$/\1/p" | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR == 0) { print "  server time: no request log (see benchmarks/portal-load/server-time.sh)"; exit }
        printf "  server time (portal log, %d requests): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", NR, v[int(NR*0.50)+1], v[int(NR*0.95)+1], v[int(NR*0.99)+1] }'
}
