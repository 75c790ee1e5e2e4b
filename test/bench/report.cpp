//
// test/bench/report.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "report.hpp"

#include <cstdio>

namespace pg_bench {

void print_rates(const std::vector<contender>& contenders, const round_times& measured)
{
  const auto& rounds = measured.rounds;
  const double operations = measured.operations;
  std::printf("{");
  for (std::size_t i = 0; i < contenders.size(); ++i)
  {
    std::printf("%s\"%s\": {", i ? ", " : "", contenders[i].name);
    for (auto field : {&elapsed::wall, &elapsed::cpu})
    {
      std::printf("%s\"%s\": [", field == &elapsed::wall ? "" : ", ",
          field == &elapsed::wall ? "wall" : "cpu");
      for (std::size_t r = 0; r < rounds[i].size(); ++r)
        std::printf("%s%.1f", r ? ", " : "", operations / (rounds[i][r].*field));
      std::printf("]");
    }
    if (rounds[i].front().client_cpu > 0)
    {
      // How busy each side was: a side near 1.0 is what limits the rate.
      for (auto field : {&elapsed::cpu, &elapsed::client_cpu})
      {
        std::printf(", \"%s\": [", field == &elapsed::cpu ? "server_busy" : "client_busy");
        for (std::size_t r = 0; r < rounds[i].size(); ++r)
          std::printf("%s%.3f", r ? ", " : "", rounds[i][r].*field / rounds[i][r].wall);
        std::printf("]");
      }
    }
    std::printf("}");
  }
  std::printf("}");
  std::fflush(stdout);
}

} // namespace pg_bench
