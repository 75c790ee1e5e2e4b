//
// src/probe/scan.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "scan.hpp"

#include "audit.hpp"
#include "foreign_read.hpp"
#include "platform.hpp"
#include "scan_active.hpp"
#include "scan_verdict.hpp"

#include <portguard/detail/other_family_guard.hpp>
#include <portguard/detail/socket_table.hpp>
#include "host_table.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>
#include <tuple>

namespace portguard {
namespace probe {

namespace {

const char* state_name(holder_state s) noexcept
{
  switch (s)
  {
  case holder_state::listening: return "listening";
  case holder_state::bound: return "bound";
  case holder_state::datagram: return "datagram";
  }
  return "?";
}

// The names of uids, looked up once each.
class user_names
{
public:
  const std::string& of(std::uint32_t uid)
  {
    const auto found = names_.find(uid);
    if (found != names_.end())
      return found->second;
    return names_.emplace(uid, platform::user_name(uid)).first->second;
  }

private:
  std::map<std::uint32_t, std::string> names_;
};

// Reads one protocol's table into `out`; false (and `failure`) if it cannot.
bool read_protocol(transport proto, std::vector<port_holder>& out,
    std::vector<transport>& protos, scan_report& report, scan_failure& failure,
    bool& complete)
{
  port_holders table;
  error_code ec;
  detail::read_host_table(proto == transport::tcp ? IPPROTO_TCP : IPPROTO_UDP, table, ec);
  if (ec)
  {
    failure.code = exit_code::cannot_probe;
    failure.message = std::string("cannot read the ") + to_string(proto)
        + " socket table: " + ec.message();
    return false;
  }
  complete = table.complete;
  if (!table.complete)
    report.limits.push_back(proto == transport::tcp
        ? "this system does not list TCP sockets that are bound but not listening; "
          "only listeners are shown"
        : "the UDP socket table is incomplete");
  for (port_holder& h : table.sockets)
  {
    out.push_back(std::move(h));
    protos.push_back(proto);
  }
  return true;
}

// Marks every group of two or more sockets that hold an overlapping address
// and port as shared, listing every holder in each.
void find_shared(std::vector<scanned_socket>& sockets)
{
  std::vector<std::size_t> order(sockets.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  auto key = [&](std::size_t i) { return std::make_tuple(sockets[i].proto, sockets[i].port); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return key(a) < key(b);
  });
  for (std::size_t begin = 0; begin < order.size();)
  {
    std::size_t end = begin + 1;
    while (end < order.size() && key(order[end]) == key(order[begin]))
      ++end;
    for (std::size_t a = begin; a < end; ++a)
    {
      scanned_socket& s = sockets[order[a]];
      std::vector<std::size_t> group;
      for (std::size_t b = begin; b < end; ++b)
      {
        const scanned_socket& t = sockets[order[b]];
        if (a == b || detail::addresses_overlap(s.address, s.v6_only, t.address, t.v6_only))
          group.push_back(order[b]);
      }
      if (group.size() < 2)
        continue;
      s.verdict = scan_verdict::shared;
      for (const std::size_t m : group)
      {
        const scanned_socket& t = sockets[m];
        s.holders.push_back({t.address, t.uid, t.user, t.pid, t.process});
        if (t.uid != s.uid)
          s.uids_differ = true;
      }
    }
    begin = end;
  }
}

// Worst first: shared across users, shared, hijackable by anyone, by the
// same user, unknown, exclusive; then protocol, port, address.
void sort_worst_first(std::vector<scanned_socket>& sockets)
{
  auto key = [](const scanned_socket& s) {
    return std::make_tuple(static_cast<int>(s.verdict), !s.uids_differ,
        -static_cast<int>(s.by), s.proto, s.port, s.address.to_string());
  };
  std::stable_sort(sockets.begin(), sockets.end(),
      [&](const scanned_socket& a, const scanned_socket& b) { return key(a) < key(b); });
}

} // namespace

void judge_other_family(std::vector<scanned_socket>& sockets, bool tcp_complete,
    bool udp_complete)
{
  const unsigned unprivileged = platform::first_unprivileged_port();
  for (scanned_socket& s : sockets)
  {
    // Servers only: a TCP socket that does not listen (portguard's own
    // guard is one) answers no client.
    if (s.proto == transport::tcp && s.state != "listening")
      continue;
    net::ip::address sibling;
    if (!detail::other_family_address(s.address, s.v6_only, sibling))
      continue;
    s.sibling = sibling;
    const bool sibling_v6_only = sibling.is_v6();
    const bool held = std::any_of(sockets.begin(), sockets.end(),
        [&](const scanned_socket& t) {
          return t.proto == s.proto && t.port == s.port
              && detail::addresses_overlap(sibling, sibling_v6_only, t.address, t.v6_only);
        });
    const std::string where = endpoint_text(sibling, s.port)
        + (sibling.is_v6() && sibling.is_unspecified() ? " (IPV6_V6ONLY)" : "");
    auto add_note = [&](const std::string& text) {
      s.note += (s.note.empty() ? "" : "; ") + text;
    };
    if (held)
    {
      s.sibling_state = "held";
      continue;
    }
    if (!(s.proto == transport::tcp ? tcp_complete : udp_complete))
    {
      s.sibling_state = "unchecked";
      add_note(where + " not checked: the table does not list every socket");
      continue;
    }
    if (!detail::host_has_address(sibling))
    {
      s.sibling_state = "no_family";
      continue;
    }
    s.sibling_state = "free";
    const rival r{s.proto, rival_option::none, address_role::other_family, sibling, s.port};
    if (s.port < unprivileged)
    {
      add_note(where + " free, but only root may bind it (a port below "
          + std::to_string(unprivileged) + ")");
      if (static_cast<int>(s.by) < static_cast<int>(rules::takers::root_only))
        s.by = rules::takers::root_only;
      continue;
    }
    add_note(cross_family_line(r));
    s.by = rules::takers::any_user;
    if (s.verdict != scan_verdict::shared)
      s.verdict = scan_verdict::hijackable;
  }
}

std::size_t scan_report::count(scan_verdict v) const
{
  return static_cast<std::size_t>(std::count_if(sockets.begin(), sockets.end(),
      [v](const scanned_socket& s) { return s.verdict == v; }));
}

int scan_report::exit_code() const
{
  return count(scan_verdict::shared) + count(scan_verdict::hijackable) > 0
      ? exit_code::hijackable : exit_code::secure;
}

bool run_scan(const command& cmd, scan_report& report, scan_failure& failure)
{
  const auto start = std::chrono::steady_clock::now();
  report.privileged = platform::is_privileged();
  report.active = cmd.active;
  std::vector<port_holder> holders;
  std::vector<transport> protos;
  bool tcp_complete = false;
  bool udp_complete = false;
  if (cmd.scan_tcp
      && !read_protocol(transport::tcp, holders, protos, report, failure, tcp_complete))
    return false;
  if (cmd.scan_udp
      && !read_protocol(transport::udp, holders, protos, report, failure, udp_complete))
    return false;
  if (cmd.scan_port != 0)
  {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < holders.size(); ++i)
      if (holders[i].port == cmd.scan_port)
      {
        holders[kept] = std::move(holders[i]);
        protos[kept++] = protos[i];
      }
    holders.resize(kept);
    protos.resize(kept);
  }

