//
// portguard/detail/verify.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Who else holds a socket's port now, as cheaply as the platform allows:
// an exclusive bind is the proof where it can be, else the
// socket table or, on Windows, a probe bind.
//
#ifndef PORTGUARD_DETAIL_VERIFY_HPP
#define PORTGUARD_DETAIL_VERIFY_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The socket's local address and port (port 0 when it is not bound).
PORTGUARD_DECL net::ip::address bound_address(native_socket s, unsigned short& port) noexcept;

/// True when the table shows no other holder of `s`'s port and is complete;
/// else under exclusivity::required error::port_shared / holders_unknown.
/// With `check_sharing` (a socket this process did not bind: adoption,
/// is_exclusive() without a proof) the socket itself must not be held by
/// another process either (read_other_holders(), a walk of /proc on Linux):
/// error::socket_shared, or holders_unknown where that cannot be seen.
/// `found`, when given, receives the other holders read.
PORTGUARD_DECL bool table_shows_alone(native_socket s, holder_scope scope,
    exclusivity policy, error_code& ec, bool check_sharing = false,
    port_holders* found = nullptr);

/// Windows: a probe bind with no options, closed at once, for what the table
/// does not show. A wildcard socket: the family's loopback must be refused
/// with WSAEACCES (the option works). A specific address (TCP): the wildcard
/// must bind (no wildcard socket beside it). Where Wine refuses every
/// overlapping bind, the table read that follows decides.
PORTGUARD_DECL bool probe_shows_alone(native_socket s, error_code& ec);

/// Whether an exclusive bind proved `s` alone: POSIX, if SO_REUSEADDR was
/// off; Windows, for a wildcard, or once the probe / table shows no wildcard.
PORTGUARD_DECL bool bind_proves_alone(native_socket s, bool reuse_address_was_on,
    error_code& ec);

/// For a socket whose bind proved nothing (an adopted one): true when it
/// holds its port alone, no other process holding the socket itself; fails
/// under exclusivity::required as table_shows_alone() with `check_sharing`.
PORTGUARD_DECL bool verify_alone(native_socket s, exclusivity policy, error_code& ec);

/// What judge_exclusive_now() found: the answer and, when it is no, the
/// first reason (a portguard::error) with what it judged.
struct exclusive_finding
{
  bool exclusive = false;
  error_code reason;          // empty when exclusive or when `ec` was set
  rules::defender socket{};   // the options judged (options_read)
  bool options_read = false;
  bool option_inert = false;  // Windows: the probe shows the option protects nothing
  bool connection = false;    // a connected TCP socket, judged by its listeners
  port_holders holders;       // the other holders read, if the table was read
};

/// is_exclusive(): options keep rivals out and nobody else holds the port,
/// nor (without a proof) the socket itself in another process.
/// `proven`: a portguard bind or adoption proved it alone, so only
/// listeners are read and /proc is not walked.
PORTGUARD_DECL exclusive_finding judge_exclusive_now(native_socket s, bool proven,
    error_code& ec);

/// is_exclusive() on this family: judge_exclusive_now()'s answer.
PORTGUARD_DECL bool is_exclusive_now(native_socket s, bool proven, error_code& ec);

/// What a verified bind learned.
struct bind_result
{
  /// The bind or the table proved the socket alone.
  bool proven_alone = false;

  /// POSIX: the bind needed SO_REUSEADDR beside TIME_WAIT; listen must too,
  /// and must look again after.
  bool listen_needs_reuse = false;
};

/// Binds a socket whose exclusive options are set so the bind is the proof.
/// POSIX: without SO_REUSEADDR first; on "address in use" and `reuse_wanted`
/// (TIME_WAIT of a previous run) again with it, off at once after, and the
/// table decides (left to listen when `listen_follows`). Under
/// exclusivity::required a socket not alone is closed.
template <typename Socket>
bind_result bind_verified(Socket& socket, const typename Socket::endpoint_type& endpoint,
    bool reuse_wanted, exclusivity policy, error_code& ec, bool listen_follows = false)
{
  bind_result result;
  const native_socket s = socket.native_handle();
  socket.bind(endpoint, ec);
  bool reuse_was_on = false;
  if (ec == net::error::address_in_use && reuse_wanted && !reuse_address_is_emulated)
  {
    set_reuse_address(s, true, ec);
    if (ec)
      return result;
    socket.bind(endpoint, ec);
    error_code ignored;
    set_reuse_address(s, false, ignored); // nobody joins until listen
    if (ec)
      return result;
    reuse_was_on = true;
    result.listen_needs_reuse = true;
  }
  if (ec)
    return result;
  result.proven_alone = bind_proves_alone(s, reuse_was_on, ec);
  if (!ec && !result.proven_alone)
  {
    if (reuse_was_on)
    {
      if (!listen_follows)
        result.proven_alone = table_shows_alone(s, holder_scope::all, policy, ec);
    }
    else if (policy == exclusivity::required)
      ec = error::port_shared; // a wildcard socket beside this one
  }
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
  }
  return result;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/detail/impl/verify.ipp>
#endif

#endif // PORTGUARD_DETAIL_VERIFY_HPP
