//
// test/support/rival.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "rival.hpp"
#include "net.hpp"

#include "probe/rival_wire.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
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
outcome bind_socket(net::io_context& ctx, const Endpoint& endpoint, rival_options options,
    bool v6_only)
{
  Socket s(ctx);
  error_code ec;
  s.open(endpoint.protocol(), ec);
  if (ec)
    return {outcome::skipped, ec, "rival could not open a socket: " + ec.message()};
  if (v6_only && endpoint.address().is_v6())
    s.set_option(net::ip::v6_only(true), ec);
  if (!ec)
    set_rival_options(s, options, ec);
  if (ec)
    return {outcome::skipped, ec, "rival could not set its options: " + ec.message()};
  s.bind(endpoint, ec);
  error_code ignored;
  s.close(ignored);
  if (!ec)
    return {outcome::won, {}, {}};
  if (!is_conflict_error(ec))
    throw harness_failure("rival bind failed with an error that is no refusal: " + ec.message());
  return {outcome::refused, ec, {}};
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

// A rival child answers with one line of the wire encoding on a pipe (its
// standard output on Windows) and exits 0; a child that could not make the
// attempt writes nothing and exits 1 (a harness failure, never an outcome).
constexpr int exit_answered = 0;
constexpr int exit_failure = 1;

// The parent's reading of a child's answer.
outcome outcome_for_answer(const std::string& text)
{
  // A Windows child's standard output is in text mode: the line ends "\r\n".
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  outcome o;
  if (text.empty() || !parse_wire_line(line, o))
    throw harness_failure(text.empty() ? "rival child ended without an answer"
                                       : "rival child gave a malformed answer: " + line);
  return o;
}

constexpr auto child_time_limit = std::chrono::seconds(20);

#if defined(_WIN32)

outcome in_child(const rival& r, identity who)
{
  if (who == identity::other_user)
    return {outcome::skipped, {}, "[platform] no second user account to switch to on Windows"};
  char exe[MAX_PATH];
  if (GetModuleFileNameA(nullptr, exe, MAX_PATH) == 0)
    throw harness_failure("GetModuleFileName failed");
  std::ostringstream cmd;
  cmd << '"' << exe << "\" --portguard-rival " << r.proto << ' '
      << r.address.to_string() << ' ' << r.port << ' ' << option_word(r.options)
      << (r.v6_only ? " v6only" : "");
  std::string line = cmd.str();
  // The child's standard output is a pipe; only its write end is inherited.
  SECURITY_ATTRIBUTES inherit;
  std::memset(&inherit, 0, sizeof(inherit));
  inherit.nLength = sizeof(inherit);
  inherit.bInheritHandle = TRUE;
  HANDLE answer_read = nullptr;
  HANDLE answer_write = nullptr;
  if (!CreatePipe(&answer_read, &answer_write, &inherit, 0))
    throw harness_failure("CreatePipe failed, error " + std::to_string(GetLastError()));
  SetHandleInformation(answer_read, HANDLE_FLAG_INHERIT, 0);
  STARTUPINFOA si;
  std::memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = answer_write;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi;
  // Under load Wine now and then fails to start a process; a few bounded
  // tries tell that apart from a harness that cannot start rivals at all.
  DWORD start_error = 0;
  bool started = false;
  for (int tries = 0; tries < 5 && !started; ++tries)
  {
    std::string command = line; // CreateProcess may write into it
    started = CreateProcessA(nullptr, &command[0], nullptr, nullptr, TRUE, 0,
        nullptr, nullptr, &si, &pi) != 0;
    if (!started)
    {
      start_error = GetLastError();
      Sleep(100 * (tries + 1));
    }
  }
  CloseHandle(answer_write); // the child holds the only write end now
  if (!started)
  {
    CloseHandle(answer_read);
    throw harness_failure("CreateProcess failed 5 times, last error "
        + std::to_string(start_error));
  }
  // The answer is one short line: it fits the pipe's buffer, so the child
  // never blocks writing it and can be waited for first.
  const DWORD waited = WaitForSingleObject(pi.hProcess,
      static_cast<DWORD>(std::chrono::milliseconds(child_time_limit).count()));
  if (waited != WAIT_OBJECT_0)
    TerminateProcess(pi.hProcess, exit_failure);
  std::string answer;
  char buffer[512];
  DWORD got = 0;
  while (waited == WAIT_OBJECT_0 && answer.size() < 4096
      && ReadFile(answer_read, buffer, sizeof(buffer), &got, nullptr) && got > 0)
    answer.append(buffer, got);
  CloseHandle(answer_read);
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  if (waited != WAIT_OBJECT_0)
    throw harness_failure("rival child timed out");
  return outcome_for_answer(answer);
}

#else

outcome in_child(const rival& r, identity who)
{
  if (who == identity::other_user && !can_switch_user())
    return {outcome::skipped, {}, "[needs root] not root: cannot switch to user nobody"};
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
    // A child that cannot switch user or bind writes nothing.
    if (who == identity::other_user
        && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(exit_failure);
    std::string line;
    try
    {
      line = wire_line(bind_here(r));
    }
    catch (...)
    {
      ::_exit(exit_failure);
    }
    const ssize_t written = ::write(fds[1], line.data(), line.size());
    ::_exit(written == static_cast<ssize_t>(line.size()) ? exit_answered : exit_failure);
  }
  ::close(fds[1]);
  // Read until the child closes its end, within the time limit.
  std::string answer;
  bool in_time = true;
  const auto deadline = std::chrono::steady_clock::now() + child_time_limit;
  while (answer.size() < 4096)
  {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fds[0], POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1)
    {
      in_time = false;
      break;
    }
    char buffer[512];
    const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; // the child closed its end
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (!in_time)
    ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!in_time)
    throw harness_failure("rival child gave no answer in time (it crashed or hung)");
  return outcome_for_answer(answer);
}

