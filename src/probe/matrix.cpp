//
// src/probe/matrix.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "matrix.hpp"

#include "audit.hpp"
#include "platform.hpp"

#include <portguard/detail/other_family_guard.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/secure_acceptor.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <memory>
#include <optional>

namespace portguard {
namespace probe {

namespace {

using tcp = net::ip::tcp;
using udp = net::ip::udp;

/// The sockets a defender may hold; exactly one is set.
struct holder
{
  explicit holder(net::io_context& c) : ctx(c) {}
  net::io_context& ctx;
  std::optional<tcp::acceptor> acceptor;
  std::optional<portguard::secure_acceptor> secure;
  std::optional<udp::socket> datagram;

  unsigned short port() const
  {
    error_code ec;
    if (acceptor)
      return acceptor->local_endpoint(ec).port();
    if (secure)
      return secure->local_endpoint(ec).port();
    if (datagram)
      return datagram->local_endpoint(ec).port();
    return 0;
  }
};

struct defender
{
  const char* name;
  const char* library;
  const char* setup;
  transport proto;
  bool listens;
  /// Sets the defender up on `endpoint`; an empty string means success,
  /// anything else says why it could not be set up.
  std::string (*create)(holder&, const tcp::endpoint&);
};

std::string failed(const char* step, const error_code& ec)
{
  return std::string(step) + " failed: " + platform::error_name(ec) + " " + ec.message();
}

udp::endpoint as_udp(const tcp::endpoint& e) { return {e.address(), e.port()}; }

const defender defenders[] = {
  {"tcp::acceptor(ctx, endpoint)", "asio",
      "Asio's constructor: open, reuse_address, bind, listen", transport::tcp, true,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        try
        {
          h.acceptor.emplace(h.ctx, e);
        }
        catch (const system_error& x)
        {
          return std::string("constructor failed: ") + x.what();
        }
        return {};
      }},
  {"tcp::acceptor open/bind/listen", "asio", "open, bind, listen (no options)",
      transport::tcp, true,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& a = h.acceptor.emplace(h.ctx);
        a.open(e.protocol(), ec);
        if (ec) return failed("open", ec);
        a.bind(e, ec);
        if (ec) return failed("bind", ec);
        a.listen(net::socket_base::max_listen_connections, ec);
        return ec ? failed("listen", ec) : std::string();
      }},
  {"tcp::acceptor with reuse_port", "asio", "open, SO_REUSEPORT, bind, listen",
      transport::tcp, true,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        if (!platform::has_reuse_port())
          return "SO_REUSEPORT does not exist on this platform";
        error_code ec;
        auto& a = h.acceptor.emplace(h.ctx);
        a.open(e.protocol(), ec);
        if (ec) return failed("open", ec);
        platform::set_reuse_port(a, ec);
        if (ec) return failed("set_option", ec);
        a.bind(e, ec);
        if (ec) return failed("bind", ec);
        a.listen(net::socket_base::max_listen_connections, ec);
        return ec ? failed("listen", ec) : std::string();
      }},
  {"tcp::acceptor bound, not listening", "asio",
      "open, reuse_address, bind (listen comes later)", transport::tcp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& a = h.acceptor.emplace(h.ctx);
        a.open(e.protocol(), ec);
        if (ec) return failed("open", ec);
        a.set_option(net::socket_base::reuse_address(true), ec);
        if (ec) return failed("set_option", ec);
        a.bind(e, ec);
        return ec ? failed("bind", ec) : std::string();
      }},
  {"udp::socket", "asio", "open, bind (no options)", transport::udp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& s = h.datagram.emplace(h.ctx);
        s.open(as_udp(e).protocol(), ec);
        if (ec) return failed("open", ec);
        s.bind(as_udp(e), ec);
        return ec ? failed("bind", ec) : std::string();
      }},
  {"udp::socket with reuse_address", "asio", "open, reuse_address, bind",
      transport::udp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& s = h.datagram.emplace(h.ctx);
        s.open(as_udp(e).protocol(), ec);
        if (ec) return failed("open", ec);
        s.set_option(net::socket_base::reuse_address(true), ec);
        if (ec) return failed("set_option", ec);
        s.bind(as_udp(e), ec);
        return ec ? failed("bind", ec) : std::string();
      }},
  {"secure_acceptor(ctx, endpoint)", "portguard",
      "portguard::secure_acceptor's constructor: exclusive open, bind, listen",
      transport::tcp, true,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        try
        {
          h.secure.emplace(h.ctx, e);
        }
        catch (const system_error& x)
        {
          return std::string("constructor failed: ") + x.what();
        }
        return {};
      }},
  {"secure_acceptor bound, not listening", "portguard",
      "secure_acceptor: open (exclusive), bind", transport::tcp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& a = h.secure.emplace(h.ctx);
        a.open(e.protocol(), ec);
        if (ec) return failed("open", ec);
        a.bind(e, ec);
        return ec ? failed("bind", ec) : std::string();
      }},
  {"exclusive_bind(tcp::acceptor)", "portguard",
      "portguard::exclusive_bind on a plain acceptor (bound, not listening)",
      transport::tcp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& a = h.acceptor.emplace(h.ctx);
        portguard::exclusive_bind(a, e, ec);
        return ec ? failed("exclusive_bind", ec) : std::string();
      }},
  {"exclusive_bind(udp::socket)", "portguard",
      "portguard::exclusive_bind on a plain UDP socket", transport::udp, false,
      [](holder& h, const tcp::endpoint& e) -> std::string {
        error_code ec;
        auto& s = h.datagram.emplace(h.ctx);
        portguard::exclusive_bind(s, as_udp(e), ec);
        return ec ? failed("exclusive_bind", ec) : std::string();
      }},
};

