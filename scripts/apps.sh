# shellcheck shell=bash
# The ledger CLI (init/seed), the dev OpenID Provider and the portal web app.

OIDC_PORT="${PORTAL_OIDC_PORT:-5090}"
PORTAL_PORT="${PORTAL_HTTP_PORT:-5080}"
# Another ledger database of the dev cluster, e.g. one seeded by benchmarks/seed-cli (with its witness,
# PORTAL_WITNESS_DIR=var/bench/DB/witness), for measurements on a ledger of a given size.
LEDGER_DB="${PORTAL_LEDGER_DB:-ledger}"

# Environment for everything ./portal up starts (documented in README.md).
export_dev_env() {
    export AUDITPORTAL_PRIMARY="Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=$LEDGER_DB"
    export AUDITPORTAL_REPLICA="Host=127.0.0.1;Port=$CL_RPORT;Username=postgres;Database=$LEDGER_DB"
    export AUDITPORTAL_PORTAL_DB="Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=portal"
    export AUDITPORTAL_WITNESS_DIR="${PORTAL_WITNESS_DIR:-$VAR_DIR/witness}"
    export AUDITPORTAL_KEYS_DIR="$VAR_DIR/keys"
    export AUDITPORTAL_ACCESS_LOG_WITNESS_DIR="$VAR_DIR/access-log-witness"
    export AUDITPORTAL_OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
    export AUDITPORTAL_PORTAL_URL="http://127.0.0.1:$PORTAL_PORT"
    mkdir -p "$AUDITPORTAL_WITNESS_DIR" "$AUDITPORTAL_KEYS_DIR" "$AUDITPORTAL_ACCESS_LOG_WITNESS_DIR"
    chmod 700 "$AUDITPORTAL_KEYS_DIR"
}

has_sources() { # project dir
    [[ -d "$1" ]] && [[ -n "$(find "$1" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' -print -quit 2>/dev/null)" ]]
}

# The CLI is published (Release, ReadyToRun) to var/cli: precompiled code spares the seed and verify
# the JIT time that dominated short runs (docs/performance.md §1).
CLI_DIR="$VAR_DIR/cli"
cli() { "$CLI_DIR/auditportal" "$@"; }

# The ledger is considered seeded when a table in schema 'ledger' with an
# event_id column (or, failing that, any table in that schema) has a row.
LEDGER_HAS_EVENTS_SQL="WITH ev AS (SELECT DISTINCT table_name FROM information_schema.columns
    WHERE table_schema = 'ledger' AND column_name = 'event_id'),
  t AS (SELECT table_name FROM ev
        UNION ALL
        SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'ledger' AND table_type = 'BASE TABLE' AND NOT EXISTS (SELECT 1 FROM ev))
SELECT coalesce(bool_or((xpath('/row/x/text()', query_to_xml(
    format('SELECT EXISTS (SELECT 1 FROM ledger.%I) AS x', table_name), false, true, '')))[1]::text::boolean), false)
FROM t"

