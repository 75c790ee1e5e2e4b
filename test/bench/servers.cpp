//
// test/bench/servers.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "servers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pg_bench {

raw_server::raw_server()
{
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener_ < 0)
    fail("raw socket");
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&at), sizeof(at)) != 0
      || ::listen(listener_, SOMAXCONN) != 0)
    fail("raw bind/listen");
  socklen_t size = sizeof(at);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&at), &size);
  port_ = ntohs(at.sin_port);
}


raw_server::~raw_server() { ::close(listener_); }

void raw_server::serve(traffic mode, int connections)
{
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    fail("raw epoll_create1");
  std::unique_ptr<int, void (*)(int*)> ep_guard(new int(ep),
      [](int* p) { ::close(*p); delete p; });
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener_;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener_, &ev);
  std::vector<std::size_t> received; // per descriptor, echo mode
  int accepted = 0, finished = 0;
  const auto start = clock_type::now();
  std::array<epoll_event, 64> events;
  while (finished < connections)
  {
    if (clock_type::now() - start > round_deadline)
      throw std::runtime_error("raw server: round timed out");
    const int n = ::epoll_wait(ep, events.data(), int(events.size()), 1000);
    if (n < 0 && errno != EINTR)
      fail("raw epoll_wait");
    for (int e = 0; e < n; ++e)
    {
      const int fd = events[e].data.fd;
      if (fd != listener_)
      {
        finished += serve_echo(fd, received) ? 1 : 0;
        continue;
      }
      while (accepted < connections)
      {
        const int c = ::accept4(listener_, nullptr, nullptr,
            SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0)
        {
          if (errno == EAGAIN || errno == EINTR)
            break;
          fail("raw accept4");
        }
        ++accepted;
        if (mode == traffic::close)
        {
          ::close(c);
          ++finished;
          continue;
        }
        if (static_cast<std::size_t>(c) >= received.size())
          received.resize(c + 1024);
        received[c] = 0;
        if (serve_echo(c, received)) // the request is often already here
          ++finished;
        else
        {
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
      }
    }
  }
}


bool raw_server::serve_echo(int fd, std::vector<std::size_t>& received)
{
  char buffer[echo_size];
  const ssize_t n = ::recv(fd, buffer + received[fd], echo_size - received[fd], 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return false;
  if (n <= 0)
    fail("raw recv", n == 0 ? EPROTO : errno);
  received[fd] += static_cast<std::size_t>(n);
  if (received[fd] < echo_size)
    return false;
  if (::send(fd, buffer, echo_size, MSG_NOSIGNAL) != ssize_t(echo_size))
    fail("raw send");
  ::close(fd); // also leaves the epoll set
  return true;
}

int listener_ = -1;
std::uint16_t port_ = 0;

} // namespace pg_bench
