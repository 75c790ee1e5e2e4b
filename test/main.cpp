//
// test/main.cpp
//
// The test runner. A process started with --portguard-rival is a rival
// child (used where fork is not available) and never runs the tests.
//
#define BOOST_TEST_MODULE portguard
#define BOOST_TEST_NO_MAIN
#define BOOST_TEST_ALTERNATIVE_INIT_API
#include <boost/test/included/unit_test.hpp>

#include "support/rival.hpp"

#include <cstring>

int main(int argc, char** argv)
{
  if (argc > 1 && std::strcmp(argv[1], "--portguard-rival") == 0)
    return pg_test::rival_main(argc, argv);
  return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
