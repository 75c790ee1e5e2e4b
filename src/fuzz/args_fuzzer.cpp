//
// src/fuzz/args_fuzzer.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Feeds arbitrary bytes to portguard-probe's parser: split at NUL bytes into
// an argument list, and whole as one endpoint. Checks what the parser
// promises: an error is one non-empty line; a parsed endpoint has a port in
// 1-65535 and a host without brackets.
//
#include "probe/args.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace probe = portguard::probe;

namespace {

void check(bool condition)
{
  if (!condition)
    std::abort();
}

void check_error(const std::string& error)
{
  check(!error.empty());
  check(error.find('\n') == std::string::npos);
  check(error.size() < 1024);
}

void check_endpoint(const probe::endpoint_spec& e)
{
  check(e.port >= 1);
  check(!e.host.empty());
  check(e.host.find('[') == std::string::npos && e.host.find(']') == std::string::npos);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string text(reinterpret_cast<const char*>(data), size);

  probe::endpoint_spec endpoint;
  std::string error;
  if (probe::parse_endpoint(text, endpoint, error))
    check_endpoint(endpoint);
  else
    check_error(error);

  std::vector<std::string> args;
  std::string::size_type start = 0;
  for (;;)
  {
    const auto end = text.find('\0', start);
    args.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos || args.size() == 16)
      break;
    start = end + 1;
  }
  const probe::parse_result r = probe::parse_arguments(args);
  if (!r.ok())
    check_error(r.error);
  else if (r.cmd.what == probe::mode::audit)
    check_endpoint(r.cmd.target);
  return 0;
}
