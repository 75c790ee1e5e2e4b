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
PORTGUARD_DECL bool other_family_address(const net::ip::address& address, bool v6_only,
    net::ip::address& other) noexcept;

/// Whether this host has `address`'s family (and loopback address), measured
/// once per kind with a bind to port 0.
PORTGUARD_DECL bool host_has_address(const net::ip::address& address) noexcept;

PORTGUARD_DECL void note_guard(native_socket main, native_socket guard);
PORTGUARD_DECL void forget_guard(native_socket guard);

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
PORTGUARD_DECL unsigned short bound_port(native_socket s) noexcept;

/// The guards of plain sockets bound by exclusive_bind(), one list per
/// process; a guard is closed once its socket is gone (noticed at the next
/// use of the list, or at exit). Thread-safe.
class guard_registry
{
public:
  static guard_registry& instance();

  guard_registry() = default;
  guard_registry(const guard_registry&) = delete;
  guard_registry& operator=(const guard_registry&) = delete;
  ~guard_registry();

  /// Keeps `guard` (now owned here) for as long as `main` is open.
  void add(native_socket main, native_socket guard);

  /// Notes a guard that stays owned by its caller (a secure acceptor's).
  /// Its owner forgets it before `main` is closed, so `main`'s fingerprint
  /// is taken at the next use of the list (sweep_locked()), not on the
  /// setup path.
  void note(native_socket main, native_socket guard);

  /// Forgets a guard noted with note().
  void forget(native_socket guard) noexcept;

  /// Whether `main` has a guard here.
  bool guards(native_socket main);

  /// Closes `main`'s guard, if it has one (before `main` is bound again).
  void drop(native_socket main);

  /// Hands `main`'s guard over to the caller (no_socket if it has none):
  /// for a socket adopted by a secure acceptor, which keeps its own.
  native_socket take(native_socket main);

  /// Closes the guards whose socket is gone.
  void sweep();

private:
  struct entry
  {
    native_socket main;
    std::uint64_t fingerprint;
    native_socket guard;
    bool owned;         // closed here when `main` is gone
    bool fingerprinted; // `fingerprint` taken (a noted guard's: at the first sweep)
  };

  void drop_locked(native_socket main);

  void sweep_locked();

  std::mutex mutex_;
  std::vector<entry> entries_;
};

/// Whether bound socket `s`'s port is covered on the other family: by its
/// own guard (`guarded`), one in guard_registry, no counterpart address, or
/// a host without that family.
PORTGUARD_DECL bool other_family_is_covered(native_socket s, bool guarded);

} // namespace detail
PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/detail/impl/other_family_guard.ipp>
#endif

#endif // PORTGUARD_DETAIL_OTHER_FAMILY_GUARD_HPP
