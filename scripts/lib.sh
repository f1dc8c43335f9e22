# shellcheck shell=bash
# Common helpers for ./portal. Sourced, never executed directly.

# Repository root (this file lives in scripts/).
ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VAR_DIR="$ROOT_DIR/var"
LOG_DIR="$VAR_DIR/log"
RUN_DIR="$VAR_DIR/run"

PG_BIN="${PORTAL_PG_BIN:-/usr/lib/postgresql/15/bin}"

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say()  { printf '%s\n' "$*"; }
info() { printf '  %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Run a command with root privileges: directly when root, through sudo when that
# works without a password prompt; otherwise fail with a clear message.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root to run: $*
       You are not root and sudo is not available (or needs a password).
       Run this once as root, then re-run ./portal:
         apt-get update && apt-get install -y ${MISSING_APT:-<packages>}"
    fi
}

# PostgreSQL refuses to run as root: when we are root, PostgreSQL programs run as
# the 'postgres' OS user; otherwise as the invoking user.

run_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# psql as a client (any OS user may run it; we connect over TCP as 'postgres').
pg_sql() { # port db sql...
    local port="$1" db="$2"; shift 2
    PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U postgres -d "$db" -c "$*"
}

pg_ready() { # port
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U postgres -t 2 >/dev/null 2>&1
}

# Is something listening on 127.0.0.1:port?
port_open() { # port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

pid_alive() { # pidfile
    local pid
    [[ -f "$1" ]] || return 1
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

short_hash() { printf '%s' "$1" | sha256sum | cut -c1-10; }

mkdirs() { mkdir -p "$VAR_DIR" "$LOG_DIR" "$RUN_DIR"; }

# Run a long step with its output in a log, saying what it does while it runs: a line every
# STEP_HEARTBEAT seconds (default 15) with the time so far and the log's last line, and the time it
# took at the end. Returns the command's exit status. No step of ./portal stays silent for minutes.
run_step() { # "what" logfile command...
    local what="$1" log="$2"; shift 2
    local started=$SECONDS next beat="${STEP_HEARTBEAT:-15}" pid rc last
    "$@" >"$log" 2>&1 &
    pid=$!
    next=$((SECONDS + beat))
    while kill -0 "$pid" 2>/dev/null; do
        if (( SECONDS >= next )); then
            last="$(tail -n 1 "$log" 2>/dev/null | tr -d '\r' | sed 's/^[[:space:]]*//' | cut -c1-90)"
            info "  … $what: $((SECONDS - started)) s${last:+ — $last}"
            next=$((SECONDS + beat))
        fi
        sleep 1
    done
    wait "$pid" && rc=0 || rc=$?
    (( rc == 0 )) && info "  $what: done in $((SECONDS - started)) s"
    return "$rc"
}
