//
// echo_coroutine.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A C++20 coroutine echo server whose port nobody else can share.
//
//   echo_coroutine <address> <port> [--once]
//
// Port 0 picks a free port; the server prints "listening on <endpoint>".
// With --once it serves one connection and exits.
//
#include <portguard/secure_acceptor.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

#if defined(BOOST_ASIO_HAS_CO_AWAIT)

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;
using net::ip::tcp;

awaitable<void> echo(tcp::socket socket)
{
  try
  {
    char data[1024];
    for (;;)
    {
      std::size_t n = co_await socket.async_read_some(net::buffer(data), use_awaitable);
      co_await net::async_write(socket, net::buffer(data, n), use_awaitable);
    }
  }
  catch (const std::exception&)
  {
    // The client closed the connection.
  }
}

awaitable<void> listener(portguard::secure_acceptor& acceptor, bool once)
{
  do
  {
    tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
    if (once)
      co_await echo(std::move(socket));
    else
      net::co_spawn(acceptor.get_executor(), echo(std::move(socket)), net::detached);
  } while (!once);
}

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: echo_coroutine <address> <port> [--once]\n";
    return 1;
  }
  try
  {
    const bool once = argc > 3 && std::strcmp(argv[3], "--once") == 0;
    net::io_context ctx;

    // Was: tcp::acceptor acceptor(ctx, endpoint);
    portguard::secure_acceptor acceptor(ctx,
        {net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))});
    std::cout << "listening on " << acceptor.local_endpoint()
              << (acceptor.is_exclusive() ? " (exclusive)" : " (shareable)") << std::endl;

    net::signal_set signals(ctx, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { ctx.stop(); });
    net::co_spawn(ctx, listener(acceptor, once), [&](std::exception_ptr e) {
      if (e)
        std::rethrow_exception(e);
      ctx.stop();
    });
    ctx.run();
  }
  catch (const std::exception& e)
  {
    std::cerr << "echo_coroutine: " << e.what() << '\n';
    return 1;
  }
}

#else

int main()
{
  std::cerr << "echo_coroutine: this compiler has no C++20 coroutines\n";
  return 77;
}

#endif
