#!/usr/bin/env bash
# Run test suites and print one summary line per suite. With no arguments: every suite in order.
#   unit      C unit tests (cmocka), build/tests/unit/**
#   api       HTTP tests against build/tongdai (node --test tests/api)
#   cli       command-line tests against build/tongdai (node --test tests/cli)
#   e2e       browser tests, playwright-core + /usr/bin/chromium (node --test tests/e2e)
#   san-unit  the unit tests built with ASan+UBSan (build-san)
#   san-api   the API tests against build-san/tongdai
set -uo pipefail
cd "$(dirname "$0")/.."

# The labelled corpus and the third-party data the tests read live beside the repository, in
# ../shared (never copied into it): say so at once rather than through a dozen failing tests.
if [ ! -r ../shared/data/corpus/dev.jsonl ]; then
    echo "run-tests: ../shared/data/corpus/dev.jsonl is missing: the tests read the project's" \
        "shared data from ../shared, beside this checkout (clone into DIR/tongdai with DIR/shared" \
        "next to it)" >&2
    exit 2
fi

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit api cli e2e san-unit san-api)

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TZ=UTC
summary=()
failed=0

run_unit() { # $1 = build dir
    local pass=0 fail=0 t
    while IFS= read -r t; do
        if "$t" >"$t.log" 2>&1; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL $t" >&2
            tail -40 "$t.log" >&2
        fi
    done < <(find "$1/tests/unit" -type f -executable 2>/dev/null | sort)
    echo "$pass $fail"
}

run_node() { # $1 = dir, $2 = binary
    local files
    files=$(find "$1" -name '*.test.mjs' 2>/dev/null | sort)
    [ -n "$files" ] || { echo "0 0"; return; }
    local log
    log=$(mktemp)
    TONGDAI_BIN="$PWD/$2" node --test --test-concurrency=2 --test-timeout=180000 --test-reporter=spec $files >"$log" 2>&1
    local rc=$?
    local pass fail
    pass=$(grep -E '^ℹ pass ' "$log" | awk '{print $3}')
    fail=$(grep -E '^ℹ fail ' "$log" | awk '{print $3}')
    if [ $rc -ne 0 ]; then
        cat "$log" >&2
        [ "${fail:-0}" -gt 0 ] || fail=1
    fi
    rm -f "$log"
    echo "${pass:-0} ${fail:-0}"
}

for s in "${suites[@]}"; do
    start=$(date +%s)
    case "$s" in
        unit) r=$(run_unit build) ;;
        san-unit) r=$(run_unit build-san) ;;
        api) r=$(run_node tests/api build/tongdai) ;;
        san-api) r=$(run_node tests/api build-san/tongdai) ;;
        cli) r=$(run_node tests/cli build/tongdai) ;;
        e2e) r=$(run_node tests/e2e build/tongdai) ;;
        *) echo "unknown suite $s" >&2; exit 2 ;;
    esac
    read -r pass fail <<<"$r"
    secs=$(($(date +%s) - start))
    status=ok
    [ "$fail" -eq 0 ] || { status=FAIL; failed=1; }
    summary+=("$(printf 'suite %-9s %-4s passed %4d  failed %3d  %4ds' "$s" "$status" "$pass" "$fail" "$secs")")
done

echo
for l in "${summary[@]}"; do echo "$l"; done
exit $failed
