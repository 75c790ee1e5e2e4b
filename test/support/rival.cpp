//
// test/support/rival.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "rival.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <sstream>

#if defined(_WIN32)
#  include <windows.h>
#else
#  include <grp.h>
#  include <poll.h>
#  include <signal.h>
#  include <sys/socket.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif

namespace pg_test {

namespace {

#if !defined(_WIN32)
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

template <typename Socket>
void set_rival_options(Socket& s, rival_options options, error_code& ec)
{
  const bool addr = options == rival_options::reuse_address || options == rival_options::both;
  const bool port = options == rival_options::reuse_port || options == rival_options::both;
  if (addr)
    s.set_option(net::socket_base::reuse_address(true), ec);
#if !defined(_WIN32)
  if (!ec && port)
    s.set_option(reuse_port(true), ec);
#else
  (void)port;
#endif
  if (!ec && options == rival_options::exclusive)
    s.set_option(portguard::exclusive_address_use(true), ec);
}

template <typename Socket, typename Endpoint>
outcome bind_socket(net::io_context& ctx, const Endpoint& endpoint, rival_options options)
{
  Socket s(ctx);
  error_code ec;
  s.open(endpoint.protocol(), ec);
  if (ec)
    return {outcome::skipped, ec, "rival could not open a socket: " + ec.message()};
  set_rival_options(s, options, ec);
  if (ec)
    return {outcome::skipped, ec, "rival could not set its options: " + ec.message()};
  s.bind(endpoint, ec);
  error_code ignored;
  s.close(ignored);
  if (ec)
    return {outcome::refused, ec, {}};
  return {outcome::won, {}, {}};
}

const char* option_word(rival_options o)
{
  switch (o)
  {
  case rival_options::none: return "none";
  case rival_options::reuse_address: return "reuse_address";
  case rival_options::reuse_port: return "reuse_port";
  case rival_options::both: return "both";
  case rival_options::exclusive: return "exclusive";
  }
  return "?";
}

// Exit codes of a rival child: 0 won, 1 harness failure, 2 skipped,
// otherwise 1000 + the OS error value of the refused bind.
constexpr int exit_won = 0;
constexpr int exit_failure = 1;
constexpr int exit_skipped = 2;
constexpr int exit_refused_base = 1000;

int exit_code_for(const outcome& o)
{
  switch (o.kind)
  {
  case outcome::won: return exit_won;
  case outcome::skipped: return exit_skipped;
  case outcome::refused: return exit_refused_base + o.ec.value();
  }
  return exit_failure;
}

outcome outcome_for_exit(int code)
{
  if (code == exit_won)
    return {outcome::won, {}, {}};
  if (code >= exit_refused_base)
    return {outcome::refused,
        error_code(code - exit_refused_base, net::error::get_system_category()), {}};
  if (code == exit_skipped)
    return {outcome::skipped, {}, "rival child could not set up its socket"};
  throw harness_failure("rival child failed (exit " + std::to_string(code) + ")");
}

constexpr auto child_time_limit = std::chrono::seconds(20);

#if defined(_WIN32)

outcome in_child(const rival& r, identity who)
{
  if (who == identity::other_user)
    return {outcome::skipped, {}, "no second user account to switch to on Windows"};
  char exe[MAX_PATH];
  if (GetModuleFileNameA(nullptr, exe, MAX_PATH) == 0)
    throw harness_failure("GetModuleFileName failed");
  std::ostringstream cmd;
  cmd << '"' << exe << "\" --portguard-rival " << r.proto << ' '
      << r.address.to_string() << ' ' << r.port << ' ' << option_word(r.options);
  std::string line = cmd.str();
  STARTUPINFOA si;
  std::memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  PROCESS_INFORMATION pi;
  // Under load Wine now and then fails to start a process; a few bounded
  // tries tell that apart from a harness that cannot start rivals at all.
  DWORD start_error = 0;
  bool started = false;
  for (int tries = 0; tries < 5 && !started; ++tries)
  {
    std::string command = line; // CreateProcess may write into it
    started = CreateProcessA(nullptr, &command[0], nullptr, nullptr, FALSE, 0,
        nullptr, nullptr, &si, &pi) != 0;
    if (!started)
    {
      start_error = GetLastError();
      Sleep(100 * (tries + 1));
    }
  }
  if (!started)
    throw harness_failure("CreateProcess failed 5 times, last error "
        + std::to_string(start_error));
  const DWORD waited = WaitForSingleObject(pi.hProcess,
      static_cast<DWORD>(std::chrono::milliseconds(child_time_limit).count()));
  DWORD code = exit_failure;
  if (waited == WAIT_OBJECT_0)
    GetExitCodeProcess(pi.hProcess, &code);
  else
    TerminateProcess(pi.hProcess, exit_failure);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  if (waited != WAIT_OBJECT_0)
    throw harness_failure("rival child timed out");
  return outcome_for_exit(static_cast<int>(code));
}

#else

outcome in_child(const rival& r, identity who)
{
  if (who == identity::other_user && !can_switch_user())
    return {outcome::skipped, {}, "not root: cannot switch to user nobody"};
  std::fflush(nullptr); // a child must not write the parent's buffered output again
  int fds[2];
  if (::pipe(fds) != 0)
    throw harness_failure("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0)
  {
    ::close(fds[0]);
    ::close(fds[1]);
    throw harness_failure("fork failed");
  }
  if (pid == 0)
  {
    ::close(fds[0]);
    int code = exit_failure;
    if (who == identity::other_user
        && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
      code = exit_failure;
    else
    {
      try
      {
        code = exit_code_for(bind_here(r));
      }
      catch (...)
      {
        code = exit_failure;
      }
    }
    const ssize_t written = ::write(fds[1], &code, sizeof(code));
    (void)written;
    ::_exit(0);
  }
  ::close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  const int ready = ::poll(&p, 1,
      static_cast<int>(std::chrono::milliseconds(child_time_limit).count()));
  int code = exit_failure;
  bool got = false;
  if (ready == 1)
    got = ::read(fds[0], &code, sizeof(code)) == static_cast<ssize_t>(sizeof(code));
  ::close(fds[0]);
  if (!got)
    ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!got)
    throw harness_failure("rival child gave no answer in time (it crashed or hung)");
  return outcome_for_exit(code);
}

#endif

} // namespace

outcome bind_here(const rival& r)
{
  if (!option_available(r.options))
    return {outcome::skipped, {}, "option not available on this platform"};
  net::io_context ctx;
  if (r.proto == transport::tcp)
    return bind_socket<net::ip::tcp::acceptor>(ctx, net::ip::tcp::endpoint(r.address, r.port), r.options);
  return bind_socket<net::ip::udp::socket>(ctx, net::ip::udp::endpoint(r.address, r.port), r.options);
}

outcome attempt(const rival& r, identity who)
{
  if (!option_available(r.options))
    return {outcome::skipped, {}, "option not available on this platform"};
  if (who == identity::same_process)
    return bind_here(r);
  return in_child(r, who);
}

bool option_available(rival_options options)
{
#if defined(_WIN32)
  return options != rival_options::reuse_port && options != rival_options::both;
#else
  return options != rival_options::exclusive;
#endif
}

bool can_switch_user()
{
#if defined(_WIN32)
  return false;
#else
  return ::geteuid() == 0;
#endif
}

int rival_main(int argc, char** argv)
{
  if (argc != 6)
    return exit_failure;
  rival r;
  const std::string proto = argv[2];
  r.proto = proto == "udp" ? transport::udp : transport::tcp;
  error_code ec;
  r.address = net::ip::make_address(argv[3], ec);
  if (ec)
    return exit_failure;
  r.port = static_cast<unsigned short>(std::stoi(argv[4]));
  const std::string words[] = {"none", "reuse_address", "reuse_port", "both", "exclusive"};
  r.options = rival_options::none;
  for (int i = 0; i < 5; ++i)
    if (words[i] == argv[5])
      r.options = static_cast<rival_options>(i);
  return exit_code_for(bind_here(r));
}

std::ostream& operator<<(std::ostream& os, transport t)
{
  return os << (t == transport::tcp ? "tcp" : "udp");
}

std::ostream& operator<<(std::ostream& os, rival_options o)
{
  return os << option_word(o);
}

std::ostream& operator<<(std::ostream& os, identity i)
{
  switch (i)
  {
  case identity::same_process: return os << "same-process";
  case identity::child_process: return os << "child-process";
  case identity::other_user: return os << "other-user";
  }
  return os;
}

std::ostream& operator<<(std::ostream& os, const outcome& o)
{
  switch (o.kind)
  {
  case outcome::won: return os << "won";
  case outcome::refused: return os << "refused (" << o.ec.message() << ")";
  case outcome::skipped: return os << "skipped (" << o.note << ")";
  }
  return os;
}

} // namespace pg_test
