// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0

// One function per Asio flavour, each compiled in its own translation unit
// against its own portguard target.
#ifndef PORTGUARD_CMAKE_TEST_FLAVOUR_HPP
#define PORTGUARD_CMAKE_TEST_FLAVOUR_HPP

#include <string>

struct flavour_result
{
  bool exclusive;          // a secure_acceptor on 127.0.0.1:0 is exclusive
  std::string type_name;   // typeid(portguard::secure_acceptor).name()
  std::string category;    // portguard's error category name
  const void* category_address;
};

flavour_result boost_flavour();
flavour_result standalone_flavour();

#endif
