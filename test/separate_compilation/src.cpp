// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
// The one file of a PORTGUARD_SEPARATE_COMPILATION program that compiles
// portguard's definitions.
#include <portguard/impl/src.hpp>
