#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The test command: installs what is missing, then runs every stage in
# scripts/stages/ in order (Linux suite, sanitizers, Windows suite under
# Wine, probe and fuzzing, ...). Stops at the first stage that fails.
# Each stage reports its wall time and the CPU time it used (user + system,
# a steadier measure than wall time on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

log_dir=build/logs
mkdir -p "$log_dir"
passed=0
failed=0
for stage in scripts/stages/[0-9]*.sh; do
  name=$(basename "$stage" .sh)
  echo "== stage $name"
  start=$SECONDS
  status=0
  TIMEFORMAT='%U %S'
  { time bash "$stage" 2>&1 | tee "$log_dir/$name.log"; } 2>"$log_dir/$name.cpu" || status=$?
  cpu=$(awk 'END {printf "%.0f", $1 + $2}' "$log_dir/$name.cpu")
  if [ "$status" -ne 0 ]; then
    echo "== stage $name FAILED after $((SECONDS - start)) s (log: $log_dir/$name.log)"
    exit 1
  fi
  echo "== stage $name passed in $((SECONDS - start)) s (cpu $cpu s)"
  # Sum CTest's own closing lines: "100% tests passed, 0 tests failed out of 12"
  while read -r p f; do
    passed=$((passed + p)); failed=$((failed + f))
  done < <(sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' \
              "$log_dir/$name.log" | awk '{print $1 - $2, $2}')
done
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
