#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Regenerates the generated parts of docs/platforms.md:
# - the rules tables, printed from portguard::rules (port_rules.hpp) by
#   build/default/test/portguard_rules_tables, between
#   <!-- BEGIN GENERATED RULES -->  and  <!-- END GENERATED RULES -->;
# - the observed matrices: runs `portguard-probe --matrix --markdown`
#   natively on Linux and, as a Windows build, under Wine, and replaces
#   everything between
#   <!-- BEGIN GENERATED MATRIX -->  and  <!-- END GENERATED MATRIX -->
#   with the two tables, stamped with OS, kernel, Wine, Boost and compilers.
#
#   scripts/gen-platforms.sh            build what is needed, regenerate both
#   scripts/gen-platforms.sh --linux    Linux only (keeps nothing from Wine)
#   scripts/gen-platforms.sh --rules    the rules tables only (no probes)
#   scripts/gen-platforms.sh --check    regenerate into a temporary copy and
#                                       fail if the tables differ from the file
#
# Probes: build/default/src/portguard-probe and
# build/windows/src/portguard-probe.exe (built through the `default` and
# `windows` presets when missing); override with PORTGUARD_PROBE and
# PORTGUARD_PROBE_EXE (and the file with PORTGUARD_PLATFORMS_DOC). The
# rules printer is always rebuilt (preset `default`, target
# portguard_rules_tables) unless PORTGUARD_RULES_TABLES names one. Run as
# root to include the `nobody` rival column.
set -euo pipefail
cd "$(dirname "$0")/.."

doc=${PORTGUARD_PLATFORMS_DOC:-docs/platforms.md}
begin='<!-- BEGIN GENERATED MATRIX -->'
end='<!-- END GENERATED MATRIX -->'
rules_begin='<!-- BEGIN GENERATED RULES -->'
rules_end='<!-- END GENERATED RULES -->'
windows=1
check=0
rules_only=0
for arg in "$@"; do
  case $arg in
    --linux) windows=0 ;;
    --rules) rules_only=1 ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gen-platforms: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

for marker in "$begin" "$end" "$rules_begin" "$rules_end"; do
  if [ ! -f "$doc" ] || ! grep -qF "$marker" "$doc"; then
    echo "gen-platforms: $doc needs the line '$marker'" >&2
    exit 2
  fi
done

# --- The rules tables ----------------------------------------------------------
rules_tables=${PORTGUARD_RULES_TABLES:-}
if [ -z "$rules_tables" ]; then
  rules_tables=build/default/test/portguard_rules_tables
  [ -f build/default/CMakeCache.txt ] || cmake --preset default >/dev/null
  cmake --build --preset default --target portguard_rules_tables >/dev/null
fi
rules_block=$(mktemp)
block=$(mktemp)
trap 'rm -f "$block" "$rules_block"' EXIT
"$rules_tables" >"$rules_block"

# Replaces the lines from marker $2 to marker $3 in file $1 with file $4.
splice() {
  python3 - "$1" "$4" "$2" "$3" <<'PY'
import sys
path, block_path, begin, end = sys.argv[1:]
text = open(path, encoding="utf-8").read()
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
block = open(block_path, encoding="utf-8").read().rstrip("\n")
open(path, "w", encoding="utf-8").write(head + block + tail)
PY
}

if [ "$rules_only" = 1 ]; then
  if [ "$check" = 1 ]; then
    copy=$(mktemp)
    cp "$doc" "$copy"
    splice "$copy" "$rules_begin" "$rules_end" "$rules_block"
    if cmp -s "$doc" "$copy"; then
      echo "gen-platforms: the rules tables in $doc are current"
      rm -f "$copy"
    else
      diff "$doc" "$copy" | head -20 >&2 || true
      echo "gen-platforms: the rules tables in $doc are stale; run scripts/gen-platforms.sh --rules" >&2
      rm -f "$copy"
      exit 1
    fi
  else
    splice "$doc" "$rules_begin" "$rules_end" "$rules_block"
    echo "gen-platforms: regenerated the rules tables in $doc"
  fi
  exit 0
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

if [ "$check" = 1 ]; then
  copy=$(mktemp)
  cp "$doc" "$copy"
  splice "$copy" "$rules_begin" "$rules_end" "$rules_block"
  splice "$copy" "$begin" "$end" "$block"
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
  splice "$doc" "$rules_begin" "$rules_end" "$rules_block"
  splice "$doc" "$begin" "$end" "$block"
  echo "gen-platforms: regenerated the rules tables and the matrices in $doc"
fi