#endif

} // namespace

outcome bind_here(const rival& r)
{
  if (!option_available(r.options))
    return {outcome::skipped, {}, "[platform] option not available on this platform"};
  net::io_context ctx;
  if (r.proto == transport::tcp)
    return bind_socket<net::ip::tcp::acceptor>(ctx, net::ip::tcp::endpoint(r.address, r.port),
        r.options, r.v6_only);
  return bind_socket<net::ip::udp::socket>(ctx, net::ip::udp::endpoint(r.address, r.port),
      r.options, r.v6_only);
}

outcome attempt(const rival& r, identity who)
{
  if (!option_available(r.options))
    return {outcome::skipped, {}, "[platform] option not available on this platform"};
  if (who == identity::same_process)
    return bind_here(r);
  return in_child(r, who);
}

bool is_conflict_error(const error_code& ec)
{
  // The OS's own values (errno, or WSA codes on Windows) under Asio's names;
  // not portguard's constants: the tests check portguard against these.
  return ec == net::error::address_in_use || ec == net::error::access_denied;
}

bool option_available(rival_options options)
{
#if defined(_WIN32)
  return options != rival_options::reuse_port && options != rival_options::both;
#else
  return options != rival_options::exclusive;
#endif
}

bool identity_available(identity who)
{
#if defined(_WIN32)
  return who != identity::other_user;
#else
  (void)who;
  return true;
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
  if (argc != 6 && !(argc == 7 && std::string(argv[6]) == "v6only"))
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
  r.v6_only = argc == 7;
  std::cout << wire_line(bind_here(r)) << std::flush;
  return std::cout ? exit_answered : exit_failure;
}

std::string wire_line(const outcome& o)
{
  return portguard::rival_wire::line(o);
}

bool parse_wire_line(const std::string& line, outcome& o)
{
  // A refusal the harness reports is always a conflict.
  return portguard::rival_wire::parse(line, o)
      && (o.kind != outcome::refused || is_conflict_error(o.ec));
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
  case identity::same_user: return os << "same-user";
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
