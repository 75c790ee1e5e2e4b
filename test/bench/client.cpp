//
// test/bench/client.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "client.hpp"

#include "timing.hpp"

#include <array>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pg_bench {

namespace {

bool read_all(int fd, void* data, std::size_t size)
{
  auto* p = static_cast<char*>(data);
  while (size > 0)
  {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t size)
{
  const auto* p = static_cast<const char*>(data);
  while (size > 0)
  {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

class client_round
{
public:
  explicit client_round(const client_job& job) : job_(job), slots_(job.window)
  {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0)
      fail("client epoll_create1");
  }

  ~client_round()
  {
    for (auto& s : slots_)
      if (s.fd >= 0)
        ::close(s.fd);
    ::close(epoll_);
  }

  // Returns 0 or the errno that stopped the round.
  int run()
  {
    for (std::size_t i = 0; i < slots_.size() && started_ < job_.connections; ++i)
      if (int err = start(i))
        return err;
    const auto start_time = clock_type::now();
    std::array<epoll_event, 64> events;
    while (finished_ < job_.connections)
    {
      if (clock_type::now() - start_time > round_deadline)
        return ETIMEDOUT;
      const int n = ::epoll_wait(epoll_, events.data(), int(events.size()), 1000);
      if (n < 0 && errno != EINTR)
        return errno;
      for (int e = 0; e < n; ++e)
        if (int err = on_event(events[e].data.u32))
          return err;
    }
    return 0;
  }

private:
  struct slot
  {
    int fd = -1;
    bool connected = false;
    std::size_t received = 0;
  };

  int start(std::size_t i)
  {
    slot& s = slots_[i];
    s = slot{};
    s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s.fd < 0)
      return errno;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(job_.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0
        && errno != EINPROGRESS)
      return errno;
    // "close" needs no write: the server's EOF tells that it accepted.
    s.connected = job_.mode == traffic::close;
    epoll_event ev{};
    ev.events = s.connected ? EPOLLIN : EPOLLOUT;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, s.fd, &ev) != 0)
      return errno;
    ++started_;
    return 0;
  }

  int on_event(std::uint32_t i)
  {
    slot& s = slots_[i];
    if (!s.connected)
    {
      int err = 0;
      socklen_t size = sizeof(err);
      if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &size) != 0)
        return errno;
      if (err != 0)
        return err;
      const char request[echo_size] = "portguard-bench";
      if (::send(s.fd, request, echo_size, MSG_NOSIGNAL) != ssize_t(echo_size))
        return errno ? errno : EPROTO;
      s.connected = true;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = i;
      return ::epoll_ctl(epoll_, EPOLL_CTL_MOD, s.fd, &ev) == 0 ? 0 : errno;
    }
    char buffer[64];
    const ssize_t n = ::recv(s.fd, buffer, sizeof(buffer), 0);
    if (n < 0)
      return (errno == EAGAIN || errno == EINTR) ? 0 : errno;
    if (n > 0)
    {
      s.received += static_cast<std::size_t>(n);
      return 0;
    }
    // End of stream: the server has accepted (and echoed) and closed.
    const std::size_t expected = job_.mode == traffic::echo ? echo_size : 0;
    if (s.received != expected)
      return EPROTO;
    ::close(s.fd);
    s.fd = -1;
    ++finished_;
    return started_ < job_.connections ? start(i) : 0;
  }

  client_job job_;
  std::vector<slot> slots_;
  int epoll_ = -1;
  std::int32_t started_ = 0;
  std::int32_t finished_ = 0;
};

[[noreturn]] void client_main(int commands, int replies)
{
  client_job job{};
  while (read_all(commands, &job, sizeof(job)))
  {
    client_reply reply{0, 0};
    const double cpu_start = thread_cpu_seconds();
    try
    {
      reply.error = client_round(job).run();
    }
    catch (const std::exception&)
    {
      reply.error = EIO;
    }
    reply.cpu_seconds = thread_cpu_seconds() - cpu_start;
    if (!write_all(replies, &reply, sizeof(reply)))
      break;
  }
  ::_exit(0);
}

} // namespace

client_process::client_process()
{
  int to_client[2], from_client[2];
  if (::pipe2(to_client, O_CLOEXEC) != 0 || ::pipe2(from_client, O_CLOEXEC) != 0)
    fail("pipe2");
  pid_ = ::fork();
  if (pid_ < 0)
    fail("fork");
  if (pid_ == 0)
  {
    ::close(to_client[1]);
    ::close(from_client[0]);
    client_main(to_client[0], from_client[1]);
  }
  ::close(to_client[0]);
  ::close(from_client[1]);
  commands_ = to_client[1];
  replies_ = from_client[0];
}

client_process::~client_process()
{
  ::close(commands_); // the client exits at end of input
  ::close(replies_);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void client_process::start(const client_job& job)
{
  if (!write_all(commands_, &job, sizeof(job)))
    fail("client command");
}

double client_process::finish()
{
  client_reply reply{};
  if (!read_all(replies_, &reply, sizeof(reply)))
    throw std::runtime_error("client process died");
  if (reply.error != 0)
    fail("client", reply.error);
  return reply.cpu_seconds;
}

} // namespace pg_bench
