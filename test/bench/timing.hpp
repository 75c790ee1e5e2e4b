//
// test/bench/timing.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Timing: elapsed time and this thread's CPU time of a piece of work.
//
#ifndef PORTGUARD_BENCH_TIMING_HPP
#define PORTGUARD_BENCH_TIMING_HPP

#include "bench.hpp"

namespace pg_bench {

double seconds_since(clock_type::time_point start);

/// This thread's CPU time (user + system), in seconds.
double thread_cpu_seconds();

/// Time spent on a piece of work: elapsed, and this thread's CPU time (user +
/// system). On a shared machine the CPU time does not count the time slices
/// other processes take.
struct elapsed
{
  double wall = 0;
  double cpu = 0;
  double client_cpu = 0; // accept only: the client process's CPU time
};

class stopwatch
{
public:
  elapsed stop() const
  {
    return {seconds_since(wall_start_), thread_cpu_seconds() - cpu_start_};
  }

private:
  clock_type::time_point wall_start_ = clock_type::now();
  double cpu_start_ = thread_cpu_seconds();
};

} // namespace pg_bench

#endif
