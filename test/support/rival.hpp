//
// test/support/rival.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Rival sockets: a bind attempt on a port someone else holds, made in this
// process, in another process of this user, or in a child running as another
// user. The probe has its own engine (src/probe/rivals.*), kept apart on
// purpose; the two share their words and the wire encoding of outcomes
// (docs/reliability.md, "Rival outcomes between processes").
//
#ifndef PORTGUARD_TEST_SUPPORT_RIVAL_HPP
#define PORTGUARD_TEST_SUPPORT_RIVAL_HPP

#include <portguard/portguard.hpp>

#include <iosfwd>
#include <stdexcept>
#include <string>

namespace pg_test {

namespace net = portguard::net;
using portguard::error_code;

enum class transport { tcp, udp };

/// The options a rival sets before it binds.
enum class rival_options { none, reuse_address, reuse_port, both, exclusive };

/// Who makes the attempt: this process; another process of this user; an
/// unprivileged other user (uid and gid 65534, "nobody").
enum class identity { same_process, same_user, other_user };

struct rival
{
  transport proto;
  rival_options options;
  net::ip::address address;
  unsigned short port;
  bool v6_only = false; ///< An IPv6 rival sets IPV6_V6ONLY (the other-family shadow on `[::]`).
};

/// What became of an attempt. `refused` only ever carries one of the
/// platform's conflict errors (is_conflict_error()): any other failure of
/// the rival's bind is a harness_failure, never a refusal.
struct outcome
{
  enum kind_type { won, refused, skipped } kind;
  error_code ec;     // the OS's answer when refused
  std::string note;  // why it was skipped ("[tag] reason", see skip.hpp)
  bool won_port() const { return kind == won; }
  bool was_refused() const { return kind == refused; }
};

/// The harness itself failed (a child crashed, hung or could not start):
/// the test that asked must fail, never count it as a refusal or a skip.
struct harness_failure : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

/// Makes the attempt; a rival that binds closes at once. Bounded in time.
/// Throws harness_failure when the attempt could not be made.
outcome attempt(const rival& r, identity who);

/// Binds in this process, no matter who asked (used by child processes).
outcome bind_here(const rival& r);

/// Whether `ec` is how this platform refuses a bind to a port someone holds:
/// EADDRINUSE or EACCES on POSIX, WSAEADDRINUSE or WSAEACCES on Windows.
bool is_conflict_error(const error_code& ec);

/// Whether this platform has the option at all (reuse_port: POSIX only;
/// exclusive: Windows only).
bool option_available(rival_options options);

/// Whether this platform has the identity at all: no other user on
/// Windows (the harness has no second account there); on POSIX every one,
/// though other_user needs root (can_switch_user()).
bool identity_available(identity who);

/// Whether tests may switch to another user (root on POSIX).
bool can_switch_user();

/// Entry point of a rival child process started with
/// `--portguard-rival tcp|udp ADDRESS PORT OPTIONS`: writes its outcome to
/// standard output as one line of the wire encoding; returns 0, or 1 when
/// it could not make the attempt.
int rival_main(int argc, char** argv);

/// The outcome as one line of the wire encoding, newline included:
/// `won`, `refused <code>` or `skipped <code> <reason>`.
std::string wire_line(const outcome& o);

/// Reads one line of the wire encoding; false when it is not one.
bool parse_wire_line(const std::string& line, outcome& o);

std::ostream& operator<<(std::ostream& os, transport t);
std::ostream& operator<<(std::ostream& os, rival_options o);
std::ostream& operator<<(std::ostream& os, identity i);
std::ostream& operator<<(std::ostream& os, const outcome& o);

} // namespace pg_test

#endif
