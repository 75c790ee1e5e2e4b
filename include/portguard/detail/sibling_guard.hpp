//
// portguard/detail/sibling_guard.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The guard on the other address family (see portguard::other_family): an
// exclusive socket bound to the same port on the other family's wildcard
// or loopback address, never listening. A secure acceptor keeps its guard
// as a member; a plain socket bound by exclusive_bind() has its guard kept
// in a process-wide list, closed once the socket it guards is gone.
//
#ifndef PORTGUARD_DETAIL_SIBLING_GUARD_HPP
#define PORTGUARD_DETAIL_SIBLING_GUARD_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>

#include <cstdint>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The address on the other family that a guard for `address` holds:
/// 0.0.0.0 ↔ `[::]` (IPV6_V6ONLY), 127.0.0.1 ↔ `[::1]`. Where a wildcard bind
/// succeeds beside an exclusive socket on a specific address (Windows,
/// Microsoft's table: row "EXCL S", column "none W") a loopback guard would
/// leave the other family's wildcard free, and a listener there receives
/// what clients send to that family's loopback address; so there the guard
/// of a loopback socket holds the other family's wildcard. False for a
/// dual-stack `[::]` (it holds both families) and for other addresses.
inline bool sibling_address(const net::ip::address& address, bool v6_only,
    net::ip::address& sibling) noexcept
{
  constexpr bool loopback_needs_wildcard = specific_bind_may_sit_beside_wildcard;
  if (address.is_v4())
  {
    if (address.is_unspecified()
        || (loopback_needs_wildcard && address.to_v4() == net::ip::address_v4::loopback()))
      sibling = net::ip::address_v6::any();
    else if (address.to_v4() == net::ip::address_v4::loopback())
      sibling = net::ip::address_v6::loopback();
    else
      return false;
    return true;
  }
  const net::ip::address_v6 v6 = address.to_v6();
  if ((v6.is_unspecified() && v6_only) || (loopback_needs_wildcard && v6.is_loopback()))
    sibling = net::ip::address_v4::any();
  else if (v6.is_loopback())
    sibling = net::ip::address_v4::loopback();
  else
    return false;
  return true;
}

/// Whether this host has `address`'s family and, for a loopback address,
/// the address itself (an IPv6 stack may be disabled, or `::1` removed).
/// Measured once per kind of address with a bind to port 0.
inline bool host_has_address(const net::ip::address& address) noexcept
{
  const auto measure = [](const net::ip::address& a) {
    error_code ec;
    const bool bound =
        probe_bind(a.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM, a, 0, ec);
    return bound || !is_missing_family(ec);
  };
  if (address.is_v4())
  {
    static const bool v4 = measure(net::ip::address_v4::loopback());
    return v4;
  }
  if (address.is_unspecified())
  {
    static const bool v6_any = measure(net::ip::address_v6::any());
    return v6_any;
  }
  static const bool v6_loopback = measure(net::ip::address_v6::loopback());
  return v6_loopback;
}

inline void note_guard(native_socket main, native_socket guard);
inline void forget_guard(native_socket guard);

/// An owned, private socket (see open_private_socket), closed on
/// destruction. It offers the three calls bind_verified() makes, so a guard
/// is bound and checked exactly like the socket it guards.
template <typename Protocol>
class guard_socket
{
public:
  using endpoint_type = typename Protocol::endpoint;

  guard_socket() noexcept = default;
  explicit guard_socket(native_socket s) noexcept : socket_(s) {}
  guard_socket(guard_socket&& other) noexcept
    : socket_(std::exchange(other.socket_, no_socket)),
      noted_(std::exchange(other.noted_, false))
  {
  }
  guard_socket& operator=(guard_socket&& other) noexcept
  {
    if (this != &other)
    {
      reset();
      socket_ = std::exchange(other.socket_, no_socket);
      noted_ = std::exchange(other.noted_, false);
    }
    return *this;
  }
  ~guard_socket() { reset(); }

  bool is_open() const noexcept { return socket_ != no_socket; }
  native_socket native_handle() const noexcept { return socket_; }

  /// Gives up ownership: the caller closes the socket.
  native_socket release() noexcept
  {
    forget();
    return std::exchange(socket_, no_socket);
  }

  void reset() noexcept
  {
    forget();
    if (is_open())
      close_private_socket(std::exchange(socket_, no_socket));
  }

  /// Lets guard_registry know this guard covers `main` (it stays owned
  /// here), so is_exclusive() sees it whatever type the socket is known by.
  void note_for(native_socket main)
  {
    forget();
    if (is_open())
    {
      note_guard(main, socket_);
      noted_ = true;
    }
  }

  void bind(const endpoint_type& endpoint, error_code& ec) noexcept
  {
    if (::bind(socket_, endpoint.data(), static_cast<socket_length>(endpoint.size())) != 0)
      ec = last_socket_error();
    else
      ec.clear();
  }

