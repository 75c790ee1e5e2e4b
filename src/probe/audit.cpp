//
// src/probe/audit.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "audit.hpp"

#include "platform.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>

namespace portguard {
namespace probe {

namespace {

// The target's addresses: the literal itself, or what the name resolves to.
bool resolve(const command& cmd, std::vector<net::ip::address>& out,
    audit_failure& failure)
{
  error_code ec;
  if (cmd.target.literal)
  {
    out.push_back(net::ip::make_address(cmd.target.host, ec));
    return !ec;
  }
  net::io_context ctx;
  net::ip::tcp::resolver resolver(ctx);
  const auto results = resolver.resolve(cmd.target.host, "",
      net::ip::resolver_base::numeric_service, ec);
  if (ec || results.empty())
  {
    failure.code = exit_code::bad_input;
    failure.message = "cannot resolve host '" + cmd.target.host + "'"
        + (ec ? ": " + ec.message() : std::string())
        + "; expected an address or a name of this machine";
    return false;
  }
  for (const auto& entry : results)
  {
    const auto a = entry.endpoint().address();
    if (std::find(out.begin(), out.end(), a) == out.end())
      out.push_back(a);
  }
  return true;
}

std::string what(const command& cmd, const net::ip::address& a)
{
  return std::string(to_string(cmd.proto)) + " " + endpoint_text(a, cmd.target.port);
}

} // namespace

bool run_audit(const command& cmd, audit_report& report, audit_failure& failure)
{
  const auto start = std::chrono::steady_clock::now();
  std::vector<net::ip::address> addresses;
  if (!resolve(cmd, addresses, failure))
    return false;

  // Audit the first address where something holds the port; otherwise say
  // why none could be audited (the first address's reason).
  const net::ip::address* target = nullptr;
  hold_check first;
  for (const auto& a : addresses)
  {
    const hold_check check = check_held(cmd.proto, a, cmd.target.port);
    if (&a == &addresses.front())
      first = check;
    if (check.state == hold_check::held)
    {
      target = &a;
      report.held_because = check.ec;
      break;
    }
  }
  if (!target)
  {
    const auto& a = addresses.front();
    failure.code = exit_code::cannot_probe;
    switch (first.state)
    {
    case hold_check::free:
      failure.message = "nothing holds " + what(cmd, a)
          + ": a plain bind succeeded, so there is no server to audit";
      break;
    case hold_check::not_local:
      failure.message = "address " + a.to_string()
          + " is not an address of this machine; the probe audits local ports only";
      break;
    case hold_check::no_permission:
      failure.message = "no permission to bind " + what(cmd, a) + " ("
          + platform::error_name(first.ec) + "); run as a user that may bind it";
      break;
    default:
      failure.message = "cannot probe " + what(cmd, a) + ": "
          + platform::error_name(first.ec) + " " + first.ec.message();
      break;
    }
    return false;
  }

  report.proto = cmd.proto;
  report.host = cmd.target.host;
  report.address = *target;
  report.port = cmd.target.port;
  report.who = {identity::same_process, identity::other_user};
  const auto rivals = rivals_for(cmd.proto, *target, cmd.target.port);
  for (const identity who : report.who)
  {
    auto attempts = run_rivals(rivals, who);
    report.attempts.insert(report.attempts.end(), attempts.begin(), attempts.end());
  }
  report.elapsed_ms = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - start).count();
  return true;
}

} // namespace probe
} // namespace portguard
