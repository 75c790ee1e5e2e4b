#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The Linux suite (Boost.Asio and standalone Asio flavours) with its examples.
set -euo pipefail
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default
