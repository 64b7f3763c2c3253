#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks to build, run and test tongdai.
# Idempotent and fast when everything is present (one dpkg-query call).
# As root: apt-get install -y --no-install-recommends (apt-get update only if needed).
# Otherwise: prints the exact command to run and exits 1.
set -euo pipefail

# Build and run time libraries (pkg-config names in the Makefile), test and bench tools.
PACKAGES=(
    build-essential pkg-config
    libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libutf8proc-dev libidn2-dev
    libcmocka-dev
    sqlite3 nodejs chromium
    clang libclang-rt-14-dev
    nginx-light wrk
)
# Benchmarks compare against nginx; accept any nginx flavour already installed.
if dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q 'ok installed' ||
   dpkg-query -W -f='${Status}' nginx-core 2>/dev/null | grep -q 'ok installed'; then
    PACKAGES=("${PACKAGES[@]/nginx-light/}")
fi

missing=()
for p in "${PACKAGES[@]}"; do
    [ -n "$p" ] || continue
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing+=("$p")
    fi
done
# npm ships with nodesource's nodejs but is a separate package in Debian.
if ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run as root: sudo $cmd" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/tongdai-deps.log 2>&1; then
    echo "deps: first attempt failed; running apt-get update" >&2
    apt-get update >>/tmp/tongdai-deps.log 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/tongdai-deps.log 2>&1 || {
        echo "deps: apt-get failed; see /tmp/tongdai-deps.log" >&2
        tail -20 /tmp/tongdai-deps.log >&2
        exit 1
    }
fi
echo "deps: done" >&2
