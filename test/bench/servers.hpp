//
// test/bench/servers.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The servers. All three listen on 127.0.0.1 with an ephemeral port, accept
// `connections` connections and serve each as the client expects.
//
#ifndef PORTGUARD_BENCH_SERVERS_HPP
#define PORTGUARD_BENCH_SERVERS_HPP

#include "bench.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <memory>
#include <vector>

namespace pg_bench {

// The physical ceiling: epoll plus accept4 until EAGAIN, no library at all.
class raw_server
{
public:
  raw_server();
  ~raw_server();
  raw_server(const raw_server&) = delete;
  raw_server& operator=(const raw_server&) = delete;

  std::uint16_t port() const { return port_; }

  void serve(traffic mode, int connections);

private:
  // Reads what has arrived; once the whole request is in, echoes it and
  // closes. Returns whether the connection is done.
  static bool serve_echo(int fd, std::vector<std::size_t>& received);

  int listener_ = -1;
  std::uint16_t port_ = 0;
};

// One request, one reply, then the socket closes with the session.
class echo_session : public std::enable_shared_from_this<echo_session>
{
public:
  explicit echo_session(tcp::socket socket) : socket_(std::move(socket)) {}

  void start()
  {
    auto self = shared_from_this();
    net::async_read(socket_, net::buffer(data_),
        [self](boost::system::error_code ec, std::size_t n) {
          if (ec)
            return;
          net::async_write(self->socket_, net::buffer(self->data_, n),
              [self](boost::system::error_code, std::size_t) {});
        });
  }

private:
  tcp::socket socket_;
  std::array<char, echo_size> data_{};
};

// The same server for tcp::acceptor and portguard::secure_acceptor: only the
// acceptor type differs, as in a real migration.
template <typename Acceptor>
class asio_server
{
public:
  explicit asio_server(net::io_context& ctx)
    : ctx_(ctx), acceptor_(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0))
  {
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void serve(traffic mode, int connections)
  {
    mode_ = mode;
    remaining_ = connections;
    ctx_.restart();
    accept_next();
    ctx_.run_for(round_deadline);
    if (remaining_ != 0 || error_)
      throw std::runtime_error("asio server: round failed: " + error_.message());
  }

private:
  void accept_next()
  {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec)
      {
        error_ = ec;
        return;
      }
      if (mode_ == traffic::echo)
        std::make_shared<echo_session>(std::move(socket))->start();
      if (--remaining_ > 0)
        accept_next();
    }); // in "close" mode the accepted socket closes here
  }

  net::io_context& ctx_;
  Acceptor acceptor_;
  traffic mode_ = traffic::close;
  int remaining_ = 0;
  boost::system::error_code error_;
};

} // namespace pg_bench

#endif
