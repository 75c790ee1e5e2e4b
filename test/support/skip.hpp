//
// test/support/skip.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Skips that show as skips. A test that cannot run here says so before it
// starts, through a Boost.Test precondition: the report counts it as
// skipped, with its reason, never as passed. Never print a message and
// return from a test body instead.
//
// Every reason starts with a tag in brackets saying what is missing, so
// scripts/test.sh can fail a run that skipped what this machine should run
// (e.g. "[needs root]" while running as root):
//   [needs root]    switching to user nobody (POSIX, root only)
//   [platform]      the platform does not have it (e.g. SO_REUSEPORT on Windows)
//   [wine gap]      Wine does not model it (docs/platforms.md)
//   [os]            this host lacks it (IPv6, release() on old Windows, ...)
//   [filtered]      the run left out what the test sums up (--run_test)
//
#ifndef PORTGUARD_TEST_SUPPORT_SKIP_HPP
#define PORTGUARD_TEST_SUPPORT_SKIP_HPP

#include "rival.hpp"

#include <boost/test/tree/decorator.hpp>

#include <cstddef>
#include <functional>
#include <string>

namespace pg_test {

/// Why a test cannot run here, or empty when it can.
using skip_reason = std::function<std::string()>;

/// A precondition decorator: the test unit is skipped, with the reason,
/// when `reason()` is not empty. Asked right before the unit runs.
/// @code
/// BOOST_AUTO_TEST_CASE(as_nobody, *skip_unless(other_user_reason))
/// @endcode
boost::unit_test::precondition skip_unless(skip_reason reason);

/// The same for each sample of a BOOST_DATA_TEST_CASE (Boost.Test names
/// its cases _0, _1, ... in the order of the data set): `reason(i)` for
/// the i-th sample. Put it before the case:
/// @code
/// BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) { ... }))
/// BOOST_DATA_TEST_CASE(cells, bdata::make(cells()), c) { ... }
/// @endcode
boost::unit_test::precondition skip_sample_unless(std::function<std::string(std::size_t)> reason);

/// Empty when a rival can act as `who` here; else why not ("[needs root]"
/// for user nobody on POSIX when not root, "[platform]" on Windows).
std::string identity_reason(identity who);

/// Empty when tests can switch to user nobody here (identity_reason for
/// identity::other_user).
std::string other_user_reason();

/// Empty when this platform has the rival option (option_available()).
std::string option_reason(rival_options options);

/// Empty when an IPv6 loopback socket can be bound here.
std::string ipv6_reason();

/// Empty when tcp::acceptor::release() works here (Asio cannot release a
/// socket on Windows before 8.1, nor under some Wine versions).
std::string release_reason();

/// Empty on Linux; "[platform] Linux only" elsewhere.
std::string linux_only_reason();

/// How much of its work a stress test does: PORTGUARD_STRESS_SCALE, in
/// (0, 1] (1 when unset or out of range), for slow hosts and sanitizers.
double stress_scale();

/// The first non-empty reason of the two.
std::string first_reason(const std::string& a, const std::string& b);

} // namespace pg_test

#endif
