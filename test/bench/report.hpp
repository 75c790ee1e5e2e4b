//
// test/bench/report.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The JSON the driver (run.py) reads: each contender's rate per round.
//
#ifndef PORTGUARD_BENCH_REPORT_HPP
#define PORTGUARD_BENCH_REPORT_HPP

#include "schedule.hpp"

#include <vector>

namespace pg_bench {

/// Prints each contender's rate per round to stdout as one JSON object:
/// {"name": {"wall": [ops/s, ...], "cpu": [ops/s, ...]}, ...}, and for
/// accept how busy server and client were (CPU time / elapsed time).
void print_rates(const std::vector<contender>& contenders, const round_times& measured);

} // namespace pg_bench

#endif
