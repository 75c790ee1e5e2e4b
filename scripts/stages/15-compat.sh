#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Compatibility: the compiler, language standard and Boost version users
# have beside the GCC / C++17 / Boost 1.81 of 10-linux.sh, in one build:
#
#   preset "clang"  clang++, C++20, against Debian's Boost 1.74 headers
#                   (libboost1.74-dev, downloaded and unpacked into
#                   build/deps, never installed), with BOOST_ASIO_NO_DEPRECATED
#                   and BOOST_ASIO_NO_TS_EXECUTORS (ASIO_... for standalone):
#                   the unit suite, the examples and every public header alone
#                   in both flavours are built, and the unit suite is run.
#                   The build must not have read a single header of the
#                   system's Boost.
#
# One build covering the three differences, rather than one build per
# difference, keeps the stage within the test command's time budget.
set -euo pipefail
cd "$(dirname "$0")/../.."

# --- Boost 1.74 headers, unpacked from Debian's package --------------------
deps=build/deps
boost_root=$deps/boost-1.74
if [ ! -f "$boost_root/usr/include/boost/version.hpp" ]; then
  mkdir -p "$deps"
  rm -rf "$boost_root" "$deps"/libboost1.74-dev_*.deb
  download() { (cd "$deps" && apt-get download -q -o APT::Sandbox::User=root libboost1.74-dev); }
  if ! download >/dev/null 2>&1; then
    # The package lists may be missing or stale on a fresh machine.
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    if ! download; then
      echo "15-compat: could not download libboost1.74-dev (apt-get download libboost1.74-dev)." >&2
      echo "15-compat: this stage needs Debian 12's package sources and network access." >&2
      exit 1
    fi
  fi
  dpkg -x "$deps"/libboost1.74-dev_*.deb "$boost_root"
  rm -f "$deps"/libboost1.74-dev_*.deb
fi
grep -q 'define BOOST_LIB_VERSION "1_74"' "$boost_root/usr/include/boost/version.hpp" || {
  echo "15-compat: $boost_root does not hold Boost 1.74" >&2; exit 1; }

start=$SECONDS
cmake --preset clang >/dev/null
cmake --build --preset clang -j2
# Every Boost header the compiler read must be 1.74's: one from the system's
# /usr/include would mean the build tested Boost 1.81 after all.
if ninja -C build/clang -t deps | grep -q '^ */usr/include/boost/'; then
  echo "15-compat: the Boost 1.74 build read headers of the system's Boost:" >&2
  ninja -C build/clang -t deps | grep '^ */usr/include/boost/' | sort -u | head -20 >&2
  exit 1
fi
echo "-- clang C++20 Boost 1.74 build: $((SECONDS - start)) s"
ctest --preset clang -R '^portguard_tests\.'
