# shellcheck shell=bash
# PostgreSQL 15 primary + hot standby (streaming replication, replication slot)
# under var/, for development (var/pg) and for tests (var/test-pg).

PG_SLOT=auditportal_replica

# Select a cluster pair: sets CL_* globals.  kind: dev | test
pg_select() {
    CL_KIND="$1"
    case "$CL_KIND" in
        dev)
            CL_SUB=pg
            CL_PPORT="${PORTAL_PG_PRIMARY_PORT:-55432}"
            CL_RPORT="${PORTAL_PG_REPLICA_PORT:-55433}"
            CL_SHARED_BUFFERS=512MB
            CL_DURABLE=1
            ;;
        test)
            CL_SUB=test-pg
            CL_PPORT="${PORTAL_TEST_PG_PRIMARY_PORT:-56432}"
            CL_RPORT="${PORTAL_TEST_PG_REPLICA_PORT:-56433}"
            CL_SHARED_BUFFERS=256MB
            CL_DURABLE=0
            ;;
        *) die "unknown cluster kind $CL_KIND" ;;
    esac
    [[ "$CL_PPORT" =~ ^[0-9]+$ && "$CL_RPORT" =~ ^[0-9]+$ ]] || die "cluster ports must be numbers"
    CL_LINK="$VAR_DIR/$CL_SUB"
    CL_BASE="$CL_LINK"
    # As root, PostgreSQL runs as the 'postgres' user, which must be able to reach
    # the data directories. If the checkout is somewhere it cannot traverse (e.g.
    # under /root), keep the cluster in /var/tmp and leave a symlink in var/.
    if [[ -L "$CL_LINK" ]]; then
        CL_BASE="$(readlink -f "$CL_LINK")"
    elif is_root && [[ ! -e "$CL_LINK" ]] && ! runuser -u postgres -- test -x "$ROOT_DIR" 2>/dev/null; then
        CL_BASE="/var/tmp/auditportal-$(short_hash "$ROOT_DIR")/$CL_SUB"
    fi
    CL_PRIMARY="$CL_BASE/primary"
    CL_REPLICA="$CL_BASE/replica"
    # An existing dev cluster keeps the ports it was created with.
    if [[ "$CL_KIND" == dev ]]; then
        local p
        p="$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$CL_PRIMARY/auditportal.conf" 2>/dev/null || true)"
        if [[ -n "$p" && "$p" != "$CL_PPORT" ]]; then
            warn "the dev primary was created with port $p; using it (reset var/ to change ports)"
            CL_PPORT="$p"
        fi
        p="$(sed -n "s/^port = \([0-9]*\)$/\1/p" "$CL_REPLICA/auditportal.conf" 2>/dev/null || true)"
        if [[ -n "$p" && "$p" != "$CL_RPORT" ]]; then
            warn "the dev replica was created with port $p; using it (reset var/ to change ports)"
            CL_RPORT="$p"
        fi
    fi
    CL_LOGS="$CL_BASE/log"
    CL_SOCK="$CL_BASE/run"
    # Unix socket paths are limited to ~107 bytes.
    if (( ${#CL_SOCK} + 20 > 100 )); then
        CL_SOCK="/tmp/auditportal-$(short_hash "$CL_BASE")"
    fi
}

pg_prepare_dirs() {
    mkdirs
    if [[ "$CL_BASE" != "$CL_LINK" && ! -L "$CL_LINK" ]]; then
        rm -rf "$CL_BASE"   # a fresh var/ means a fresh cluster
        mkdir -p "$CL_BASE"
        ln -sfn "$CL_BASE" "$CL_LINK"
        info "note: postgres cannot traverse $ROOT_DIR; cluster data is in $CL_BASE (var/$CL_SUB links to it)"
    fi
    mkdir -p "$CL_BASE" "$CL_LOGS" "$CL_SOCK"
    chmod 700 "$CL_BASE"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (is postgresql-15 installed?)"
        chown postgres:postgres "$CL_BASE" "$CL_LOGS" "$CL_SOCK"
    fi
}

pg_is_running() { # datadir
    [[ -f "$1/PG_VERSION" ]] || return 1
    run_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# Write the dev settings to <datadir>/auditportal.conf (included from postgresql.conf).
pg_write_conf() { # datadir port role
    local dir="$1" port="$2" role="$3" f="$1/auditportal.conf"
    {
        echo "# Written by ./portal (scripts/pg.sh): $CL_KIND cluster, $role, tuned for a 2-core dev box."
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$CL_SOCK'"
        echo "cluster_name = 'auditportal-$CL_KIND-$role'"
        echo "max_connections = 100"
        echo "shared_buffers = $CL_SHARED_BUFFERS"
        echo "effective_cache_size = 2GB"
        echo "work_mem = 16MB"
        echo "maintenance_work_mem = 256MB"
        echo "max_worker_processes = 4"
        echo "max_parallel_workers = 2"
        echo "max_parallel_workers_per_gather = 1"
        echo "max_parallel_maintenance_workers = 1"
        echo "random_page_cost = 1.1"
        echo "wal_level = replica"
        echo "max_wal_senders = 5"
        echo "max_replication_slots = 5"
        echo "wal_keep_size = 256MB"
        echo "max_slot_wal_keep_size = 4GB"
        echo "max_wal_size = 2GB"
        echo "checkpoint_timeout = 15min"
        echo "hot_standby = on"
        echo "hot_standby_feedback = on"
        echo "wal_receiver_status_interval = 1s"
        if [[ "$CL_DURABLE" == 1 ]]; then
            echo "fsync = on"
            echo "synchronous_commit = on"
        else
            echo "# throw-away test cluster: durability traded for speed"
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
        echo "log_line_prefix = '%m [%p] %q%u@%d '"
        echo "log_min_duration_statement = 1000"
    } >"$f"
    grep -q "^include_if_exists = 'auditportal.conf'" "$dir/postgresql.conf" ||
        echo "include_if_exists = 'auditportal.conf'" >>"$dir/postgresql.conf"
    if is_root; then chown postgres:postgres "$f" "$dir/postgresql.conf"; fi
}

pg_create_primary() {
    local d="$CL_PRIMARY"
    if [[ -f "$d/PG_VERSION" && -f "$d/auditportal.conf" ]]; then return 0; fi
    [[ -e "$d" ]] && { warn "removing incomplete primary data directory $d"; rm -rf "$d"; }
    info "creating primary in var/$CL_SUB/primary (initdb)"
    run_pg "$PG_BIN/initdb" -D "$d" -U postgres --auth=trust --encoding=UTF8 --no-locale \
        >"$CL_LOGS/initdb.log" 2>&1 || { tail -n 20 "$CL_LOGS/initdb.log" >&2; die "initdb failed"; }
    # Dev cluster: trust on loopback only. Production uses scram-sha-256 over TLS.
    cat >"$d/pg_hba.conf" <<'EOF'
# Written by ./portal. DEV ONLY: trust on 127.0.0.1 and the unix socket.
# Production: hostssl ... scram-sha-256, per-role least privilege (see README).
# TYPE  DATABASE        USER  ADDRESS        METHOD
local   all             all                  trust
host    all             all   127.0.0.1/32   trust
local   replication     all                  trust
host    replication     all   127.0.0.1/32   trust
EOF
    if is_root; then chown postgres:postgres "$d/pg_hba.conf"; fi
    pg_write_conf "$d" "$CL_PPORT" primary
}

pg_start() { # datadir port role
    local d="$1" port="$2" role="$3"
    if pg_is_running "$d"; then
        info "$role already running on 127.0.0.1:$port"
        return 0
    fi
    if port_open "$port"; then
        die "port $port is in use by another program; stop it or set the PORTAL_*PG_*_PORT variables (see README)"
    fi
    info "starting $role on 127.0.0.1:$port"
    run_pg "$PG_BIN/pg_ctl" -D "$d" -l "$CL_LOGS/$role.log" -w -t 120 -s start >/dev/null 2>&1 || {
        tail -n 20 "$CL_LOGS/$role.log" >&2
        die "$role failed to start (log: $CL_LOGS/$role.log)"
    }
}

pg_stop() { # datadir role
    local d="$1" role="$2"
    if pg_is_running "$d"; then
        info "stopping $role"
        run_pg "$PG_BIN/pg_ctl" -D "$d" -m fast -w -t 60 -s stop >/dev/null 2>&1 ||
            run_pg "$PG_BIN/pg_ctl" -D "$d" -m immediate -w -t 30 -s stop >/dev/null 2>&1 || true
    fi
}

pg_create_replica() {
    local d="$CL_REPLICA"
    if [[ -f "$d/PG_VERSION" && -f "$d/standby.signal" && -f "$d/auditportal.conf" ]]; then return 0; fi
    [[ -e "$d" ]] && { warn "removing incomplete replica data directory $d"; rm -rf "$d"; }
    info "creating hot standby in var/$CL_SUB/replica (pg_basebackup -R, slot $PG_SLOT)"
    pg_sql "$CL_PPORT" postgres \
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$PG_SLOT'" >/dev/null
    local nosync=()
    [[ "$CL_DURABLE" == 1 ]] || nosync=(--no-sync)
    run_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$CL_PPORT" -U postgres -D "$d" \
        -R -X stream -C -S "$PG_SLOT" --checkpoint=fast "${nosync[@]}" \
        >"$CL_LOGS/basebackup.log" 2>&1 || { tail -n 20 "$CL_LOGS/basebackup.log" >&2; die "pg_basebackup failed"; }
    pg_write_conf "$d" "$CL_RPORT" replica
}

pg_streaming() { # true when the primary sees the standby streaming through the slot
    [[ "$(pg_sql "$CL_PPORT" postgres "SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = '$PG_SLOT' AND r.state = 'streaming'" 2>/dev/null || true)" == 1 ]]
}

pg_wait_streaming() {
    local i
    for ((i = 0; i < 120; i++)); do
        if pg_ready "$CL_RPORT" && pg_streaming; then return 0; fi
        sleep 0.5
    done
    tail -n 20 "$CL_LOGS/replica.log" >&2
    die "the replica on port $CL_RPORT is not streaming from the primary (log: $CL_LOGS/replica.log)"
}

pg_ensure_db() { # name
    if [[ "$(pg_sql "$CL_PPORT" postgres "SELECT 1 FROM pg_database WHERE datname = '$1'")" != 1 ]]; then
        info "creating database $1"
        pg_sql "$CL_PPORT" postgres "CREATE DATABASE $1" >/dev/null
    fi
}

# Primary + replica up and streaming.
pg_up() {
    pg_prepare_dirs
    pg_create_primary
    pg_start "$CL_PRIMARY" "$CL_PPORT" primary
    pg_create_replica
    pg_start "$CL_REPLICA" "$CL_RPORT" replica
    pg_wait_streaming
    [[ "$(pg_sql "$CL_RPORT" postgres "SELECT pg_is_in_recovery()")" == t ]] ||
        die "the server on port $CL_RPORT is not a standby"
}

pg_down() {
    pg_stop "$CL_REPLICA" replica
    pg_stop "$CL_PRIMARY" primary
}

pg_status() {
    local lag
    if pg_is_running "$CL_PRIMARY"; then
        say "primary   running  127.0.0.1:$CL_PPORT  (var/$CL_SUB/primary)"
        info "databases: $(pg_sql "$CL_PPORT" postgres "SELECT string_agg(datname, ', ' ORDER BY datname) FROM pg_database WHERE NOT datistemplate" 2>/dev/null || echo '?')"
    else
        say "primary   stopped  127.0.0.1:$CL_PPORT"
    fi
    if pg_is_running "$CL_REPLICA"; then
        say "replica   running  127.0.0.1:$CL_RPORT  (var/$CL_SUB/replica, hot standby)"
        if pg_is_running "$CL_PRIMARY"; then
            lag="$(pg_sql "$CL_PPORT" postgres "SELECT r.state || ', replay lag ' || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)) || ', ' || coalesce(extract(epoch FROM r.replay_lag)::numeric(10,3)::text || ' s', '0 s') FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = '$PG_SLOT'" 2>/dev/null || true)"
            info "replication: ${lag:-not streaming}"
        fi
    else
        say "replica   stopped  127.0.0.1:$CL_RPORT"
    fi
}
