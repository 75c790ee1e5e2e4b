//
// test/bench/schedule.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "schedule.hpp"

#include <algorithm>

namespace pg_bench {

std::vector<std::vector<int>> all_orders(int contenders)
{
  std::vector<int> order(contenders);
  for (int i = 0; i < contenders; ++i)
    order[i] = i;
  std::vector<std::vector<int>> all;
  do
    all.push_back(order);
  while (std::next_permutation(order.begin(), order.end()));
  return all;
}

round_times run_rounds(std::vector<contender>& contenders, const schedule& plan)
{
  const long slice = std::max(1L, plan.per_round / plan.slices);
  for (auto& c : contenders)
    c.measure(slice);
  const auto orders = all_orders(int(contenders.size()));
  std::size_t next_order = 0;
  std::vector<std::vector<elapsed>> rounds(contenders.size());
  for (int r = 0; r < plan.rounds; ++r)
  {
    std::vector<elapsed> total(contenders.size());
    for (int s = 0; s < plan.slices; ++s)
      for (int i : orders[next_order++ % orders.size()])
      {
        const elapsed e = contenders[i].measure(slice);
        total[i].wall += e.wall;
        total[i].cpu += e.cpu;
        total[i].client_cpu += e.client_cpu;
      }
    for (std::size_t i = 0; i < contenders.size(); ++i)
      rounds[i].push_back(total[i]);
  }
  return {rounds, double(slice) * plan.slices};
}

} // namespace pg_bench
