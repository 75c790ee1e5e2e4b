//
// test/support/descriptors.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Descriptor accounting: a fixture that fails a test which leaves more (or
// fewer) descriptors open than it found.
//
#ifndef PORTGUARD_TEST_SUPPORT_DESCRIPTORS_HPP
#define PORTGUARD_TEST_SUPPORT_DESCRIPTORS_HPP

namespace pg_test {

/// The number of descriptors this process has open, or -1 where the
/// platform gives no cheap way to count them (Windows).
int open_descriptors();

/// Adds a descriptor_guard fixture to every registered test case, so any
/// test that leaves a descriptor open (or closes one it did not open) fails.
void guard_descriptors_in_every_test();

/// Checks in its destructor that the count is what it was at construction.
struct descriptor_guard
{
  descriptor_guard();
  ~descriptor_guard();
  int before;
};

} // namespace pg_test

#endif
