//
// portguard/detail/exclusive_ops.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The operations every public path runs on an exclusive socket, each taking
// the socket's exclusive_state: open, bind, listen, adopt, is_exclusive.
//
#ifndef PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
#define PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/other_family_guard.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>
#include <portguard/port_holder.hpp>

#include <string>
#include <utility>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Makes an unbound socket exclusive under `policy` (one setsockopt for a
/// stream socket).
PORTGUARD_DECL void make_exclusive(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept;

/// Checks a handle offered for adoption: its type and family and, under
/// exclusivity::required, its options and holders. Returns whether the
/// socket is proven alone.
PORTGUARD_DECL bool check_adoptable(native_socket s, int expected_type,
    int expected_family, exclusivity policy, error_code& ec);

/// What an exclusive socket remembers between operations.
template <typename Protocol>
struct exclusive_state
{
  explicit exclusive_state(exclusivity p = exclusivity::required) noexcept : policy(p) {}
  exclusive_state(exclusive_state&&) noexcept = default;
  exclusive_state& operator=(exclusive_state&&) noexcept = default;

  template <typename Protocol1>
  explicit exclusive_state(exclusive_state<Protocol1>&& other) noexcept
    : policy(other.policy), family(other.family), reuse_address(other.reuse_address),
      bound(other.bound), listening(other.listening), guard(other.guard.release())
  {
  }

  /// Forgets the previous socket (on open and adoption).
  void reset() noexcept
  {
    guard.reset();
    reuse_address = false;
    bound = bind_result();
    listening = false;
  }

  exclusivity policy;
  other_family family = other_family::guard;
  bool reuse_address = false; // what reuse_address answers: the caller's wish
  bind_result bound;          // what the last bind or adoption proved
  bool listening = false;
  bool guard_in_registry = false; // a plain socket: guard_registry keeps the guard
  guard_socket<Protocol> guard;   // the port on the other address family
};

/// Whether what the last bind or listen proved still holds: it covered a
/// socket that listens or keeps SO_REUSEADDR off. One that has left LISTEN
/// (shutdown) with SO_REUSEADDR on let others bind beside it since.
template <typename Protocol>
bool proof_holds(native_socket s, const exclusive_state<Protocol>& state) noexcept
{
  if (!state.bound.proven_alone)
    return false;
  return reuse_address_is_emulated || is_listening(s) || !reuse_address_is_set(s);
}

/// listen_follows: the caller listens at once, and the table read a bind
/// beside TIME_WAIT needs is left to the listen (one walk instead of two).
enum class bind_mode
{
  bind_only,
  listen_follows
};

/// Hands a freshly bound guard to its keeper: the state (noted in
/// guard_registry, so is_exclusive() sees it under any type) or the registry.
template <typename Protocol>
void keep_guard(native_socket s, exclusive_state<Protocol>& state)
{
  if (state.guard_in_registry)
  {
    if (state.guard.is_open())
      guard_registry::instance().add(s, state.guard.release());
  }
  else
    state.guard.note_for(s);
}

/// Binds the guard for bound socket `s` into `state.guard`.
template <typename Protocol>
void guard_bound_socket(native_socket s, exclusive_state<Protocol>& state,
    exclusivity policy, error_code& ec)
{
  unsigned short port = 0;
  const net::ip::address address = bound_address(s, port);
  state.guard = hold_other_family<Protocol>(address,
      address.is_v6() && is_v6_only(s), port, policy, ec);
}

/// Opens `socket` (an Asio socket, closed) and makes it exclusive; returns
/// the name of the failed step ("" on success). Nothing stays open on failure.
template <typename Socket, typename Protocol>
const char* open_exclusive(Socket& socket, exclusive_state<Protocol>& state,
    const Protocol& protocol, error_code& ec)
{
  state.reset();
  socket.open(protocol, ec);
  if (ec)
    return "open";
  make_exclusive(socket.native_handle(), protocol.type() == SOCK_DGRAM, state.policy, ec);
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
    return "exclusive_address_use";
  }
  return "";
}

