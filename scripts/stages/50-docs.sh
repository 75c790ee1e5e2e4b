#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# The API reference: Doxygen over the public headers must give zero warnings
# (every public name documented, no broken commands). Output: build/docs/html.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build
start=$SECONDS
if doxygen docs/Doxyfile; then
  echo "docs: API reference in build/docs/html/index.html, zero warnings ($((SECONDS - start)) s)"
else
  echo "docs: Doxygen warned on the public headers (see above); document every public name"
  exit 1
fi
