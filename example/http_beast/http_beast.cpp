//
// http_beast.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A Boost.Beast HTTP server whose port nobody else can share. It answers
// every GET with a short text page.
//
//   http_beast <address> <port> [--once]
//
// Port 0 picks a free port; the server prints "listening on <endpoint>".
// With --once it serves one connection and exits.
//
#include <portguard/secure_acceptor.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using net::ip::tcp;

// Answers the requests on one connection until the client is done.
void serve(tcp::socket& socket, bool exclusive)
{
  beast::flat_buffer buffer;
  for (;;)
  {
    http::request<http::string_body> request;
    beast::error_code ec;
    http::read(socket, buffer, request, ec);
    if (ec == http::error::end_of_stream)
      break;
    if (ec)
      throw beast::system_error(ec, "read");

    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.set(http::field::server, BOOST_BEAST_VERSION_STRING);
    response.set(http::field::content_type, "text/plain");
    if (request.method() == http::verb::get)
    {
      response.result(http::status::ok);
      response.body() = std::string("portguard: this port is ")
          + (exclusive ? "exclusive" : "shareable") + "\n";
    }
    else
    {
      response.result(http::status::method_not_allowed);
      response.body() = "GET only\n";
    }
    response.prepare_payload();
    http::write(socket, response);
    if (!response.keep_alive())
      break;
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

int main(int argc, char* argv[])
{
  if (argc < 3)
  {
    std::cerr << "usage: http_beast <address> <port> [--once]\n";
    return 1;
  }
  try
  {
    const bool once = argc > 3 && std::strcmp(argv[3], "--once") == 0;
    net::io_context ctx;

    // Was: tcp::acceptor acceptor{ctx, {address, port}};
    portguard::secure_acceptor acceptor{ctx,
        {net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))}};
    const bool exclusive = acceptor.is_exclusive();
    std::cout << "listening on " << acceptor.local_endpoint()
              << (exclusive ? " (exclusive)" : " (shareable)") << std::endl;
    do
    {
      tcp::socket socket{ctx};
      acceptor.accept(socket);
      try
      {
        serve(socket, exclusive);
      }
      catch (const std::exception& e)
      {
        std::cerr << "http_beast: connection: " << e.what() << '\n';
      }
    } while (!once);
  }
  catch (const std::exception& e)
  {
    std::cerr << "http_beast: " << e.what() << '\n';
    return 1;
  }
}
