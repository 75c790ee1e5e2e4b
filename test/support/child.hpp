//
// test/support/child.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A test step run in a forked child (POSIX): for what the test process
// itself must not do, such as dropping to another user or moving into a
// network namespace of its own.
//
#ifndef PORTGUARD_TEST_SUPPORT_CHILD_HPP
#define PORTGUARD_TEST_SUPPORT_CHILD_HPP

#include <functional>
#include <string>

namespace pg_test {

/// What a child reported: the text `body` returned, and whether it got to
/// return it (false if the fork failed or the child died first).
struct child_report
{
  bool returned = false;
  std::string text;
};

/// Runs `body` in a forked child, with the streams flushed first, and
/// returns what it returned; an exception escaping `body` is reported as
/// "exception: " and its what(). The child ends with _exit(0) and is
/// waited for. POSIX only.
child_report run_in_child(const std::function<std::string()>& body);

} // namespace pg_test

#endif
