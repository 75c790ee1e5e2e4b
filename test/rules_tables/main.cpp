//
// test/rules_tables/main.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Prints the rules tables of docs/platforms.md (the block between the
// GENERATED RULES markers) to standard output; scripts/gen-platforms.sh
// splices it into the page.
//
#include "support/rules_tables.hpp"

#include <iostream>

int main()
{
  std::cout << pg_test::rules_tables_markdown() << '\n';
  return std::cout.good() ? 0 : 1;
}
