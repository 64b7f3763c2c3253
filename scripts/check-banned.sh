#!/usr/bin/env bash
# Fail if banned C calls appear in our sources.
set -u
cd "$(dirname "$0")/.."
hits=$(grep -nE '\b(strcpy|sprintf|strcat|gets|atoi|atol|strtok|vsprintf)\s*\(' -r src fuzz bench tests/unit --include='*.c' --include='*.h' 2>/dev/null)
if [ -n "$hits" ]; then
    echo "banned calls:" >&2
    echo "$hits" >&2
    exit 1
fi
