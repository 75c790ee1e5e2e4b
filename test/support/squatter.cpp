//
// test/support/squatter.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "squatter.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#if !defined(_WIN32)
#  include <grp.h>
#  include <poll.h>
#  include <signal.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif

namespace pg_test {

#if !defined(_WIN32)
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

/// The squatting socket, wherever it lives.
struct squatter::in_process
{
  net::io_context ctx;
  net::ip::tcp::acceptor tcp{ctx};
  net::ip::udp::socket udp{ctx};

  outcome bind(const rival& r)
  {
    error_code ec;
    const bool is_tcp = r.proto == transport::tcp;
    if (is_tcp)
      tcp.open(r.address.is_v4() ? net::ip::tcp::v4() : net::ip::tcp::v6(), ec);
    else
      udp.open(r.address.is_v4() ? net::ip::udp::v4() : net::ip::udp::v6(), ec);
    if (ec)
      return {outcome::skipped, ec, "squatter could not open a socket"};
    const bool addr = r.options == rival_options::reuse_address || r.options == rival_options::both;
    const bool port = r.options == rival_options::reuse_port || r.options == rival_options::both;
    if (addr)
      is_tcp ? (void)tcp.set_option(net::socket_base::reuse_address(true), ec)
             : (void)udp.set_option(net::socket_base::reuse_address(true), ec);
#if !defined(_WIN32)
    if (!ec && port)
      is_tcp ? (void)tcp.set_option(reuse_port(true), ec)
             : (void)udp.set_option(reuse_port(true), ec);
#else
    (void)port;
#endif
    if (!ec && r.options == rival_options::exclusive)
      is_tcp ? (void)tcp.set_option(portguard::exclusive_address_use(true), ec)
             : (void)udp.set_option(portguard::exclusive_address_use(true), ec);
    if (ec)
      return {outcome::skipped, ec, "squatter could not set its options"};
    if (is_tcp)
      tcp.bind({r.address, r.port}, ec);
    else
      udp.bind({r.address, r.port}, ec);
    return answer(ec, "bind");
  }

  outcome listen()
  {
    error_code ec;
    tcp.listen(net::socket_base::max_listen_connections, ec);
    return answer(ec, "listen");
  }

  /// Refused only with a conflict error; any other failure is the harness's.
  static outcome answer(const error_code& ec, const char* step)
  {
    if (!ec)
      return {outcome::won, {}, {}};
    if (!is_conflict_error(ec))
      throw harness_failure(std::string("squatter's ") + step
          + " failed with an error that is no refusal: " + ec.message());
    return {outcome::refused, ec, {}};
  }
};

namespace {

constexpr auto time_limit = std::chrono::seconds(20);

#if !defined(_WIN32)
/// Closes every descriptor above standard error but `keep_a` and `keep_b`
/// (bounded: the first 4096).
void close_inherited_descriptors(int keep_a, int keep_b)
{
  for (int fd = 3; fd < 4096; ++fd)
    if (fd != keep_a && fd != keep_b)
      ::close(fd);
}

/// Reads one line from `fd` within the time limit; empty on timeout or EOF.
std::string read_line(int fd)
{
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  while (line.size() < 512)
  {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1)
      return {};
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return {};
    if (c == '\n')
      return line;
    line += c;
  }
  return {};
}

/// Writes `text` (which ends its line, as wire_line() does).
void write_text(int fd, const std::string& text)
{
  const ssize_t written = ::write(fd, text.data(), text.size());
  (void)written;
}
#endif

} // namespace

squatter::squatter(const rival& r, identity who)
{
  if (!option_available(r.options))
  {
    result_ = {outcome::skipped, {}, "[platform] option not available on this platform"};
    return;
  }
  if (who == identity::same_process)
  {
    here_.reset(new in_process);
    result_ = here_->bind(r);
    return;
  }
#if defined(_WIN32)
  result_ = {outcome::skipped, {}, "[platform] squatters in another process: POSIX only"};
#else
  if (who == identity::other_user && !can_switch_user())
  {
    result_ = {outcome::skipped, {}, "[needs root] not root: cannot switch to user nobody"};
    return;
  }
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0)
    throw harness_failure("pipe failed");
  if (::pipe(from_child) != 0)
  {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw harness_failure("pipe failed");
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0)
    throw harness_failure("fork failed");
  if (pid == 0)
  {
    ::close(to_child[1]);
    ::close(from_child[0]);
    // The squatter holds its own socket only: a copy of one of the test's
    // sockets, inherited by fork, would make that socket shared with
    // another process (portguard::error::socket_shared).
    close_inherited_descriptors(to_child[0], from_child[1]);
    ::alarm(60); // whatever happens to the parent, the squatter ends
    if (who == identity::other_user
        && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(1);
    // A child whose bind or listen fails with no refusal writes nothing:
    // the parent sees a harness failure.
    try
    {
      in_process socket;
      write_text(from_child[1], wire_line(socket.bind(r)));
      for (;;)
      {
        const std::string command = read_line(to_child[0]);
        if (command == "listen")
          write_text(from_child[1], wire_line(socket.listen()));
        else
          ::_exit(0); // end of file (the parent is done) or time is up
      }
    }
    catch (...)
    {
      ::_exit(1);
    }
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  commands_ = to_child[1];
  answers_ = from_child[0];
  pid_ = pid;
  const std::string answer = read_line(answers_);
  if (answer.empty() || !parse_wire_line(answer, result_))
    throw harness_failure("squatter child gave no answer: '" + answer + "'");
#endif
}

outcome squatter::listen()
{
  if (here_)
    return here_->listen();
#if !defined(_WIN32)
  if (commands_ >= 0)
  {
    write_text(commands_, "listen\n");
    outcome o;
    const std::string answer = read_line(answers_);
    if (answer.empty() || !parse_wire_line(answer, o))
      throw harness_failure("squatter child gave no answer to listen");
    return o;
  }
#endif
  return {outcome::skipped, {}, "no squatter"};
}

squatter::~squatter()
{
#if !defined(_WIN32)
  if (pid_ > 0)
  {
    ::close(commands_); // end of file: the child exits
    ::close(answers_);
    const auto deadline = std::chrono::steady_clock::now() + time_limit;
    int status = 0;
    while (::waitpid(static_cast<pid_t>(pid_), &status, WNOHANG) == 0)
    {
      if (std::chrono::steady_clock::now() > deadline)
      {
        ::kill(static_cast<pid_t>(pid_), SIGKILL);
        ::waitpid(static_cast<pid_t>(pid_), &status, 0);
        break;
      }
      ::usleep(1000);
    }
  }
#endif
}

} // namespace pg_test
