//
// portguard/verdict.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_VERDICT_HPP
#define PORTGUARD_VERDICT_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/error.hpp>
#include <portguard/port_holder.hpp>

#include <string>
#include <type_traits>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN

/// Why a socket is, or is not, exclusive: what portguard::why_not_exclusive()
/// answers.
struct exclusivity_verdict
{
  /// What portguard::is_exclusive() answers for the same socket.
  bool exclusive = false;

  /// Empty when exclusive; else the first reason found:
  /// portguard::error::not_exclusive (an option lets rivals in),
  /// port_shared (another socket holds the port), other_family_held,
  /// other_family_open (the other address family's port is free and
  /// unguarded), or holders_unknown (the socket table cannot tell).
  error_code reason;

  /// The option judged, in the operating system's words: "SO_REUSEPORT on",
  /// "SO_REUSEADDR on a UDP socket", "SO_EXCLUSIVEADDRUSE off", ... Empty
  /// when no option is to blame.
  std::string option;

  /// Who else holds the port, on either address family, with uid, pid and
  /// process name where visible (see portguard::to_string(const port_holder&)).
  std::vector<port_holder> holders;

  /// For holders_unknown: why the socket table cannot show every holder.
  std::string cause;

  /// What to do about it; exclusivity::best_effort, if offered, comes last.
  std::string remedy;

  /// One line: the answer, the option, who holds the port, the remedy.
  PORTGUARD_DECL std::string to_string() const;
};

/// Why a live socket is not exclusive (or that it is).
/**
 * Judges the socket exactly as portguard::is_exclusive() does (the same
 * code: `exclusive` always equals its answer) and then says why: the
 * reason, the option judged, who holds the port on either family (a read
 * of the socket table that is_exclusive() leaves out) and the remedy.
 * A table that cannot be read is a verdict (reason
 * portguard::error::holders_unknown, with its cause), not an error.
 *
 * @param socket An open acceptor or socket.
 * @param ec `bad_descriptor` for a closed socket, or the error that kept
 * the options from being read.
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, exclusivity_verdict>
why_not_exclusive(Socket& socket, error_code& ec)
{
  exclusivity_verdict v;
  if (!socket.is_open())
  {
    ec = net::error::bad_descriptor;
    return v;
  }
  detail::explanation words;
  detail::exclusive_judgement j = detail::judge_and_explain(socket.native_handle(), false,
      detail::guards_other_family_of(socket), detail::remedy_for::socket, words, ec);
  v.exclusive = j.exclusive;
  if (ec || v.exclusive)
    return v;
  v.reason = j.reason;
  v.option = std::move(words.option);
  v.holders = std::move(j.holders.sockets);
  v.cause = std::move(words.cause);
  v.remedy = std::move(words.remedy);
  return v;
}

/// Why a live socket is not exclusive (throwing form).
/**
 * @throws system_error Thrown on failure, naming "why_not_exclusive".
 */
template <typename Socket>
std::enable_if_t<detail::is_inspectable_v<Socket>, exclusivity_verdict>
why_not_exclusive(Socket& socket)
{
  error_code ec;
  exclusivity_verdict v = portguard::why_not_exclusive(socket, ec);
  if (ec)
    detail::throw_for_socket(ec, "why_not_exclusive", socket.native_handle());
  return v;
}

/// The other Asio flavour's sockets: a static_assert that names the macro.
PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(why_not_exclusive)

PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  include <portguard/impl/verdict.ipp>
#endif

#endif // PORTGUARD_VERDICT_HPP
