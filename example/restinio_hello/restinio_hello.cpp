//
// restinio_hello.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A RESTinio server whose port nobody else can share, made so through
// RESTinio's own two hooks (docs/frameworks.md):
//
//   acceptor_options_setter   before bind: exclusive_address_use(true)
//                             (POSIX: SO_REUSEPORT off; Windows:
//                             SO_EXCLUSIVEADDRUSE), keeping RESTinio's
//                             reuse_address(true) on POSIX for restarts
//   acceptor_post_bind_hook   after bind: exclusive_listen() listens, checks
//                             the options and the socket table (a socket
//                             bound first is refused, naming its owner) and
//                             holds the same port on the other address family
//
//   restinio_hello <address> <port> [--plain]
//
// It answers GET / with "hello from restinio_hello pid N". Port 0 picks a
// free port; once serving it prints "listening on <endpoint> (exclusive)".
// If the port is held by someone else it exits with status 1 and a message
// naming the holder. --plain leaves out the portguard lines (RESTinio as it
// comes, for comparison).
//
#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_listen.hpp>

#include <restinio/all.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
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

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: restinio_hello <address> <port> [--plain]\n";
    return 2;
  }
  const bool plain = argc > 3 && std::strcmp(argv[3], "--plain") == 0;
  const std::string reply = "hello from restinio_hello pid " + std::to_string(process_id()) + "\n";
  asio::ip::tcp::endpoint bound; // the port, once bound (port 0 picks one)
  try
  {
    using traits = restinio::default_single_thread_traits_t;
    restinio::http_server_t<traits> server{restinio::own_io_context(), [&](auto& settings) {
      settings.address(asio::ip::make_address(argv[1]))
          .port(static_cast<std::uint16_t>(std::atoi(argv[2])))
          .request_handler([&reply](auto request) {
            if (request->header().method() != restinio::http_method_get()
                || request->header().request_target() != "/")
              return restinio::request_rejected();
            return request->create_response()
                .append_header(restinio::http_field::content_type, "text/plain")
                .set_body(reply)
                .connection_close()
                .done();
          });
      if (plain)
      {
        settings.acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& acceptor) {
          bound = acceptor.local_endpoint();
        });
        return;
      }
      // Before bind: replaces RESTinio's default setter, which sets
      // reuse_address(true) alone.
      settings.acceptor_options_setter([](restinio::acceptor_options_t& options) {
#if !defined(_WIN32)
        // POSIX: restarts over TIME_WAIT. Windows: never beside
        // SO_EXCLUSIVEADDRUSE (WSAEINVAL), and not needed for restarts.
        options.set_option(asio::ip::tcp::acceptor::reuse_address(true));
#endif
        options.set_option(portguard::exclusive_address_use(true));
      });
      // After bind: listen exclusively, or throw naming the holder.
      settings.acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& acceptor) {
        portguard::exclusive_listen(acceptor);
        bound = acceptor.local_endpoint();
      });
    }};
    server.open_sync(); // throws what a hook threw, the acceptor closed
    std::cout << "listening on " << bound << (plain ? " (plain)" : " (exclusive)") << std::endl;
    server.io_context().run();
  }
  catch (const std::exception& e)
  {
    std::cerr << "restinio_hello: " << e.what() << '\n';
    return 1;
  }
}
