#!/usr/bin/env bash
# The Linux suite (Boost.Asio and standalone Asio flavours) with its examples.
set -euo pipefail
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default
