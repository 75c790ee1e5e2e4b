//
// portguard/impl/verdict.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// exclusivity_verdict's line of text, declared in verdict.hpp: included by it
// when header-only, and by <portguard/impl/src.hpp> once for a program built
// with PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_IMPL_VERDICT_IPP
#define PORTGUARD_IMPL_VERDICT_IPP

#include <portguard/detail/socket_table.hpp>
#include <portguard/verdict.hpp>

#include <string>

PORTGUARD_NAMESPACE_BEGIN

PORTGUARD_DECL std::string exclusivity_verdict::to_string() const
{
  if (exclusive)
    return "exclusive";
  const std::string message = reason.message(); // "what; generic remedy"
  std::string line = "not exclusive: " + message.substr(0, message.find(';'));
  if (!option.empty())
    line += "; option: " + option;
  for (const port_holder& h : holders)
    line += (&h == &holders.front() ? "; held by " : ", ") + detail::describe(h);
  if (!cause.empty())
    line += "; " + cause;
  if (!remedy.empty())
    line += "; to fix: " + remedy;
  return line;
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IMPL_VERDICT_IPP
