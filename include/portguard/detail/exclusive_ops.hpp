//
// portguard/detail/exclusive_ops.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Platform-neutral steps shared by exclusive_bind, make_exclusive and
// basic_secure_acceptor, written against native handles.
//
#ifndef PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
#define PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Makes a freshly opened (so unbound) socket exclusive under `policy`.
/// Exactly one setsockopt for a stream socket on success.
inline void exclusive_unbound(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept
{
  if (fault_seam_refuses())
    ec = error::option_refused;
  else
    set_exclusive(s, datagram, ec);
  if (ec == error::option_refused && policy == exclusivity::best_effort)
    ec.clear();
}

/// As exclusive_unbound, for a socket of unknown state: refuses a socket
/// that is already bound, where the option would have no effect.
inline void exclusive_open(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept
{
  if (is_bound(s))
  {
    ec = error::already_bound;
    return;
  }
  exclusive_unbound(s, datagram, policy, ec);
}

/// Checks a native handle offered for adoption: it must be a socket of
/// `expected_type` and `expected_family` (where the platform can tell), and
/// under exclusivity::required its options must keep rivals out
/// (error::not_exclusive otherwise) and, if it is bound, nobody else may
/// hold its port (error::port_shared, or error::holders_unknown when the
/// socket table cannot tell). Returns whether the socket is proven alone.
inline bool check_adoptable(native_socket s, int expected_type,
    int expected_family, exclusivity policy, error_code& ec)
{
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  const int family = socket_family(s);
  if (type != expected_type || (family != 0 && family != expected_family))
  {
    ec = error::wrong_socket_type;
    return false;
  }
  if (policy != exclusivity::required)
    return false;
  const bool exclusive = options_are_as_exclusive_as_possible(s, ec);
  if (!ec && !exclusive)
    ec = error::not_exclusive;
  if (ec || !is_bound(s))
    return false;
  return verify_alone(s, policy, ec);
}

/// What a verified bind learned.
struct bind_result
{
  /// The bind proved the socket alone, or the table did: nobody can join
  /// while its exclusive options stay set.
  bool proven_alone = false;

  /// POSIX: the bind needed SO_REUSEADDR beside TIME_WAIT entries of a
  /// previous run, so listen() needs it too and must look again after.
  bool listen_needs_reuse = false;
};

/// Binds an open socket whose exclusive options are set, so that the bind
/// itself proves nobody else holds the port wherever it can.
///
/// POSIX: SO_REUSEADDR must be off in the OS for the first bind (a bind
/// without it is refused if any socket or TIME_WAIT entry overlaps). If
/// that bind fails with "address in use" and `reuse_wanted` (the caller
/// asked for SO_REUSEADDR, as restarting servers do), it binds again with
/// SO_REUSEADDR on, turns it off again at once, and reads the socket table:
/// TIME_WAIT entries of a previous run are fine, a socket that shares the
/// port is not. Windows: an exclusive bind to the wildcard proves the
/// socket alone; one to a specific address is followed by a probe for a
/// wildcard socket beside it.
///
/// Under exclusivity::required a socket that turns out not to be alone is
/// closed (a bound socket cannot be unbound) and `ec` says why:
/// error::port_shared or error::holders_unknown.
///
/// `listen_follows`: the caller calls listen_verified() at once (the
/// endpoint constructor). The table read a bind beside TIME_WAIT needs is
/// then left to listen_verified(), whose read after the listen sees every
/// holder this one would (a socket bound beside ours stays bound): one walk
/// of the kernel's bind table instead of two.
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
      ec = error::port_shared; // a wildcard socket sits beside this one
  }
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
  }
  return result;
}

/// Listens on a socket bound by bind_verified() (or adopted), and checks
/// after the listen when the bind proved nothing. POSIX: with a proof the
/// listen runs with SO_REUSEADDR off (it too is refused if anyone
/// overlaps) and SO_REUSEADDR is turned on after it when `reuse_wanted`,
/// so accepted connections let the next run restart at once; nobody can
/// share a listening socket through it. Without a proof SO_REUSEADDR is
/// turned on first and the table is read after. Windows: the bind's proof
/// stands. Under exclusivity::required a socket that is not alone is
/// closed, as in bind_verified().
template <typename Socket>
void listen_verified(Socket& socket, int backlog, bool reuse_wanted,
    exclusivity policy, bind_result& state, error_code& ec)
{
  const native_socket s = socket.native_handle();
  const bool proven = state.proven_alone && !state.listen_needs_reuse;
  if (!reuse_address_is_emulated && reuse_wanted && !proven)
  {
    set_reuse_address(s, true, ec);
    if (ec)
      return;
  }
  socket.listen(backlog, ec);
  if (ec)
    return;
  if (reuse_address_is_emulated)
    return;
  if (proven)
  {
    if (reuse_wanted)
      set_reuse_address(s, true, ec);
    return;
  }
  state.listen_needs_reuse = false;
  state.proven_alone = table_shows_alone(s, holder_scope::all, policy, ec);
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
  }
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
