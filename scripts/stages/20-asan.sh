#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The Linux suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (preset "asan"). Any sanitizer report fails the stage: reports halt the
# process that makes them, and every report, also one from a forked rival
# child or a child running as nobody, is written to build/asan/sanitizer/
# (UBSan's to the test's output, which CTest logs) and printed here. Built
# with Clang (GCC builds every other Linux stage, and TSan's). The load and
# descriptor-loop tests run at a tenth of their size (1 000 connections,
# 1 000 rounds; PORTGUARD_STRESS_SCALE=1 for full size): a leak of one
# descriptor per round shows as plainly in 1 000 rounds, 10-linux runs them
# at full size, and the full loop under Clang's ASan takes four minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."

reports=$PWD/build/asan/sanitizer
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export PORTGUARD_STRESS_SCALE=${PORTGUARD_STRESS_SCALE:-0.1}

cmake --preset asan >/dev/null
cmake --build --preset asan --parallel 2
rm -rf "$reports"
mkdir -p "$reports"
# Children running as nobody must be able to write their reports.
chmod 1777 "$reports"
status=0
ctest --preset asan || status=$?

exec bash scripts/sanitizer-reports.sh "$reports" build/asan/Testing/Temporary/LastTest.log "$status"
