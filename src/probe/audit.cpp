//
// src/probe/audit.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "audit.hpp"

#include "host_table.hpp"
#include "platform.hpp"

#include <portguard/detail/printable.hpp>
#include <portguard/holders.hpp>

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
    failure.message = "cannot resolve host '" + detail::printable(cmd.target.host) + "'"
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

// The holders of the target from the socket table (empty if it cannot be read).
port_holders table_holders(const command& cmd, const net::ip::address& a, error_code& ec)
{
  if (cmd.proto == transport::tcp)
    return holders_of(net::ip::tcp::endpoint(a, cmd.target.port), ec);
  return holders_of(net::ip::udp::endpoint(a, cmd.target.port), ec);
}

// A plain bind fails, yet no socket holds the port: for TCP, what is left
// is TIME_WAIT entries (or connections), which no server answers from.
bool held_by_no_socket(const command& cmd, const net::ip::address& a,
    const port_holders& holders, audit_failure& failure)
{
  if (cmd.proto != transport::tcp || !holders.complete || !holders.sockets.empty())
    return false;
  error_code ec;
  const std::size_t time_wait = detail::count_time_wait(cmd.target.port, ec);
  failure.code = exit_code::cannot_probe;
  failure.message = "no socket listens on or is bound to " + what(cmd, a) + ": "
      + (ec ? std::string("the port is in use, but not by a listening or bound socket")
         : time_wait > 0 ? "only " + std::to_string(time_wait)
             + " TIME_WAIT entries of closed connections hold it"
         : std::string("only connections hold it"))
      + "; there is no server to audit";
  return true;
}

} // namespace

std::vector<const attempt*> audit_report::cross_family_winners() const
{
  std::vector<const attempt*> found;
  for (const attempt& a : attempts)
    if (is_cross_family(a.r) && a.result.kind == outcome::won
        && std::none_of(found.begin(), found.end(),
               [&](const attempt* f) { return f->r.address == a.r.address; }))
      found.push_back(&a);
  return found;
}

bool audit_report::cross_family_tried() const
{
  return std::any_of(attempts.begin(), attempts.end(),
      [](const attempt& a) { return is_cross_family(a.r); });
}

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
  report.host = detail::printable(cmd.target.host);
  report.address = *target;
  report.port = cmd.target.port;
  error_code table_error;
  const port_holders holders = table_holders(cmd, *target, table_error);
  if (!table_error && held_by_no_socket(cmd, *target, holders, failure))
    return false;
  report.who = {identity::same_process, identity::other_user};
  // The target's own port, then the other address family's (a client that
  // tries that family first reaches whoever binds it there).
  auto rivals = rivals_for(cmd.proto, *target, cmd.target.port);
  const auto cross = other_family_rivals(cmd.proto, *target, cmd.target.port);
  rivals.insert(rivals.end(), cross.begin(), cross.end());
  for (const identity who : report.who)
  {
    auto attempts = run_rivals(rivals, who);
    report.attempts.insert(report.attempts.end(), attempts.begin(), attempts.end());
  }
  // The holders' own uids: a SO_REUSEPORT group admits only its uid, which
  // neither this user nor nobody may be.
  if (table_error)
    report.not_tried.push_back("the socket's owner (the socket table could not be read: "
        + table_error.message() + ")");
  const std::uint32_t me = platform::effective_uid();
  for (const port_holder& h : holders.sockets)
    if (h.uid && std::find(report.owner_uids.begin(), report.owner_uids.end(), *h.uid)
                     == report.owner_uids.end())
      report.owner_uids.push_back(*h.uid);
  for (const std::uint32_t uid : report.owner_uids)
  {
    if (uid == me || (uid == 65534 && platform::is_privileged()))
      continue; // already tried: this process, or the nobody child
    const std::string name = detail::printable(platform::user_name(uid));
    const std::string label = "the owner's uid " + std::to_string(uid)
        + (name.empty() ? "" : " (" + name + ")");
    if (!platform::is_privileged())
    {
      report.not_tried.push_back(label + " (not root: cannot switch users)");
      continue;
    }
    if (std::find(report.who.begin(), report.who.end(), identity::owner) == report.who.end())
      report.who.push_back(identity::owner);
    auto attempts = run_rivals(rivals, identity::owner, uid);
    for (const attempt& a : attempts)
      if (a.result.kind == outcome::skipped)
      {
        report.not_tried.push_back(label + " (" + a.result.note + ")");
        break;
      }
    report.attempts.insert(report.attempts.end(), attempts.begin(), attempts.end());
  }
  report.elapsed_ms = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - start).count();
  return true;
}

} // namespace probe
} // namespace portguard
