//
// portguard/detail/fault_seam.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Test seams. A build that defines PORTGUARD_FAULT_SEAM can
// - make the next N attempts to set the exclusive option fail as if the
//   operating system had refused it;
// - make the socket table unreadable (a sandbox that refuses netlink) or
//   partial (a kernel that does not list bound, not listening sockets);
// - make the next N checks "does the table list bound sockets" fail as if
//   the process were out of descriptors, the cached answer forgotten;
// - run a callback between a portguard bind and the listen that follows it
//   (to put a rival in that window).
// Without the macro every seam compiles to a constant and costs nothing.
//
#ifndef PORTGUARD_DETAIL_FAULT_SEAM_HPP
#define PORTGUARD_DETAIL_FAULT_SEAM_HPP

#include <portguard/detail/config.hpp>

#if defined(PORTGUARD_FAULT_SEAM)
#  include <atomic>
#  include <functional>
#endif

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// How the socket table misbehaves under the seam.
enum class table_fault_kind
{
  none,       ///< Read as the operating system answers.
  unreadable, ///< Every read fails (access_denied: EACCES).
  partial     ///< TCP sockets bound but not listening are not listed.
};

#if defined(PORTGUARD_FAULT_SEAM)
/// How many of the next exclusive-option attempts must be refused.
inline std::atomic<int>& refused_exclusive_attempts() noexcept
{
  static std::atomic<int> count{0};
  return count;
}

/// Takes one from a countdown of injected faults: true while any were left.
inline bool take_one_fault(std::atomic<int>& count) noexcept
{
  int n = count.load();
  while (n > 0)
    if (count.compare_exchange_weak(n, n - 1))
      return true;
  return false;
}

inline bool fault_seam_refuses() noexcept
{
  return take_one_fault(refused_exclusive_attempts());
}

/// The fault the socket table shows now.
inline std::atomic<table_fault_kind>& injected_table_fault() noexcept
{
  static std::atomic<table_fault_kind> kind{table_fault_kind::none};
  return kind;
}

inline table_fault_kind table_fault() noexcept
{
  return injected_table_fault().load();
}

/// How many of the next checks "does the table list bound sockets" must
/// fail with EMFILE.
inline std::atomic<int>& failed_bound_listing_checks() noexcept
{
  static std::atomic<int> count{0};
  return count;
}

/// Raised to forget the cached answer of that check.
inline std::atomic<unsigned>& bound_listing_epoch() noexcept
{
  static std::atomic<unsigned> epoch{0};
  return epoch;
}

inline bool fault_seam_fails_bound_listing_check() noexcept
{
  return take_one_fault(failed_bound_listing_checks());
}

inline unsigned bound_listing_epoch_now() noexcept
{
  return bound_listing_epoch().load();
}

/// Called by the endpoint constructor and bind_with_retry between their
/// bind and their listen, when set.
inline std::function<void()>& between_bind_and_listen_hook()
{
  static std::function<void()> hook;
  return hook;
}

inline void between_bind_and_listen()
{
  if (between_bind_and_listen_hook())
    between_bind_and_listen_hook()();
}
#else
constexpr bool fault_seam_refuses() noexcept { return false; }
constexpr table_fault_kind table_fault() noexcept { return table_fault_kind::none; }
constexpr bool fault_seam_fails_bound_listing_check() noexcept { return false; }
constexpr unsigned bound_listing_epoch_now() noexcept { return 0; }
inline void between_bind_and_listen() noexcept {}
#endif

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_FAULT_SEAM_HPP
