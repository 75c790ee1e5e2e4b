#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The Windows suite: cross-builds everything with mingw-w64 (the `windows`
# preset) and runs the tests under Wine, then the Windows mutants.
#
# This stage owns the wineserver of the build's Wine prefix: a server
# started by a process whose output is a pipe keeps that pipe open, and
# CTest (or the tee of scripts/test.sh) would wait on it forever. So the
# server is started first with every stream on /dev/null, the prefix is
# booted once with all output thrown away, the tests run, and the server
# is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

wine_dir=/usr/lib/wine
export WINEPREFIX="$PWD/build/windows/wineprefix"
export WINESERVER="$wine_dir/wineserver"
export WINEDEBUG=-all
export WINEDLLOVERRIDES="winemenubuilder.exe,mscoree,mshtml="

for tool in "$wine_dir/wine64" "$WINESERVER" "$(command -v x86_64-w64-mingw32-g++-posix || true)"; do
  [ -n "$tool" ] && [ -x "$tool" ] && continue
  echo "30-windows: missing ${tool:-x86_64-w64-mingw32-g++-posix};" \
       "run scripts/install-deps.sh (g++-mingw-w64-x86-64-posix, wine64)" >&2
  exit 1
done

start=$SECONDS
cmake --preset windows >/dev/null
cmake --build --preset windows -j2
echo "-- Windows build: $((SECONDS - start)) s"

mkdir -p "$WINEPREFIX"
stop_wineserver() { "$WINESERVER" -k </dev/null >/dev/null 2>&1 || true; }
trap stop_wineserver EXIT
"$WINESERVER" -p </dev/null >/dev/null 2>&1 || true   # 2: already running
boot=$SECONDS
scripts/wine-run build/windows/test/portguard_tests.exe --list_content \
  </dev/null >/dev/null 2>&1 || { echo "Wine could not run the test executable"; exit 1; }
echo "-- Wine prefix ready: $((SECONDS - boot)) s"

tests=$SECONDS
ctest --preset windows
echo "-- Windows tests under Wine: $((SECONDS - tests)) s"

# The Windows mutants (set_exclusive() without SO_EXCLUSIVEADDRUSE; the
# exclusive_address_use option naming another option): one unit file
# compiled again against a mutated header, its suite run under Wine; some
# test must fail (scripts/mutants.py, as in 12-mutants.sh for Linux).
mutants=$SECONDS
python3 scripts/mutants.py build/windows --platform windows \
  --markdown build/windows/mutant-logs/table.md
echo "-- Windows mutants: $((SECONDS - mutants)) s (stage: $((SECONDS - start)) s)"

# The observed matrices in docs/platforms.md are what both probes print
# today (Linux natively, the Windows build under Wine). As root the matrix
# has the `nobody` column the page shows.
if [ "$(id -u)" -eq 0 ]; then
  matrices=$SECONDS
  PORTGUARD_PROBE_EXE=build/windows/src/portguard-probe.exe bash scripts/gen-platforms.sh --check
  echo "-- docs/platforms.md matrices checked: $((SECONDS - matrices)) s"
else
  echo "SKIPPED platforms_md_matrices: the page's matrices were observed as root (the nobody column)"
fi
