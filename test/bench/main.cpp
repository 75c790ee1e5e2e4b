//
// test/bench/main.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Measures what portguard costs against plain Boost.Asio, both in one
// process and one run. The contenders take turns in short slices, so a
// noisy machine slows them alike; each prints its rate per round, by
// elapsed time and by CPU time, as one JSON object on stdout. The driver
// (run.py) turns the rounds into medians, ratios and spreads.
//
// The command line; the parts are in timing, client, servers, schedule,
// report and benches.
//
//   portguard_bench accept [--connections N] [--rounds R] [--slices S] [--window W]
//       Loopback accept throughput of a raw epoll/accept4 loop (the physical
//       ceiling), tcp::acceptor and portguard::secure_acceptor, each serving
//       a client in another (forked) process: "close" (connect, the server
//       accepts and closes) and "echo" (connect, 16 bytes each way, close).
//   portguard_bench setup [--cycles N] [--rounds R] [--slices S]
//       open + bind + listen + close cycles per second of both acceptors.
//   portguard_bench is_exclusive [--calls N] [--rounds R] [--slices S]
//       secure_acceptor::is_exclusive() against the same three-option check
//       written with plain Asio get_option calls.
//   portguard_bench count-setup {asio|portguard} N
//   portguard_bench count-is_exclusive {asio|portguard} N
//       Do only that, N times, for counting system calls under strace.
//   portguard_bench hold {asio|portguard}
//       Listen on 127.0.0.1 (as each endpoint constructor does), print the
//       port, and hold it until standard input closes: a port to audit.
//
#include "benches.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include <signal.h>

namespace {

using pg_bench::schedule;

long option(char** begin, char** end, const char* name, long fallback)
{
  for (char** p = begin; p + 1 < end; ++p)
    if (std::strcmp(*p, name) == 0)
    {
      char* tail = nullptr;
      const long v = std::strtol(p[1], &tail, 10);
      if (*tail != '\0' || v <= 0)
        throw std::invalid_argument(std::string("bad value for ") + name);
      return v;
    }
  return fallback;
}

void usage()
{
  std::fprintf(stderr,
      "usage: portguard_bench accept [--connections N] [--rounds R] [--slices S] [--window W]\n"
      "       portguard_bench setup [--cycles N] [--rounds R] [--slices S]\n"
      "       portguard_bench is_exclusive [--calls N] [--rounds R] [--slices S]\n"
      "       portguard_bench setup_time_wait [--cycles N] [--rounds R] [--slices S]\n"
      "       portguard_bench is_exclusive_free [--calls N] [--rounds R] [--slices S]\n"
      "       (each of these also takes --crowd N: N unrelated sockets held meanwhile)\n"
      "       portguard_bench count-setup|count-is_exclusive asio|portguard N\n"
      "       portguard_bench hold asio|portguard\n");
}

} // namespace

int main(int argc, char** argv)
{
  ::signal(SIGPIPE, SIG_IGN);
  if (argc < 2)
  {
    usage();
    return 2;
  }
  const std::string what = argv[1];
  char** begin = argv + 2;
  char** end = argv + argc;
  try
  {
    const auto plan = [&](const char* count_name, long count, int rounds, int slices) {
      return schedule{int(option(begin, end, "--rounds", rounds)),
          option(begin, end, count_name, count), int(option(begin, end, "--slices", slices))};
    };
    long crowd = 0;
    for (char** p = begin; p + 1 < end; ++p)
      if (std::strcmp(*p, "--crowd") == 0)
        crowd = option(begin, end, "--crowd", 1);
    pg_bench::crowd_the_host(crowd);
    if (what == "accept")
      pg_bench::bench_accept(plan("--connections", 20000, 5, 10), int(option(begin, end, "--window", 32)));
    else if (what == "setup")
      pg_bench::bench_setup(plan("--cycles", 20000, 10, 10));
    else if (what == "is_exclusive")
      pg_bench::bench_is_exclusive(plan("--calls", 100000, 10, 10));
    else if (what == "setup_time_wait")
      pg_bench::bench_setup_time_wait(plan("--cycles", 400, 6, 4));
    else if (what == "is_exclusive_free")
      pg_bench::bench_is_exclusive_free(plan("--calls", 400, 6, 4));
    else if (what == "hold" && argc == 3)
      return pg_bench::hold(argv[2]);
    else if ((what == "count-setup" || what == "count-is_exclusive") && argc == 4)
      return pg_bench::count_run(what, argv[2], std::strtol(argv[3], nullptr, 10));
    else
    {
      usage();
      return 2;
    }
  }
  catch (const std::exception& e)
  {
    std::fprintf(stderr, "portguard_bench %s: %s\n", what.c_str(), e.what());
    return 1;
  }
  return 0;
}