  void close(error_code& ec) noexcept
  {
    reset();
    ec.clear();
  }

private:
  void forget() noexcept
  {
    if (noted_)
      forget_guard(socket_);
    noted_ = false;
  }

  native_socket socket_ = no_socket;
  bool noted_ = false;
};

/// Binds the guard for a socket of `type` about to be bound to `address`
/// (`v6_only`: its IPV6_V6ONLY) on `port` (0: any port; the guard's port
/// is then the one to use). Returns a closed guard with `ec` clear when
/// there is nothing to guard. When another socket holds the other family's
/// port: error::other_family_held under exclusivity::required, a closed
/// guard and no error under best_effort.
template <typename Protocol>
guard_socket<Protocol> hold_sibling(const net::ip::address& address, bool v6_only,
    int type, unsigned short port, exclusivity policy, error_code& ec)
{
  ec.clear();
  guard_socket<Protocol> guard;
  net::ip::address sibling;
  if (!sibling_address(address, v6_only, sibling))
    return guard;
  const int family = sibling.is_v4() ? AF_INET : AF_INET6;
  guard = guard_socket<Protocol>(open_private_socket(family, type, ec));
  const bool datagram = type == SOCK_DGRAM;
  if (!ec)
    set_exclusive(guard.native_handle(), datagram, ec);
  if (!ec && family == AF_INET6)
    set_v6_only(guard.native_handle(), ec);
  if (!ec)
  {
    // TCP: TIME_WAIT entries of earlier connections on that side are no
    // holders; bind_verified() tells them from live sockets.
    bind_verified(guard, typename Protocol::endpoint(sibling, port), !datagram,
        exclusivity::required, ec);
  }
  if (!ec)
    return guard;
  guard.reset();
  if (is_missing_family(ec))
    ec.clear(); // nothing to guard on this host
  else if (is_conflict(ec) || ec == error::port_shared)
    ec = error::other_family_held;
  if (policy == exclusivity::best_effort)
    ec.clear();
  return guard;
}

/// The port a bound socket is on (0 if it is not bound).
inline unsigned short bound_port(native_socket s) noexcept
{
  unsigned short port = 0;
  bound_address(s, port);
  return port;
}

/// Binds `socket` to `endpoint` with bind_verified() and, under
/// other_family::guard, `guard` to the same port on the other family. For
/// a given port the socket is bound first (so "address in use" still means
/// its own family), then the guard; if the guard fails the socket is closed
/// (a bound socket cannot be unbound). For port 0 the guard is bound first
/// and the socket takes the guard's port, tried again a few times if that
/// port is taken on the socket's own family. On failure `guard` is closed.
/// `listen_follows` as for bind_verified() (the guard never listens).
template <typename Socket, typename Protocol>
bind_result bind_with_sibling(Socket& socket, guard_socket<Protocol>& guard,
    const typename Socket::endpoint_type& endpoint, bool reuse_wanted,
    exclusivity policy, other_family family, int type, error_code& ec,
    bool listen_follows = false)
{
  guard.reset();
  if (family == other_family::leave_open)
    return bind_verified(socket, endpoint, reuse_wanted, policy, ec, listen_follows);
  const bool v6_only = endpoint.address().is_v6() && is_v6_only(socket.native_handle());
  if (endpoint.port() != 0)
  {
    bind_result result = bind_verified(socket, endpoint, reuse_wanted, policy, ec,
        listen_follows);
    if (!ec)
      guard = hold_sibling<Protocol>(endpoint.address(), v6_only, type, endpoint.port(),
          policy, ec);
    if (ec && socket.is_open() && is_bound(socket.native_handle()))
    {
      error_code ignored;
      socket.close(ignored);
    }
    return result;
  }
  constexpr int attempts = 8;
  for (int attempt = 1;; ++attempt)
  {
    guard = hold_sibling<Protocol>(endpoint.address(), v6_only, type, 0, policy, ec);
    if (ec)
      return bind_result();
    typename Socket::endpoint_type target = endpoint;
    if (guard.is_open())
      target.port(bound_port(guard.native_handle()));
    bind_result result = bind_verified(socket, target, reuse_wanted, policy, ec,
        listen_follows);
    if (ec == net::error::address_in_use && guard.is_open() && socket.is_open()
        && attempt < attempts)
      continue;
    if (ec)
      guard.reset();
    return result;
  }
}

/// The guards of plain sockets bound by exclusive_bind(), one list for the
/// process. Each guard is closed once the socket it guards is gone: when
/// the list is next used (any portguard bind or is_exclusive() call) or
/// at exit. Thread-safe.
class guard_registry
{
public:
  static guard_registry& instance()
  {
    static guard_registry registry;
    return registry;
  }

  guard_registry() = default;
  guard_registry(const guard_registry&) = delete;
  guard_registry& operator=(const guard_registry&) = delete;
  ~guard_registry()
  {
    for (const entry& e : entries_)
      if (e.owned)
        close_private_socket(e.guard);
  }

