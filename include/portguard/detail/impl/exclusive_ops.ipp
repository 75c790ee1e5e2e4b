//
// portguard/detail/impl/exclusive_ops.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The operations of exclusive_ops.hpp that do not depend on a socket type:
// included by it when header-only, and by <portguard/impl/src.hpp> once for a
// program built with PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP
#define PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/other_family_guard.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_table.hpp>
#include <portguard/detail/verify.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/port_holder.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL void make_exclusive(native_socket s, bool datagram,
    exclusivity policy, error_code& ec) noexcept
{
  if (fault_seam_refuses())
    ec = error::option_refused;
  else
    set_exclusive(s, datagram, ec);
  if (ec == error::option_refused && policy == exclusivity::best_effort)
    ec.clear();
}

PORTGUARD_DECL bool check_adoptable(native_socket s, int expected_type,
    int expected_family, exclusivity policy, error_code& ec)
{
  const int type = socket_type(s, ec);
  if (ec)
    return false;
  const int family = socket_family(s);
  if (type != expected_type || (family != 0 && family != expected_family))
  {
    ec = error::wrong_socket_type;
    return false;
  }
  if (policy != exclusivity::required)
    return false;
  const bool exclusive = options_are_as_exclusive_as_possible(s, ec);
  if (!ec && !exclusive)
    ec = error::not_exclusive;
  if (ec || !is_bound(s))
    return false;
  return verify_alone(s, policy, ec);
}

PORTGUARD_DECL exclusive_judgement judge_exclusive(native_socket s, bool proven, bool guarded,
    bool explain, error_code& ec)
{
  exclusive_judgement j;
  static_cast<exclusive_finding&>(j) = judge_exclusive_now(s, proven, ec);
  if (!j.exclusive || ec)
  {
    j.exclusive = false;
    return j;
  }
  if (j.connection || other_family_is_covered(s, guarded))
    return j;
  j.exclusive = false;
  j.reason = error::other_family_open;
  const net::ip::address address = bound_address(s, j.port);
  const bool v6_only = address.is_v6() && is_v6_only(s);
  other_family_address(address, v6_only, j.other_address);
  if (!explain)
    return j;
  error_code type_ec;
  const int type = socket_type(s, type_ec);
  port_holders others;
  error_code ignored;
  read_holders(type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP, j.port, holder_scope::all,
      others, ignored);
  keep_overlapping(others.sockets, j.other_address, !address.is_v6() || v6_only);
  if (!others.sockets.empty())
  {
    j.reason = error::other_family_held;
    j.holders = std::move(others);
  }
  return j;
}

PORTGUARD_DECL bool is_exclusive_on_both_families(native_socket s, bool proven, bool guarded,
    error_code& ec)
{
  return judge_exclusive(s, proven, guarded, false, ec).exclusive;
}

PORTGUARD_DECL const char* native_option_name(rules::option o) noexcept
{
  switch (o)
  {
  case rules::option::reuse_address: return "SO_REUSEADDR";
  case rules::option::reuse_port: return "SO_REUSEPORT";
  case rules::option::exclusive_address_use: return "SO_EXCLUSIVEADDRUSE";
  case rules::option::reuse_port_lb: return "SO_REUSEPORT_LB";
  }
  return "?";
}

PORTGUARD_DECL std::string option_setting_words(int level, int name, const void* data,
    std::size_t size)
{
  rules::option o = rules::option::reuse_address;
  int value = 0;
  if (!rules_option(level, name, o) || !option_value_as_read(data, size, value))
    return std::string();
  return native_option_name(o) + std::string(value != 0 ? " on" : " off");
}

PORTGUARD_DECL bool option_opens(const rules::defender& d, rules::option o) noexcept
{
  const rules::platform p = rules::this_platform();
  rules::defender alone = d;
  alone.options = rules::exclusive_options(p);
  if (p == rules::platform::windows && o == rules::option::reuse_address)
    alone.options = rules::option_set(); // the two cannot be set together
  alone.options = alone.options.with(o);
  return rules::open_to_unprivileged(p, alone);
}

PORTGUARD_DECL std::string option_words(const rules::defender& d, bool option_inert)
{
  if (option_inert)
    return "SO_EXCLUSIVEADDRUSE set after bind";
  std::string words;
  const auto add = [&words](const std::string& w) {
    words += (words.empty() ? "" : " and ") + w;
  };
  for (rules::option o : {rules::option::reuse_port, rules::option::reuse_port_lb,
           rules::option::reuse_address})
  {
    if (!d.options.has(o) || !option_opens(d, o))
      continue;
    std::string w = native_option_name(o) + std::string(" on");
    if (o == rules::option::reuse_address)
      w += d.proto == rules::protocol::udp ? " a UDP socket"
          : d.state == rules::socket_state::bound ? " a bound, not listening TCP socket" : "";
    add(w);
  }
  if (rules::this_platform() == rules::platform::windows
      && !d.options.has(rules::option::exclusive_address_use))
    add("SO_EXCLUSIVEADDRUSE off");
  if (words.empty() && d.address == rules::address_kind::wildcard)
    words = "a wildcard address (its own user may bind a specific address beside it)";
  return words;
}

