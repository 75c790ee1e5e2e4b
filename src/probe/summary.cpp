//
// src/probe/summary.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "summary.hpp"

#include <algorithm>
#include <cstdio>

namespace portguard {
namespace probe {

counts count(const std::vector<attempt>& attempts)
{
  counts c;
  for (const attempt& a : attempts)
  {
    if (a.result.kind == outcome::won) ++c.won;
    else if (a.result.kind == outcome::refused) ++c.refused;
    else ++c.skipped;
  }
  return c;
}

std::vector<attempt> of_identity(const std::vector<attempt>& attempts, identity who)
{
  std::vector<attempt> out;
  for (const attempt& a : attempts)
    if (a.who == who)
      out.push_back(a);
  return out;
}

bool all_skipped(const std::vector<attempt>& attempts, std::string& reason)
{
  if (attempts.empty())
    return false;
  for (const attempt& a : attempts)
    if (a.result.kind != outcome::skipped || a.result.note != attempts.front().result.note)
      return false;
  reason = attempts.front().result.note;
  return true;
}

std::string skip_reasons(const std::vector<attempt>& attempts)
{
  std::vector<std::string> reasons;
  for (const attempt& a : attempts)
    if (a.result.kind == outcome::skipped
        && std::find(reasons.begin(), reasons.end(), a.result.note) == reasons.end())
      reasons.push_back(a.result.note);
  std::string joined;
  for (const std::string& r : reasons)
    joined += (joined.empty() ? "" : "; ") + r;
  return joined;
}

std::string three_decimals(double v)
{
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", v);
  return buffer;
}

} // namespace probe
} // namespace portguard
