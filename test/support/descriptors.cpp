//
// test/support/descriptors.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "descriptors.hpp"

#include <portguard/detail/other_family_guard.hpp>

#include <boost/test/unit_test.hpp>
#include <boost/test/tree/traverse.hpp>
#include <boost/test/tree/visitor.hpp>

#if !defined(_WIN32)
#  include <dirent.h>
#endif

namespace pg_test {

int open_descriptors()
{
  // The guards on the other address family of plain sockets are closed at
  // the next portguard call after their socket closes: make that call.
  portguard::detail::guard_registry::instance().sweep();
#if defined(_WIN32)
  return -1;
#else
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir)
    return -1;
  int count = 0;
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.')
      ++count;
  ::closedir(dir);
  return count - 1; // the directory's own descriptor
#endif
}

descriptor_guard::descriptor_guard() : before(open_descriptors()) {}

descriptor_guard::~descriptor_guard()
{
  const int after = open_descriptors();
  if (before >= 0 && after >= 0)
    BOOST_CHECK_MESSAGE(after == before,
        "descriptors open before: " << before << ", after: " << after);
}

namespace {

class guard_every_case : public boost::unit_test::test_tree_visitor
{
public:
  void visit(const boost::unit_test::test_case& tc) override
  {
    auto& mutable_case = boost::unit_test::framework::get<boost::unit_test::test_case>(tc.p_id);
    mutable_case.p_fixtures.value.push_back(
        boost::unit_test::test_unit_fixture_ptr(
            new boost::unit_test::class_based_fixture<descriptor_guard>()));
  }
};

} // namespace

void guard_descriptors_in_every_test()
{
  guard_every_case visitor;
  boost::unit_test::traverse_test_tree(boost::unit_test::framework::master_test_suite(), visitor, true);
}

} // namespace pg_test
