//
// portguard/detail/impl/other_family_guard.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The guard's address, the host's families and the process-wide list of
// plain sockets' guards, declared in other_family_guard.hpp: included by it
// when header-only, and by <portguard/impl/src.hpp> once for a program built
// with PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_OTHER_FAMILY_GUARD_IPP
#define PORTGUARD_DETAIL_IMPL_OTHER_FAMILY_GUARD_IPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/other_family_guard.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/verify.hpp>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL bool other_family_address(const net::ip::address& address, bool v6_only,
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

PORTGUARD_DECL bool host_has_address(const net::ip::address& address) noexcept
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

PORTGUARD_DECL unsigned short bound_port(native_socket s) noexcept
{
  unsigned short port = 0;
  bound_address(s, port);
  return port;
}

PORTGUARD_DECL guard_registry& guard_registry::instance()
{
  static guard_registry registry;
  return registry;
}

PORTGUARD_DECL guard_registry::~guard_registry()
{
  for (const entry& e : entries_)
    if (e.owned)
      close_private_socket(e.guard);
}

PORTGUARD_DECL void guard_registry::add(native_socket main, native_socket guard)
{
  std::lock_guard<std::mutex> lock(mutex_);
  sweep_locked();
  entry e{main, 0, guard, true, true};
  if (!socket_fingerprint(main, e.fingerprint))
  {
    close_private_socket(guard);
    return;
  }
  drop_locked(main);
  entries_.push_back(e);
}

PORTGUARD_DECL void guard_registry::note(native_socket main, native_socket guard)
{
  std::lock_guard<std::mutex> lock(mutex_);
  sweep_locked();
  entries_.push_back(entry{main, 0, guard, false, false});
}

PORTGUARD_DECL void guard_registry::forget(native_socket guard) noexcept
{
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (!entries_[i].owned && entries_[i].guard == guard)
    {
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
}

PORTGUARD_DECL bool guard_registry::guards(native_socket main)
{
  std::lock_guard<std::mutex> lock(mutex_);
  sweep_locked();
  for (const entry& e : entries_)
    if (e.main == main)
      return true;
  return false;
}

PORTGUARD_DECL void guard_registry::drop(native_socket main)
{
  std::lock_guard<std::mutex> lock(mutex_);
  sweep_locked();
  drop_locked(main);
}

PORTGUARD_DECL native_socket guard_registry::take(native_socket main)
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

PORTGUARD_DECL void guard_registry::sweep()
{
  std::lock_guard<std::mutex> lock(mutex_);
  sweep_locked();
}

PORTGUARD_DECL void guard_registry::drop_locked(native_socket main)
{
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].main == main && entries_[i].owned)
    {
      close_private_socket(entries_[i].guard);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
}

PORTGUARD_DECL void guard_registry::sweep_locked()
{
  for (std::size_t i = 0; i < entries_.size();)
  {
    entry& e = entries_[i];
    std::uint64_t now = 0;
    // A noted guard's socket not yet fingerprinted: still the socket it
    // guards if it is on the guard's port.
    if (socket_fingerprint(e.main, now)
        && (e.fingerprinted ? now == e.fingerprint
                            : bound_port(e.main) == bound_port(e.guard)))
    {
      e.fingerprint = now;
      e.fingerprinted = true;
      ++i;
      continue;
    }
    if (entries_[i].owned)
      close_private_socket(entries_[i].guard);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

PORTGUARD_DECL void note_guard(native_socket main, native_socket guard)
{
  guard_registry::instance().note(main, guard);
}

PORTGUARD_DECL void forget_guard(native_socket guard)
{
  guard_registry::instance().forget(guard);
}

PORTGUARD_DECL bool other_family_is_covered(native_socket s, bool guarded)
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

#endif // PORTGUARD_DETAIL_IMPL_OTHER_FAMILY_GUARD_IPP
