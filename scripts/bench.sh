#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The benchmark: portguard against plain Boost.Asio, measured in one run.
# Installs what it needs if missing (with strace, to count system calls), builds
# the `bench` preset (Release) and prints one table; see docs/performance.md.
#
#   scripts/bench.sh                       # the table
#   scripts/bench.sh --json results.json   # and the data behind it
#   scripts/bench.sh --json > results.json # the data on stdout, the table on stderr
#   scripts/bench.sh --connections 5000    # fewer accepts a round (quicker)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
exec 3>&1 1>&2 # everything but run.py's own output goes to stderr
# Only what the benchmark needs (the test command's list is much longer):
# strace counts the system calls.
packages=(cmake ninja-build g++ python3 libboost1.81-dev strace)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

cmake --preset bench >/dev/null
cmake --build --preset bench -j 2 --target portguard_bench
# The probe is measured when it builds; the benchmark goes on without it.
probe=()
if ! cmake --build --preset bench -j 2 --target portguard-probe >/dev/null 2>&1; then
  echo "portguard-probe did not build: its audit is reported as not available"
  probe=(--no-probe)
fi

python3 test/bench/run.py --build-dir build/bench "${probe[@]}" "$@" >&3
echo "bench.sh: $((SECONDS - start)) s"
