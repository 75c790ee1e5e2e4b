//
// test/bench/client.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The client: a separate process driving `window` connections at a time with
// epoll, so neither server waits on a single round trip and the accept queue
// never overflows (an overflow costs a one-second SYN retransmit).
//
#ifndef PORTGUARD_BENCH_CLIENT_HPP
#define PORTGUARD_BENCH_CLIENT_HPP

#include "bench.hpp"

#include <sys/types.h>

namespace pg_bench {

struct client_job
{
  std::uint16_t port;
  traffic mode;
  std::int32_t connections;
  std::int32_t window;
};

struct client_reply
{
  std::int32_t error; // 0 or an errno
  double cpu_seconds; // the client's CPU time for the job
};

/// The client process, forked at construction; it exits when destroyed.
class client_process
{
public:
  client_process();
  ~client_process();
  client_process(const client_process&) = delete;
  client_process& operator=(const client_process&) = delete;

  void start(const client_job& job);

  // Waits for the job to end; returns the client's CPU time for it.
  double finish();

private:
  pid_t pid_ = -1;
  int commands_ = -1;
  int replies_ = -1;
};

} // namespace pg_bench

#endif
