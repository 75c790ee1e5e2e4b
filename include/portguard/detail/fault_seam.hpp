//
// portguard/detail/fault_seam.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A test seam: a build that defines PORTGUARD_FAULT_SEAM can make the next N
// attempts to set the exclusive option fail as if the operating system had
// refused it. Without the macro it compiles to nothing.
//
#ifndef PORTGUARD_DETAIL_FAULT_SEAM_HPP
#define PORTGUARD_DETAIL_FAULT_SEAM_HPP

#include <portguard/detail/config.hpp>

#if defined(PORTGUARD_FAULT_SEAM)
#  include <atomic>
#endif

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

#if defined(PORTGUARD_FAULT_SEAM)
/// How many of the next exclusive-option attempts must be refused.
inline std::atomic<int>& refused_exclusive_attempts() noexcept
{
  static std::atomic<int> count{0};
  return count;
}

inline bool fault_seam_refuses() noexcept
{
  auto& count = refused_exclusive_attempts();
  int n = count.load();
  while (n > 0)
    if (count.compare_exchange_weak(n, n - 1))
      return true;
  return false;
}
#else
constexpr bool fault_seam_refuses() noexcept { return false; }
#endif

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_FAULT_SEAM_HPP
