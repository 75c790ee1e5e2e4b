//
// src/probe/foreign_read.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "foreign_read.hpp"

#include <fstream>
#include <sstream>

namespace portguard {
namespace probe {

std::string foreign_read_would_change(const std::string& proc_cgroups)
{
  // Linux's receive path (__receive_sock in net/core/sock.c) stores the
  // receiver's classid and priority index in the socket. A controller bound
  // to no v1 hierarchy keeps every task in its root group, so the values
  // stored are those every socket already has.
  bool classid = false;
  bool prioidx = false;
  std::istringstream lines(proc_cgroups);
  std::string line;
  while (std::getline(lines, line))
  {
    std::istringstream fields(line);
    std::string name;
    unsigned long hierarchy = 0;
    if (!(fields >> name >> hierarchy) || hierarchy == 0)
      continue;
    classid = classid || name == "net_cls";
    prioidx = prioidx || name == "net_prio";
  }
  if (!classid && !prioidx)
    return {};
  const char* controllers = !prioidx ? "net_cls" : !classid ? "net_prio" : "net_cls and net_prio";
  const char* values = !prioidx ? "classid" : !classid ? "priority index"
      : "classid and priority index";
  return std::string(controllers) + " cgroup v1 in use: reading would rewrite the socket's "
      + values + " to the probe's";
}

std::string foreign_read_would_change()
{
#if defined(__linux__)
  std::ifstream file("/proc/cgroups");
  std::ostringstream text;
  if (!(file && text << file.rdbuf()))
    return "cannot tell whether cgroup v1 net_cls or net_prio is in use (/proc/cgroups "
           "cannot be read): reading could rewrite the socket's classid to the probe's";
  return foreign_read_would_change(text.str());
#else
  return {};
#endif
}

detail::foreign_socket_read read_foreign_socket_unchanged(const detail::socket_location& where,
    std::uint64_t inode, const std::string& would_change)
{
  if (!would_change.empty() && where.pid != 0)
    return detail::foreign_socket_read::refused(would_change);
  return detail::read_foreign_socket(where, inode);
}

} // namespace probe
} // namespace portguard
