//
// portguard/detail/rules_sources.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Part of portguard/port_rules.hpp, which includes it after the rules types:
// The rules table's answers and the sources its clauses cite.
//
#include <portguard/port_rules.hpp>

#ifndef PORTGUARD_DETAIL_RULES_SOURCES_HPP
#define PORTGUARD_DETAIL_RULES_SOURCES_HPP

namespace portguard {
namespace rules {
namespace detail {

constexpr verdict binds(traffic t, const char* why, provenance from) noexcept
{
  return {true, true, t, refusal::none, why, from};
}

constexpr verdict refused(refusal e, const char* why, provenance from) noexcept
{
  return {true, false, traffic::none, e, why, from};
}

constexpr verdict not_applicable(const char* why) noexcept
{
  return {false, false, traffic::none, refusal::none, why,
      {source::documented, "portguard::rules"}};
}

constexpr verdict separate_port_space(provenance from) noexcept
{
  return {true, true, traffic::none, refusal::none,
      "the other address family is a separate port space", from};
}

inline constexpr provenance microsoft{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\" (Windows Server 2003 and "
    "later), as tabled in platform-notes.md"};
inline constexpr provenance microsoft_accounts{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\", enhanced socket security: "
    "another account shares a port only if its first socket set SO_REUSEADDR"};
inline constexpr provenance microsoft_administrator{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\": the article names no "
    "exception for administrators, so they are taken as another account (not verified)"};
inline constexpr provenance linux_measured{source::measured,
    "platform-notes.md (measured, Linux 6.x); Linux net/ipv4/inet_connection_sock.c "
    "inet_bind_conflict()/inet_csk_bind_conflict(), net/ipv4/udp.c udp_lib_lport_inuse()"};
inline constexpr provenance linux_source{source::kernel_source,
    "Linux net/ipv4/inet_connection_sock.c inet_bind_conflict()/inet_csk_bind_conflict(), "
    "net/ipv4/udp.c udp_lib_lport_inuse(): uid_eq(), no exemption for root; "
    "inet_rcv_saddr_equal(): a dual-stack [::] matches 0.0.0.0"};
inline constexpr provenance xnu_v4{source::kernel_source,
    "XNU xnu-11417.101.15, bsd/netinet/in_pcb.c in_pcbbind(), in_pcblookup_local(), "
    "in_pcblookup_hash_locked()"};
inline constexpr provenance xnu_v6{source::kernel_source,
    "XNU xnu-11417.101.15, bsd/netinet6/in6_pcb.c in6_pcbbind() (the v4-mapped checks)"};
inline constexpr provenance freebsd_v4{source::kernel_source,
    "FreeBSD main (freebsd-src 08949cd4, 2025), sys/netinet/in_pcb.c in_pcbbind_setup() -> "
    "in_pcbbind_avail(), in_pcblookup_local(), in_pcblookup_lbgroup()"};
inline constexpr provenance freebsd_v6{source::kernel_source,
    "FreeBSD main (freebsd-src 08949cd4, 2025), sys/netinet6/in6_pcb.c in6_pcbbind_avail() "
    "(the v4-mapped checks)"};

} // namespace detail
} // namespace rules
} // namespace portguard

#endif // PORTGUARD_DETAIL_RULES_SOURCES_HPP
