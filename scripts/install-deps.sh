#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Installs what portguard's demo and tests need on Debian 12, if missing.
# Runs as root (or through sudo when available). The Boost 1.74 headers of
# the compatibility stage are not installed: scripts/stages/15-compat.sh
# downloads libboost1.74-dev and unpacks it into build/deps.
set -euo pipefail

packages=(
  cmake ninja-build g++ python3 pkg-config doxygen
  libboost1.81-dev libboost-test1.81-dev libasio-dev
  clang libclang-rt-14-dev
  g++-mingw-w64-x86-64-posix wine64
  # portguard-probe scan's tests: servers it did not write, and a real
  # Prometheus text parser.
  nginx-light socat python3-prometheus-client
  # The operator's pipeline: the probe's JSON (Boost.JSON), its Debian
  # packages (debhelper, lintian), node_exporter serving the scan's file,
  # promtool checking it and the alert rules, systemd-analyze on the units,
  # ss reading a socket's cgroup classid.
  libboost-json1.81-dev prometheus prometheus-node-exporter
  debhelper dpkg-dev fakeroot lintian systemd iproute2 strace
  # The framework examples and docs/frameworks.md's snippets (RESTinio
  # brings libfmt-dev and libhttp-parser-dev; it runs on libasio-dev).
  librestinio-dev libwebsocketpp-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
