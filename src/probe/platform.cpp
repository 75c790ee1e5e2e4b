//
// src/probe/platform.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "platform.hpp"

#include <portguard/detail/platform.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#if defined(_WIN32)
#  include <winsock2.h>
#  include <windows.h>
#else
#  include <cerrno>
#  include <grp.h>
#  include <pwd.h>
#  include <poll.h>
#  include <signal.h>
#  include <sys/socket.h>
#  include <sys/wait.h>
#  include <unistd.h>
#endif

namespace portguard {
namespace probe {
namespace platform {

bool bind_error_means_held(const error_code& ec) noexcept { return detail::is_conflict(ec); }

bool specific_bind_shadows_wildcard() noexcept
{
  return detail::specific_bind_may_sit_beside_wildcard;
}

namespace {

/// How long a child process may take for all its attempts.
constexpr std::chrono::milliseconds child_time_limit(5000);

/// uid and gid of user nobody on Linux and most BSDs.
#if !defined(_WIN32)
constexpr uid_t nobody_id = 65534;
#endif

struct named_error
{
  int value;
  const char* name;
};

#if defined(_WIN32)
const named_error known_errors[] = {
  {WSAEADDRINUSE, "WSAEADDRINUSE"}, {WSAEACCES, "WSAEACCES"},
  {WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL"}, {WSAEINVAL, "WSAEINVAL"},
  {WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT"}, {WSAENOPROTOOPT, "WSAENOPROTOOPT"},
  {WSAEPROTONOSUPPORT, "WSAEPROTONOSUPPORT"}, {WSAEOPNOTSUPP, "WSAEOPNOTSUPP"},
};
#else
const named_error known_errors[] = {
  {EADDRINUSE, "EADDRINUSE"}, {EACCES, "EACCES"}, {EPERM, "EPERM"},
  {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {EINVAL, "EINVAL"},
  {EAFNOSUPPORT, "EAFNOSUPPORT"}, {ENOPROTOOPT, "ENOPROTOOPT"},
  {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {EOPNOTSUPP, "EOPNOTSUPP"},
};
#endif

bool is_system(const error_code& ec) noexcept
{
  return ec.category() == net::error::get_system_category();
}

} // namespace

const char* name() noexcept
{
#if defined(_WIN32)
  return "windows";
#elif defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "macos";
#else
  return "posix";
#endif
}

#if defined(_WIN32)

bool under_wine() noexcept
{
  const HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
  return ntdll && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

bool has_reuse_port() noexcept { return false; }

void set_reuse_port(net::ip::tcp::acceptor&, error_code& ec)
{
  ec = net::error::operation_not_supported;
}

void set_reuse_port(net::ip::udp::socket&, error_code& ec)
{
  ec = net::error::operation_not_supported;
}

bool bind_error_means_not_local(const error_code& ec) noexcept
{
  return is_system(ec) && ec.value() == WSAEADDRNOTAVAIL;
}

bool bind_error_means_no_permission(const error_code&) noexcept { return false; }

bool is_privileged() noexcept { return false; }

bool run_in_child(child_user, const std::function<std::string()>&, std::string&,
    std::string& why_not)
{
  why_not = "not tried on Windows: no fork, and no second user account to switch to";
  return false;
}

bool run_as_uid(std::uint32_t, const std::function<std::string()>&, std::string&,
    std::string& why_not)
{
  why_not = "not tried on Windows: no fork, and no second user account to switch to";
  return false;
}

std::uint32_t effective_uid() noexcept { return 0; }

unsigned first_unprivileged_port() noexcept { return 0; }

std::string user_name(std::uint32_t) { return {}; }

#else

bool under_wine() noexcept { return false; }

using reuse_port_option = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

bool has_reuse_port() noexcept { return true; }

void set_reuse_port(net::ip::tcp::acceptor& s, error_code& ec)
{
  s.set_option(reuse_port_option(true), ec);
}

void set_reuse_port(net::ip::udp::socket& s, error_code& ec)
{
  s.set_option(reuse_port_option(true), ec);
}

bool bind_error_means_not_local(const error_code& ec) noexcept
{
  return is_system(ec) && ec.value() == EADDRNOTAVAIL;
}

bool bind_error_means_no_permission(const error_code& ec) noexcept
{
  return is_system(ec) && (ec.value() == EACCES || ec.value() == EPERM);
}

bool is_privileged() noexcept { return ::geteuid() == 0; }

namespace {

/// The uid and gid a child switches to, and the name used in messages.
struct child_identity
{
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

bool run_child(const child_identity& who, const std::function<std::string()>& work,
    std::string& out, std::string& why_not);

} // namespace

std::uint32_t effective_uid() noexcept { return static_cast<std::uint32_t>(::geteuid()); }

unsigned first_unprivileged_port() noexcept
{
#if defined(__linux__)
  if (std::FILE* f = std::fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r"))
  {
    unsigned port = 1024;
    const bool read = std::fscanf(f, "%u", &port) == 1;
    std::fclose(f);
    if (read)
      return port;
  }
#endif
  return 1024;
}

std::string user_name(std::uint32_t uid)
{
  passwd entry;
  passwd* found = nullptr;
  std::vector<char> buffer(4096);
  if (::getpwuid_r(static_cast<uid_t>(uid), &entry, buffer.data(), buffer.size(), &found) != 0
      || !found)
    return {};
  return found->pw_name;
}

bool run_in_child(child_user user, const std::function<std::string()>& work,
    std::string& out, std::string& why_not)
{
  if (user == child_user::other_user && !is_privileged())
  {
    why_not = "not root: cannot switch to user nobody";
    return false;
  }
  child_identity who;
  if (user == child_user::other_user)
    who = {true, nobody_id, nobody_id, "user nobody"};
  return run_child(who, work, out, why_not);
}

bool run_as_uid(std::uint32_t uid, const std::function<std::string()>& work,
    std::string& out, std::string& why_not)
{
  const std::string name = user_name(uid);
  const std::string label = "uid " + std::to_string(uid) + (name.empty() ? "" : " (" + name + ")");
  if (!is_privileged())
  {
    why_not = "not root: cannot switch to " + label;
    return false;
  }
  child_identity who{true, static_cast<uid_t>(uid), static_cast<gid_t>(uid), label};
  passwd entry;
  passwd* found = nullptr;
  std::vector<char> buffer(4096);
  if (::getpwuid_r(static_cast<uid_t>(uid), &entry, buffer.data(), buffer.size(), &found) == 0
      && found)
    who.gid = found->pw_gid;
  return run_child(who, work, out, why_not);
}

namespace {

bool run_child(const child_identity& who, const std::function<std::string()>& work,
    std::string& out, std::string& why_not)
{
  int fds[2];
  if (::pipe(fds) != 0)
  {
    why_not = std::string("pipe failed: ") + std::strerror(errno);
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0)
  {
    why_not = std::string("fork failed: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0)
  {
    ::close(fds[0]);
    // A child that cannot switch users writes nothing: the parent reports it.
    if (who.switch_user
        && (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0
            || ::setuid(who.uid) != 0))
      ::_exit(1);
    std::string text;
    try
    {
      text = work();
    }
    catch (...)
    {
      ::_exit(1);
    }
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0)
    {
      const ssize_t n = ::write(fds[1], p, left);
      if (n <= 0)
        ::_exit(1);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);

  // Read until the child closes its end (it exits after writing).
  out.clear();
  const auto deadline = std::chrono::steady_clock::now() + child_time_limit;
  bool failed = false;
  for (;;)
  {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()).count();
    pollfd pfd{fds[0], POLLIN, 0};
    if (remaining <= 0 || ::poll(&pfd, 1, static_cast<int>(remaining)) != 1)
    {
      why_not = "child process gave no answer within 5 s";
      failed = true;
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      why_not = std::string("reading the child's answer failed: ") + std::strerror(errno);
      failed = true;
      break;
    }
    if (n == 0)
      break; // end of the answer
    out.append(buffer, static_cast<std::size_t>(n));
  }
  if (!failed && out.empty())
  {
    why_not = who.switch_user
        ? "child process could not switch to " + who.name
        : "child process failed before answering";
    failed = true;
  }
  ::close(fds[0]);
  if (failed)
    ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
  {
  }
  return !failed;
}

} // namespace

#endif

std::string error_name(const error_code& ec)
{
  if (is_system(ec))
  {
    for (const named_error& e : known_errors)
      if (e.value == ec.value())
        return e.name;
    return "error " + std::to_string(ec.value());
  }
  return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

} // namespace platform
} // namespace probe
} // namespace portguard
