//
// test/support/ports.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "ports.hpp"

#include "support/net.hpp"

namespace pg_test {

namespace net = portguard::net;
using tcp = net::ip::tcp;

namespace {

/// Whether a plain socket (no options) binds `address`:`port`: false only
/// when another socket holds it (true where the host lacks the family).
bool binds_alone(const net::ip::address& address, unsigned short port)
{
  net::io_context ctx;
  tcp::acceptor probe(ctx);
  portguard::error_code ec;
  probe.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
  if (ec)
    return true;
  if (address.is_v6())
    probe.set_option(net::ip::v6_only(true), ec);
  probe.bind(tcp::endpoint(address, port), ec);
  return ec != net::error::address_in_use && ec != net::error::access_denied;
}

} // namespace

unsigned short unused_tcp_port()
{
  unsigned short port = 0;
  for (int attempt = 0; attempt < 20; ++attempt)
  {
    net::io_context ctx;
    tcp::acceptor probe(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0), false);
    port = probe.local_endpoint().port();
    probe.close();
    if (binds_alone(net::ip::address_v4::any(), port)
        && binds_alone(net::ip::address_v6::any(), port))
      break;
  }
  return port;
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
