#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The test command: installs what is missing, then runs every stage in
# scripts/stages/ in order (Linux suite, sanitizers, Windows suite under
# Wine, probe and fuzzing, ...). Stops at the first stage that fails.
# Each stage reports its wall time and the CPU time it used (user + system,
# a steadier measure than wall time on a shared machine), and what its tests
# did: passed, failed and skipped, each skip with its reason
# (scripts/test-summary.py reads CTest's output and the LastTest.log files
# the stage wrote). A skip of something this machine must run (the
# as-`nobody` cells when running as root) fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

log_dir=build/logs
mkdir -p "$log_dir"
passed=0
failed=0
skipped=0
skipped_cases=0
stamp=$log_dir/.stage-start
for stage in scripts/stages/[0-9]*.sh; do
  name=$(basename "$stage" .sh)
  echo "== stage $name"
  start=$SECONDS
  touch "$stamp"
  status=0
  TIMEFORMAT='%U %S'
  { time bash "$stage" 2>&1 | tee "$log_dir/$name.log"; } 2>"$log_dir/$name.cpu" || status=$?
  cpu=$(awk 'END {printf "%.0f", $1 + $2}' "$log_dir/$name.cpu")
  if [ "$status" -ne 0 ]; then
    echo "== stage $name FAILED after $((SECONDS - start)) s (log: $log_dir/$name.log)"
    # The failed checks themselves, which a long test log buries.
    grep -E '\): (fatal )?error|\): last checkpoint|Test  *#.*\*\*\*' "$log_dir/$name.log" \
      | head -40 || true
    exit 1
  fi
  echo "== stage $name passed in $((SECONDS - start)) s (cpu $cpu s)"
  # CTest's closing lines, and the test logs CTest wrote during this stage.
  mapfile -t last_tests < <(find build -path '*/Testing/Temporary/LastTest*.log' \
                              -newer "$stamp" 2>/dev/null)
  summary_status=0
  python3 scripts/test-summary.py "$name" "$log_dir/$name.log" "${last_tests[@]}" \
    > "$log_dir/$name.summary" || summary_status=$?
  grep -v '^counts ' "$log_dir/$name.summary" || true
  read -r _ p f s c < <(grep '^counts ' "$log_dir/$name.summary")
  passed=$((passed + p)); failed=$((failed + f))
  skipped=$((skipped + s)); skipped_cases=$((skipped_cases + c))
  if [ "$summary_status" -ne 0 ]; then
    echo "== stage $name skipped tests that must run on this machine (see above)"
    exit 1
  fi
done
echo
echo "tests: $passed passed, $failed failed, $skipped skipped;" \
     "$skipped_cases test cases skipped inside suites (reasons above)"
[ "$failed" -eq 0 ]
