//
// retrofit_acceptor.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Making an existing tcp::acceptor exclusive when other code owns it. The
// `line_server` below stands for a library you cannot change: it owns a
// plain tcp::acceptor and offers a hook that runs after open, before bind,
// as many servers do. Like servers built to run one process per core, it
// opens its acceptor with port sharing on (SO_REUSEPORT, POSIX), so without
// the hook another program of the same user can bind the same port and take
// part of its connections. That hook, and one call once the server listens,
// is all portguard needs to undo it:
//
//   open → make_exclusive (or set_option(exclusive_address_use(true))) → bind → listen
//   → guard_other_family (the same port on IPv6 for an IPv4 server, and back)
//
//   retrofit_acceptor <address> <port> [--once] [--option]
//
// --option uses the socket option instead of make_exclusive(). Prefer
// make_exclusive() when the owning code sets reuse_address before the hook:
// on Windows it clears SO_REUSEADDR first, where the bare option would fail
// with WSAEINVAL. Each line a client sends comes back prefixed with "echo: ".
//
#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <istream>
#include <string>

namespace net = boost::asio;
using net::ip::tcp;

// ---- Code you do not own ---------------------------------------------------
class line_server
{
public:
  explicit line_server(net::io_context& ctx) : acceptor_(ctx) {}

  /// Called after the acceptor is opened and before it is bound.
  std::function<void(tcp::acceptor&)> on_open;

  void listen(const tcp::endpoint& endpoint)
  {
    acceptor_.open(endpoint.protocol());
#if !defined(_WIN32)
    // Port sharing on, for several worker processes on one port.
    acceptor_.set_option(
        net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
#endif
    if (on_open)
      on_open(acceptor_);
    acceptor_.bind(endpoint);
    acceptor_.listen();
  }

  tcp::acceptor& acceptor() { return acceptor_; }

  void serve_one()
  {
    tcp::socket socket = acceptor_.accept();
    net::streambuf buffer;
    boost::system::error_code ec;
    while (net::read_until(socket, buffer, '\n', ec) && !ec)
    {
      std::istream in(&buffer);
      std::string line;
      std::getline(in, line);
      net::write(socket, net::buffer("echo: " + line + "\n"));
    }
  }

private:
  tcp::acceptor acceptor_;
};
// ---------------------------------------------------------------------------

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: retrofit_acceptor <address> <port> [--once] [--option]\n";
    return 1;
  }
  try
  {
    bool once = false, use_option = false;
    for (int i = 3; i < argc; ++i)
    {
      once = once || std::strcmp(argv[i], "--once") == 0;
      use_option = use_option || std::strcmp(argv[i], "--option") == 0;
    }
    net::io_context ctx;
    line_server server(ctx);

    // The retrofit: one line in the hook that runs between open and bind.
    if (use_option)
      server.on_open = [](tcp::acceptor& a) { a.set_option(portguard::exclusive_address_use(true)); };
    else
      server.on_open = [](tcp::acceptor& a) { portguard::make_exclusive(a); };

    server.listen({net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))});
    // So that a client trying ::1 for "localhost" cannot reach someone else.
    portguard::guard_other_family(server.acceptor());
    std::cout << "listening on " << server.acceptor().local_endpoint()
              << (portguard::is_exclusive(server.acceptor()) ? " (exclusive)" : " (shareable)")
              << std::endl;
    do
      server.serve_one();
    while (!once);
  }
  catch (const std::exception& e)
  {
    std::cerr << "retrofit_acceptor: " << e.what() << '\n';
    return 1;
  }
}
