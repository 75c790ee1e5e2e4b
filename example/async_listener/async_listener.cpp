//
// async_listener.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The listener of Beast's asynchronous servers (http_server_async,
// websocket_server_async, advanced_server): a class that opens, sets
// reuse_address, binds and listens with error_code forms, then accepts on
// a strand per connection. The only change from Beast's code is the type
// of `acceptor_`. Each connection gets one line and is closed by the
// server, so a restart finds the old connections in TIME_WAIT.
//
//   async_listener <address> <port> [--connections N] [--no-reuse-address]
//
// Port 0 picks a free port; the listener prints "listening on <endpoint>
// (exclusive|shareable)". It exits after N connections (default: never).
// --no-reuse-address leaves out the reuse_address line, to show what it is
// for: on POSIX a restart then fails while old connections are in TIME_WAIT.
//
#include <portguard/secure_acceptor.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

void fail(beast::error_code ec, const char* what)
{
  std::cerr << "async_listener: " << what << ": " << ec.message() << "\n";
}

// Writes one line and closes: the server closes first, so the connection's
// TIME_WAIT stays on the server's side of the port.
class session : public std::enable_shared_from_this<session>
{
  tcp::socket socket_;
  std::string line_;

public:
  session(tcp::socket&& socket, std::string line)
    : socket_(std::move(socket)), line_(std::move(line))
  {
  }

  void run()
  {
    net::async_write(socket_, net::buffer(line_),
        beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

private:
  void on_write(beast::error_code ec, std::size_t)
  {
    if (ec)
      return fail(ec, "write");
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }
};

// Accepts incoming connections and launches the sessions.
class listener : public std::enable_shared_from_this<listener>
{
  net::io_context& ioc_;
  portguard::secure_acceptor acceptor_; // was: tcp::acceptor acceptor_;
  long remaining_;
  bool ready_ = false;

public:
  listener(net::io_context& ioc, tcp::endpoint endpoint, bool reuse_address,
      long connections)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), remaining_(connections)
  {
    beast::error_code ec;

    // Open the acceptor
    acceptor_.open(endpoint.protocol(), ec);
    if (ec)
    {
      fail(ec, "open");
      return;
    }

    // Allow address reuse
    if (reuse_address)
    {
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
      if (ec)
      {
        fail(ec, "set_option");
        return;
      }
    }

    // Bind to the server address
    acceptor_.bind(endpoint, ec);
    if (ec)
    {
      fail(ec, "bind");
      return;
    }

    // Start listening for connections
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
    {
      fail(ec, "listen");
      return;
    }
    ready_ = true;
  }

  bool listening() const { return ready_; }

  // Start accepting incoming connections
  void run()
  {
    std::cout << "listening on " << acceptor_.local_endpoint()
              << (acceptor_.is_exclusive() ? " (exclusive)" : " (shareable)")
              << std::endl;
    do_accept();
  }

private:
  void do_accept()
  {
    // The new connection gets its own strand
    acceptor_.async_accept(net::make_strand(ioc_),
        beast::bind_front_handler(&listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket)
  {
    if (ec)
      return fail(ec, "accept");
    std::make_shared<session>(std::move(socket), "hello from async_listener\n")->run();
    if (remaining_ > 0 && --remaining_ == 0)
      return; // served enough: no further accept, so run() returns
    do_accept();
  }
};

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: async_listener <address> <port> [--connections N] "
                 "[--no-reuse-address]\n";
    return 1;
  }
  long connections = 0;
  bool reuse_address = true;
  for (int i = 3; i < argc; ++i)
  {
    if (std::strcmp(argv[i], "--connections") == 0 && i + 1 < argc)
      connections = std::atol(argv[++i]);
    else if (std::strcmp(argv[i], "--no-reuse-address") == 0)
      reuse_address = false;
    else
    {
      std::cerr << "async_listener: unknown argument " << argv[i] << "\n";
      return 1;
    }
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(argv[1], ec);
  if (ec)
  {
    fail(ec, "address");
    return 1;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[2]));

  net::io_context ioc;
  auto server = std::make_shared<listener>(ioc, tcp::endpoint{address, port},
      reuse_address, connections);
  if (!server->listening())
    return 1;
  server->run();
  ioc.run();
  return 0;
}
