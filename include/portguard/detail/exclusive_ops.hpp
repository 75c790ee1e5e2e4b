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
/// under exclusivity::required it must be exclusive.
inline void check_adoptable(native_socket s, int expected_type,
    int expected_family, exclusivity policy, error_code& ec) noexcept
{
  const int type = socket_type(s, ec);
  if (ec)
    return;
  const int family = socket_family(s);
  if (type != expected_type || (family != 0 && family != expected_family))
  {
    ec = error::wrong_socket_type;
    return;
  }
  if (policy == exclusivity::required)
  {
    const bool exclusive = native_is_exclusive(s, ec);
    if (!ec && !exclusive)
      ec = error::not_exclusive;
  }
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_EXCLUSIVE_OPS_HPP
