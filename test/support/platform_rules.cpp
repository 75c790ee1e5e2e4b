//
// test/support/platform_rules.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "platform_rules.hpp"

#include <ostream>

#if defined(_WIN32)
#  include <windows.h>
#endif

namespace pg_test {

namespace {

bool has_reuse_address(rival_options o)
{
  return o == rival_options::reuse_address || o == rival_options::both;
}

#if !defined(_WIN32)
bool has_reuse_port(rival_options o)
{
  return o == rival_options::reuse_port || o == rival_options::both;
}

using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
#endif

template <typename Socket, typename Endpoint>
void bind_control(Socket& s, const Endpoint& endpoint, bool use_reuse_port, error_code& ec)
{
  s.open(endpoint.protocol(), ec);
  if (ec)
    return;
#if defined(_WIN32)
  (void)use_reuse_port;
  s.set_option(net::socket_base::reuse_address(true), ec);
#else
  if (use_reuse_port)
    s.set_option(reuse_port(true), ec);
  else
    s.set_option(net::socket_base::reuse_address(true), ec);
#endif
  if (!ec)
    s.bind(endpoint, ec);
}

} // namespace

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
  const bool listening = c.state == socket_state::tcp_listening;
  bind_control(acceptor, net::ip::tcp::endpoint(defender_address(c), 0), listening, ec);
  if (!ec && listening)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
}

void open_control(net::ip::udp::socket& socket, const cell& c, error_code& ec)
{
  bind_control(socket, net::ip::udp::endpoint(defender_address(c), 0), false, ec);
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
    unsigned short port, std::string& reason)
{
  const rival_options options[] = {rival_options::none, rival_options::reuse_address,
      rival_options::reuse_port, rival_options::both, rival_options::exclusive};
  const identity identities[] = {
      identity::same_process, identity::child_process, identity::other_user};
  const bool v6 = defender.is_v6();
  const bool wildcard = defender.is_unspecified();
  for (bool same : {true, false})
    for (rival_options o : options)
      for (identity who : identities)
      {
        const cell c{state, v6, wildcard, same, o, who};
        if (!option_available(o))
          continue;
        reason = not_modeled(c);
        if (!reason.empty())
          return false;
        if (exclusive_rival_wins(c))
          continue;
        const transport proto = state == socket_state::udp ? transport::udp : transport::tcp;
        if (attempt({proto, o, rival_address(c), port}, who).won_port())
          return true;
      }
  return false;
}

#if defined(_WIN32)

// Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE": the defender of
// every Windows cell sets SO_REUSEADDR. A rival with SO_REUSEADDR always
// shares the port; a rival without it shares the port when one of the two
// binds is the wildcard and the other a specific address (an exclusive
// rival only when it is the more specific one).
bool control_rival_wins(const cell& c)
{
  if (c.who == identity::other_user)
    return false;
  if (has_reuse_address(c.options))
    return true;
  if (c.rival_same_address)
    return false;
  if (c.options == rival_options::exclusive)
    return c.defender_wildcard;
  return true;
}

// An exclusive defender refuses every rival, except that a rival may bind
// the wildcard next to an exclusive socket bound to a specific address
// (without SO_EXCLUSIVEADDRUSE itself): it shares the port number, not the
// defender's traffic.
bool exclusive_rival_wins(const cell& c)
{
  return !c.defender_wildcard && !c.rival_same_address
      && c.options != rival_options::exclusive && c.who != identity::other_user;
}

std::string not_modeled(const cell& c)
{
  if (!running_under_wine())
    return {};
  if (c.state == socket_state::tcp_listening)
    return "Wine: a listening defender refuses every overlapping bind (Linux underneath)";
  if (c.state == socket_state::udp)
    return "Wine: SO_EXCLUSIVEADDRUSE is not modeled for UDP";
  return {};
}

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

// Linux (platform-notes.md): a listener is shared only through
// SO_REUSEPORT by the same user; a bound-not-listening TCP socket and a
// UDP socket with SO_REUSEADDR are shared by any user with SO_REUSEADDR.
bool control_rival_wins(const cell& c)
{
  if (c.state == socket_state::tcp_listening)
    return has_reuse_port(c.options) && c.who != identity::other_user;
  return has_reuse_address(c.options);
}

bool exclusive_rival_wins(const cell&)
{
  return false;
}

std::string not_modeled(const cell&)
{
  return {};
}

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
