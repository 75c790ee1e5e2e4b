//
// portguard/detail/rules_macos.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Part of portguard/port_rules.hpp, which includes it after the rules types:
// macOS's rule (XNU's in_pcbbind).
//
#include <portguard/port_rules.hpp>

#ifndef PORTGUARD_DETAIL_RULES_MACOS_HPP
#define PORTGUARD_DETAIL_RULES_MACOS_HPP

namespace portguard {
namespace rules {
namespace detail {

constexpr verdict macos_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(xnu_v4);
  // xnu-11417.101.15 bsd/netinet6/in6_pcb.c in6_pcbbind(): for [::] with
  // V6ONLY off, both v4-mapped checks pass a PF_INET wildcard socket
  // ("t->inp_laddr.s_addr != INADDR_ANY || SOCK_DOM(so) == SOCK_DOM(t)" is
  // false), for every uid and option; in_pcblookup_hash_locked() takes a
  // PF_INET wildcard socket before a mapped one (local_wild before
  // local_wild_mapped).
  if (r.where == relation::dual_stack_beside_wildcard)
    return binds(traffic::defender,
        "a dual-stack [::] binds beside a PF_INET wildcard socket, which keeps IPv4",
        xnu_v6);
  const bool both_wildcard = r.where == relation::same_address
      && d.address == address_kind::wildcard;
  // xnu-11417.101.15 bsd/netinet/in_pcb.c in_pcbbind(), first lookup: a
  // non-root uid ("(u = kauth_cred_getuid(so->so_cred)) != 0") that differs
  // from the holder's is refused by the wildcard lookup unless both binds are
  // the wildcard (in6_pcbbind(): unless both are :: and the holder set
  // SO_REUSEPORT; the second lookup then gives the same answer).
  if (r.who == identity::other_user && !both_wildcard)
    return refused(refusal::address_in_use,
        "another non-root uid is refused wherever the wildcard lookup finds the socket",
        xnu_v4);
  // xnu-11417.101.15 in_pcbbind(), second lookup: "wild = 1" only when the
  // rival set neither SO_REUSEADDR nor SO_REUSEPORT; otherwise
  // in_pcblookup_local() looks up the exact address only, and a socket found
  // there conflicts unless both set SO_REUSEPORT ("reuseport &
  // t->inp_socket->so_options").
  const bool exact_lookup = r.options.has(option::reuse_address)
      || r.options.has(option::reuse_port);
  if (r.where == relation::same_address)
  {
    if (d.options.has(option::reuse_port) && r.options.has(option::reuse_port))
      // in_pcblookup_hash_locked() hands all traffic to one PCB: the first
      // found for a specific address (the newest), the last for the wildcard.
      return binds(traffic::either,
          "both set SO_REUSEPORT: one of the two receives all traffic", xnu_v4);
    return refused(refusal::address_in_use,
        "the exact lookup finds the socket and not both set SO_REUSEPORT", xnu_v4);
  }
  if (!exact_lookup)
    return refused(refusal::address_in_use,
        "without SO_REUSEADDR or SO_REUSEPORT the rival's wildcard lookup finds the socket",
        xnu_v4);
  // The exact lookup misses a socket on another address, whatever options it
  // set: the same user (or root) binds beside it. in_pcblookup_hash_locked()
  // prefers an exact local address to the wildcard.
  return r.where == relation::specific_beside_wildcard
      ? binds(traffic::rival,
            "SO_REUSEADDR or SO_REUSEPORT: the exact lookup misses the wildcard socket; "
            "the more specific bind receives the traffic",
            xnu_v4)
      : binds(traffic::defender,
            "SO_REUSEADDR or SO_REUSEPORT: the exact lookup misses the specific socket, "
            "which keeps its traffic",
            xnu_v4);
}

} // namespace detail
} // namespace rules
} // namespace portguard

#endif // PORTGUARD_DETAIL_RULES_MACOS_HPP
