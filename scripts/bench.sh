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
#   scripts/bench.sh --scan-only           # only portguard-probe scan, 1 000 to 10 000 sockets
#   scripts/bench.sh --no-scan             # everything but the scan
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
scan=yes
others=yes
rest=()
for arg in "$@"; do
  case "$arg" in
    --scan-only) others=no ;;
    --no-scan) scan=no ;;
    *) rest+=("$arg") ;;
  esac
done
set -- ${rest[@]+"${rest[@]}"}
exec 3>&1 1>&2 # everything but run.py's own output goes to stderr
# Only what the benchmark needs (the test command's list is much longer):
# strace counts the system calls, valgrind the compiler's instructions.
packages=(cmake ninja-build g++ python3 libboost1.81-dev strace valgrind)
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
# The probe is measured when it builds; the benchmark goes on without it.
probe=()
if ! cmake --build --preset bench -j 2 --target portguard-probe >/dev/null 2>&1; then
  echo "portguard-probe did not build: its audit is reported as not available"
  probe=(--no-probe)
  scan=no
fi

if [ "$others" = yes ]; then
  cmake --build --preset bench -j 2 --target portguard_bench
  python3 test/bench/run.py --build-dir build/bench ${probe[@]+"${probe[@]}"} "$@" >&3
fi
# portguard-probe scan: a host with 1 000 to 10 000 bound sockets (made by the
# script), scanned passively (as root: every socket's options read), and once
# with --active. The table goes to standard error with the rest.
if [ "$scan" = yes ]; then
  python3 test/bench/scan_bench.py --probe build/bench/src/portguard-probe
fi
echo "bench.sh: $((SECONDS - start)) s"
