//
// src/probe/scan_active.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "scan_active.hpp"

#include "platform.hpp"
#include "rivals.hpp"
#include "scan_verdict.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace portguard {
namespace probe {

namespace {

/// Rivals per child process: a child has 5 s for all of its binds.
constexpr std::size_t rivals_per_child = 2000;

/// uid and gid of user nobody, as the audit's children use.
constexpr std::uint32_t nobody_uid = 65534;

rules::takers wider(rules::takers a, rules::takers b) noexcept
{
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

// Rivals of several sockets, run together; `owner` says whose they are.
struct rival_batch
{
  std::vector<rival> rivals;
  std::vector<std::size_t> owner;
};

// Runs a batch as `who`, in children of at most rivals_per_child rivals,
// and hands every attempt to `take(socket index, attempt)`.
template <typename Take>
void run_batch(const rival_batch& batch, identity who, std::uint32_t uid, Take take)
{
  for (std::size_t begin = 0; begin < batch.rivals.size(); begin += rivals_per_child)
  {
    const std::size_t end = std::min(batch.rivals.size(), begin + rivals_per_child);
    const std::vector<rival> part(batch.rivals.begin() + static_cast<std::ptrdiff_t>(begin),
        batch.rivals.begin() + static_cast<std::ptrdiff_t>(end));
    const std::vector<attempt> attempts = run_rivals(part, who, uid);
    for (std::size_t i = 0; i < attempts.size(); ++i)
      take(batch.owner[begin + i], attempts[i]);
  }
}

// What the rivals against one socket showed.
struct probe_result
{
  rules::takers won_by = rules::takers::nobody;
  bool same_user_tried = false;  ///< A rival of the owner's uid ran.
  bool other_user_tried = false; ///< A rival of another unprivileged uid ran.
  std::string not_tried;         ///< Identities that could not run, and why.
};

void note_untried(probe_result& r, const std::string& who, const std::string& why)
{
  const std::string line = who + " (" + why + ")";
  if (r.not_tried.find(line) == std::string::npos)
    r.not_tried += (r.not_tried.empty() ? "" : "; ") + line;
}

// Records one attempt against socket `s` made as `uid` (`who`).
void record(probe_result& r, const scanned_socket& s, const attempt& a, std::uint32_t uid,
    std::size_t& tried)
{
  const bool owner_uid = s.uid && *s.uid == uid;
  if (a.result.kind == outcome::skipped)
  {
    note_untried(r, owner_uid ? "the owner's uid " + std::to_string(uid)
        : "uid " + std::to_string(uid), a.result.note);
    return;
  }
  ++tried;
  const bool root = uid == 0 && !owner_uid;
  if (owner_uid)
    r.same_user_tried = true;
  else if (!root)
    r.other_user_tried = true;
  if (a.result.kind != outcome::won)
    return;
  r.won_by = wider(r.won_by, owner_uid ? rules::takers::same_user
      : root ? rules::takers::root_only : rules::takers::any_user);
}

void apply(scanned_socket& s, const probe_result& r)
{
  if (verdict_for(r.won_by) == scan_verdict::hijackable)
  {
    s.by = wider(r.won_by, s.how == evidence::read ? s.by : rules::takers::nobody);
    s.verdict = scan_verdict::hijackable;
    s.how = evidence::probed;
    s.note.clear();
  }
  else if (s.how == evidence::inferred && r.same_user_tried && r.other_user_tried)
  {
    s.by = r.won_by;
    s.verdict = scan_verdict::exclusive;
    s.how = evidence::probed;
    s.note.clear();
  }
  else if (s.how == evidence::inferred && r.other_user_tried && s.by == rules::takers::any_user)
  {
    // Another user was refused: at most the owner's own user could take it.
    s.by = rules::takers::same_user;
  }
  if (!r.not_tried.empty())
    s.note += (s.note.empty() ? "" : "; ") + std::string("rivals not tried as ") + r.not_tried;
}

} // namespace

void probe_actively(scan_report& report)
{
  const std::uint32_t me = platform::effective_uid();
  const bool root = report.privileged;
  rival_batch mine, as_nobody;
  std::map<std::uint32_t, rival_batch> as_owner;
  for (std::size_t i = 0; i < report.sockets.size(); ++i)
  {
    const scanned_socket& s = report.sockets[i];
    if (s.verdict == scan_verdict::shared)
      continue;
    for (const rival& r : rivals_for(s.proto, s.address, s.port))
    {
      mine.rivals.push_back(r);
      mine.owner.push_back(i);
      if (root && (!s.uid || *s.uid != nobody_uid))
      {
        as_nobody.rivals.push_back(r);
        as_nobody.owner.push_back(i);
      }
      if (root && s.uid && *s.uid != me)
      {
        as_owner[*s.uid].rivals.push_back(r);
        as_owner[*s.uid].owner.push_back(i);
      }
    }
  }
  std::vector<probe_result> results(report.sockets.size());
  auto taker = [&](std::uint32_t uid) {
    return [&, uid](std::size_t i, const attempt& a) {
      record(results[i], report.sockets[i], a, uid, report.rivals_tried);
    };
  };
  run_batch(mine, identity::same_process, me, taker(me));
  run_batch(as_nobody, identity::other_user, nobody_uid, taker(nobody_uid));
  for (const auto& [uid, batch] : as_owner)
    run_batch(batch, identity::owner, uid, taker(uid));
  for (std::size_t i = 0; i < report.sockets.size(); ++i)
  {
    scanned_socket& s = report.sockets[i];
    if (s.verdict == scan_verdict::shared)
      continue;
    // Not root: no child can switch to the owner's uid or to nobody.
    if (!root && s.uid && *s.uid != me)
      note_untried(results[i], "the owner's uid " + std::to_string(*s.uid),
          "not root: cannot switch users");
    apply(s, results[i]);
  }
}

} // namespace probe
} // namespace portguard
