//
// test/bench/bench.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// What every part of portguard_bench shares: the Asio flavour, the two kinds
// of traffic, the round deadline, and the error every failed system call
// throws.
//
#ifndef PORTGUARD_BENCH_BENCH_HPP
#define PORTGUARD_BENCH_BENCH_HPP

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pg_bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t echo_size = 16;
constexpr auto round_deadline = std::chrono::seconds(60);

enum class traffic : std::int32_t { close = 0, echo = 1 };

inline const char* name_of(traffic t) { return t == traffic::close ? "close" : "echo"; }

[[noreturn]] inline void fail(const std::string& what, int err = errno)
{
  throw std::runtime_error(what + ": " + std::strerror(err));
}

} // namespace pg_bench

#endif
