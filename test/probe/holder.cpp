//
// test/probe/holder.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A server made with portguard for the probe's tests: holds a port with
// secure_acceptor (tcp) or exclusive_bind (udp), prints the port, and
// exits when its standard input closes, or after 60 s at the latest.
//
//   portguard_probe_holder tcp|udp ADDRESS
//
#include <portguard/portguard.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <optional>
#include <string>

namespace net = portguard::net;

int main(int argc, char** argv)
{
  if (argc != 3 || (std::string(argv[1]) != "tcp" && std::string(argv[1]) != "udp"))
  {
    std::cerr << "usage: portguard_probe_holder tcp|udp ADDRESS\n";
    return 2;
  }
  try
  {
    net::io_context ctx;
    const auto address = net::ip::make_address(argv[2]);
    unsigned short port = 0;
    std::optional<portguard::secure_acceptor> acceptor;
    std::optional<net::ip::udp::socket> datagram;
    if (std::string(argv[1]) == "tcp")
    {
      acceptor.emplace(ctx, net::ip::tcp::endpoint(address, 0));
      port = acceptor->local_endpoint().port();
    }
    else
    {
      datagram.emplace(ctx);
      portguard::exclusive_bind(*datagram, net::ip::udp::endpoint(address, 0));
      port = datagram->local_endpoint().port();
    }
    std::cout << port << std::endl;
    auto closed = std::async(std::launch::async, [] {
      std::string ignored;
      while (std::getline(std::cin, ignored))
      {
      }
    });
    if (closed.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
      std::quick_exit(0); // the reader thread is still blocked on stdin
    return 0;
  }
  catch (const std::exception& e)
  {
    std::cerr << "portguard_probe_holder: " << e.what() << '\n';
    return 1;
  }
}
