// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
// A program built with PORTGUARD_SEPARATE_COMPILATION: this file sees only
// the declarations of the socket table's code, src.cpp defines them. It
// links, and what it calls works: an exclusive listener, a rival refused
// with its holder named, the listener proven alone, its holders read.
#include <portguard/portguard.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <string>

#if !defined(PORTGUARD_SEPARATE_COMPILATION) || defined(PORTGUARD_HEADER_ONLY)
#  error this test must be built with PORTGUARD_SEPARATE_COMPILATION
#endif

namespace net = boost::asio;
using tcp = net::ip::tcp;

int main()
{
  int failures = 0;
  const auto check = [&](bool ok, const char* what) {
    if (!ok)
    {
      std::printf("FAILED: %s\n", what);
      ++failures;
    }
  };
  net::io_context ctx;
  portguard::secure_acceptor listener(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  const unsigned short port = listener.local_endpoint().port();
  check(port != 0, "the listener is bound");
  check(listener.is_exclusive(), "the listener is exclusive");

  std::string refusal;
  try
  {
    portguard::secure_acceptor rival(ctx, tcp::endpoint(net::ip::address_v4::loopback(), port));
  }
  catch (const portguard::system_error& e)
  {
    refusal = e.what();
  }
  check(!refusal.empty(), "a rival on the same port is refused");
  std::printf("rival: %s\n", refusal.c_str());

  portguard::error_code ec;
  const portguard::port_holders holders =
      portguard::holders_of(tcp::endpoint(net::ip::address_v4::loopback(), port), ec);
  if (!ec)
  {
    bool found = false;
    for (const portguard::port_holder& h : holders.sockets)
      found = found || (h.port == port && h.state == portguard::holder_state::listening);
    check(found, "holders_of() lists the listener");
  }
  else
    std::printf("holders_of: %s (the socket table cannot be read here)\n", ec.message().c_str());

  listener.close();
  portguard::secure_acceptor again(ctx, tcp::endpoint(net::ip::address_v4::loopback(), port));
  check(again.is_open(), "the port is free again after close");
  std::printf("%s\n", failures == 0 ? "ok" : "failed");
  return failures == 0 ? 0 : 1;
}
