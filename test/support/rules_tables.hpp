//
// test/support/rules_tables.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The rules tables of docs/platforms.md, printed from portguard::rules and
// marked from rules_coverage: scripts/gen-platforms.sh writes them into the
// page (through test/rules_tables/), and the port_rules suite fails when
// the page differs from what this prints.
//
#ifndef PORTGUARD_TEST_SUPPORT_RULES_TABLES_HPP
#define PORTGUARD_TEST_SUPPORT_RULES_TABLES_HPP

#include <string>

namespace pg_test {

/// The line that opens the generated block in docs/platforms.md.
extern const char* const rules_block_begin;
/// The line that closes it.
extern const char* const rules_block_end;

/// The whole block, from rules_block_begin to rules_block_end inclusive,
/// in Markdown, ending without a newline.
std::string rules_tables_markdown();

/// The block as docs/platforms.md holds it (from the opening line to the
/// closing line), or an empty string when either line is missing.
std::string rules_block_in(const std::string& page);

} // namespace pg_test

#endif
