//
// test/support/connections.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Loopback connections and clocks shared by the suites that open, close and
// restart servers (graceful_close, bind_with_retry, scenario_restart).
//
#ifndef PORTGUARD_TEST_SUPPORT_CONNECTIONS_HPP
#define PORTGUARD_TEST_SUPPORT_CONNECTIONS_HPP

#include "net.hpp"

#include <portguard/bind_with_retry.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace pg_test {

namespace net = portguard::net;

/// A connected pair on loopback: the server's accepted end and the client.
struct connection
{
  explicit connection(net::io_context& ctx) : server(ctx), client(ctx) {}
  net::ip::tcp::socket server;
  net::ip::tcp::socket client;
};

/// `count` connections accepted by `acceptor` (listening on loopback). With
/// `exchange`, each carries a few bytes both ways first (live traffic).
inline std::vector<std::unique_ptr<connection>> connect_many(net::io_context& ctx,
    net::ip::tcp::acceptor& acceptor, int count, bool exchange = false)
{
  std::vector<std::unique_ptr<connection>> result;
  const net::ip::tcp::endpoint target(net::ip::address_v4::loopback(),
      acceptor.local_endpoint().port());
  for (int i = 0; i < count; ++i)
  {
    auto c = std::make_unique<connection>(ctx);
    c->client.connect(target);
    acceptor.accept(c->server);
    if (exchange)
    {
      const char hello[] = "hello";
      net::write(c->client, net::buffer(hello));
      char got[sizeof(hello)];
      net::read(c->server, net::buffer(got));
      net::write(c->server, net::buffer(got));
      net::read(c->client, net::buffer(got));
    }
    result.push_back(std::move(c));
  }
  return result;
}

using clock_type = std::chrono::steady_clock;

/// Milliseconds since `start`.
inline long long elapsed_ms(clock_type::time_point start)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start)
      .count();
}

/// Fast retries for tests: a budget of about a second at most.
inline portguard::retry_options quick_retry(unsigned attempts)
{
  portguard::retry_options r;
  r.attempts = attempts;
  r.initial_delay = std::chrono::milliseconds(10);
  r.backoff_factor = 2;
  r.max_delay = std::chrono::milliseconds(80);
  return r;
}

} // namespace pg_test

#endif
