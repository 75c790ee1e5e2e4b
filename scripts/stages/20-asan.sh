#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The Linux suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (preset "asan"). Any sanitizer report fails the stage: reports halt the
# process that makes them, and every report, also one from a forked rival
# child or a child running as nobody, is written to build/asan/sanitizer/
# (UBSan's to the test's output, which CTest logs) and printed here. The
# load and descriptor-loop tests run at full size (10 000 connections,
# 10 000 rounds; PORTGUARD_STRESS_SCALE=0.5 halves them).
set -euo pipefail
cd "$(dirname "$0")/../.."

reports=$PWD/build/asan/sanitizer
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export PORTGUARD_STRESS_SCALE=${PORTGUARD_STRESS_SCALE:-1}

cmake --preset asan >/dev/null
cmake --build --preset asan --parallel 2
rm -rf "$reports"
mkdir -p "$reports"
# Children running as nobody must be able to write their reports.
chmod 1777 "$reports"
status=0
ctest --preset asan || status=$?

exec bash scripts/sanitizer-reports.sh "$reports" build/asan/Testing/Temporary/LastTest.log "$status"
