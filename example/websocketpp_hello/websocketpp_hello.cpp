//
// websocketpp_hello.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A websocketpp server whose port nobody else can share. websocketpp 0.8
// opens, sets reuse_address, calls its pre-bind handler, binds and listens
// inside one listen() call, with no hook after bind (docs/frameworks.md):
//
//   set_tcp_pre_bind_handler   before bind: make_exclusive() (POSIX:
//                              SO_REUSEPORT off; Windows: SO_REUSEADDR off,
//                              SO_EXCLUSIVEADDRUSE on); it keeps the acceptor
//   after listen() returns,    exclusive_listen(): checks the options and
//   before start_accept()      the socket table (a socket bound first is
//                              refused, naming its owner) and holds the same
//                              port on the other address family
//
//   websocketpp_hello <address> <port> [--plain]
//
// It answers an HTTP GET / with "hello from websocketpp_hello pid N" and
// echoes every WebSocket message. Port 0 picks a free port; once serving it
// prints "listening on <endpoint> (exclusive)". If the port is held by
// someone else it exits with status 1 and a message naming the holder.
// --plain leaves out the portguard lines (websocketpp as it comes, with
// set_reuse_addr(true) for restarts, for comparison).
//
#include <portguard/exclusive_bind.hpp>
#include <portguard/exclusive_listen.hpp>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#if defined(_WIN32)
#  include <process.h>
#else
#  include <unistd.h>
#endif

namespace {

long process_id()
{
#if defined(_WIN32)
  return _getpid();
#else
  return ::getpid();
#endif
}

} // namespace

using server = websocketpp::server<websocketpp::config::asio>;
namespace net = boost::asio;

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: websocketpp_hello <address> <port> [--plain]\n";
    return 2;
  }
  const bool plain = argc > 3 && std::strcmp(argv[3], "--plain") == 0;
  const std::string reply = "hello from websocketpp_hello pid " + std::to_string(process_id()) + "\n";
  try
  {
    server endpoint;
    endpoint.clear_access_channels(websocketpp::log::alevel::all);
    endpoint.clear_error_channels(websocketpp::log::elevel::all);
    endpoint.init_asio();
    endpoint.set_reuse_addr(true); // restarts over TIME_WAIT (POSIX)

    endpoint.set_http_handler([&](websocketpp::connection_hdl hdl) {
      server::connection_ptr connection = endpoint.get_con_from_hdl(hdl);
      connection->append_header("Connection", "close");
      connection->set_body(reply);
      connection->set_status(websocketpp::http::status_code::ok);
    });
    endpoint.set_message_handler([&](websocketpp::connection_hdl hdl, server::message_ptr message) {
      endpoint.send(hdl, message->get_payload(), message->get_opcode());
    });

    // Before bind: make the acceptor exclusive, and keep it for after listen().
    std::shared_ptr<net::ip::tcp::acceptor> acceptor;
    if (!plain)
      endpoint.set_tcp_pre_bind_handler([&acceptor](std::shared_ptr<net::ip::tcp::acceptor> a) {
        acceptor = a;
        boost::system::error_code ec;
        portguard::make_exclusive(*a, ec); // on Windows clears set_reuse_addr's SO_REUSEADDR first
        return websocketpp::lib::error_code(ec);
      });

    endpoint.listen(net::ip::tcp::endpoint(net::ip::make_address(argv[1]),
        static_cast<unsigned short>(std::atoi(argv[2]))));
    // After listen(), before the first accept: the holder check and the
    // other address family (websocketpp has no hook after bind).
    if (!plain)
      portguard::exclusive_listen(*acceptor);
    endpoint.start_accept();

    websocketpp::lib::asio::error_code ec;
    std::cout << "listening on " << endpoint.get_local_endpoint(ec)
              << (plain ? " (plain)" : " (exclusive)") << std::endl;
    endpoint.run();
  }
  catch (const std::exception& e)
  {
    std::cerr << "websocketpp_hello: " << e.what() << '\n';
    return 1;
  }
}
