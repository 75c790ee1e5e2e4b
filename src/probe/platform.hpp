//
// src/probe/platform.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Everything in portguard-probe that differs between operating systems:
// SO_REUSEPORT, error names, child processes and the switch to user nobody.
// Only platform.cpp names OS headers.
//
#ifndef PORTGUARD_PROBE_PLATFORM_HPP
#define PORTGUARD_PROBE_PLATFORM_HPP

#include <portguard/detail/config.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace portguard {
namespace probe {
namespace platform {

/// This platform's name in reports: "linux", "windows", "macos" or "posix".
const char* name() noexcept;

/// Whether this Windows program runs under Wine, which models Windows'
/// port rules only in part (see docs/probe.md). False on other platforms.
bool under_wine() noexcept;

/// Whether SO_REUSEPORT exists here (POSIX: yes; Windows: no).
bool has_reuse_port() noexcept;

/// Sets SO_REUSEPORT on an open socket (error `operation_not_supported`
/// where it does not exist).
void set_reuse_port(net::ip::tcp::acceptor& s, error_code& ec);
void set_reuse_port(net::ip::udp::socket& s, error_code& ec);

/// Whether a failed plain bind means another socket holds the port
/// (POSIX: EADDRINUSE; Windows: WSAEADDRINUSE or WSAEACCES).
bool bind_error_means_held(const error_code& ec) noexcept;

/// Whether a failed bind means the address is not one of this machine's
/// (EADDRNOTAVAIL / WSAEADDRNOTAVAIL).
bool bind_error_means_not_local(const error_code& ec) noexcept;

/// Whether a failed plain bind means this user may not bind the port
/// (POSIX: EACCES or EPERM, e.g. a port below 1024 without privilege).
bool bind_error_means_no_permission(const error_code& ec) noexcept;

/// Whether a bind to a specific address succeeds beside a wildcard bind of
/// the same port (Windows), so a free specific address proves nothing.
bool specific_bind_shadows_wildcard() noexcept;

/// The operating system's name for an error ("EADDRINUSE", "WSAEACCES"),
/// or "portguard:<n>" / "error <n>" for others.
std::string error_name(const error_code& ec);

/// Whether this process runs with the privilege to switch users (root).
bool is_privileged() noexcept;

/// The identities a child process can take: this user, or the unprivileged
/// other user nobody (uid and gid 65534).
enum class child_user { same_user, other_user };

/// Runs `work` in a child process, as user nobody when asked, and returns
/// the text it returned (lines of the wire encoding in docs/reliability.md),
/// read from a pipe until the child closes it. Bounded in time. On failure
/// or where children are not available, returns false and says why.
bool run_in_child(child_user user, const std::function<std::string()>& work,
    std::string& out, std::string& why_not);

/// As run_in_child, as the user with this uid (its primary group from the
/// user database, or gid = uid when it has no entry). Needs root.
bool run_as_uid(std::uint32_t uid, const std::function<std::string()>& work,
    std::string& out, std::string& why_not);

/// The first port an unprivileged user may bind: Linux's
/// net.ipv4.ip_unprivileged_port_start (1024 if it cannot be read), 1024 on
/// other POSIX systems, 0 on Windows (no privileged ports).
unsigned first_unprivileged_port() noexcept;

/// The effective uid of this process (POSIX), or 0 on Windows.
std::uint32_t effective_uid() noexcept;

/// The name of the user with this uid ("www-data"), or empty when the user
/// database has none (or on Windows).
std::string user_name(std::uint32_t uid);

} // namespace platform
} // namespace probe
} // namespace portguard

#endif