/// A port free on both families for a cross-family row, so that a rival
/// refused there is refused by the defender and not by another program's
/// socket: a port-0 bind on one family may be given a port in use on the
/// other. 0 (the kernel chooses) if a few tries find none.
unsigned short port_free_on_both_families(transport proto, const net::ip::address& address)
{
  const int type = proto == transport::udp ? SOCK_DGRAM : SOCK_STREAM;
  for (int attempt = 0; attempt < 20; ++attempt)
  {
    net::io_context ctx;
    error_code ec;
    udp::socket pick(ctx);
    tcp::acceptor pick_tcp(ctx);
    unsigned short port = 0;
    if (proto == transport::udp)
    {
      pick.open(address.is_v6() ? udp::v6() : udp::v4(), ec);
      if (!ec)
        pick.bind(udp::endpoint(address, 0), ec);
      port = ec ? 0 : pick.local_endpoint(ec).port();
      pick.close(ec);
    }
    else
    {
      pick_tcp.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
      if (!ec)
        pick_tcp.bind(tcp::endpoint(address, 0), ec);
      port = ec ? 0 : pick_tcp.local_endpoint(ec).port();
      pick_tcp.close(ec);
    }
    if (port == 0)
      return 0;
    if (detail::probe_bind(AF_INET, type, net::ip::address_v4::any(), port, ec)
        && detail::probe_bind(AF_INET6, type, net::ip::address_v6::any(), port, ec))
      return port;
  }
  return 0;
}

// The cross-family rows: a defender of the table above (by name) on an
// address that has a counterpart on the other family.
struct cross_defender
{
  const char* base;
  const char* address;
};

const cross_defender cross_defenders[] = {
  {"tcp::acceptor(ctx, endpoint)", "0.0.0.0"},
  {"tcp::acceptor(ctx, endpoint)", "127.0.0.1"},
  {"tcp::acceptor(ctx, endpoint)", "::1"},
  {"udp::socket", "127.0.0.1"},
  {"secure_acceptor(ctx, endpoint)", "0.0.0.0"},
  {"secure_acceptor(ctx, endpoint)", "127.0.0.1"},
  {"secure_acceptor(ctx, endpoint)", "::1"},
  {"exclusive_bind(udp::socket)", "127.0.0.1"},
};

