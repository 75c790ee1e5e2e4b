//
// portguard/other_family.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_OTHER_FAMILY_HPP
#define PORTGUARD_OTHER_FAMILY_HPP

#include <portguard/detail/config.hpp>

PORTGUARD_NAMESPACE_BEGIN

/**
 * What a portguard bind does with the same port on the other address
 * family.
 *
 * IPv4 and IPv6 ports are separate: while a server holds 0.0.0.0:P, anyone
 * can bind `[::]:P` (IPV6_V6ONLY) or `[::1]:P`, and a client that resolves
 * `localhost` and tries `::1` first reaches that socket, not the server.
 * So by default a portguard bind of an IPv4 wildcard or loopback address
 * also holds the port on the IPv6 side (`[::]` with IPV6_V6ONLY for
 * 0.0.0.0, `[::1]` for 127.0.0.1), and the mirror for an IPv6-only socket
 * (`[::]` with IPV6_V6ONLY, or `[::1]`): an exclusive socket bound there,
 * never listening, so a client trying that family is refused at once and
 * falls back to the real server. A dual-stack `[::]` socket (IPV6_V6ONLY
 * off) holds both families itself and needs no guard; other specific
 * addresses have no counterpart and get none. On Windows, where a wildcard
 * bind succeeds beside an exclusive socket on a specific address, the guard
 * of a loopback socket holds the other family's wildcard instead (`[::]`
 * for 127.0.0.1, 0.0.0.0 for `[::1]`), which covers its loopback address
 * too.
 */
enum class other_family
{
  /// Hold the port on the other family too (the default). If the host
  /// lacks that family (no IPv6, or no `::1`) there is nothing to hold. If
  /// another socket holds it, exclusivity::required fails with
  /// portguard::error::other_family_held and exclusivity::best_effort goes
  /// on unguarded (is_exclusive() then answers false).
  guard,

  /// Leave the other family's port alone, for a server that deliberately
  /// runs another service there. is_exclusive() answers false while that
  /// port is free or held by someone else.
  leave_open
};

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_OTHER_FAMILY_HPP
