#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Mutants: named edits of the library that the suites must notice
# (scripts/mutants.sh). Runs after 10-linux.sh, reusing build/default: only
# the unit files a mutant is checked against are compiled again.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
bash scripts/mutants.sh
echo "-- mutants: $((SECONDS - start)) s"
