//
// test/bench/schedule.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The schedule: contenders take turns in short interleaved slices, so a
// noisy machine slows them alike.
//
#ifndef PORTGUARD_BENCH_SCHEDULE_HPP
#define PORTGUARD_BENCH_SCHEDULE_HPP

#include "timing.hpp"

#include <functional>
#include <vector>

namespace pg_bench {

// Every order of the contenders: successive slices cycle through them, so
// each contender runs first, middle and last equally often, and every pair
// in both orders.
std::vector<std::vector<int>> all_orders(int contenders);

struct contender
{
  const char* name;
  std::function<elapsed(long)> measure; // does n operations, timed
};

struct schedule
{
  int rounds;      // recorded rounds
  long per_round;  // operations per contender and round
  int slices;      // a round is this many interleaved slices
};

// Runs the contenders interleaved: a round is `slices` slices, and in each
// slice every contender does per_round / slices operations, in the next of
// all_orders(). Contenders running side by side within milliseconds share
// the machine's mood, so their ratio holds up on a noisy machine. One
// unrecorded warm-up slice comes first. print_rates() (report.hpp) prints
// what it measured.
struct round_times
{
  std::vector<std::vector<elapsed>> rounds; // per contender, each round's time
  double operations = 0;                    // per contender and round
};

round_times run_rounds(std::vector<contender>& contenders, const schedule& plan);

} // namespace pg_bench

#endif
