//
// src/probe/host_table.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "host_table.hpp"

#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_table.hpp>

#if defined(__linux__)
#  include <sys/stat.h>
#  include <sys/syscall.h>
#  include <unistd.h>
#  include <cerrno>
#  include <cstring>
#  include <unordered_map>
#endif

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

void read_host_table(int protocol, port_holders& out, error_code& ec)
{
  read_table(protocol, 0, holder_scope::all, out, ec);
}

#if defined(__linux__)

/// The number of TCP TIME_WAIT entries on `port` (either family): what is
/// left of closed connections, which holds no socket.
std::size_t count_time_wait(unsigned short port, error_code& ec)
{
  std::vector<port_holder> found;
  for (int family : {AF_INET, AF_INET6})
  {
    diag_dump(family, IPPROTO_TCP, 1u << tcp_state_time_wait, port, found, ec);
    if (ec)
      return 0;
  }
  return found.size();
}

/// Where each holder is open (index for index), with pid, process name and
/// every process that has it open filled in as find_owners() does, and the number of processes whose
/// descriptors this process was not allowed to list.
std::vector<socket_location> locate_sockets(std::vector<port_holder>& holders,
    std::size_t& hidden_processes)
{
  std::vector<socket_location> where(holders.size());
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> wanted;
  for (std::size_t i = 0; i < holders.size(); ++i)
    if (holders[i].inode != 0)
      wanted[holders[i].inode].push_back(i);
  hidden_processes = for_each_socket_descriptor(
      [&](process_entry& process, int descriptor, std::uint64_t inode) {
        const auto match = wanted.find(inode);
        if (match != wanted.end())
          for (const std::size_t i : match->second)
          {
            if (where[i].pid == 0)
            {
              where[i].pid = process.pid();
              where[i].descriptor = descriptor;
              holders[i].pid = process.pid();
              holders[i].process = process.name();
            }
            if (holders[i].processes.empty() || holders[i].processes.back().pid != process.pid())
              holders[i].processes.push_back(
                  holder_process{process.pid(), process.uid(), process.name()});
          }
        return true;
      });
  return where;
}

// pidfd_open(2) and pidfd_getfd(2) (Linux 5.3 and 5.6); older C library
// headers lack the numbers, which are the same on every architecture that
// has the unified system call table.
#if defined(SYS_pidfd_open)
constexpr long pidfd_open_call = SYS_pidfd_open;
#else
constexpr long pidfd_open_call = 434;
#endif
#if defined(SYS_pidfd_getfd)
constexpr long pidfd_getfd_call = SYS_pidfd_getfd;
#else
constexpr long pidfd_getfd_call = 438;
#endif

/// Reads the sharing options of a socket another process has open, without
/// changing anything: duplicates its descriptor with pidfd_getfd (which needs
/// the right to ptrace that process: root, or the same user where the
/// system's ptrace policy allows), checks that the copy is still the listed
/// socket (`inode`), reads it with getsockopt and closes the copy.
foreign_socket_read read_foreign_socket(const socket_location& where,
    std::uint64_t inode)
{
  if (where.pid == 0 || where.descriptor < 0)
    return foreign_socket_read::refused("no process visible to this user has the socket open");
  const std::string pid = std::to_string(where.pid);
  const long pidfd = ::syscall(pidfd_open_call, static_cast<pid_t>(where.pid), 0u);
  if (pidfd < 0)
  {
    const int error = errno;
    return foreign_socket_read::refused(error == ESRCH ? "process " + pid + " exited"
        : error == ENOSYS ? std::string("this kernel has no pidfd_open (Linux 5.3)")
        : "pidfd_open of process " + pid + " failed: " + std::strerror(error));
  }
  const long copy = ::syscall(pidfd_getfd_call, static_cast<int>(pidfd),
      where.descriptor, 0u);
  const int error = errno;
  ::close(static_cast<int>(pidfd));
  if (copy < 0)
    return foreign_socket_read::refused(error == EPERM || error == EACCES
        ? "no permission to read the sockets of process " + pid
            + " (needs root or the right to ptrace it)"
        : error == ESRCH ? "process " + pid + " exited"
        : error == EBADF ? "process " + pid + " closed the socket"
        : error == ENOSYS ? std::string("this kernel has no pidfd_getfd (Linux 5.6)")
        : "pidfd_getfd on process " + pid + " failed: " + std::strerror(error));
  const int fd = static_cast<int>(copy);
  foreign_socket_read result;
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)
      || static_cast<std::uint64_t>(info.st_ino) != inode)
    result.why_not = "process " + pid + " reused the descriptor for another file";
  else
  {
    error_code ec;
    result.defender = rules_defender(fd, ec);
    result.read = !ec;
    if (ec)
      result.why_not = "getsockopt failed: " + ec.message();
  }
  ::close(fd);
  return result;
}

#else

// TIME_WAIT entries are counted on Linux only.
std::size_t count_time_wait(unsigned short, error_code& ec)
{
  ec = net::error::operation_not_supported;
  return 0;
}

#endif

#if defined(_WIN32)

/// Fills in process names; the table gives pids but no descriptors, and no
/// process is hidden from the list itself.
std::vector<socket_location> locate_sockets(std::vector<port_holder>& holders,
    std::size_t& hidden_processes)
{
  hidden_processes = 0;
  find_owners(holders);
  std::vector<socket_location> where(holders.size());
  for (std::size_t i = 0; i < holders.size(); ++i)
    if (holders[i].pid)
      where[i].pid = *holders[i].pid;
  return where;
}

/// Windows offers no way to read another process's socket options.
foreign_socket_read read_foreign_socket(const socket_location&, std::uint64_t)
{
  return foreign_socket_read::refused("Windows does not let another process's socket options be read");
}

#elif !defined(__linux__)

std::vector<socket_location> locate_sockets(std::vector<port_holder>& holders,
    std::size_t& hidden_processes)
{
  hidden_processes = 0;
  return std::vector<socket_location>(holders.size());
}

foreign_socket_read read_foreign_socket(const socket_location&, std::uint64_t)
{
  return foreign_socket_read::refused("this platform's socket table cannot be read");
}

#endif

} // namespace detail
PORTGUARD_NAMESPACE_END
