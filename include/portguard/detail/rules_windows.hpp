//
// portguard/detail/rules_windows.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Part of portguard/port_rules.hpp, which includes it after the rules types:
// Windows' rule (Microsoft's table, same user and across accounts).
//
#include <portguard/port_rules.hpp>

#ifndef PORTGUARD_DETAIL_RULES_WINDOWS_HPP
#define PORTGUARD_DETAIL_RULES_WINDOWS_HPP

namespace portguard {
namespace rules {
namespace detail {

enum class windows_result : unsigned char { in_use, access, success };

// Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", same user; the
// table of platform-notes.md. Rows: the first bind (defender); columns: the
// second bind (rival). Both ordered: none W, none S, SO_REUSEADDR W,
// SO_REUSEADDR S, SO_EXCLUSIVEADDRUSE W, SO_EXCLUSIVEADDRUSE S (W: wildcard,
// S: specific address). Success: the second socket shares or shadows the port.
inline constexpr windows_result windows_table[6][6] = {
  // none W
  {windows_result::in_use, windows_result::success, windows_result::access,
      windows_result::success, windows_result::in_use, windows_result::success},
  // none S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::access, windows_result::in_use, windows_result::in_use},
  // SO_REUSEADDR W
  {windows_result::in_use, windows_result::success, windows_result::success,
      windows_result::success, windows_result::in_use, windows_result::success},
  // SO_REUSEADDR S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::success, windows_result::in_use, windows_result::in_use},
  // SO_EXCLUSIVEADDRUSE W
  {windows_result::in_use, windows_result::access, windows_result::access,
      windows_result::access, windows_result::in_use, windows_result::access},
  // SO_EXCLUSIVEADDRUSE S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::access, windows_result::in_use, windows_result::in_use},
};

constexpr int windows_index(option_set s, bool wildcard) noexcept
{
  const int kind = s.has(option::exclusive_address_use) ? 2
      : s.has(option::reuse_address)                    ? 1
                                                        : 0;
  return kind * 2 + (wildcard ? 0 : 1);
}

// Whether the rival binds the wildcard of the defender's family.
constexpr bool rival_on_wildcard(const scenario& s) noexcept
{
  switch (s.challenger.where)
  {
  case relation::same_address: return s.held.address == address_kind::wildcard;
  case relation::specific_beside_wildcard: return false;
  case relation::wildcard_beside_specific: return true;
  case relation::dual_stack_beside_wildcard: return true;
  case relation::other_family: return false;
  }
  return false;
}

constexpr verdict windows_rule(const scenario& s) noexcept
{
  if (s.challenger.where == relation::other_family)
    return separate_port_space(microsoft);
  // A dual-stack wildcard bind must pass the checks of both families
  // (Microsoft, Vista and later): against an IPv4 wildcard it is the W/W cell.
  const windows_result cell = windows_table[windows_index(s.held.options,
      s.held.address == address_kind::wildcard)][windows_index(s.challenger.options,
      rival_on_wildcard(s))];
  if (cell != windows_result::success)
    return refused(cell == windows_result::in_use ? refusal::address_in_use
                                                  : refusal::access_denied,
        "Microsoft's table refuses this pair of binds", microsoft);
  const identity who = s.challenger.who;
  if ((who == identity::other_user || who == identity::root)
      && !s.held.options.has(option::reuse_address))
    return refused(refusal::unspecified,
        "another account shares a port only if its first socket set SO_REUSEADDR",
        who == identity::root ? microsoft_administrator : microsoft_accounts);
  switch (s.challenger.where)
  {
  case relation::specific_beside_wildcard:
    return binds(traffic::rival, "the more specific bind receives the traffic",
        who == identity::root ? microsoft_administrator : microsoft);
  case relation::wildcard_beside_specific:
    return binds(traffic::defender,
        "the wildcard bind shares the port number; the specific bind keeps its traffic",
        who == identity::root ? microsoft_administrator : microsoft);
  default:
    return binds(traffic::either,
        "both bound to one address: Microsoft calls the delivery indeterminate",
        who == identity::root ? microsoft_administrator : microsoft);
  }
}

} // namespace detail
} // namespace rules
} // namespace portguard

#endif // PORTGUARD_DETAIL_RULES_WINDOWS_HPP
