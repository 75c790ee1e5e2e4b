//
// portguard/exclusivity.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_EXCLUSIVITY_HPP
#define PORTGUARD_EXCLUSIVITY_HPP

#include <portguard/detail/config.hpp>

PORTGUARD_NAMESPACE_BEGIN

/// What to do when a socket cannot be made exclusive.
enum class exclusivity
{
  /// Fail closed: if the operating system refuses the exclusive option (or
  /// an adopted socket is shareable), the operation fails with an error and
  /// nothing it opened stays open or bound. The default everywhere.
  required,

  /// Go on without exclusivity when the operating system refuses it (old
  /// Windows let only administrators set SO_EXCLUSIVEADDRUSE). Check
  /// is_exclusive() afterwards: it tells the truth.
  best_effort
};

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_EXCLUSIVITY_HPP
