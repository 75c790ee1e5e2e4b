//
// portguard/detail/other_family_guard.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The guard on the other address family (see portguard::other_family): an
// exclusive, never listening socket on the same port of the other family.
//
#ifndef PORTGUARD_DETAIL_OTHER_FAMILY_GUARD_HPP
#define PORTGUARD_DETAIL_OTHER_FAMILY_GUARD_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// The address a guard for `address` holds on the other family: 0.0.0.0 <->
/// `[::]` V6ONLY, 127.0.0.1 <-> `[::1]`; where a wildcard may sit beside a
/// specific address (Windows) a loopback's guard holds the other wildcard.
/// A v4-mapped address is the IPv4 address it maps. False for a dual-stack
/// `[::]` and for addresses without a counterpart.
inline bool other_family_address(const net::ip::address& address, bool v6_only,
    net::ip::address& other) noexcept
{
  constexpr bool loopback_needs_wildcard = specific_bind_may_sit_beside_wildcard;
  const net::ip::address plain = unmapped(address);
  if (plain.is_v4())
  {
    if (plain.is_unspecified()
        || (loopback_needs_wildcard && plain.to_v4() == net::ip::address_v4::loopback()))
      other = net::ip::address_v6::any();
    else if (plain.to_v4() == net::ip::address_v4::loopback())
      other = net::ip::address_v6::loopback();
    else
      return false;
    return true;
  }
  const net::ip::address_v6 v6 = plain.to_v6();
  if ((v6.is_unspecified() && v6_only) || (loopback_needs_wildcard && v6.is_loopback()))
    other = net::ip::address_v4::any();
  else if (v6.is_loopback())
    other = net::ip::address_v4::loopback();
  else
    return false;
  return true;
}

/// Whether this host has `address`'s family (and loopback address), measured
/// once per kind with a bind to port 0.
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

/// An owned private socket, closed on destruction; bound through
/// bind_verified() like the socket it guards.
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

  /// Lets guard_registry know this guard covers `main` (it stays owned here).
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

/// Binds the guard for a socket on `address` (`v6_only`: its IPV6_V6ONLY)
/// and `port` (0: any; the guard's port is then the one to use). A closed
/// guard and no error when there is nothing to guard; when someone holds the
/// other side, error::other_family_held under exclusivity::required.
template <typename Protocol>
guard_socket<Protocol> hold_other_family(const net::ip::address& address, bool v6_only,
    unsigned short port, exclusivity policy, error_code& ec)
{
  ec.clear();
  guard_socket<Protocol> guard;
  net::ip::address other;
  if (!other_family_address(address, v6_only, other))
    return guard;
  const int family = other.is_v4() ? AF_INET : AF_INET6;
  const int type = Protocol::v4().type();
  guard = guard_socket<Protocol>(open_private_socket(family, type, ec));
  const bool datagram = type == SOCK_DGRAM;
  if (!ec)
    set_exclusive(guard.native_handle(), datagram, ec);
  if (!ec && family == AF_INET6)
    set_v6_only(guard.native_handle(), ec);
  if (!ec)
  {
    // TCP: TIME_WAIT entries on that side are no holders.
    bind_verified(guard, typename Protocol::endpoint(other, port), !datagram,
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

/// The guards of plain sockets bound by exclusive_bind(), one list per
/// process; a guard is closed once its socket is gone (noticed at the next
/// use of the list, or at exit). Thread-safe.
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

/// Whether bound socket `s`'s port is covered on the other family: by its
/// own guard (`guarded`), one in guard_registry, no counterpart address, or
/// a host without that family.
inline bool other_family_is_covered(native_socket s, bool guarded)
{
  if (guarded)
    return true;
  unsigned short port = 0;
  const net::ip::address address = bound_address(s, port);
  net::ip::address other;
  if (port == 0 || !other_family_address(address, address.is_v6() && is_v6_only(s), other))
    return true;
  if (guard_registry::instance().guards(s))
    return true;
  return !host_has_address(other);
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_OTHER_FAMILY_GUARD_HPP