// Wine models Windows' port table only in part (measured, docs/probe.md):
// these are the cells where what it shows says nothing about Windows.
const char* const wine_listening_caveat =
    "under Wine a listening socket refuses every overlapping bind (Linux "
    "underneath), so 'held' here does not show what Windows does";
const char* const wine_udp_caveat =
    "under Wine SO_EXCLUSIVEADDRUSE on UDP is accepted and ignored, so this "
    "row shows Linux's rule underneath, not Windows'";
const char* const wine_dual_stack_gap =
    "Wine does not model a dual-stack or v4-mapped rival against an IPv4 "
    "wildcard defender";

std::vector<attempt> run_against(const std::vector<rival>& rivals, identity who)
{
  if (!platform::under_wine())
    return run_rivals(rivals, who);
  std::vector<rival> modeled;
  for (const rival& r : rivals)
    if (r.role != address_role::v4_mapped && r.role != address_role::dual_stack)
      modeled.push_back(r);
  std::vector<attempt> attempts = run_rivals(modeled, who);
  // If this identity could not run at all, its reason covers these too.
  const bool none_ran = std::all_of(attempts.begin(), attempts.end(),
      [](const attempt& a) { return a.result.kind == outcome::skipped; });
  const std::string why = none_ran && !attempts.empty()
      ? attempts.front().result.note : wine_dual_stack_gap;
  for (const rival& r : rivals)
    if (r.role == address_role::v4_mapped || r.role == address_role::dual_stack)
      attempts.push_back({r, who, {outcome::skipped, {}, why}});
  return attempts;
}

} // namespace

int matrix_report::exit_code() const
{
  for (const matrix_row& row : rows)
    if (row.library == "portguard" && !row.unavailable
        && (!row.skipped.empty() || strongest_winner(row.attempts)))
      return exit_code::hijackable;
  return exit_code::secure;
}

matrix_report run_matrix()
{
  matrix_report report;
  report.who = identities();
  const tcp::endpoint where(net::ip::address_v4::any(), 0);
  auto run_row = [&](const defender& d, const tcp::endpoint& at, bool cross) {
    matrix_row row;
    row.name = d.name;
    if (cross)
      row.name += " on " + (at.address().is_v6() ? "[" + at.address().to_string() + "]"
                                                 : at.address().to_string());
    row.library = d.library;
    row.setup = d.setup;
    row.proto = d.proto;
    row.address = at.address();
    row.cross_family = cross;
    if (!detail::host_has_address(at.address()))
    {
      row.unavailable = true;
      row.skipped = "this host has no " + at.address().to_string() + " ("
          + (at.address().is_v6() ? "IPv6" : "IPv4") + " is off or the address is missing)";
      report.rows.push_back(std::move(row));
      return;
    }
    net::io_context ctx;
    holder h(ctx);
    row.skipped = d.create(h, at);
    if (row.skipped.empty())
    {
      row.port = h.port();
      const auto rivals = cross ? other_family_rivals(d.proto, row.address, row.port)
                                : rivals_for(d.proto, row.address, row.port);
      if (platform::under_wine())
        row.caveat = d.proto == transport::udp ? wine_udp_caveat
            : d.listens && !cross ? wine_listening_caveat : "";
      for (const identity who : report.who)
      {
        auto attempts = run_against(rivals, who);
        row.attempts.insert(row.attempts.end(), attempts.begin(), attempts.end());
      }
    }
    report.rows.push_back(std::move(row));
  };
  for (const defender& d : defenders)
    run_row(d, where, false);
  for (const cross_defender& c : cross_defenders)
  {
    const auto d = std::find_if(std::begin(defenders), std::end(defenders),
        [&](const defender& x) { return std::string(x.name) == c.base; });
    if (d != std::end(defenders))
    {
      const net::ip::address address = net::ip::make_address(c.address);
      run_row(*d, tcp::endpoint(address, port_free_on_both_families(d->proto, address)), true);
    }
  }
  return report;
}

} // namespace probe
} // namespace portguard
