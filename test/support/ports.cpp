//
// test/support/ports.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "ports.hpp"

namespace pg_test {

namespace net = portguard::net;
using tcp = net::ip::tcp;

unsigned short unused_tcp_port()
{
  net::io_context ctx;
  tcp::acceptor probe(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0), false);
  return probe.local_endpoint().port();
}

bool tcp_port_is_free(unsigned short port)
{
  net::io_context ctx;
  tcp::acceptor probe(ctx);
  portguard::error_code ec;
  probe.open(tcp::v4(), ec);
  if (!ec)
    probe.bind(tcp::endpoint(net::ip::address_v4::loopback(), port), ec);
  return !ec;
}

net::ip::address wildcard_address(bool v6)
{
  return v6 ? net::ip::address(net::ip::address_v6::any())
            : net::ip::address(net::ip::address_v4::any());
}

net::ip::address loopback_address(bool v6)
{
  return v6 ? net::ip::address(net::ip::address_v6::loopback())
            : net::ip::address(net::ip::address_v4::loopback());
}

} // namespace pg_test
