#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Usage: sanitizer-reports.sh REPORT_DIR CTEST_LOG CTEST_STATUS
# Fails if any sanitizer report was written: to REPORT_DIR (log_path of
# every process, forked children included) or to a test's output, which
# CTest keeps in CTEST_LOG for passed tests too (UBSan linked with ASan
# writes to stderr). Otherwise exits with CTest's own status.
set -uo pipefail
reports=$1
log=$2
status=$3
pattern='runtime error:|ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|SUMMARY: [A-Za-z]+Sanitizer'
if compgen -G "$reports/*" >/dev/null || grep -Eq "$pattern" "$log"; then
  echo "== sanitizer reports:"
  for f in "$reports"/*; do [ -e "$f" ] && { echo "-- $f"; cat "$f"; }; done
  grep -E -B2 -A20 "$pattern" "$log" || true
  exit 1
fi
echo "== no sanitizer reports"
exit "$status"