PORTGUARD_DECL std::string option_remedy(const rules::defender& d, bool option_inert, remedy_for where)
{
  const bool reuse_port = d.options.has(rules::option::reuse_port)
      || d.options.has(rules::option::reuse_port_lb);
  const bool reuse_address = d.options.has(rules::option::reuse_address)
      && option_opens(d, rules::option::reuse_address);
  const bool udp = d.proto == rules::protocol::udp;
  std::string fix;
  if (where == remedy_for::adoption)
  {
    if (reuse_port)
      fix = "set ReusePort=no in the .socket unit";
    else if (reuse_address && udp)
      fix = "bind the port in the service with portguard::exclusive_bind (systemd sets "
            "SO_REUSEADDR on every socket it makes; no unit setting turns it off)";
    else if (reuse_address)
      fix = "pass a listening socket (ListenStream= in the .socket unit)";
    else
      fix = "create the socket exclusive (portguard::make_exclusive before bind)";
    return fix + "; or adopt it with exclusivity::best_effort";
  }
  if (option_inert || rules::this_platform() == rules::platform::windows)
    return "set SO_EXCLUSIVEADDRUSE before bind (portguard::make_exclusive), then bind again";
  if (reuse_port)
    return "turn SO_REUSEPORT off before bind (portguard::make_exclusive, or bind with "
           "portguard::exclusive_bind or secure_acceptor)";
  if (reuse_address && udp)
    return "turn SO_REUSEADDR off before bind (portguard::make_exclusive does)";
  if (reuse_address)
    return "listen now, or keep SO_REUSEADDR off until it listens (portguard::secure_acceptor "
           "does)";
  return "bind a specific address: on this platform its own user can shadow a wildcard socket";
}

PORTGUARD_DECL std::string stop_holders(const std::vector<port_holder>& holders)
{
  std::string text;
  for (const port_holder& h : holders)
  {
    std::string who;
    if (h.pid)
    {
      who = "pid " + std::to_string(*h.pid);
      if (!h.process.empty())
        who += " (" + printable(h.process) + ")";
      if (h.uid)
        who += " of uid " + std::to_string(*h.uid);
    }
    else if (h.uid)
      who = "the process of uid " + std::to_string(*h.uid)
          + " that holds " + endpoint_text(h.address, h.port) + " (its pid shows to root)";
    else
      who = "the process that holds " + endpoint_text(h.address, h.port);
    if (text.find(who) == std::string::npos)
      text += (text.empty() ? "stop " : ", ") + who;
  }
  return text.empty() ? "stop the socket that holds the port" : text;
}

PORTGUARD_DECL explanation explain(const error_code& reason, const exclusive_judgement& j,
    int protocol, remedy_for where)
{
  explanation e;
  if (reason == error::not_exclusive)
  {
    if (j.connection)
    {
      e.option = "a connection whose port has no exclusive listener of this process";
      e.remedy = "accept it from a portguard::secure_acceptor";
    }
    else if (j.options_read || j.option_inert)
    {
      e.option = option_words(j.socket, j.option_inert);
      e.remedy = option_remedy(j.socket, j.option_inert, where);
    }
  }
  else if (reason == error::port_shared)
    e.remedy = stop_holders(j.holders.sockets) + ", then bind again; or use "
        "exclusivity::best_effort";
  else if (reason == error::other_family_held)
    e.remedy = stop_holders(j.holders.sockets)
        + ", or bind with other_family::leave_open";
  else if (reason == error::other_family_open)
  {
    e.option = "no guard on " + endpoint_text(j.other_address, j.port);
    e.remedy = "hold it with portguard::guard_other_family (exclusive_bind and "
               "secure_acceptor do), or leave it open knowingly (other_family::leave_open)";
  }
  else if (reason == error::socket_shared)
    e.remedy = "close the other process's copy of the descriptor (do not pass it on; "
               "close-on-exec), or adopt it with exclusivity::best_effort";
  else if (reason == error::holders_unknown)
  {
    e.cause = j.port == 0 ? std::string() : holders_unknown_cause(protocol, j.port);
    e.remedy = "run where the socket table can be read in full (the cause says what "
               "is missing), or use exclusivity::best_effort";
  }
  return e;
}

