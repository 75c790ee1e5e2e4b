//
// src/probe/summary.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// What the table printer and the JSON writer both count: attempts per
// outcome, per identity, and why they were skipped.
//
#ifndef PORTGUARD_PROBE_SUMMARY_HPP
#define PORTGUARD_PROBE_SUMMARY_HPP

#include "rivals.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

/// How many attempts won, were refused, were skipped.
struct counts
{
  std::size_t won = 0, refused = 0, skipped = 0;
};

counts count(const std::vector<attempt>& attempts);

/// The attempts one identity made.
std::vector<attempt> of_identity(const std::vector<attempt>& attempts, identity who);

/// Whether every attempt was skipped for one reason; that reason.
bool all_skipped(const std::vector<attempt>& attempts, std::string& reason);

/// The distinct reasons attempts were skipped, joined with "; ".
std::string skip_reasons(const std::vector<attempt>& attempts);

/// A number with three decimals ("1.500"), as both outputs print times.
std::string three_decimals(double v);

} // namespace probe
} // namespace portguard

#endif
