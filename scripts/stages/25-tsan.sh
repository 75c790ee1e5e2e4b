#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The unit suites that run threads or asynchronous operations, under
# ThreadSanitizer (preset "tsan", which builds only those: the others run on
# one thread, where TSan can find nothing): bind_with_retry, graceful_close
# (peer threads, strands), other_family (a client thread), readme_signatures,
# scenario_drop_in, scenario_load (async accepts on two threads while rival
# processes loop), scenario_restart and secure_acceptor (async_accept,
# executors, moves). Any report fails the stage; reports from every process,
# forked children included, are written to build/tsan/sanitizer/ and
# printed here. TSAN_SUITES narrows the run (a CTest regular expression),
# e.g. TSAN_SUITES='^portguard_tests\.(scenario_restart|scenario_load|secure_acceptor)$'.
set -euo pipefail
cd "$(dirname "$0")/../.."

reports=$PWD/build/tsan/sanitizer
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
export PORTGUARD_STRESS_SCALE=${PORTGUARD_STRESS_SCALE:-0.2}
suites=${TSAN_SUITES:-'^portguard_tests\.'}

cmake --preset tsan >/dev/null
# GCC warns at length that Asio's fences are not instrumented (-Wtsan); the
# build log goes to a file and is shown only if the build fails.
if ! cmake --build --preset tsan --parallel 2 --target portguard_tests >build/tsan/build.log 2>&1; then
  grep -v -e '-Wtsan' build/tsan/build.log | tail -100
  exit 1
fi
rm -rf "$reports"
mkdir -p "$reports"
chmod 1777 "$reports"

# ThreadSanitizer needs the address layout it was built for; kernels with
# more mmap randomisation than it supports make it fail at start-up.
run=()
if command -v setarch >/dev/null && setarch "$(uname -m)" -R true 2>/dev/null; then
  run=(setarch "$(uname -m)" -R)
fi
status=0
"${run[@]}" ctest --preset tsan -R "$suites" || status=$?

exec bash scripts/sanitizer-reports.sh "$reports" build/tsan/Testing/Temporary/LastTest.log "$status"
