// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0

// Both flavours of portguard in one program: Boost.Asio and standalone Asio.
// Each lives in its own inline namespace, so the two secure_acceptor types
// and error categories are distinct entities and the program obeys the ODR.
#include "flavour.hpp"

#include <iostream>

int main()
{
  const flavour_result b = boost_flavour();
  const flavour_result s = standalone_flavour();
  std::cout << "boost:      " << b.type_name << " exclusive=" << b.exclusive << '\n'
            << "standalone: " << s.type_name << " exclusive=" << s.exclusive << '\n';

  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    std::cout << (ok ? "ok      " : "FAILED  ") << what << '\n';
    failures += ok ? 0 : 1;
  };
  check(b.exclusive && s.exclusive, "both flavours give an exclusive acceptor");
  check(b.type_name != s.type_name, "the secure_acceptor types differ");
  check(b.type_name.find("boost_asio") != std::string::npos, "Boost flavour in inline namespace boost_asio");
  check(s.type_name.find("standalone_asio") != std::string::npos, "standalone flavour in inline namespace standalone_asio");
  check(b.category == "portguard" && s.category == "portguard", "both categories are named portguard");
  check(b.category_address != s.category_address, "each flavour has its own category object");
  return failures == 0 ? 0 : 1;
}
