#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Regenerates the observed matrices in docs/platforms.md: runs
# `portguard-probe --matrix --markdown` natively on Linux and, as a Windows
# build, under Wine, and replaces everything between
#   <!-- BEGIN GENERATED MATRIX -->  and  <!-- END GENERATED MATRIX -->
# with the two tables, stamped with OS, kernel, Wine, Boost and compilers.
#
#   scripts/gen-platforms.sh            build both probes if needed, regenerate
#   scripts/gen-platforms.sh --linux    Linux only (keeps nothing from Wine)
#   scripts/gen-platforms.sh --check    regenerate into a temporary copy and
#                                       fail if the tables differ from the file
#
# Probes: build/default/src/portguard-probe and
# build/windows/src/portguard-probe.exe (built through the `default` and
# `windows` presets when missing); override with PORTGUARD_PROBE and
# PORTGUARD_PROBE_EXE (and the file with PORTGUARD_PLATFORMS_DOC). Run as root to include the `nobody` rival column.
set -euo pipefail
cd "$(dirname "$0")/.."

doc=${PORTGUARD_PLATFORMS_DOC:-docs/platforms.md}
begin='<!-- BEGIN GENERATED MATRIX -->'
end='<!-- END GENERATED MATRIX -->'
windows=1
check=0
for arg in "$@"; do
  case $arg in
    --linux) windows=0 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gen-platforms: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ ! -f "$doc" ] || ! grep -qF "$begin" "$doc" || ! grep -qF "$end" "$doc"; then
  echo "gen-platforms: $doc needs the lines '$begin' and '$end'" >&2
  exit 2
fi

linux_probe=${PORTGUARD_PROBE:-build/default/src/portguard-probe}
windows_probe=${PORTGUARD_PROBE_EXE:-build/windows/src/portguard-probe.exe}

if [ ! -x "$linux_probe" ]; then
  echo "gen-platforms: building $linux_probe" >&2
  cmake --preset default >/dev/null
  cmake --build --preset default --target portguard-probe >/dev/null
fi
if [ "$windows" = 1 ] && [ ! -f "$windows_probe" ]; then
  echo "gen-platforms: building $windows_probe" >&2
  cmake --preset windows >/dev/null
  cmake --build --preset windows --target portguard-probe >/dev/null
fi

# Runs a probe; exit 1 (a portguard server lost its port) is a result to
# record, anything else is a failure to run.
run_matrix() {
  local status=0
  "$@" --matrix --markdown </dev/null || status=$?
  if [ "$status" -gt 1 ]; then
    echo "gen-platforms: '$*' --matrix failed with status $status" >&2
    return 1
  fi
  [ "$status" = 0 ] || echo "gen-platforms: WARNING: a portguard server lost its port in '$*'" >&2
}

linux_table=$(run_matrix "$linux_probe")
if [ "$windows" = 1 ]; then
  windows_table=$(run_matrix bash scripts/wine-run "$windows_probe")
fi

# --- Stamp -------------------------------------------------------------------
os=$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s)
kernel=$(uname -srm)
boost=$(sed -nE 's/^#define BOOST_LIB_VERSION "([0-9_]+)".*/\1/p' /usr/include/boost/version.hpp 2>/dev/null | tr _ .)
asio=$(sed -nE 's/^#define ASIO_VERSION ([0-9]+).*/\1/p' /usr/include/asio/version.hpp 2>/dev/null)
[ -n "$asio" ] && asio="$((asio / 100000)).$((asio / 100 % 1000)).$((asio % 100))"
cxx=$(c++ --version 2>/dev/null | head -n1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
wine_version=
mingw=
if [ "$windows" = 1 ]; then
  wine_version=$(WINEDEBUG=-all "${PORTGUARD_WINE_DIR:-/usr/lib/wine}/wine64" --version 2>/dev/null || echo unknown)
  mingw=$(x86_64-w64-mingw32-g++-posix --version 2>/dev/null | head -n1)
fi

block=$(mktemp)
trap 'rm -f "$block"' EXIT
{
  echo "$begin"
  echo "<!-- Written by scripts/gen-platforms.sh: edit the script, not this block. -->"
  echo
  echo "Observed on $(date -u +%Y-%m-%d) at commit \`$commit\` by \`scripts/gen-platforms.sh\` (run as $(id -un))."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| OS | $os |"
  echo "| Kernel | $kernel |"
  [ "$windows" = 1 ] && echo "| Wine | $wine_version (Windows build: $mingw) |"
  echo "| Boost | ${boost:-unknown} (standalone Asio ${asio:-not installed}) |"
  echo "| Compiler | $cxx |"
  echo
  echo "$linux_table"
  if [ "$windows" = 1 ]; then
    echo
    echo "The Windows build runs under Wine, which models Windows' bind rules for TCP"
    echo "sockets that are bound but not listening. It does not model UDP exclusivity,"
    echo "a dual-stack \`::\` rival against an exclusive \`0.0.0.0\` socket, or a"
    echo "listening socket (Linux underneath refuses every overlapping bind): cells"
    echo "there show Wine, not Windows."
    echo
    echo "$windows_table"
  fi
  echo "$end"
} >"$block"

# Replaces the lines from $begin to $end in $1 with the block.
splice() {
  python3 - "$1" "$block" "$begin" "$end" <<'PY'
import sys
path, block_path, begin, end = sys.argv[1:]
text = open(path, encoding="utf-8").read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
block = open(block_path, encoding="utf-8").read().rstrip("\n")
open(path, "w", encoding="utf-8").write(head + block + tail)
PY
}

if [ "$check" = 1 ]; then
  copy=$(mktemp)
  cp "$doc" "$copy"
  splice "$copy"
  # Compare the tables only: stamps (date, commit, versions) may differ.
  tables() { grep '^|' "$1" | grep -vE '^\| (OS|Kernel|Wine|Boost|Compiler) \|' || true; }
  if diff <(tables "$doc") <(tables "$copy"); then
    echo "gen-platforms: $doc matches what the probe prints today"
    rm -f "$copy"
  else
    echo "gen-platforms: $doc differs from what the probe prints today (see above);" \
         "run scripts/gen-platforms.sh" >&2
    rm -f "$copy"
    exit 1
  fi
else
  splice "$doc"
  echo "gen-platforms: regenerated the matrices in $doc"
fi
