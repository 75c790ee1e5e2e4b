//
// test/compile_fail/other_flavour.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Sockets of one Asio flavour given to portguard built for the other. Built
// by other_flavour.cmake twice per flavour: with the macro that matches the
// sockets (the control: it compiles) and without (every call must fail with
// the static_assert that names the macro). SOCKETS_STANDALONE picks the
// sockets' flavour; PORTGUARD_STANDALONE_ASIO, as always, portguard's.
//
#if defined(SOCKETS_STANDALONE)
#  include <asio/io_context.hpp>
#  include <asio/ip/tcp.hpp>
#  include <asio/ip/udp.hpp>
namespace sockets = ::asio;
#else
#  include <boost/asio/io_context.hpp>
#  include <boost/asio/ip/tcp.hpp>
#  include <boost/asio/ip/udp.hpp>
namespace sockets = ::boost::asio;
#endif

#include <portguard/portguard.hpp>

// The calls, each once; the count is in other_flavour.cmake.
void calls(sockets::ip::tcp::acceptor& acceptor, sockets::ip::udp::socket& udp,
    portguard::error_code& ec)
{
  const sockets::ip::tcp::endpoint endpoint(sockets::ip::address_v4::loopback(), 0);
  portguard::is_exclusive(acceptor, ec);                                     // 1
  portguard::is_exclusive(udp);                                              // 2
  portguard::why_not_exclusive(acceptor, ec);                                // 3
  portguard::other_holders(acceptor, ec);                                    // 4
  portguard::make_exclusive(udp, ec);                                        // 5
  portguard::exclusive_bind(acceptor, endpoint, ec);                         // 6
  portguard::exclusive_bind(acceptor, endpoint);                             // 7
  portguard::guard_other_family(acceptor, ec);                               // 8
  portguard::bind_with_retry(acceptor, endpoint, ec);                        // 9
  portguard::holders_of(endpoint, ec);                                       // 10
  portguard::exclusive_listen(acceptor, ec);                                 // 11
}

int main()
{
  sockets::io_context context;
  sockets::ip::tcp::acceptor acceptor(context);
  sockets::ip::udp::socket udp(context);
  portguard::error_code ec;
  if (acceptor.is_open())
    calls(acceptor, udp, ec);
}
