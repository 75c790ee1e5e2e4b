//
// test/support/platform_rules.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "platform_rules.hpp"
#include "skip.hpp"

#include <ostream>

#if defined(_WIN32)
#  include <windows.h>
#endif

namespace pg_test {

namespace {

#if !defined(_WIN32)
using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

rules::protocol protocol_of(socket_state s)
{
  return s == socket_state::udp ? rules::protocol::udp : rules::protocol::tcp;
}

rules::socket_state state_of(socket_state s)
{
  return s == socket_state::tcp_listening ? rules::socket_state::listening
                                          : rules::socket_state::bound;
}

/// Sets the options of `set` on an open socket (each one this platform has).
template <typename Socket>
void set_options(Socket& s, rules::option_set set, error_code& ec)
{
  ec.clear();
  if (set.has(rules::option::reuse_address))
    s.set_option(net::socket_base::reuse_address(true), ec);
#if !defined(_WIN32)
  if (!ec && set.has(rules::option::reuse_port))
    s.set_option(reuse_port(true), ec);
#endif
  if (!ec && set.has(rules::option::exclusive_address_use))
    s.set_option(portguard::exclusive_address_use(true), ec);
}

template <typename Socket, typename Endpoint>
void bind_control(Socket& s, const Endpoint& endpoint, socket_state state, error_code& ec)
{
  s.open(endpoint.protocol(), ec);
  if (!ec)
    set_options(s, control_options(rules::this_platform(), protocol_of(state), state_of(state)), ec);
  if (!ec)
    s.bind(endpoint, ec);
}

rules::scenario scenario_with(const cell& c, rules::option_set defender_options)
{
  const rules::address_kind address = c.defender_wildcard ? rules::address_kind::wildcard
                                                          : rules::address_kind::specific;
  const rules::relation where = c.rival_same_address ? rules::relation::same_address
      : c.defender_wildcard ? rules::relation::specific_beside_wildcard
                            : rules::relation::wildcard_beside_specific;
  return {rules::this_platform(),
      {protocol_of(c.state), state_of(c.state), address, defender_options},
      {to_rules(c.options), where, to_rules(c.who)}};
}

} // namespace

rules::identity to_rules(identity who)
{
  switch (who)
  {
  case identity::same_process: return rules::identity::same_process;
  case identity::same_user: return rules::identity::same_user;
  case identity::other_user: return rules::identity::other_user;
  }
  return rules::identity::other_user;
}

rules::option_set to_rules(rival_options options)
{
  switch (options)
  {
  case rival_options::none: return {};
  case rival_options::reuse_address: return rules::option::reuse_address;
  case rival_options::reuse_port: return rules::option::reuse_port;
  case rival_options::both: return rules::option::reuse_address | rules::option::reuse_port;
  case rival_options::exclusive: return rules::option::exclusive_address_use;
  }
  return {};
}

rules::scenario control_scenario(const cell& c)
{
  return scenario_with(c,
      control_options(rules::this_platform(), protocol_of(c.state), state_of(c.state)));
}

rules::scenario exclusive_scenario(const cell& c, bool endpoint_constructor)
{
  rules::option_set options = rules::exclusive_options(rules::this_platform());
  if (endpoint_constructor && c.state == socket_state::tcp_listening
      && !portguard::detail::reuse_address_is_emulated)
    options = options.with(rules::option::reuse_address);
  return scenario_with(c, options);
}

std::ostream& operator<<(std::ostream& os, socket_state s)
{
  switch (s)
  {
  case socket_state::tcp_listening: return os << "tcp-listening";
  case socket_state::tcp_bound: return os << "tcp-bound";
  case socket_state::udp: return os << "udp";
  }
  return os;
}

net::ip::address defender_address(const cell& c)
{
  if (c.v6)
    return c.defender_wildcard ? net::ip::address(net::ip::address_v6::any())
                               : net::ip::address(net::ip::address_v6::loopback());
  return c.defender_wildcard ? net::ip::address(net::ip::address_v4::any())
                             : net::ip::address(net::ip::address_v4::loopback());
}

net::ip::address rival_address(const cell& c)
{
  cell other = c;
  other.defender_wildcard = c.rival_same_address ? c.defender_wildcard : !c.defender_wildcard;
  return defender_address(other);
}

void open_control(net::ip::tcp::acceptor& acceptor, const cell& c, error_code& ec)
{
  bind_control(acceptor, net::ip::tcp::endpoint(defender_address(c), 0), c.state, ec);
  if (!ec && c.state == socket_state::tcp_listening)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
}

void open_control(net::ip::udp::socket& socket, const cell& c, error_code& ec)
{
  bind_control(socket, net::ip::udp::endpoint(defender_address(c), 0), socket_state::udp, ec);
}

void apply_options(net::ip::tcp::acceptor& acceptor, rules::option_set options, error_code& ec)
{
  set_options(acceptor, options, ec);
}

void apply_options(net::ip::udp::socket& socket, rules::option_set options, error_code& ec)
{
  set_options(socket, options, ec);
}

void make_shareable(net::ip::tcp::acceptor& acceptor, error_code& ec)
{
#if defined(_WIN32)
  (void)acceptor;
  ec.clear();
#else
  acceptor.set_option(reuse_port(true), ec);
#endif
}

void make_shareable(net::ip::udp::socket& socket, error_code& ec)
{
#if defined(_WIN32)
  (void)socket;
  ec.clear();
#else
  socket.set_option(net::socket_base::reuse_address(true), ec);
#endif
}

bool some_rival_shares(socket_state state, const net::ip::address& defender,
    unsigned short port, std::string& reason, bool other_family)
{
  const rival_options options[] = {rival_options::none, rival_options::reuse_address,
      rival_options::reuse_port, rival_options::both, rival_options::exclusive};
  const identity identities[] = {
      identity::same_process, identity::same_user, identity::other_user};
  const bool v6 = defender.is_v6();
  const bool wildcard = defender.is_unspecified();
  for (bool same : {true, false})
    for (rival_options o : options)
      for (identity who : identities)
      {
        const cell c{state, v6, wildcard, same, o, who};
        if (!option_available(o) || !identity_available(who))
          continue;
        reason = not_modeled(c);
        if (!reason.empty())
          return false;
        if (exclusive_rival_wins(c))
          continue;
        const transport proto = state == socket_state::udp ? transport::udp : transport::tcp;
        const outcome result = attempt({proto, o, rival_address(c), port}, who);
        if (result.kind == outcome::skipped)
        {
          reason = result.note; // an answer without this rival would be no answer
          return false;
        }
        if (result.won_port())
          return true;
      }
  // The same port on the other address family (portguard::other_family).
  const transport proto = state == socket_state::udp ? transport::udp : transport::tcp;
  net::ip::address other;
  return other_family && other_family_address(defender, other)
      && attempt({proto, rival_options::none, other, port, true}, identity::same_process)
             .won_port();
}

bool other_family_address(const net::ip::address& mapped_or_not, net::ip::address& other)
{
  const net::ip::address defender = mapped_or_not.is_v6() && mapped_or_not.to_v6().is_v4_mapped()
      ? net::ip::address(net::ip::make_address_v4(net::ip::v4_mapped, mapped_or_not.to_v6()))
      : mapped_or_not;
  if (defender.is_unspecified())
    other = defender.is_v4() ? net::ip::address(net::ip::address_v6::any())
                             : net::ip::address(net::ip::address_v4::any());
  else if (defender.is_loopback())
    other = defender.is_v4() ? net::ip::address(net::ip::address_v6::loopback())
                             : net::ip::address(net::ip::address_v4::loopback());
  else
    return false;
  return true;
}

std::string rival_check_reason(socket_state state, const net::ip::address& defender)
{
  const rival_options options[] = {rival_options::none, rival_options::reuse_address,
      rival_options::reuse_port, rival_options::both, rival_options::exclusive};
  for (bool same : {true, false})
    for (rival_options o : options)
    {
      if (!option_available(o))
        continue;
      const cell c{state, defender.is_v6(), defender.is_unspecified(), same, o,
          identity::other_user};
      if (std::string reason = not_modeled(c); !reason.empty())
        return reason;
    }
  return identity_available(identity::other_user) ? identity_reason(identity::other_user)
                                                 : std::string();
}

bool control_rival_wins(const cell& c)
{
  return rules::evaluate(control_scenario(c)).binds;
}

bool exclusive_rival_wins(const cell& c, bool endpoint_constructor)
{
  return rules::evaluate(exclusive_scenario(c, endpoint_constructor)).binds;
}

std::string not_modeled(const cell& c)
{
  if (!running_under_wine())
    return {};
  const std::string gap = wine_gap(control_scenario(c));
  return gap.empty() ? gap : "[wine gap] " + gap;
}

#if defined(_WIN32)

bool is_exclusive_is_exact()
{
  return false;
}

bool running_under_wine()
{
  const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

#else

bool is_exclusive_is_exact()
{
  return true;
}

bool running_under_wine()
{
  return false;
}

#endif

} // namespace pg_test
