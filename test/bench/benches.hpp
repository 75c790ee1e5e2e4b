//
// test/bench/benches.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The benchmarks the command line names; each prints one JSON object.
//
#ifndef PORTGUARD_BENCH_BENCHES_HPP
#define PORTGUARD_BENCH_BENCHES_HPP

#include "schedule.hpp"

#include <string>

namespace pg_bench {

/// Accept throughput: raw epoll, tcp::acceptor and secure_acceptor, each
/// serving the client process, "close" and "echo" traffic.
void bench_accept(const schedule& plan, int window);

/// open + bind + listen + close cycles of both acceptors.
void bench_setup(const schedule& plan);

/// secure_acceptor::is_exclusive() against the same check in plain Asio.
void bench_is_exclusive(const schedule& plan);

/// Setup cycles on a port that has a TIME_WAIT entry of a previous
/// instance (the restart case: the bind needs SO_REUSEADDR, so portguard
/// reads the socket table).
void bench_setup_time_wait(const schedule& plan);

/// The free portguard::is_exclusive() on an acceptor portguard did not bind
/// itself (no proof: the table's bound sockets are read) against the same
/// check in plain Asio.
void bench_is_exclusive_free(const schedule& plan);

/// Opens `count` unrelated sockets (UDP, TCP listening, TCP bound and not
/// listening, on loopback) held until the process exits: the crowded host.
void crowd_the_host(long count);

/// The work alone, n times, for counting system calls under strace.
int count_run(const std::string& what, const std::string& impl, long n);

/// Holds a listening port until standard input closes.
int hold(const std::string& impl);

} // namespace pg_bench

#endif