/// The bind every public path runs: bind_verified() under `policy` and, under
/// other_family::guard, the guard on the same port of the other family. For
/// a given port the socket binds first ("address in use" stays about its
/// own family) and is closed if the guard fails; for port 0 the guard binds
/// first and the socket takes its port, retried a few times.
template <typename Socket, typename Protocol>
void bind_exclusive(Socket& socket, exclusive_state<Protocol>& state,
    const typename Protocol::endpoint& endpoint, exclusivity policy, bind_mode mode,
    error_code& ec)
{
  const native_socket s = socket.native_handle();
  const bool listen_follows = mode == bind_mode::listen_follows;
  state.guard.reset();
  if (state.guard_in_registry)
    guard_registry::instance().drop(s);
  if (state.family == other_family::leave_open)
  {
    state.bound = bind_verified(socket, endpoint, state.reuse_address, policy, ec,
        listen_follows);
    return;
  }
  const bool v6_only = endpoint.address().is_v6() && is_v6_only(s);
  if (endpoint.port() != 0)
  {
    state.bound = bind_verified(socket, endpoint, state.reuse_address, policy, ec,
        listen_follows);
    if (!ec)
      state.guard = hold_other_family<Protocol>(endpoint.address(), v6_only,
          endpoint.port(), policy, ec);
    if (ec && socket.is_open() && is_bound(s))
    {
      error_code ignored;
      socket.close(ignored);
    }
  }
  else
  {
    constexpr int attempts = 8;
    for (int attempt = 1;; ++attempt)
    {
      state.guard = hold_other_family<Protocol>(endpoint.address(), v6_only, 0, policy, ec);
      if (ec)
      {
        state.bound = bind_result();
        return;
      }
      typename Protocol::endpoint target = endpoint;
      if (state.guard.is_open())
        target.port(bound_port(state.guard.native_handle()));
      state.bound = bind_verified(socket, target, state.reuse_address, policy, ec,
          listen_follows);
      if (ec == net::error::address_in_use && state.guard.is_open() && socket.is_open()
          && attempt < attempts)
        continue;
      break;
    }
  }
  if (ec)
    state.guard.reset();
  else
    keep_guard(s, state);
}

/// Listens on a socket bound by bind_exclusive() (or adopted). POSIX: with a
/// proof that still holds (proof_holds()) the listen runs without SO_REUSEADDR (it too is refused if anyone
/// overlaps) and the caller's SO_REUSEADDR is set after; without one it is
/// set first and the table read after. Windows: the bind's proof stands.
/// `just_bound`: bind_exclusive() bound the socket a moment ago (not
/// listening, SO_REUSEADDR off in the OS), so its proof holds as made.
template <typename Socket, typename Protocol>
void listen_exclusive(Socket& socket, exclusive_state<Protocol>& state, int backlog,
    error_code& ec, bool just_bound = false)
{
  const native_socket s = socket.native_handle();
  const bool reuse_wanted = state.reuse_address;
  const bool proof = just_bound ? state.bound.proven_alone : proof_holds(s, state);
  const bool proven = proof && !state.bound.listen_needs_reuse;
  state.listening = false;
  if (!reuse_address_is_emulated && reuse_wanted && !proven)
  {
    set_reuse_address(s, true, ec);
    if (ec)
      return;
  }
  socket.listen(backlog, ec);
  if (ec)
    return;
  if (!reuse_address_is_emulated && proven && reuse_wanted)
    set_reuse_address(s, true, ec);
  else if (!reuse_address_is_emulated && !proven)
  {
    state.bound.listen_needs_reuse = false;
    state.bound.proven_alone = table_shows_alone(s, holder_scope::all, state.policy, ec);
    if (ec)
    {
      error_code ignored;
      socket.close(ignored);
      return;
    }
  }
  state.listening = !ec;
}

/// Records reuse_address; gives it to the OS only where and when it cannot
/// share the port (POSIX, listening), and takes it back when turned off.
template <typename Protocol>
void set_reuse_address(native_socket s, exclusive_state<Protocol>& state, bool on,
    error_code& ec)
{
  ec.clear();
  state.reuse_address = on;
  if (!reuse_address_is_emulated && (state.listening || !on))
    set_reuse_address(s, on, ec);
}

/// The endpoint constructor's sequence: open exclusive, reuse_address when
/// asked, bind, listen. Closes the socket on failure; returns the name of the
/// failed step ("" on success).
template <typename Socket, typename Protocol>
const char* open_bind_listen(Socket& socket, exclusive_state<Protocol>& state,
    const typename Protocol::endpoint& endpoint, bool reuse_addr, error_code& ec)
{
  open_exclusive(socket, state, endpoint.protocol(), ec);
  if (ec)
    return ec.category() == category() ? "exclusive_address_use" : "open";
  if (reuse_addr)
    set_reuse_address(socket.native_handle(), state, true, ec);
  const char* step = "set_option";
  if (!ec)
  {
    bind_exclusive(socket, state, endpoint, state.policy, bind_mode::listen_follows, ec);
    step = "bind";
  }
  if (!ec)
  {
    between_bind_and_listen();
    listen_exclusive(socket, state, net::socket_base::max_listen_connections, ec, true);
    step = "listen";
  }
  if (!ec)
    return "";
  state.guard.reset();
  error_code ignored;
  socket.close(ignored);
  return step;
}

