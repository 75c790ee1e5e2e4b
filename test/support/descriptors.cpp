//
// test/support/descriptors.cpp
//
#include "descriptors.hpp"

#include <boost/test/unit_test.hpp>

#if !defined(_WIN32)
#  include <dirent.h>
#endif

namespace pg_test {

int open_descriptors()
{
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
        "descriptors open before the test: " << before << ", after: " << after);
}

} // namespace pg_test
