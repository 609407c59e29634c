#!/usr/bin/env bash
# Installs the system packages the build and the test servers need (Debian/Ubuntu).
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(pkg-config libsqlite3-dev libpq-dev libcurl4-openssl-dev libhiredis-dev)
if [[ "${1:-}" == "--test" ]]; then
    # postgresql brings postgresql-NN and, with it, postgresql-client-NN: the pg_dump,
    # pg_restore and psql of the server's own version, which the backup tests need.
    packages+=(postgresql redis-server redis-tools wrk nginx shellcheck)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        echo "note: add /opt/swift/usr/bin to PATH" >&2
    else
        echo "error: Swift 6.2 or newer is required (https://www.swift.org/install/linux/)" >&2
        exit 1
    fi
fi
