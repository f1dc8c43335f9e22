# shellcheck shell=bash
# Installs what is missing, idempotently and quietly: Debian packages and npm modules.

APT_PACKAGES=(postgresql-15 chromium poppler-utils qpdf openssl)

apt_installed() { # package
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

ensure_apt() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        case "$p" in
            # The server may be on the machine image without the package being
            # registered the usual way: the binary is what we need.
            postgresql-15) [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/pg_basebackup" ]] && continue ;;
            chromium) command -v chromium >/dev/null 2>&1 && continue ;;
            poppler-utils) command -v pdftoppm >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && continue ;;
            qpdf) command -v qpdf >/dev/null 2>&1 && continue ;;
            openssl) command -v openssl >/dev/null 2>&1 && continue ;;
        esac
        apt_installed "$p" || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]} and apt-get is not available; install them by hand"
    MISSING_APT="${missing[*]}"
    say "installing Debian packages: ${missing[*]} (log: var/log/apt.log)"
    mkdirs
    {
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"
    } >"$LOG_DIR/apt.log" 2>&1 || {
        tail -n 20 "$LOG_DIR/apt.log" >&2
        die "apt-get failed (see var/log/apt.log)"
    }
}

ensure_npm() {
    [[ -f "$ROOT_DIR/package-lock.json" ]] || return 0
    command -v npm >/dev/null 2>&1 || die "npm is not installed (Node.js 20 + npm are required)"
    local stamp="$ROOT_DIR/node_modules/.auditportal-lock.sha256" want
    want="$(sha256sum "$ROOT_DIR/package-lock.json" | cut -d' ' -f1)"
    if [[ -d "$ROOT_DIR/node_modules" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    mkdirs
    say "installing npm packages (npm ci; log: var/log/npm.log)"
    (cd "$ROOT_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 || {
        tail -n 20 "$LOG_DIR/npm.log" >&2
        die "npm ci failed (see var/log/npm.log)"
    }
    printf '%s\n' "$want" >"$stamp"
}

ensure_deps() {
    command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
    ensure_apt
    ensure_npm
}
