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
#include <portguard/detail/socket_traits.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>
#include <portguard/port_holder.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

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
/// first and the socket takes its port, retried a few times (also when the
/// port is in TIME_WAIT on the socket's family).
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
  else if (state.family == other_family::guard)
    guard_registry::instance().sweep(); // a closed socket's guard may still hold the port
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
      // Any port will do: one in TIME_WAIT here is skipped, not joined
      // with SO_REUSEADDR (which would leave the proof to the table).
      const bool reuse_wanted = state.reuse_address
          && !(state.guard.is_open() && attempt < attempts);
      state.bound = bind_verified(socket, target, reuse_wanted, policy, ec, listen_follows);
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

/// What judge_exclusive() found on both families: on the other family,
/// `reason` is other_family_held or other_family_open (told apart only
/// when explaining).
struct exclusive_judgement : exclusive_finding
{
  net::ip::address other_address; // the other family's counterpart, when it is the reason
  unsigned short port = 0;
};

/// The judgement is_exclusive() and why_not_exclusive() share: the answer
/// is the same with or without `explain`, which only reads who holds the
/// port on the other family. A connected TCP socket is judged by its
/// listener. ec: as is_exclusive().
PORTGUARD_DECL exclusive_judgement judge_exclusive(native_socket s, bool proven, bool guarded,
    bool explain, error_code& ec);

/// Whether `socket` is a secure acceptor that holds its guard: what the
/// free is_exclusive() and why_not_exclusive() pass as `guarded`.
template <typename Socket>
bool guards_other_family_of(Socket& socket) noexcept
{
  if constexpr (is_secure_acceptor_v<Socket>)
    return socket.guards_other_family();
  else
    return false;
}

/// is_exclusive(): judge_exclusive()'s answer.
PORTGUARD_DECL bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec);

/// Where a remedy is offered: a socket this program made, or one it adopts
/// (from systemd socket activation, whose unit settings are named then).
enum class remedy_for
{
  socket,
  adoption
};

/// An option's native name.
PORTGUARD_DECL const char* native_option_name(rules::option o) noexcept;

/// A raw option setting in words ("SO_REUSEPORT on"), for a refused
/// set_option(); empty for an option the rules do not know.
PORTGUARD_DECL std::string option_setting_words(int level, int name, const void* data,
    std::size_t size);

/// Whether `o`, set on the socket with this platform's exclusive options,
/// opens it to unprivileged rivals: an option to name.
PORTGUARD_DECL bool option_opens(const rules::defender& d, rules::option o) noexcept;

/// The options that open the socket, in words: "SO_REUSEPORT on",
/// "SO_REUSEADDR on a UDP socket", "SO_EXCLUSIVEADDRUSE off", ...
PORTGUARD_DECL std::string option_words(const rules::defender& d, bool option_inert);

/// The remedy for options that open the socket.
PORTGUARD_DECL std::string option_remedy(const rules::defender& d, bool option_inert, remedy_for where);

/// Who to stop, one holder at a time.
PORTGUARD_DECL std::string stop_holders(const std::vector<port_holder>& holders);

/// Why a socket is or is not exclusive, in words (an exclusivity_verdict's
/// strings, and what the throwing forms add).
struct explanation
{
  std::string option; // the option judged
  std::string cause;  // holders_unknown: why the table cannot tell
  std::string remedy;
};

/// The words for `reason` about a socket on `port`, with `holders` (of
/// either family) already read and owned, and the options judged.
PORTGUARD_DECL explanation explain(const error_code& reason, const exclusive_judgement& j,
    int protocol, remedy_for where);

/// The judgement with its words: `explained` receives the holders of either
/// family (owners found) and the text. ec: as is_exclusive(), but
/// holders_unknown is a reason, not an error.
PORTGUARD_DECL exclusive_judgement judge_and_explain(native_socket s, bool proven, bool guarded,
    remedy_for where, explanation& words, error_code& ec);

/// What a throwing form knows of its failure, for throw_explained().
struct failure_site
{
  int protocol = IPPROTO_TCP;
  net::ip::address address;
  unsigned short port = 0;
  bool has_socket = false;  // `socket` is still open: its options and holders are read
  native_socket socket{};
  remedy_for where = remedy_for::socket;
  std::string option;       // the option judged, when the caller knows it
  bool options_known = false; // `options`: the socket's, read before a call that closes it
  rules::defender options{};
};

/// The site of a bound socket that the call may close on failure
/// (exclusive_listen): its endpoint, and its options as the call judges
/// them (POSIX, not listening: SO_REUSEADDR is off until it listens).
PORTGUARD_DECL failure_site site_before_listen(native_socket s);

/// The one helper every throwing form uses: throws for `ec`, naming the
/// step, the option judged, the holders found (either family) and the
/// remedy, then the error's own message.
[[noreturn]] PORTGUARD_DECL void throw_explained(const error_code& ec, const char* step,
    const failure_site& site);

/// Throws for `ec` about a bind of `port` of `protocol` on `address` (the
/// socket is closed), through throw_explained().
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

/// Throws for `ec` about open socket `s` (judged as it is), through
/// throw_explained(); `where`: adoption names the .socket unit's settings.
PORTGUARD_DECL void throw_for_socket(const error_code& ec, const char* step, native_socket s,
    remedy_for where = remedy_for::socket, std::string option = std::string());

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/detail/impl/exclusive_ops.ipp>
#endif

#endif // PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
