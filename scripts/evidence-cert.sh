#!/usr/bin/env bash
# Makes the development certificate evidence PDFs are signed with (docs/evidence-pdf.md, "Signing"):
# a self-signed RSA 3072 certificate with its key, valid 825 days, for digital signatures.
# Usage: scripts/evidence-cert.sh DIR   (writes DIR/evidence-signing-cert.pem and DIR/evidence-signing-key.pem if missing)
# ./portal up runs it for var/keys; the tests run it for their own directory. Production configures a CA-issued one.
set -euo pipefail
dir="${1:?usage: evidence-cert.sh DIR}"
cert="$dir/evidence-signing-cert.pem"
key="$dir/evidence-signing-key.pem"
[[ -f "$cert" && -f "$key" ]] && exit 0
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 825 \
    -keyout "$key" -out "$cert" \
    -subj "/O=AuditPortal development/CN=AuditPortal evidence signing (development, not trusted)" \
    -addext "keyUsage=critical,digitalSignature,nonRepudiation" \
    -addext "extendedKeyUsage=emailProtection" >/dev/null 2>&1
chmod 644 "$cert"