ledger_init_and_seed() {
    local proj="$ROOT_DIR/src/Portal.Cli"
    if ! has_sources "$proj"; then
        info "ledger init/seed: skipped: CLI not built yet (src/Portal.Cli has no sources)"
        return 0
    fi
    # Publishing takes a minute or two (restore, build, ReadyToRun compilation); skipped while no source
    # of the CLI or the projects it uses changed since the last publish.
    local stamp="$CLI_DIR/.published"
    if [[ -x "$CLI_DIR/auditportal" && -f "$stamp" ]] && [[ -z "$(find "$ROOT_DIR/src/Portal.Cli" "$ROOT_DIR/src/Portal.Data" \
            "$ROOT_DIR/src/Portal.Verification" "$ROOT_DIR"/Directory.*.props \( -path '*/obj' -o -path '*/bin' \) -prune \
            -o -type f -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
        info "CLI in var/cli is up to date (no source changed since it was published)"
    else
        info "publishing the CLI to var/cli (Release, ReadyToRun: restore, compile, precompile; 1–2 minutes; log: var/log/cli-build.log)"
        if ! run_step "publishing the CLI" "$LOG_DIR/cli-build.log" dotnet publish "$proj" -c Release --use-current-runtime \
                --self-contained false -p:PublishReadyToRun=true -o "$CLI_DIR" -nologo -v m -nodeReuse:false; then
            warn "ledger init/seed: skipped: the CLI does not build (see var/log/cli-build.log)"
            return 0
        fi
        touch "$stamp"
    fi
    if ! cli ledger --help >/dev/null 2>&1; then
        info "ledger init/seed: skipped: CLI not built yet (no 'ledger' command)"
        return 0
    fi
    # Always: init is idempotent, applies new migrations and creates missing keys.
    info "ledger init: migrations and keys (a new migration may add a column or an index to an existing ledger: minutes at 10M events; log: var/log/ledger-init.log)"
    run_step "ledger init" "$LOG_DIR/ledger-init.log" cli ledger init || {
        tail -n 20 "$LOG_DIR/ledger-init.log" >&2; die "ledger init failed"; }
    # The development certificate evidence PDFs are signed with (docs/evidence-pdf.md); kept when it exists.
    "$ROOT_DIR/scripts/evidence-cert.sh" "$VAR_DIR/keys" || die "could not make the evidence signing certificate with openssl"
    if [[ "$(pg_sql "$CL_PPORT" ledger "$LEDGER_HAS_EVENTS_SQL")" == t ]]; then
        info "ledger already has events: not seeding"
    else
        local n="${PORTAL_SEED_EVENTS:-200000}"
        info "ledger seed --events $n --seed 42 (log: var/log/ledger-seed.log; takes a while)"
        run_step "seeding" "$LOG_DIR/ledger-seed.log" cli ledger seed --events "$n" --seed 42 || {
            tail -n 20 "$LOG_DIR/ledger-seed.log" >&2; die "ledger seed failed"; }
    fi
}

# Start a command in its own session/process group; pid (= group id) in var/run/NAME.pid.
start_bg() { # name port command...
    local name="$1" port="$2"; shift 2
    local pidf="$RUN_DIR/$name.pid" log="$LOG_DIR/$name.log" i
    if pid_alive "$pidf"; then
        info "$name already running (pid $(cat "$pidf")) on 127.0.0.1:$port"
        return 0
    fi
    if port_open "$port"; then
        die "port $port is in use by another program; cannot start $name"
    fi
    info "starting $name on 127.0.0.1:$port (log: var/log/$name.log)"
    (cd "$ROOT_DIR" && exec setsid "$@" >"$log" 2>&1 </dev/null) &
    echo "$!" >"$pidf"
    for ((i = 0; i < 240; i++)); do
        port_open "$port" && return 0
        if ! pid_alive "$pidf"; then
            tail -n 20 "$log" >&2
            rm -f "$pidf"
            die "$name exited during start-up (log: var/log/$name.log)"
        fi
        sleep 0.5
    done
    die "$name did not open port $port within 120 s (log: var/log/$name.log)"
}

stop_bg() { # name
    local name="$1" pidf="$RUN_DIR/$1.pid" pid i
    if ! pid_alive "$pidf"; then rm -f "$pidf"; return 0; fi
    pid="$(cat "$pidf")"
    info "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "$name did not stop within 20 s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidf"
}

status_bg() { # name port
    local pidf="$RUN_DIR/$1.pid"
    if pid_alive "$pidf"; then
        say "$(printf '%-9s' "$1") running  127.0.0.1:$2  (pid $(cat "$pidf"), log var/log/$1.log)"
    else
        say "$(printf '%-9s' "$1") stopped  127.0.0.1:$2"
    fi
}

oidc_up() {
    if [[ ! -f "$ROOT_DIR/dev/oidc/server.mjs" ]]; then
        info "OpenID Provider: skipped: dev/oidc/server.mjs not present yet"
        return 0
    fi
    PORTAL_OIDC_PORT="$OIDC_PORT" PORTAL_OIDC_PORTAL_URL="http://127.0.0.1:$PORTAL_PORT" \
        start_bg oidc "$OIDC_PORT" "${AUDITPORTAL_OIDC_NODE:-node}" dev/oidc/server.mjs
}

portal_up() {
    local proj="$ROOT_DIR/src/Portal"
    if [[ ! -f "$proj/Portal.csproj" ]] || ! has_sources "$proj"; then
        info "portal: skipped: src/Portal not present yet"
        return 0
    fi
    # PORTAL_CONFIGURATION=Release for load measurements (benchmarks/portal-load); Debug by default.
    local config="${PORTAL_CONFIGURATION:-Debug}"
    if ! pid_alive "$RUN_DIR/portal.pid"; then
        info "building the portal, $config (log: var/log/portal-build.log)"
        run_step "building the portal" "$LOG_DIR/portal-build.log" dotnet build "$proj" -c "$config" -nologo -v m -nodeReuse:false || {
            tail -n 30 "$LOG_DIR/portal-build.log" >&2; die "the portal does not build (see var/log/portal-build.log)"; }
    fi
    # The portal reads the ledger from the standby as ledger_reader and writes its access log on the
    # primary as accesslog_writer (docs/configuration.md); keys and witness come from `ledger init`.
    local portal_env=(
        "ConnectionStrings__Replica=Host=127.0.0.1;Port=$CL_RPORT;Username=ledger_reader;Database=$LEDGER_DB"
        "ConnectionStrings__Ledger=Host=127.0.0.1;Port=$CL_PPORT;Username=ledger_writer;Database=$LEDGER_DB"
        "ConnectionStrings__AccessLog=Host=127.0.0.1;Port=$CL_PPORT;Username=accesslog_writer;Database=portal"
        "ConnectionStrings__AccessLogReplica=Host=127.0.0.1;Port=$CL_RPORT;Username=accesslog_reader;Database=portal"
        "Portal__Ledger__CheckpointPublicKeyPath=$AUDITPORTAL_KEYS_DIR/ledger-checkpoint-public.pem"
        "Portal__Ledger__WitnessDirectory=$AUDITPORTAL_WITNESS_DIR"
        # The provider's port may be moved (PORTAL_OIDC_PORT); appsettings.Development.json only knows 5090.
        "Portal__Oidc__Authority=$AUDITPORTAL_OIDC_ISSUER"
        # The certificate evidence PDFs exported from a case are signed with (made above; docs/evidence-pdf.md).
        "Portal__Evidence__SigningCertificatePath=$VAR_DIR/keys/evidence-signing-cert.pem"
        "Portal__Evidence__SigningKeyPath=$VAR_DIR/keys/evidence-signing-key.pem"
    )
    if [[ -f "$AUDITPORTAL_KEYS_DIR/access-log-checkpoint-private.pem" ]]; then
        portal_env+=("Portal__AccessLog__CheckpointPrivateKeyPath=$AUDITPORTAL_KEYS_DIR/access-log-checkpoint-private.pem")
        portal_env+=("Portal__AccessLog__WitnessDirectory=$AUDITPORTAL_ACCESS_LOG_WITNESS_DIR")
        if [[ -f "$AUDITPORTAL_KEYS_DIR/access-log-checkpoint-ed25519-private.pem" ]]; then
            portal_env+=("Portal__AccessLog__CheckpointEd25519PrivateKeyPath=$AUDITPORTAL_KEYS_DIR/access-log-checkpoint-ed25519-private.pem")
        fi
    fi
    ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
    ASPNETCORE_URLS="http://127.0.0.1:$PORTAL_PORT" \
        start_bg portal "$PORTAL_PORT" env "${portal_env[@]}" dotnet run --no-build -c "$config" --no-launch-profile --project src/Portal --urls "http://127.0.0.1:$PORTAL_PORT"
}

print_accounts() {
    local f="$ROOT_DIR/dev/oidc/accounts.json"
    say "demo accounts (roles from the dev OpenID Provider):"
    if [[ -f "$f" ]] && command -v node >/dev/null 2>&1; then
        node -e '
const fs = require("fs");
let a = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
if (!Array.isArray(a)) a = a.accounts ?? Object.entries(a).map(([k, v]) => ({ username: k, ...(typeof v === "object" ? v : { password: v }) }));
for (const x of a) {
  const name = x.username ?? x.login ?? x.preferred_username ?? x.sub ?? x.id;
  const roles = [].concat(x.roles ?? x.role ?? []).join(",");
  console.log(`  ${String(name).padEnd(15)} password: ${String(x.password ?? "?").padEnd(20)}${roles ? " roles: " + roles : ""}`.trimEnd());
}' "$f" 2>/dev/null || info "(could not read dev/oidc/accounts.json)"
    else
        info "auditor1, investigator1, admin1, norole1 (passwords: dev/oidc/accounts.json, not present yet)"
    fi
}
