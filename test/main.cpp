//
// test/main.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The test runner. Every test case is checked for leaked descriptors. A
// process started with --portguard-rival is a rival child (used where fork
// is not available) and runs no tests.
//
// Boost.Test is the prebuilt library when CMake found one
// (PORTGUARD_TEST_BOOST_TEST_LIBRARY), else compiled into this file.
//
#define BOOST_TEST_NO_MAIN
#define BOOST_TEST_ALTERNATIVE_INIT_API
#if defined(PORTGUARD_TEST_BOOST_TEST_LIBRARY)
#  include <boost/test/unit_test.hpp>
#else
#  include <boost/test/included/unit_test.hpp>
#endif

#include "support/descriptors.hpp"
#include "support/rival.hpp"

#include <cstring>

namespace {

bool init_portguard_tests()
{
  boost::unit_test::framework::master_test_suite().p_name.value = "portguard";
  pg_test::guard_descriptors_in_every_test();
  return true;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc > 1 && std::strcmp(argv[1], "--portguard-rival") == 0)
    return pg_test::rival_main(argc, argv);
  return boost::unit_test::unit_test_main(&init_portguard_tests, argc, argv);
}
