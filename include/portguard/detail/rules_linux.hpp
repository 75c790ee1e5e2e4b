//
// portguard/detail/rules_linux.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Part of portguard/port_rules.hpp, which includes it after the rules types:
// Linux's rule (measured, and the kernel's bind-conflict code).
//
#include <portguard/port_rules.hpp>

#ifndef PORTGUARD_DETAIL_RULES_LINUX_HPP
#define PORTGUARD_DETAIL_RULES_LINUX_HPP

namespace portguard {
namespace rules {
namespace detail {

constexpr traffic linux_traffic(relation where, bool reuseport_group) noexcept
{
  switch (where)
  {
  case relation::same_address:
    // One SO_REUSEPORT group spreads connections and datagrams by hash; two
    // UDP sockets sharing through SO_REUSEADDR are scored alike, and
    // udp4_lib_lookup2() takes the first of the best (order and the
    // incoming-CPU bonus decide).
    return reuseport_group ? traffic::split : traffic::either;
  case relation::specific_beside_wildcard:
    // Listeners and UDP sockets on the exact address are looked up first.
    return traffic::rival;
  case relation::wildcard_beside_specific:
    return traffic::defender;
  case relation::dual_stack_beside_wildcard:
    // compute_score() ranks a PF_INET socket above a dual-stack one.
    return traffic::defender;
  case relation::other_family:
    return traffic::none;
  }
  return traffic::none;
}

constexpr verdict linux_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(linux_measured);
  const bool same_uid = r.who == identity::same_process || r.who == identity::same_user;
  const provenance& from = r.who == identity::root
          || r.where == relation::dual_stack_beside_wildcard
      ? linux_source
      : linux_measured;
  // SO_REUSEPORT on both, same effective uid (root is no exception): one
  // reuseport group; both may listen.
  if (d.options.has(option::reuse_port) && r.options.has(option::reuse_port) && same_uid)
    return binds(linux_traffic(r.where, true),
        "both set SO_REUSEPORT under one uid: a reuseport group", from);
  // SO_REUSEADDR on both lets any user bind next to a UDP socket, or a TCP
  // socket that is not listening (the first to listen keeps the port).
  if (d.options.has(option::reuse_address) && r.options.has(option::reuse_address)
      && !(d.proto == protocol::tcp && d.state == socket_state::listening))
    return binds(d.proto == protocol::tcp ? traffic::first_listener
                                          : linux_traffic(r.where, false),
        d.proto == protocol::tcp
            ? "both set SO_REUSEADDR and the defender does not listen: any user binds"
            : "both UDP sockets set SO_REUSEADDR: any user binds",
        from);
  return refused(refusal::address_in_use,
      "overlapping binds conflict unless both share through SO_REUSEADDR (not "
      "listening) or through SO_REUSEPORT under one uid",
      from);
}

} // namespace detail
} // namespace rules
} // namespace portguard

#endif // PORTGUARD_DETAIL_RULES_LINUX_HPP
