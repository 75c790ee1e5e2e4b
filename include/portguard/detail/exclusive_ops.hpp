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
inline void make_exclusive(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept
{
  if (fault_seam_refuses())
    ec = error::option_refused;
  else
    set_exclusive(s, datagram, ec);
  if (ec == error::option_refused && policy == exclusivity::best_effort)
    ec.clear();
}

/// Checks a handle offered for adoption: its type and family and, under
/// exclusivity::required, its options and holders. Returns whether the
/// socket is proven alone.
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
template <typename Socket, typename Protocol>
void listen_exclusive(Socket& socket, exclusive_state<Protocol>& state, int backlog,
    error_code& ec)
{
  const native_socket s = socket.native_handle();
  const bool reuse_wanted = state.reuse_address;
  const bool proven = proof_holds(s, state) && !state.bound.listen_needs_reuse;
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
    listen_exclusive(socket, state, net::socket_base::max_listen_connections, ec);
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
inline exclusive_judgement judge_exclusive(native_socket s, bool proven, bool guarded,
    bool explain, error_code& ec)
{
  exclusive_judgement j;
  static_cast<exclusive_finding&>(j) = judge_exclusive_now(s, proven, ec);
  if (!j.exclusive || ec)
  {
    j.exclusive = false;
    return j;
  }
  if (j.connection || other_family_is_covered(s, guarded))
    return j;
  j.exclusive = false;
  j.reason = error::other_family_open;
  const net::ip::address address = bound_address(s, j.port);
  const bool v6_only = address.is_v6() && is_v6_only(s);
  other_family_address(address, v6_only, j.other_address);
  if (!explain)
    return j;
  error_code type_ec;
  const int type = socket_type(s, type_ec);
  port_holders others;
  error_code ignored;
  read_holders(type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP, j.port, holder_scope::all,
      others, ignored);
  keep_overlapping(others.sockets, j.other_address, !address.is_v6() || v6_only);
  if (!others.sockets.empty())
  {
    j.reason = error::other_family_held;
    j.holders = std::move(others);
  }
  return j;
}

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
inline bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec)
{
  return judge_exclusive(s, proven, guarded, false, ec).exclusive;
}

/// Where a remedy is offered: a socket this program made, or one it adopts
/// (from systemd socket activation, whose unit settings are named then).
enum class remedy_for
{
  socket,
  adoption
};

/// An option's native name.
inline const char* native_option_name(rules::option o) noexcept
{
  switch (o)
  {
  case rules::option::reuse_address: return "SO_REUSEADDR";
  case rules::option::reuse_port: return "SO_REUSEPORT";
  case rules::option::exclusive_address_use: return "SO_EXCLUSIVEADDRUSE";
  case rules::option::reuse_port_lb: return "SO_REUSEPORT_LB";
  }
  return "?";
}

/// A raw option setting in words ("SO_REUSEPORT on"), for a refused
/// set_option(); empty for an option the rules do not know.
inline std::string option_setting_words(int level, int name, const void* data,
    std::size_t size)
{
  rules::option o = rules::option::reuse_address;
  int value = 0;
  if (!rules_option(level, name, o) || !option_value_as_read(data, size, value))
    return std::string();
  return native_option_name(o) + std::string(value != 0 ? " on" : " off");
}

/// Whether `o`, set on the socket with this platform's exclusive options,
/// opens it to unprivileged rivals: an option to name.
inline bool option_opens(const rules::defender& d, rules::option o) noexcept
{
  const rules::platform p = rules::this_platform();
  rules::defender alone = d;
  alone.options = rules::exclusive_options(p);
  if (p == rules::platform::windows && o == rules::option::reuse_address)
    alone.options = rules::option_set(); // the two cannot be set together
  alone.options = alone.options.with(o);
  return rules::open_to_unprivileged(p, alone);
}

/// The options that open the socket, in words: "SO_REUSEPORT on",
/// "SO_REUSEADDR on a UDP socket", "SO_EXCLUSIVEADDRUSE off", ...
inline std::string option_words(const rules::defender& d, bool option_inert)
{
  if (option_inert)
    return "SO_EXCLUSIVEADDRUSE set after bind";
  std::string words;
  const auto add = [&words](const std::string& w) {
    words += (words.empty() ? "" : " and ") + w;
  };
  for (rules::option o : {rules::option::reuse_port, rules::option::reuse_port_lb,
           rules::option::reuse_address})
  {
    if (!d.options.has(o) || !option_opens(d, o))
      continue;
    std::string w = native_option_name(o) + std::string(" on");
    if (o == rules::option::reuse_address)
      w += d.proto == rules::protocol::udp ? " a UDP socket"
          : d.state == rules::socket_state::bound ? " a bound, not listening TCP socket" : "";
    add(w);
  }
  if (rules::this_platform() == rules::platform::windows
      && !d.options.has(rules::option::exclusive_address_use))
    add("SO_EXCLUSIVEADDRUSE off");
  if (words.empty() && d.address == rules::address_kind::wildcard)
    words = "a wildcard address (its own user may bind a specific address beside it)";
  return words;
}

/// The remedy for options that open the socket.
inline std::string option_remedy(const rules::defender& d, bool option_inert, remedy_for where)
{
  const bool reuse_port = d.options.has(rules::option::reuse_port)
      || d.options.has(rules::option::reuse_port_lb);
  const bool reuse_address = d.options.has(rules::option::reuse_address)
      && option_opens(d, rules::option::reuse_address);
  const bool udp = d.proto == rules::protocol::udp;
  std::string fix;
  if (where == remedy_for::adoption)
  {
    if (reuse_port)
      fix = "set ReusePort=no in the .socket unit";
    else if (reuse_address && udp)
      fix = "bind the port in the service with portguard::exclusive_bind (systemd sets "
            "SO_REUSEADDR on every socket it makes; no unit setting turns it off)";
    else if (reuse_address)
      fix = "pass a listening socket (ListenStream= in the .socket unit)";
    else
      fix = "create the socket exclusive (portguard::make_exclusive before bind)";
    return fix + "; or adopt it with exclusivity::best_effort";
  }
  if (option_inert || rules::this_platform() == rules::platform::windows)
    return "set SO_EXCLUSIVEADDRUSE before bind (portguard::make_exclusive), then bind again";
  if (reuse_port)
    return "turn SO_REUSEPORT off before bind (portguard::make_exclusive, or bind with "
           "portguard::exclusive_bind or secure_acceptor)";
  if (reuse_address && udp)
    return "turn SO_REUSEADDR off before bind (portguard::make_exclusive does)";
  if (reuse_address)
    return "listen now, or keep SO_REUSEADDR off until it listens (portguard::secure_acceptor "
           "does)";
  return "bind a specific address: on this platform its own user can shadow a wildcard socket";
}

/// Who to stop, one holder at a time.
inline std::string stop_holders(const std::vector<port_holder>& holders)
{
  std::string text;
  for (const port_holder& h : holders)
  {
    std::string who;
    if (h.pid)
    {
      who = "pid " + std::to_string(*h.pid);
      if (!h.process.empty())
        who += " (" + printable(h.process) + ")";
      if (h.uid)
        who += " of uid " + std::to_string(*h.uid);
    }
    else if (h.uid)
      who = "the process of uid " + std::to_string(*h.uid)
          + " that holds " + endpoint_text(h.address, h.port) + " (its pid shows to root)";
    else
      who = "the process that holds " + endpoint_text(h.address, h.port);
    if (text.find(who) == std::string::npos)
      text += (text.empty() ? "stop " : ", ") + who;
  }
  return text.empty() ? "stop the socket that holds the port" : text;
}

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
inline explanation explain(const error_code& reason, const exclusive_judgement& j,
    int protocol, remedy_for where)
{
  explanation e;
  if (reason == error::not_exclusive)
  {
    if (j.connection)
    {
      e.option = "a connection whose port has no exclusive listener of this process";
      e.remedy = "accept it from a portguard::secure_acceptor";
    }
    else if (j.options_read || j.option_inert)
    {
      e.option = option_words(j.socket, j.option_inert);
      e.remedy = option_remedy(j.socket, j.option_inert, where);
    }
  }
  else if (reason == error::port_shared)
    e.remedy = stop_holders(j.holders.sockets) + ", then bind again; or use "
        "exclusivity::best_effort";
  else if (reason == error::other_family_held)
    e.remedy = stop_holders(j.holders.sockets)
        + ", or bind with other_family::leave_open";
  else if (reason == error::other_family_open)
  {
    e.option = "no guard on " + endpoint_text(j.other_address, j.port);
    e.remedy = "hold it with portguard::guard_other_family (exclusive_bind and "
               "secure_acceptor do), or leave it open knowingly (other_family::leave_open)";
  }
  else if (reason == error::socket_shared)
    e.remedy = "close the other process's copy of the descriptor (do not pass it on; "
               "close-on-exec), or adopt it with exclusivity::best_effort";
  else if (reason == error::holders_unknown)
  {
    e.cause = j.port == 0 ? std::string() : holders_unknown_cause(protocol, j.port);
    e.remedy = "run where the socket table can be read in full (the cause says what "
               "is missing), or use exclusivity::best_effort";
  }
  return e;
}

/// The judgement with its words: `explained` receives the holders of either
/// family (owners found) and the text. ec: as is_exclusive(), but
/// holders_unknown is a reason, not an error.
inline exclusive_judgement judge_and_explain(native_socket s, bool proven, bool guarded,
    remedy_for where, explanation& words, error_code& ec)
{
  exclusive_judgement j = judge_exclusive(s, proven, guarded, true, ec);
  if (ec == error::holders_unknown)
  {
    j.reason = ec;
    ec.clear();
  }
  if (ec || j.exclusive)
    return j;
  error_code type_ec;
  const int protocol = socket_type(s, type_ec) == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
  if (j.port == 0)
    bound_address(s, j.port);
  if (j.reason != error::other_family_held && j.port != 0
      && j.reason != error::holders_unknown)
  {
    port_holders others;
    error_code ignored;
    read_other_holders(s, holder_scope::all, others, ignored, !j.connection);
    if (!ignored)
      j.holders.sockets = std::move(others.sockets);
  }
  find_owners(j.holders.sockets);
  words = explain(j.reason, j, protocol, where);
  if (words.cause.empty() && (j.reason == error::socket_shared
      || j.reason == error::holders_unknown))
    words.cause = sharing_cause(s);
  return j;
}

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
inline failure_site site_before_listen(native_socket s)
{
  failure_site site;
  site.address = bound_address(s, site.port);
  error_code ec;
  site.options = rules_defender(s, ec);
  site.options_known = !ec;
  if (listen_checks_the_port && site.options.state == rules::socket_state::bound)
    site.options.options = site.options.options.with(rules::option::reuse_address, false);
  return site;
}

/// The one helper every throwing form uses: throws for `ec`, naming the
/// step, the option judged, the holders found (either family) and the
/// remedy, then the error's own message.
[[noreturn]] inline void throw_explained(const error_code& ec, const char* step,
    const failure_site& site)
{
  std::string what = step;
  exclusive_judgement j;
  j.port = site.port;
  explanation words;
  words.option = site.option;
  const bool holder_reason = ec == error::port_shared || ec == error::other_family_held
      || ec == error::socket_shared;
  if (site.has_socket && (ec == error::not_exclusive || holder_reason))
  {
    error_code ignored;
    explanation found;
    j = judge_and_explain(site.socket, false, false, site.where, found, ignored);
    words = explain(ec, j, site.protocol, site.where);
    if (j.reason != ec)
      words.option.clear(); // the judgement found another reason: name only holders
  }
  else if (ec == error::not_exclusive && site.options_known)
  {
    j.socket = site.options;
    j.options_read = true;
    words = explain(ec, j, site.protocol, site.where);
  }
  else if (holder_reason)
  {
    net::ip::address address = site.address;
    const bool other_side = ec == error::other_family_held
        && other_family_address(site.address, true, address);
    error_code ignored;
    read_holders(site.protocol, site.port, holder_scope::all, j.holders, ignored);
    keep_overlapping(j.holders.sockets, address, other_side);
    find_owners(j.holders.sockets);
    words = explain(ec, j, site.protocol, site.where);
  }
  else if (ec == error::holders_unknown)
    words = explain(ec, j, site.protocol, site.where);
  else if (ec == error::conflicting_option && !site.option.empty())
    words.remedy = "leave it out (the socket stays exclusive)";
  if (site.has_socket && words.cause.empty()
      && (ec == error::socket_shared || ec == error::holders_unknown))
    words.cause = sharing_cause(site.socket); // the other processes of the socket itself
  if (!words.option.empty())
    what += ": " + words.option;
  for (const port_holder& h : j.holders.sockets)
    what += (&h == &j.holders.sockets.front() ? ": held by " : "; ") + describe(h);
  if (!words.cause.empty())
    what += ": " + words.cause;
  if (!words.remedy.empty())
    what += "; to fix: " + words.remedy;
  throw system_error(ec, what);
}

/// Throws for `ec` about a bind of `endpoint` (the socket is closed),
/// through throw_explained().
template <typename Endpoint>
void throw_naming_holder(const error_code& ec, const char* step, const Endpoint& endpoint)
{
  if (!ec)
    return;
  failure_site site;
  site.protocol = endpoint.protocol().protocol();
  site.address = endpoint.address();
  site.port = endpoint.port();
  throw_explained(ec, step, site);
}

/// Throws for `ec` about open socket `s` (judged as it is), through
/// throw_explained(); `where`: adoption names the .socket unit's settings.
inline void throw_for_socket(const error_code& ec, const char* step, native_socket s,
    remedy_for where = remedy_for::socket, std::string option = std::string())
{
  if (!ec)
    return;
  failure_site site;
  site.option = std::move(option);
  site.address = bound_address(s, site.port);
  error_code type_ec;
  site.protocol = socket_type(s, type_ec) == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
  site.has_socket = !type_ec;
  site.socket = s;
  site.where = where;
  throw_explained(ec, step, site);
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
