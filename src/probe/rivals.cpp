//
// src/probe/rivals.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "rivals.hpp"

#include "platform.hpp"
#include "rival_wire.hpp"

#include <portguard/detail/other_family_guard.hpp>
#include <portguard/exclusive_address_use.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <tuple>

namespace portguard {
namespace probe {

namespace {

using tcp = net::ip::tcp;
using udp = net::ip::udp;

bool needs_dual_stack(address_role role) noexcept
{
  return role == address_role::v4_mapped || role == address_role::dual_stack;
}

template <typename Socket>
void set_options(Socket& s, rival_option option, error_code& ec)
{
  const bool addr = option == rival_option::reuse_address || option == rival_option::both;
  const bool port = option == rival_option::reuse_port || option == rival_option::both;
  if (addr)
    s.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && port)
    platform::set_reuse_port(s, ec);
  if (!ec && option == rival_option::exclusive)
    s.set_option(portguard::exclusive_address_use(true), ec);
}

// Opens, sets options, binds, closes. Never listens, connects or sends.
template <typename Socket>
outcome bind_once(const rival& r)
{
  net::io_context ctx;
  Socket s(ctx);
  const typename Socket::endpoint_type endpoint(r.address, r.port);
  error_code ec;
  s.open(endpoint.protocol(), ec);
  if (ec)
    return {outcome::skipped, ec, "cannot open an " + std::string(
        r.address.is_v6() ? "IPv6" : "IPv4") + " socket: " + ec.message()};
  if (r.address.is_v6())
    s.set_option(net::ip::v6_only(!needs_dual_stack(r.role)), ec);
  if (!ec)
    set_options(s, r.option, ec);
  if (ec)
  {
    error_code ignored;
    s.close(ignored);
    return {outcome::skipped, ec, "cannot set the rival's options: " + ec.message()};
  }
  s.bind(endpoint, ec);
  error_code ignored;
  s.close(ignored);
  if (ec)
    return {outcome::refused, ec, {}};
  return {outcome::won, {}, {}};
}

outcome bind_rival(const rival& r)
{
  if (r.proto == transport::tcp)
    return bind_once<tcp::acceptor>(r);
  return bind_once<udp::socket>(r);
}

std::string encode(const outcome& o)
{
  return rival_wire::line(o);
}

bool decode(const std::string& line, outcome& o)
{
  return rival_wire::parse(line, o);
}

} // namespace

std::vector<rival_option> rival_options()
{
  if (platform::has_reuse_port())
    return {rival_option::none, rival_option::reuse_address,
        rival_option::reuse_port, rival_option::both};
  return {rival_option::none, rival_option::reuse_address, rival_option::exclusive};
}

std::vector<identity> identities()
{
  return {identity::same_process, identity::same_user, identity::other_user};
}

std::vector<rival> rivals_for(transport proto, const net::ip::address& target,
    unsigned short port)
{
  struct placed
  {
    address_role role;
    net::ip::address address;
  };
  std::vector<placed> places;
  std::vector<net::ip::address> seen;
  auto place = [&](address_role role, const net::ip::address& a) {
    if (std::find(seen.begin(), seen.end(), a) != seen.end())
      return;
    seen.push_back(a);
    places.push_back({role, a});
  };

  place(address_role::exact, target);
  if (target.is_v4())
  {
    const auto v4 = target.to_v4();
    place(address_role::wildcard, net::ip::address_v4::any());
    if (v4.is_unspecified())
      place(address_role::loopback, net::ip::address_v4::loopback());
    place(address_role::v4_mapped,
        net::ip::make_address_v6(net::ip::v4_mapped, v4));
    place(address_role::dual_stack, net::ip::address_v6::any());
  }
  else
  {
    place(address_role::wildcard, net::ip::address_v6::any());
    if (target.is_unspecified())
      place(address_role::loopback, net::ip::address_v6::loopback());
  }

  std::vector<rival> rivals;
  for (const placed& p : places)
    for (const rival_option option : rival_options())
      rivals.push_back({proto, option, p.role, p.address, port});
  return rivals;
}

std::vector<rival> other_family_rivals(transport proto, const net::ip::address& target,
    unsigned short port)
{
  std::vector<rival> rivals;
  net::ip::address other;
  // An IPv6 target is taken as V6ONLY: against a dual-stack one the IPv4
  // rivals are refused like any rival on its own port.
  if (!detail::other_family_address(target, true, other))
    return rivals;
  const net::ip::address second = other.is_v4()
      ? (other.is_unspecified() ? net::ip::address(net::ip::address_v4::loopback())
                                : net::ip::address(net::ip::address_v4::any()))
      : (other.is_unspecified() ? net::ip::address(net::ip::address_v6::loopback())
                                : net::ip::address(net::ip::address_v6::any()));
  // Loopback first: the address a `localhost` client reaches.
  const net::ip::address first = other.is_loopback() ? other : second;
  const net::ip::address then = first == other ? second : other;
  for (const net::ip::address& a : {first, then})
    for (const rival_option option : rival_options())
      rivals.push_back({proto, option, address_role::other_family, a, port});
  return rivals;
}

std::string cross_family_line(const rival& r)
{
  return endpoint_text(r.address, r.port)
      + (r.address.is_v6() && r.address.is_unspecified() ? " (IPV6_V6ONLY)" : "")
      + " free: a client trying " + (r.address.is_v6() ? "IPv6" : "IPv4")
      + " first reaches whoever binds it";
}

std::vector<attempt> run_rivals(const std::vector<rival>& rivals, identity who,
    std::uint32_t owner_uid)
{
  std::vector<attempt> attempts;
  attempts.reserve(rivals.size());
  if (who == identity::same_process)
  {
    for (const rival& r : rivals)
      attempts.push_back({r, who, bind_rival(r)});
    return attempts;
  }

  std::string answer;
  std::string why_not;
  const auto work = [&rivals] {
    std::string lines;
    for (const rival& r : rivals)
      lines += encode(bind_rival(r));
    return lines;
  };
  bool ran = false;
  if (rivals.empty())
    ran = true;
  else if (who == identity::owner)
    ran = platform::run_as_uid(owner_uid, work, answer, why_not);
  else
    ran = platform::run_in_child(who == identity::other_user
        ? platform::child_user::other_user : platform::child_user::same_user,
        work, answer, why_not);
  // One line per rival, in order.
  std::vector<outcome> outcomes;
  std::istringstream lines(answer);
  std::string line;
  while (ran && std::getline(lines, line))
  {
    outcome o;
    if (!decode(line, o))
      break;
    outcomes.push_back(o);
  }
  if (ran && outcomes.size() != rivals.size())
  {
    ran = false;
    why_not = "child process gave " + std::to_string(outcomes.size()) + " answers for "
        + std::to_string(rivals.size()) + " rivals";
  }
  for (std::size_t i = 0; i < rivals.size(); ++i)
  {
    if (ran)
      attempts.push_back({rivals[i], who, outcomes[i]});
    else
      attempts.push_back({rivals[i], who, {outcome::skipped, {}, why_not}});
  }
  return attempts;
}

const attempt* strongest_winner(const std::vector<attempt>& attempts)
{
  const auto options = rival_options();
  // Another user first, then the socket's owner, then this user.
  auto alarm = [](identity who) {
    switch (who)
    {
    case identity::other_user: return 0;
    case identity::owner: return 1;
    case identity::same_user: return 2;
    case identity::same_process: return 3;
    }
    return 4;
  };
  auto rank = [&](const attempt& a) {
    const auto option_index = std::find(options.begin(), options.end(), a.r.option)
        - options.begin();
    // A rival on the port itself before one on the other family's port:
    // the first takes the server's own clients, the second those that try
    // the other family first.
    return std::make_tuple(is_cross_family(a.r), alarm(a.who), option_index,
        static_cast<int>(a.r.role));
  };
  const attempt* best = nullptr;
  for (const attempt& a : attempts)
    if (a.result.kind == outcome::won && (!best || rank(a) < rank(*best)))
      best = &a;
  return best;
}

hold_check check_held(transport proto, const net::ip::address& address,
    unsigned short port)
{
  auto plain_bind = [&](const net::ip::address& a) {
    return bind_rival({proto, rival_option::none, address_role::exact, a, port});
  };
  outcome o = plain_bind(address);
  if (o.kind == outcome::won && platform::specific_bind_shadows_wildcard()
      && !address.is_unspecified())
  {
    // A specific bind can shadow a wildcard holder: ask the wildcard too.
    o = plain_bind(address.is_v4() ? net::ip::address(net::ip::address_v4::any())
                                   : net::ip::address(net::ip::address_v6::any()));
  }
  hold_check check;
  check.ec = o.ec;
  if (o.kind == outcome::won)
    check.state = hold_check::free;
  else if (o.kind == outcome::skipped)
    check.state = hold_check::failed;
  else if (platform::bind_error_means_held(o.ec))
    check.state = hold_check::held;
  else if (platform::bind_error_means_not_local(o.ec))
    check.state = hold_check::not_local;
  else if (platform::bind_error_means_no_permission(o.ec))
    check.state = hold_check::no_permission;
  else
    check.state = hold_check::failed;
  return check;
}

const char* to_string(transport t) noexcept
{
  return t == transport::tcp ? "tcp" : "udp";
}

const char* to_string(rival_option o) noexcept
{
  switch (o)
  {
  case rival_option::none: return "none";
  case rival_option::reuse_address: return "reuse_address";
  case rival_option::reuse_port: return "reuse_port";
  case rival_option::both: return "both";
  case rival_option::exclusive: return "exclusive";
  }
  return "?";
}

const char* to_string(identity i) noexcept
{
  switch (i)
  {
  case identity::same_process: return "same-process";
  case identity::same_user: return "child-process";
  case identity::other_user: return "nobody";
  case identity::owner: return "owner";
  }
  return "?";
}

const char* to_string(address_role r) noexcept
{
  switch (r)
  {
  case address_role::exact: return "exact";
  case address_role::wildcard: return "wildcard";
  case address_role::loopback: return "loopback";
  case address_role::v4_mapped: return "v4-mapped";
  case address_role::dual_stack: return "dual-stack";
  case address_role::other_family: return "other-family";
  }
  return "?";
}

const char* to_string(outcome::kind_type k) noexcept
{
  switch (k)
  {
  case outcome::won: return "won";
  case outcome::refused: return "refused";
  case outcome::skipped: return "skipped";
  }
  return "?";
}

std::string endpoint_text(const net::ip::address& a, unsigned short port)
{
  if (a.is_v6())
    return "[" + a.to_string() + "]:" + std::to_string(port);
  return a.to_string() + ":" + std::to_string(port);
}

} // namespace probe
} // namespace portguard
