//
// portguard/is_exclusive.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_IS_EXCLUSIVE_HPP
#define PORTGUARD_IS_EXCLUSIVE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/socket_traits.hpp>

#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// Whether a live socket holds its port alone and no rival could join it.
/**
 * Two halves, both needed for `true`:
 * - **Its options** keep rivals out, by this platform's rule. Windows:
 *   SO_EXCLUSIVEADDRUSE on. POSIX: SO_REUSEPORT off, and SO_REUSEADDR off
 *   unless the socket is a listening TCP socket (a bound-but-not-listening
 *   TCP socket, or a UDP socket, with SO_REUSEADDR can be bound again by
 *   any user).
 * - **Nobody else holds its port now**, by the operating system's socket
 *   table (see portguard::holders_of()): flags set today say nothing about
 *   a socket that joined while they were off, or that bound first. On
 *   Windows, where SO_EXCLUSIVEADDRUSE set after bind reads back on while it
 *   protects nothing, a probe bind (a socket bound next to it without
 *   options and closed at once) shows whether it took effect.
 *
 * - **The other address family** is covered (see portguard::other_family):
 *   a socket on 0.0.0.0 or 127.0.0.1 (and the mirror for an IPv6-only
 *   socket) holds a guard made by a portguard bind or guard_other_family(),
 *   or the host lacks that family. Without one the answer is false: that
 *   port is free for anyone, or held by someone else.
 *
 * - **No other process holds the socket itself.** A descriptor passed over
 *   SCM_RIGHTS or inherited is one socket in several processes, and each
 *   can accept its connections: false when another process has it open,
 *   unless that process is the service manager that handed it over (this
 *   process's parent or PID 1). On Linux every process's `/proc/<pid>/fd` is
 *   searched; where some cannot be listed (not root) and the socket was made
 *   by a user other than this process's and not root, the answer is
 *   portguard::error::holders_unknown. A portguard::secure_acceptor that
 *   bound the socket itself (or adopted it under exclusivity::required)
 *   skips this search.
 *
 * An unbound socket is judged by its options alone. A connected TCP socket
 * (one accepted from a listener) is judged by the port it is on: true when
 * every socket holding that port is a listener of this process whose
 * options keep rivals out (on Windows: a listener of this process).
 *
 * Cost: three getsockopt calls, then on Linux a read of the socket table
 * (a UDP lookup is cheap; a TCP one walks the kernel's bind table, about
 * 0.2 ms on an idle host and more under load; a portguard::secure_acceptor
 * that proved itself alone looks up listeners only), and, when the socket
 * is in the table, a walk of `/proc` for the processes that hold it
 * (measured on the project's 2-core machine under a build's load: 2-3 ms
 * with 90 processes, and 30-50 us more per process: 20 ms with 300 more,
 * 33-54 ms with 1 000 more; skipped by a secure_acceptor with a proof,
 * whose check stays at about 0.1 ms). On Windows add a probe bind and the IP Helper tables.
 *
 * @param socket An open acceptor or socket.
 * @param ec Set to indicate what error occurred, if any: `bad_descriptor`
 * for a closed socket; portguard::error::holders_unknown when the options
 * are right but the socket table cannot show every holder (Linux before
 * 6.8 does not list bound TCP sockets; netlink refused in a sandbox; the
 * throwing form names which, or the user that made a socket whose other
 * holders cannot be seen). The result is false on error.
 *
 * @see portguard::why_not_exclusive() for why the answer is false: the
 * reason, the option judged, the holders and the remedy.
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, bool>
is_exclusive(Socket& socket, error_code& ec)
{
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return false;
  }
  return detail::is_exclusive_on_both_families(socket.native_handle(), false,
      detail::guards_other_family_of(socket), ec);
}

/// Whether a live socket holds its port alone and no rival could join it
/// (throwing form).
/**
 * @throws system_error Thrown on failure, naming "is_exclusive" and, for
 * portguard::error::holders_unknown, the cause.
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, bool>
is_exclusive(Socket& socket)
{
  error_code ec;
  const bool result = portguard::is_exclusive(socket, ec);
  if (ec)
    detail::throw_for_socket(ec, "is_exclusive", socket.native_handle());
  return result;
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(is_exclusive)

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IS_EXCLUSIVE_HPP
