# shellcheck shell=bash
# ./portal test: fresh test cluster, dotnet test over the solution, one summary line.

TEST_CLUSTER_UP=0

test_cluster_down() {
    if [[ "$TEST_CLUSTER_UP" == 1 ]]; then
        pg_select test
        pg_down >/dev/null 2>&1 || true
        TEST_CLUSTER_UP=0
    fi
}

# Sum the <Counters> of every trx file: prints "total passed failed skipped".
sum_trx() { # dir
    local f total=0 executed=0 passed=0 failed=0 line v
    shopt -s nullglob
    for f in "$1"/*.trx; do
        line="$(grep -o '<Counters [^>]*>' "$f" | head -n 1)"
        [[ -n "$line" ]] || continue
        v="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line")";       total=$((total + ${v:-0}))
        v="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line")";      passed=$((passed + ${v:-0}))
        v="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")";      failed=$((failed + ${v:-0}))
        v="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$line")";       failed=$((failed + ${v:-0}))
        v="$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$line")";     failed=$((failed + ${v:-0}))
        v="$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$line")";     failed=$((failed + ${v:-0}))
        # xunit's skipped tests are counted in total but not in executed.
        v="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")";    executed=$((executed + ${v:-0}))
    done
    shopt -u nullglob
    echo "$total $passed $failed $((total > executed ? total - executed : 0))"
}

# Fallback: sum the per-assembly console lines
# "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...".
sum_console() { # logfile
    awk '/(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+, Total: +[0-9]+/ {
            line = $0
            sub(/.*Failed: +/, "", line); f = line + 0
            sub(/.*Passed: +/, "", line); p = line + 0
            sub(/.*Skipped: +/, "", line); s = line + 0
            sub(/.*Total: +/, "", line); t = line + 0
            F += f; P += p; S += s; T += t
         }
         END { printf "%d %d %d %d\n", T, P, F, S }' "$1"
}

run_tests() {
    local results="$VAR_DIR/test-results" log="$LOG_DIR/test.log" rc=0
    local total passed failed skipped summary

    ensure_deps
    mkdirs

    # Tests never see dev data: drop the dev variables, build a fresh cluster pair.
    unset AUDITPORTAL_PRIMARY AUDITPORTAL_REPLICA AUDITPORTAL_PORTAL_DB \
          AUDITPORTAL_WITNESS_DIR AUDITPORTAL_ACCESS_LOG_WITNESS_DIR AUDITPORTAL_KEYS_DIR
    say "test cluster (fresh)"
    pg_select test
    trap 'test_cluster_down' EXIT
    trap 'exit 130' INT TERM
    pg_down
    rm -rf "${CL_PRIMARY:?}" "${CL_REPLICA:?}"
    # The ports only need to be free: tests get them through the variables below.
    # If the defaults are taken (another checkout on a shared machine) and no port
    # was chosen explicitly, move up to the next free pair.
    if [[ -z "${PORTAL_TEST_PG_PRIMARY_PORT:-}" && -z "${PORTAL_TEST_PG_REPLICA_PORT:-}" ]]; then
        local tries=0
        while port_open "$CL_PPORT" || port_open "$CL_RPORT"; do
            (( ++tries <= 50 )) || die "no free port pair for the test cluster near 56432"
            CL_PPORT=$((CL_PPORT + 2)); CL_RPORT=$((CL_RPORT + 2))
        done
        [[ "$tries" -eq 0 ]] || info "default test ports busy; using $CL_PPORT/$CL_RPORT"
    fi
    TEST_CLUSTER_UP=1
    pg_up
    export AUDITPORTAL_TEST_PRIMARY="Host=127.0.0.1;Port=$CL_PPORT;Username=postgres;Database=postgres"
    export AUDITPORTAL_TEST_REPLICA="Host=127.0.0.1;Port=$CL_RPORT;Username=postgres;Database=postgres"
    AUDITPORTAL_TEST_CHROMIUM="$(command -v chromium || true)"
    export AUDITPORTAL_TEST_CHROMIUM
    info "AUDITPORTAL_TEST_PRIMARY=$AUDITPORTAL_TEST_PRIMARY"
    info "AUDITPORTAL_TEST_REPLICA=$AUDITPORTAL_TEST_REPLICA"
    info "AUDITPORTAL_TEST_CHROMIUM=$AUDITPORTAL_TEST_CHROMIUM"

    rm -rf "$results"
    say "dotnet test AuditPortal.sln (log: var/log/test.log, trx: var/test-results/)"
    set +e
    (cd "$ROOT_DIR" && dotnet test AuditPortal.sln -nologo -nodeReuse:false \
        --logger "trx;LogFilePrefix=tests" --logger "console;verbosity=minimal" \
        --results-directory "$results" \
        --blame-hang-timeout "${PORTAL_TEST_HANG_TIMEOUT:-20m}" --blame-hang-dump-type none \
        "$@") 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e

    # trx files are authoritative; the console summary lines are the fallback
    # (and win if they saw more tests, e.g. when a trx file was not written).
    local ctotal cpassed cfailed cskipped
    read -r total passed failed skipped < <(sum_trx "$results")
    read -r ctotal cpassed cfailed cskipped < <(sum_console "$log")
    if [[ "$ctotal" -gt "$total" ]]; then
        total=$ctotal passed=$cpassed failed=$cfailed skipped=$cskipped
    fi

    test_cluster_down
    trap - EXIT INT TERM

    # The leak matrix tests (tests/e2e/Workspace/LeakMatrixTests.cs, CircuitLeakMatrixTests.cs) leave their matrices here: show them.
    [[ -f "$results/leak-matrix.txt" ]] && cat "$results/leak-matrix.txt"
    [[ -f "$results/circuit-leak-matrix.txt" ]] && cat "$results/circuit-leak-matrix.txt"

    summary="$passed passed, $failed failed"
    [[ "$skipped" -gt 0 ]] && summary+=", $skipped skipped"
    if [[ "$rc" -ne 0 ]]; then
        echo "dotnet test exited with code $rc" >&2
        # A test project that does not build runs no tests: the count below is then only the other assemblies'.
        [[ "$failed" -eq 0 ]] && echo "no test failed, so a test assembly did not build or run (var/log/test.log): its tests are not in the count below" >&2
    elif [[ "$failed" -gt 0 ]]; then
        rc=1
    elif [[ "$total" -eq 0 ]]; then
        echo "no tests ran" >&2
        rc=1
    fi
    [[ "$rc" -eq 0 ]] || rc=1
    printf '%s\n' "$summary"
    return "$rc"
}
