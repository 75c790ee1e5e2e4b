// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0

// Uses every public name of portguard, as a consumer spells it, and checks
// that each does what it says on a loopback port.
#include <portguard/portguard.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

namespace net = boost::asio;

static int failures = 0;

static void check(bool ok, const char* what)
{
  std::cout << (ok ? "ok      " : "FAILED  ") << what << '\n';
  failures += ok ? 0 : 1;
}

int main()
{
  net::io_context ctx;
  const net::ip::address loopback = net::ip::make_address("127.0.0.1");

  portguard::secure_acceptor acceptor(ctx, {loopback, 0});
  check(acceptor.is_exclusive(), "secure_acceptor is exclusive");
  check(portguard::is_exclusive(acceptor), "is_exclusive(acceptor)");
  check(acceptor.policy() == portguard::exclusivity::required, "default policy is required");

  portguard::exclusive_address_use option;
  acceptor.get_option(option);
  check(option.value() && static_cast<bool>(option) && !!option, "exclusive_address_use reads true");

  // A rival asking to share the port (SO_REUSEADDR, and SO_REUSEPORT on
  // POSIX) wins against a plain acceptor that allows sharing, and loses
  // against the secure one.
  auto rival_binds = [&](const net::ip::tcp::endpoint& endpoint) {
    net::ip::tcp::acceptor rival(ctx, endpoint.protocol());
    rival.set_option(net::socket_base::reuse_address(true));
    portguard::error_code ignored;
    rival.set_option(portguard::exclusive_address_use(false), ignored);
    portguard::error_code ec;
    rival.bind(endpoint, ec);
    return !ec;
  };
  net::ip::tcp::acceptor shareable(ctx, net::ip::tcp::v4());
  shareable.set_option(portguard::exclusive_address_use(false));
  shareable.bind({loopback, 0});
  shareable.listen();
  check(rival_binds(shareable.local_endpoint()), "control: rival shares a shareable acceptor");
  check(!rival_binds(acceptor.local_endpoint()), "rival refused by secure_acceptor");

  // Retrofit: a plain acceptor made exclusive before bind.
  net::ip::tcp::acceptor plain(ctx);
  plain.open(net::ip::tcp::v4());
  portguard::make_exclusive(plain);
  plain.bind({loopback, 0});
  plain.listen();
  portguard::guard_other_family(plain); // the same port on IPv6
  check(portguard::is_exclusive(plain), "make_exclusive on a tcp::acceptor");

  // UDP: exclusive_bind opens, makes exclusive and binds.
  net::ip::udp::socket udp(ctx);
  portguard::error_code ec;
  portguard::exclusive_bind(udp, {loopback, 0}, portguard::exclusivity::required, ec);
  check(!ec && portguard::is_exclusive(udp, ec), "exclusive_bind(udp)");

  // Errors carry portguard's own category.
  const portguard::error_code not_exclusive = portguard::error::not_exclusive;
  check(std::string(not_exclusive.category().name()) == "portguard", "category is named portguard");

  if (failures == 0)
    std::cout << "portguard consumer: all checks passed\n";
  return failures == 0 ? 0 : 1;
}
