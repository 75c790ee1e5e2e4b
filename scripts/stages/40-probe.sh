#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The probe's fuzz run: builds the libFuzzer target for portguard-probe's
# argument and endpoint parsing with clang (preset "fuzz") and fuzzes it for
# about a minute, seeded from src/fuzz/corpus. Any crash, sanitizer report or
# broken invariant fails the stage. (The probe's own CTest tests run in the
# default stage, 10-linux.sh.)
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target portguard_probe_args_fuzzer
ctest --test-dir build/fuzz/src/fuzz --output-on-failure --no-tests=error
