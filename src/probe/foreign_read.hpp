//
// src/probe/foreign_read.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Reading another process's socket without changing it. On Linux the scan
// duplicates the owner's descriptor (pidfd_getfd), and the kernel gives a
// received socket the receiver's cgroup v1 net_cls classid and net_prio
// index. Where those controllers are in use that read would rewrite the
// socket, so it is not made (docs/probe.md, "Options, read passively").
//
#ifndef PORTGUARD_PROBE_FOREIGN_READ_HPP
#define PORTGUARD_PROBE_FOREIGN_READ_HPP

#include "host_table.hpp"

#include <portguard/detail/config.hpp>

#include <cstdint>
#include <string>

namespace portguard {
namespace probe {

/// Why reading another process's socket would change it on this host, or
/// empty when it would not: from /proc/cgroups on Linux, empty elsewhere
/// (no platform's read duplicates a descriptor there).
std::string foreign_read_would_change();

/// The same, from the text of /proc/cgroups: a net_cls or net_prio line
/// with a hierarchy id other than 0 (bound to a cgroup v1 hierarchy).
std::string foreign_read_would_change(const std::string& proc_cgroups);

/// Reads the options of a socket another process has open, unless
/// `would_change` (from foreign_read_would_change()) says why that would
/// alter it: then the read is refused with that reason.
detail::foreign_socket_read read_foreign_socket_unchanged(const detail::socket_location& where,
    std::uint64_t inode, const std::string& would_change);

} // namespace probe
} // namespace portguard

#endif
