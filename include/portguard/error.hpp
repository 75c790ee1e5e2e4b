//
// portguard/error.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_ERROR_HPP
#define PORTGUARD_ERROR_HPP

#include <portguard/detail/config.hpp>

#include <string>
#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// The errors portguard adds to those of the operating system and Asio.
/**
 * Each value belongs to the category returned by portguard::category(),
 * whose name is "portguard". An `error_code` holding one of these compares
 * equal to the enumerator: `if (ec == portguard::error::not_exclusive)`.
 */
enum class error
{
  /// The operating system refused the option that makes a socket exclusive.
  /// Under exclusivity::required the operation stops and nothing stays bound.
  option_refused = 1,

  /// An option conflicts with exclusive address use: on Windows
  /// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE cannot both be set, and a
  /// secure acceptor refuses any option that would let others share its port.
  conflicting_option,

  /// A socket's options let other sockets share its port (an adopted
  /// socket is refused with it under exclusivity::required);
  /// portguard::why_not_exclusive() names the option.
  not_exclusive,

  /// Exclusivity must be set before bind, and the socket is already bound.
  already_bound,

  /// An adopted native handle is not of the socket type or address family
  /// the protocol expects (for example a datagram socket given to an
  /// acceptor).
  wrong_socket_type,

  /// Another socket already holds the port on an overlapping address (a
  /// squatter that bound first, or a sharer that joined). Under
  /// exclusivity::required the operation fails and closes the socket;
  /// portguard::holders_of() names the holder.
  port_shared,

  /// The operating system's socket table could not show who holds the port
  /// (netlink refused, or a kernel that does not list bound sockets), and
  /// exclusivity::required needs to know. The throwing forms name the cause.
  holders_unknown,

  /// The same port on the other address family (`[::]` or `[::1]` beside an
  /// IPv4 wildcard or loopback server, and back) is held by another socket,
  /// so clients that try that family first would reach it. Under
  /// exclusivity::required the bind fails; see portguard::other_family.
  other_family_held,

  /// Another process holds the same socket: its descriptor was passed
  /// (SCM_RIGHTS) or inherited, and that process can accept the port's
  /// connections too. The service manager that handed the socket over (the
  /// parent process, or PID 1) does not count. Under exclusivity::required
  /// adoption fails; the throwing form names the other process.
  socket_shared,

  /// The same port on the other address family is free and unguarded:
  /// anyone may bind it and receive the clients that try that family first
  /// (a reason of portguard::why_not_exclusive(); see portguard::other_family).
  other_family_open
};

/// Returns the "portguard" error category.
PORTGUARD_DECL const error_category& category() noexcept;

/// Makes an `error_code` from a portguard::error.
inline error_code make_error_code(error e) noexcept
{
  return error_code(static_cast<int>(e), category());
}

PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_STANDALONE_ASIO)
namespace std {
template <>
struct is_error_code_enum<::portguard::error> : true_type
{
};
} // namespace std
#else
namespace boost {
namespace system {
template <>
struct is_error_code_enum<::portguard::error> : std::true_type
{
};
} // namespace system
} // namespace boost
#endif

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/impl/error.ipp>
#endif

#endif // PORTGUARD_ERROR_HPP
