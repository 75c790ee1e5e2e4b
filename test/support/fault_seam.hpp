//
// test/support/fault_seam.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The one way tests drive the library's fault seam
// (include/portguard/detail/fault_seam.hpp, compiled in because the suites
// define PORTGUARD_FAULT_SEAM): a scoped object that arms the seams it is
// told to and disarms every one of them when it goes out of scope, so no
// fault leaks into the next test.
//
#ifndef PORTGUARD_TEST_SUPPORT_FAULT_SEAM_HPP
#define PORTGUARD_TEST_SUPPORT_FAULT_SEAM_HPP

#include <portguard/detail/fault_seam.hpp>

#include <functional>
#include <utility>

namespace pg_test {

#if !defined(PORTGUARD_FAULT_SEAM)
#  error "the test suites are built with PORTGUARD_FAULT_SEAM"
#endif

class fault_seam
{
public:
  fault_seam() { reset(); }
  ~fault_seam() { reset(); }
  fault_seam(const fault_seam&) = delete;
  fault_seam& operator=(const fault_seam&) = delete;

  /// The next `n` attempts to set the exclusive option fail as if the
  /// operating system had refused it.
  fault_seam& refuse_exclusive(int n)
  {
    portguard::detail::refused_exclusive_attempts() = n;
    return *this;
  }

  /// How many of the refusals asked for are still to come.
  int refusals_left() const { return portguard::detail::refused_exclusive_attempts(); }

  /// The socket table reads as `kind` (unreadable, or without bound TCP
  /// sockets that do not listen).
  fault_seam& table(portguard::detail::table_fault_kind kind)
  {
    portguard::detail::injected_table_fault() = kind;
    return *this;
  }

  /// The next `n` checks "does the socket table list bound sockets" fail
  /// with EMFILE; the answer cached so far is forgotten first.
  fault_seam& fail_bound_listing_checks(int n)
  {
    portguard::detail::failed_bound_listing_checks() = n;
    ++portguard::detail::bound_listing_epoch();
    return *this;
  }

  /// How many of those failures are still to come.
  int bound_listing_failures_left() const
  {
    return portguard::detail::failed_bound_listing_checks();
  }

  /// `hook` runs between a portguard bind and the listen that follows it.
  fault_seam& between_bind_and_listen(std::function<void()> hook)
  {
    portguard::detail::between_bind_and_listen_hook() = std::move(hook);
    return *this;
  }

private:
  static void reset()
  {
    portguard::detail::refused_exclusive_attempts() = 0;
    portguard::detail::injected_table_fault() = portguard::detail::table_fault_kind::none;
    portguard::detail::failed_bound_listing_checks() = 0;
    portguard::detail::between_bind_and_listen_hook() = nullptr;
  }
};

} // namespace pg_test

#endif
