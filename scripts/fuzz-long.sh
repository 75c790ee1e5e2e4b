#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# A longer fuzz run of portguard-probe's argument and endpoint parser:
# RUNS executions (default 10 000 000, about 1.5 min) of the libFuzzer target built by the
# "fuzz" preset (clang, ASan + UBSan), seeded from src/fuzz/corpus. New
# inputs go to build/fuzz-long/corpus; the committed corpus is not changed.
# Fails on any crash, sanitizer report, leak or timeout; prints the count.
#
#   bash scripts/fuzz-long.sh            # 10 000 000 executions
#   RUNS=1000000 bash scripts/fuzz-long.sh   # the minimum the docs ask for
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10000000}
out=build/fuzz-long
rm -rf "$out/artifacts"
mkdir -p "$out/corpus" "$out/artifacts"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --parallel 2 --target portguard_probe_args_fuzzer

start=$SECONDS
set +e
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  build/fuzz/src/fuzz/portguard_probe_args_fuzzer \
    -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=512 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" \
    "$out/corpus" src/fuzz/corpus >"$out/fuzz.log" 2>&1
status=$?
set -e
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|SUMMARY' "$out/fuzz.log" || true

executed=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$out/fuzz.log" | tail -1)
crashes=$(find "$out/artifacts" -type f | wc -l)
echo "fuzz-long: ${executed:-0} executions in $((SECONDS - start)) s, $crashes crash artifacts, exit $status"
[ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "${executed:-0}" -ge "$runs" ]
