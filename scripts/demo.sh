#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The demo: builds portguard-probe and prints this platform's observed
# hijack matrix: plain Asio defenders and portguard defenders, each against
# real rival sockets, processes and (as root) another user.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target portguard-probe >/dev/null
exec build/default/src/portguard-probe --matrix "$@"