  /// Keeps `guard` (now owned here) for as long as `main` is open.
  void add(native_socket main, native_socket guard)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
    entry e{main, 0, guard, true};
    if (!socket_fingerprint(main, e.fingerprint))
    {
      close_private_socket(guard);
      return;
    }
    drop_locked(main);
    entries_.push_back(e);
  }

  /// Notes a guard that stays owned by its caller (a secure acceptor's).
  void note(native_socket main, native_socket guard)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
    entry e{main, 0, guard, false};
    if (socket_fingerprint(main, e.fingerprint))
      entries_.push_back(e);
  }

  /// Forgets a guard noted with note().
  void forget(native_socket guard) noexcept
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (!entries_[i].owned && entries_[i].guard == guard)
      {
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
  }

  /// Whether `main` has a guard here.
  bool guards(native_socket main)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
    for (const entry& e : entries_)
      if (e.main == main)
        return true;
    return false;
  }

  /// Closes `main`'s guard, if it has one (before `main` is bound again).
  void drop(native_socket main)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
    drop_locked(main);
  }

  /// Hands `main`'s guard over to the caller (no_socket if it has none):
  /// for a socket adopted by a secure acceptor, which keeps its own.
  native_socket take(native_socket main)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].main == main && entries_[i].owned)
      {
        const native_socket guard = entries_[i].guard;
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return guard;
      }
    return no_socket;
  }

  /// Closes the guards whose socket is gone.
  void sweep()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked();
  }

private:
  struct entry
  {
    native_socket main;
    std::uint64_t fingerprint;
    native_socket guard;
    bool owned; // closed here when `main` is gone
  };

  void drop_locked(native_socket main)
  {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].main == main && entries_[i].owned)
      {
        close_private_socket(entries_[i].guard);
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
  }

  void sweep_locked()
  {
    for (std::size_t i = 0; i < entries_.size();)
    {
      std::uint64_t now = 0;
      if (socket_fingerprint(entries_[i].main, now) && now == entries_[i].fingerprint)
      {
        ++i;
        continue;
      }
      if (entries_[i].owned)
        close_private_socket(entries_[i].guard);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }

  std::mutex mutex_;
  std::vector<entry> entries_;
};

inline void note_guard(native_socket main, native_socket guard)
{
  guard_registry::instance().note(main, guard);
}

inline void forget_guard(native_socket guard)
{
  guard_registry::instance().forget(guard);
}

/// Whether the port of bound socket `s` is covered on the other family:
/// `guarded` (the caller holds its guard), a guard in guard_registry, no
/// counterpart address (dual-stack, or an address without one), or a host
/// without that family. False when the other side is free for anyone, or
/// held by someone else.
inline bool other_family_is_covered(native_socket s, bool guarded)
{
  if (guarded)
    return true;
  unsigned short port = 0;
  const net::ip::address address = bound_address(s, port);
  net::ip::address sibling;
  if (port == 0 || !sibling_address(address, address.is_v6() && is_v6_only(s), sibling))
    return true;
  if (guard_registry::instance().guards(s))
    return true;
  return !host_has_address(sibling);
}

/// is_exclusive(): is_exclusive_now(), and the port covered on the other
/// family (other_family_is_covered). A connected TCP socket is judged by its
/// listener, as in is_exclusive_now().
inline bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec)
{
  if (!is_exclusive_now(s, proven, ec) || ec)
    return false;
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  if (type == SOCK_STREAM && is_connected(s))
    return true;
  return other_family_is_covered(s, guarded);
}

/// Whether `Socket` keeps its own guard (a portguard::basic_secure_acceptor).
template <typename Socket, typename = void>
struct keeps_own_guard : std::false_type
{
};

template <typename Socket>
struct keeps_own_guard<Socket,
    decltype(void(std::declval<Socket&>().set_other_family(other_family::guard)))>
  : std::true_type
{
};

/// exclusive_bind()'s bind: bind_with_sibling() with the guard kept in
/// guard_registry for a plain socket; a secure acceptor keeps its own.
template <typename Socket>
void bind_guarded(Socket& socket, const typename Socket::endpoint_type& endpoint,
    bool reuse_wanted, exclusivity policy, other_family family, error_code& ec)
{
  if constexpr (keeps_own_guard<Socket>::value)
  {
    socket.set_other_family(family);
    bind_verified(socket, endpoint, reuse_wanted, policy, ec);
  }
  else
  {
    using protocol = typename Socket::protocol_type;
    guard_socket<protocol> guard;
    guard_registry::instance().drop(socket.native_handle());
    bind_with_sibling(socket, guard, endpoint, reuse_wanted, policy, family,
        is_datagram_v<Socket> ? SOCK_DGRAM : SOCK_STREAM, ec);
    if (!ec && guard.is_open())
      guard_registry::instance().add(socket.native_handle(), guard.release());
  }
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SIBLING_GUARD_HPP
