#!/usr/bin/env bash
# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Mutants of the library, each of which some test must kill (fail on).
#
#   scripts/mutants.sh [--only NAME,...]
#
# The mutants and how they are built are in scripts/mutants.py: each is a
# small edit of one header, anchored on text that must be found exactly, put
# in an overlay folder in front of include/ for the one or two suites listed
# against it (the portguard_mutant_<suite> executables of build/default,
# test/CMakeLists.txt). The source tree is never touched. Only those unit
# files compile again (the objects of main.cpp and support/ and the
# precompiled header are portguard_tests' own), so a mutant costs one or two
# compiles of ~20 s rather than a rebuild of the suite. Prints, per mutant,
# the suites and Boost.Test cases that killed it and a Markdown table
# (also in build/default/mutant-logs/table.md, suite output beside it), and
# fails if a mutant survived.
#
# The Linux mutants. The Windows branch of set_exclusive() (SO_EXCLUSIVEADDRUSE)
# is not compiled here: its mutant runs from scripts/stages/30-windows.sh,
# `mutants.py build/windows --platform windows`, the suite under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/default
# Reuse build/default as configured by 10-linux.sh; configure it if absent.
[ -f "$build/build.ninja" ] || cmake --preset default >/dev/null
exec python3 scripts/mutants.py "$build" --markdown "$build/mutant-logs/table.md" "$@"
