//
// portguard/detail/platform_posix.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// POSIX: headers, handle type, exclusive option, error classifiers and the
// raw calls that differ from Windows (defined in impl/platform_posix.ipp).
// Chosen by platform.hpp.
//
#ifndef PORTGUARD_DETAIL_PLATFORM_POSIX_HPP
#define PORTGUARD_DETAIL_PLATFORM_POSIX_HPP

#include <portguard/detail/config.hpp>
#include <portguard/error.hpp>
#include <portguard/port_rules.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#if !defined(SO_REUSEPORT)
#  error "portguard needs SO_REUSEPORT on POSIX systems"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

using native_socket = int;
using socket_length = socklen_t;

/// The value of a native socket that is not open.
constexpr native_socket no_socket = -1;

PORTGUARD_DECL bool set_int_option(native_socket s, int level, int name, int value,
    error_code& ec) noexcept;

// The exclusive option: SO_REUSEPORT with the inverted value (0: exclusive).
constexpr int exclusive_option_level = SOL_SOCKET;
constexpr int exclusive_option_name = SO_REUSEPORT;
constexpr int stored_value(bool exclusive) noexcept { return exclusive ? 0 : 1; }
constexpr bool stored_means_exclusive(int v) noexcept { return v == 0; }

/// SO_REUSEADDR reaches the OS: a listening TCP socket cannot be shared
/// through it, and it lets a server restart beside TIME_WAIT.
constexpr bool reuse_address_is_emulated = false;

/// SO_REUSEPORT off reads back as it acts.
constexpr bool exclusive_option_may_be_inert = false;

/// An exclusive bind to a specific address is refused beside a wildcard.
constexpr bool specific_bind_may_sit_beside_wildcard = false;

/// listen() checks the port again, so one without SO_REUSEADDR is refused
/// beside any overlapping socket (Linux). The BSDs' listen does not
/// (XNU's tcp_usr_listen()).
#if defined(__linux__)
constexpr bool listen_checks_the_port = true;
#else
constexpr bool listen_checks_the_port = false;
#endif

/// The error a bind gives for an address that is not this host's.
constexpr int address_not_available = EADDRNOTAVAIL;

/// Reads a setsockopt buffer as the kernel reads a boolean option: Linux and
/// the BSDs refuse one shorter than an int (false) and read its leading int.
PORTGUARD_DECL bool option_value_as_read(const void* data, std::size_t size, int& value) noexcept;

/// Whether a failed bind may succeed later (bind_with_retry): EADDRINUSE,
/// the port still held. EACCES (a privileged port, a policy) stays.
PORTGUARD_DECL bool bind_error_is_transient(const error_code& ec) noexcept;

/// Whether a bind is refused because another socket holds the address.
PORTGUARD_DECL bool is_conflict(const error_code& ec) noexcept;

PORTGUARD_DECL error_code last_socket_error() noexcept;

PORTGUARD_DECL void close_socket(native_socket s) noexcept;

/// Waits until the socket is readable or `milliseconds` pass.
PORTGUARD_DECL void wait_readable(native_socket s, int milliseconds, error_code& ec) noexcept;

/// Opens a socket that portguard keeps to itself (close-on-exec), no options.
PORTGUARD_DECL native_socket open_private_socket(int family, int type, error_code& ec) noexcept;

/// Tells this open socket from a later one with the same descriptor: its
/// inode. False if `s` is not an open socket.
PORTGUARD_DECL bool socket_fingerprint(native_socket s, std::uint64_t& identity) noexcept;

/// Windows only: POSIX never refuses a wildcard bind beside a specific one
/// for lack of a rule.
PORTGUARD_DECL bool wildcard_refused_beside_any_specific() noexcept;

/// The SOL_SOCKET options by which a socket lets others share its port.
constexpr int sharing_option_names[] = {SO_REUSEADDR, SO_REUSEPORT,
#if defined(SO_REUSEPORT_LB)
    SO_REUSEPORT_LB,
#endif
};

/// The rules option a SOL_SOCKET option name stands for; false for others.
PORTGUARD_DECL bool rules_option(int level, int name, rules::option& out) noexcept;

/// Makes an open, unbound socket exclusive: SO_REUSEPORT off, and for a
/// datagram socket SO_REUSEADDR off. error::option_refused on failure.
PORTGUARD_DECL void set_exclusive(native_socket s, bool datagram, error_code& ec) noexcept;

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_PLATFORM_POSIX_HPP
