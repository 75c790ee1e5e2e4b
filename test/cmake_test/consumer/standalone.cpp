// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0

// A consumer of portguard::standalone alone: standalone Asio, std::error_code,
// and not one Boost header (the package must not need Boost for this).
#include <portguard/portguard.hpp>

#include <asio/io_context.hpp>

#include <iostream>
#include <string>
#include <system_error>
#include <type_traits>

#if defined(BOOST_VERSION) || defined(BOOST_CONFIG_HPP)
#  error "portguard::standalone brought in a Boost header"
#endif

static_assert(std::is_same<portguard::error_code, std::error_code>::value,
    "the standalone flavour uses std::error_code");

int main()
{
  asio::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, {asio::ip::make_address("127.0.0.1"), 0});

  asio::ip::udp::socket udp(ctx);
  std::error_code ec;
  portguard::exclusive_bind(udp, {asio::ip::make_address("127.0.0.1"), 0},
      portguard::exclusivity::required, ec);

  const std::error_code not_exclusive = portguard::error::not_exclusive;
  const bool ok = acceptor.is_exclusive() && portguard::is_exclusive(acceptor)
      && !ec && portguard::is_exclusive(udp, ec)
      && std::string(not_exclusive.category().name()) == "portguard";
  std::cout << (ok ? "portguard standalone consumer: all checks passed\n"
                   : "portguard standalone consumer: FAILED\n");
  return ok ? 0 : 1;
}