/// Adopts `native` into `socket` (an Asio socket, closed) after
/// check_adoptable(); a guard that a portguard bind made for it comes along,
/// or one is bound under other_family::guard. On failure the caller keeps
/// the handle and `state` is unchanged.
template <typename Socket, typename Protocol>
void adopt_exclusive(Socket& socket, exclusive_state<Protocol>& state,
    const Protocol& protocol, native_socket native, error_code& ec)
{
  const bool alone = check_adoptable(native, protocol.type(), protocol.family(),
      state.policy, ec);
  exclusive_state<Protocol> adopted(state.policy);
  adopted.family = state.family;
  if (!ec)
    adopted.guard = guard_socket<Protocol>(guard_registry::instance().take(native));
  if (!ec && !adopted.guard.is_open() && adopted.family == other_family::guard
      && is_bound(native))
    guard_bound_socket(native, adopted, state.policy, ec);
  if (!ec)
    socket.assign(protocol, native, ec);
  if (ec)
    return;
  adopted.guard.note_for(native);
  adopted.reuse_address = reuse_address_is_set(native);
  adopted.bound = bind_result{alone, false};
  adopted.listening = is_listening(native);
  state = std::move(adopted);
}

/// Makes an acceptor that other code opened and bound (a framework's)
/// exclusive: checks its options, listens if it does not yet, shows it
/// alone and guards the other family. Linux: the listen runs without
/// SO_REUSEADDR, so it is refused if anyone overlaps; only then (TIME_WAIT
/// of a previous run, or a squatter) with it, and the table decides.
/// Elsewhere verify_alone() decides before the listen.
/// SO_REUSEADDR is left as found. Under exclusivity::required a socket not
/// alone is closed.
template <typename Socket, typename Protocol>
void listen_bound_by_others(Socket& socket, exclusive_state<Protocol>& state, error_code& ec)
{
  const native_socket s = socket.native_handle();
  if (!is_bound(s))
  {
    ec = net::error::invalid_argument;
    return;
  }
  state.reuse_address = reuse_address_is_set(s);
  const bool listening = is_listening(s);
  const bool listen_without_reuse = !listening && listen_checks_the_port;
  if (listen_without_reuse && state.reuse_address)
    set_reuse_address(s, false, ec); // nobody joins from here on
  const bool exclusive = !ec && options_are_as_exclusive_as_possible(s, ec);
  if (!ec && !exclusive && state.policy == exclusivity::required)
    ec = error::not_exclusive;
  if (ec)
  {
    error_code ignored;
    socket.close(ignored);
    return;
  }
  if (listen_without_reuse)
  {
    state.bound = bind_result{true, false};
    listen_exclusive(socket, state, net::socket_base::max_listen_connections, ec);
    if (ec == net::error::address_in_use)
    {
      state.bound = bind_result{false, true};
      listen_exclusive(socket, state, net::socket_base::max_listen_connections, ec);
    }
  }
  else
  {
    state.bound = bind_result{verify_alone(s, state.policy, ec), false};
    if (!ec && !listening)
      socket.listen(net::socket_base::max_listen_connections, ec);
    state.listening = !ec;
  }
  if (!ec && state.family == other_family::guard
      && !(state.guard_in_registry && guard_registry::instance().guards(s)))
    guard_bound_socket(s, state, state.policy, ec);
  if (ec)
  {
    state.guard.reset();
    error_code ignored;
    socket.close(ignored);
    return;
  }
  keep_guard(s, state);
}

/// is_exclusive(): is_exclusive_now(), and the port covered on the other
/// family. A connected TCP socket is judged by its listener.
PORTGUARD_DECL bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec);

/// Throws for `ec`, naming the step and, for a port shared on either family
/// or a socket another process holds too (socket_shared: the socket, already
/// closed here, is still listed while that process keeps it), its holders
/// with every process that has each open; for holders_unknown, the cause:
/// about `port` of `protocol` on `address`.
PORTGUARD_DECL void throw_naming_holder(const error_code& ec, const char* step,
    int protocol, const net::ip::address& address, unsigned short port);

/// throw_naming_holder() for an endpoint.
template <typename Endpoint>
void throw_naming_holder(const error_code& ec, const char* step, const Endpoint& endpoint)
{
  if (ec)
    throw_naming_holder(ec, step, endpoint.protocol().protocol(), endpoint.address(),
        endpoint.port());
}

/// Throws for `ec` about socket `s`, naming the step and, for
/// holders_unknown, the cause; for socket_shared (and holders_unknown
/// because the socket's maker cannot be seen) the other process: uid, pid,
/// name.
PORTGUARD_DECL void throw_for_socket(const error_code& ec, const char* step, native_socket s);

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/detail/impl/exclusive_ops.ipp>
#endif

#endif // PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