  std::size_t hidden = 0;
  const std::vector<detail::socket_location> where = detail::locate_sockets(holders, hidden);
  if (hidden > 0)
    report.limits.push_back("the descriptors of " + std::to_string(hidden)
        + " processes are hidden from this user: their sockets show no process, and "
          "their options cannot be read (run as root to see them)");
  if (!detail::can_read_foreign_sockets)
    report.limits.push_back("this platform does not let another process's socket "
        "options be read: verdicts are inferred from the rules, or probed with --active");

  const std::string would_change = foreign_read_would_change();
  if (!would_change.empty())
    report.limits.push_back("no socket's options were read (" + would_change
        + "): verdicts are inferred from the rules, or probed with --active");

  user_names names;
  report.sockets.reserve(holders.size());
  for (std::size_t i = 0; i < holders.size(); ++i)
  {
    const port_holder& h = holders[i];
    scanned_socket s;
    s.proto = protos[i];
    s.address = h.address;
    s.port = h.port;
    s.state = state_name(h.state);
    s.v6_only = h.v6_only;
    s.uid = h.uid;
    if (h.uid)
      s.user = detail::printable(names.of(*h.uid));
    s.pid = h.pid;
    s.process = detail::printable(h.process);
    for (const holder_process& p : h.processes)
      s.processes.push_back({p.pid, p.uid,
          p.uid ? detail::printable(names.of(*p.uid)) : std::string(),
          detail::printable(p.name)});
    s.inode = h.inode;
    const detail::foreign_socket_read read =
        read_foreign_socket_unchanged(where[i], h.inode, would_change);
    judge_passively(s, read);
    report.sockets.push_back(std::move(s));
  }
  find_shared(report.sockets);
  if (cmd.active)
    probe_actively(report);
  judge_other_family(report.sockets, tcp_complete, udp_complete);
  sort_worst_first(report.sockets);
  report.elapsed_ms = std::chrono::duration<double, std::milli>(
      std::chrono::steady_clock::now() - start).count();
  return true;
}

std::vector<std::string> takers_list(rules::takers t)
{
  switch (t)
  {
  case rules::takers::nobody: return {};
  case rules::takers::root_only: return {"root_only"};
  case rules::takers::same_user: return {"same_user"};
  case rules::takers::any_user: return {"same_user", "any_user"};
  }
  return {};
}

const char* to_string(scan_verdict v) noexcept
{
  switch (v)
  {
  case scan_verdict::shared: return "shared";
  case scan_verdict::hijackable: return "hijackable";
  case scan_verdict::unknown: return "unknown";
  case scan_verdict::exclusive: return "exclusive";
  }
  return "?";
}

const char* to_string(evidence e) noexcept
{
  switch (e)
  {
  case evidence::read: return "read";
  case evidence::probed: return "probed";
  case evidence::inferred: return "inferred";
  }
  return "?";
}

} // namespace probe
} // namespace portguard
