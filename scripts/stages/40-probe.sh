#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The probe's fuzz runs: builds the libFuzzer targets with clang (preset
# "fuzz") and fuzzes portguard-probe's argument and endpoint parsing for
# about a minute (seeded from src/fuzz/corpus), then the output formats'
# encoders for 20 s (src/fuzz/output-corpus). Any crash, sanitizer report or
# broken invariant fails the stage. (The probe's own CTest tests run in the
# default stage, 10-linux.sh.)
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target portguard_probe_args_fuzzer portguard_probe_output_fuzzer
ctest --test-dir build/fuzz/src/fuzz --output-on-failure --no-tests=error
