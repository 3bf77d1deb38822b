#!/bin/sh
# Fuzzes the configuration loader (tests/fuzz/fuzz_config.c: libFuzzer,
# ASan, UBSan) for a bounded time, starting from the seed corpus. Any
# crash, leak or sanitizer report fails; the input that caused it is
# printed so it can become a regression case in tests/unit/test_config.c.
. "$(dirname "$0")/lib/tap.sh"
cd "$TESTS_DIR/.." || exit 1
if ! command -v clang >/dev/null 2>&1; then
    echo "1..0 # SKIP clang is not installed"
    exit 0
fi
seconds=${FUZZ_TEST_TIME:-15}

run_ok "fuzz target builds" make -s build/fuzz/fuzz_config

mkdir "$scratch/corpus"
build/fuzz/fuzz_config -max_total_time="$seconds" -print_final_stats=1 \
    -dict=tests/fuzz/config.dict -artifact_prefix="$scratch/" \
    "$scratch/corpus" tests/fuzz/corpus >"$scratch/log" 2>&1
status=$?
ok $status "fuzzing the loader for ${seconds}s finds no crash"
if [ $status -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|Test unit written' "$scratch/log" | sed 's/^/# /'
    for artifact in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-*; do
        [ -f "$artifact" ] && od -c "$artifact" | head -20 | sed 's/^/# /'
    done
fi
executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log")
echo "# executions: ${executions:-0}"
[ "${executions:-0}" -gt 1000 ]
ok $? "the fuzzer ran (more than 1000 executions)"
seeds=$(ls tests/fuzz/corpus | wc -l)
[ "$seeds" -ge 12 ]
ok $? "seed corpus has $seeds inputs"

done_testing
