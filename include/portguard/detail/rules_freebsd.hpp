//
// portguard/detail/rules_freebsd.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Part of portguard/port_rules.hpp, which includes it after the rules types:
// FreeBSD's rule (in_pcbbind_avail).
//
#include <portguard/port_rules.hpp>

#ifndef PORTGUARD_DETAIL_RULES_FREEBSD_HPP
#define PORTGUARD_DETAIL_RULES_FREEBSD_HPP

namespace portguard {
namespace rules {
namespace detail {

constexpr verdict freebsd_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(freebsd_v4);
  // FreeBSD main sys/netinet/in_pcb.c in_pcbbind_avail() (and
  // in6_pcbbind_avail(), also on the v4-mapped side of a dual-stack bind):
  // without PRIV_NETINET_REUSEPORT (root has it) a different cr_uid is refused
  // wherever the wildcard lookup finds an unconnected socket: "SO_REUSE* can
  // only be used to share a port among sockets owned by the same user".
  // (FreeBSD 13 and 14 let another uid join a wildcard SO_REUSEPORT_LB socket
  // that lacked SO_REUSEPORT.)
  if (r.who == identity::other_user)
    return refused(refusal::address_in_use,
        "another uid is refused wherever the wildcard lookup finds the socket",
        r.where == relation::dual_stack_beside_wildcard ? freebsd_v6 : freebsd_v4);
  // in6_pcbbind_avail(): the v4-mapped conflict check skips a PF_INET
  // wildcard socket ("!in_nullhost(t->inp_laddr) || (t->inp_vflag &
  // INP_IPV6PROTO) != 0" is false); in_pcblookup_wild_*() and
  // in_pcbinslbgrouphash() rank a v4-mapped wildcard last.
  if (r.where == relation::dual_stack_beside_wildcard)
    return binds(traffic::defender,
        "a dual-stack [::] binds beside a PF_INET wildcard socket, which keeps IPv4",
        freebsd_v6);
  const bool exact_lookup = r.options.has(option::reuse_address)
      || r.options.has(option::reuse_port) || r.options.has(option::reuse_port_lb);
  const bool d_lb = d.options.has(option::reuse_port_lb);
  const bool r_lb = r.options.has(option::reuse_port_lb);
  // in_pcbbind_avail(): "lookupflags = INPLOOKUP_WILDCARD" only when the rival
  // set none of SO_REUSEADDR, SO_REUSEPORT, SO_REUSEPORT_LB; a socket found
  // conflicts unless "(reuseport | reuseport_lb) & t->inp_socket->so_options".
  if (r.where == relation::same_address)
  {
    const bool shares = (d.options.has(option::reuse_port) && r.options.has(option::reuse_port))
        || (d_lb && r_lb);
    if (!shares)
      return refused(refusal::address_in_use,
          "the lookup finds the socket and they share neither SO_REUSEPORT nor "
          "SO_REUSEPORT_LB",
          freebsd_v4);
    // in_pcblookup_lbgroup() runs before the plain lookup: an LB group takes
    // the traffic; with no group, one PCB receives all of it.
    const traffic t = d_lb && r_lb ? traffic::split
        : d_lb                     ? traffic::defender
        : r_lb                     ? traffic::rival
                                   : traffic::either;
    return binds(t,
        d_lb && r_lb ? "both set SO_REUSEPORT_LB: one load-balancing group"
                     : "both set SO_REUSEPORT: one socket receives all traffic",
        freebsd_v4);
  }
  if (!exact_lookup)
    return refused(refusal::address_in_use,
        "without SO_REUSEADDR, SO_REUSEPORT or SO_REUSEPORT_LB the rival's wildcard "
        "lookup finds the socket",
        freebsd_v4);
  // The exact lookup misses a socket on another address, whatever its
  // options: the same user (or root) binds beside it. Delivery:
  // in_pcblookup_lbgroup() (exact-address group, else wildcard group), then
  // in_pcblookup_wild_*() (exact address before the wildcard).
  if (r.where == relation::specific_beside_wildcard)
    return binds(r_lb || !d_lb ? traffic::rival : traffic::defender,
        r_lb || !d_lb
            ? "the exact lookup misses the wildcard socket; the more specific bind "
              "receives the traffic"
            : "the rival binds, but the defender's wildcard SO_REUSEPORT_LB group is "
              "looked up before plain sockets",
        freebsd_v4);
  return binds(d_lb || !r_lb ? traffic::defender : traffic::rival,
      d_lb || !r_lb
          ? "the exact lookup misses the specific socket, which keeps its traffic"
          : "the rival's wildcard SO_REUSEPORT_LB group is looked up before the "
            "defender's plain socket",
      freebsd_v4);
}

} // namespace detail
} // namespace rules
} // namespace portguard

#endif // PORTGUARD_DETAIL_RULES_FREEBSD_HPP
