//
// udp_exclusive.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A UDP echo service whose port nobody else can share: another socket
// cannot bind it to steal or snoop on its datagrams, whichever user owns it.
//
//   udp_exclusive <address> <port> [--once]
//
// Port 0 picks a free port; the service prints "listening on <endpoint>".
// With --once it echoes one datagram and exits.
//
#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

namespace net = boost::asio;
using net::ip::udp;

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: udp_exclusive <address> <port> [--once]\n";
    return 1;
  }
  try
  {
    const bool once = argc > 3 && std::strcmp(argv[3], "--once") == 0;
    net::io_context ctx;

    // Was: udp::socket socket(ctx, endpoint);
    // or, worse: open, set_option(reuse_address(true)), bind.
    udp::socket socket(ctx);
    portguard::exclusive_bind(socket,
        {net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))});
    std::cout << "listening on " << socket.local_endpoint()
              << (portguard::is_exclusive(socket) ? " (exclusive)" : " (shareable)")
              << std::endl;

    char data[1500];
    do
    {
      udp::endpoint sender;
      const std::size_t n = socket.receive_from(net::buffer(data), sender);
      socket.send_to(net::buffer(data, n), sender);
    } while (!once);
  }
  catch (const std::exception& e)
  {
    std::cerr << "udp_exclusive: " << e.what() << '\n';
    return 1;
  }
}