PORTGUARD_DECL exclusive_judgement judge_and_explain(native_socket s, bool proven, bool guarded,
    remedy_for where, explanation& words, error_code& ec)
{
  exclusive_judgement j = judge_exclusive(s, proven, guarded, true, ec);
  if (ec == error::holders_unknown)
  {
    j.reason = ec;
    ec.clear();
  }
  if (ec || j.exclusive)
    return j;
  error_code type_ec;
  const int protocol = socket_type(s, type_ec) == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
  if (j.port == 0)
    bound_address(s, j.port);
  if (j.reason != error::other_family_held && j.port != 0
      && j.reason != error::holders_unknown)
  {
    port_holders others;
    error_code ignored;
    read_other_holders(s, holder_scope::all, others, ignored, !j.connection);
    if (!ignored)
      j.holders.sockets = std::move(others.sockets);
  }
  find_owners(j.holders.sockets);
  words = explain(j.reason, j, protocol, where);
  if (words.cause.empty() && (j.reason == error::socket_shared
      || j.reason == error::holders_unknown))
    words.cause = sharing_cause(s);
  return j;
}

PORTGUARD_DECL failure_site site_before_listen(native_socket s)
{
  failure_site site;
  site.address = bound_address(s, site.port);
  error_code ec;
  site.options = rules_defender(s, ec);
  site.options_known = !ec;
  if (listen_checks_the_port && site.options.state == rules::socket_state::bound)
    site.options.options = site.options.options.with(rules::option::reuse_address, false);
  return site;
}

[[noreturn]] PORTGUARD_DECL void throw_explained(const error_code& ec, const char* step,
    const failure_site& site)
{
  std::string what = step;
  exclusive_judgement j;
  j.port = site.port;
  explanation words;
  words.option = site.option;
  const bool holder_reason = ec == error::port_shared || ec == error::other_family_held
      || ec == error::socket_shared;
  if (site.has_socket && (ec == error::not_exclusive || holder_reason))
  {
    error_code ignored;
    explanation found;
    j = judge_and_explain(site.socket, false, false, site.where, found, ignored);
    words = explain(ec, j, site.protocol, site.where);
    if (j.reason != ec)
      words.option.clear(); // the judgement found another reason: name only holders
  }
  else if (ec == error::not_exclusive && site.options_known)
  {
    j.socket = site.options;
    j.options_read = true;
    words = explain(ec, j, site.protocol, site.where);
  }
  else if (holder_reason)
  {
    net::ip::address address = site.address;
    const bool other_side = ec == error::other_family_held
        && other_family_address(site.address, true, address);
    error_code ignored;
    read_holders(site.protocol, site.port, holder_scope::all, j.holders, ignored);
    keep_overlapping(j.holders.sockets, address, other_side);
    find_owners(j.holders.sockets);
    words = explain(ec, j, site.protocol, site.where);
  }
  else if (ec == error::holders_unknown)
    words = explain(ec, j, site.protocol, site.where);
  else if (ec == error::conflicting_option && !site.option.empty())
    words.remedy = "leave it out (the socket stays exclusive)";
  if (site.has_socket && words.cause.empty()
      && (ec == error::socket_shared || ec == error::holders_unknown))
    words.cause = sharing_cause(site.socket); // the other processes of the socket itself
  if (!words.option.empty())
    what += ": " + words.option;
  for (const port_holder& h : j.holders.sockets)
    what += (&h == &j.holders.sockets.front() ? ": held by " : "; ") + describe(h);
  if (!words.cause.empty())
    what += ": " + words.cause;
  if (!words.remedy.empty())
    what += "; to fix: " + words.remedy;
  throw system_error(ec, what);
}

PORTGUARD_DECL void throw_naming_holder(const error_code& ec, const char* step,
    int protocol, const net::ip::address& address, unsigned short port)
{
  if (!ec)
    return;
  failure_site site;
  site.protocol = protocol;
  site.address = address;
  site.port = port;
  throw_explained(ec, step, site);
}

PORTGUARD_DECL void throw_for_socket(const error_code& ec, const char* step, native_socket s,
    remedy_for where, std::string option)
{
  if (!ec)
    return;
  failure_site site;
  site.option = std::move(option);
  site.address = bound_address(s, site.port);
  error_code type_ec;
  site.protocol = socket_type(s, type_ec) == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
  site.has_socket = !type_ec;
  site.socket = s;
  site.where = where;
  throw_explained(ec, step, site);
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_IMPL_EXCLUSIVE_OPS_IPP
