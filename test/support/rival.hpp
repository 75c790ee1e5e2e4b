//
// test/support/rival.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Rival sockets: a bind attempt on a port someone else holds, made in this
// process, in a child process, or in a child running as another user.
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

/// Who makes the attempt.
enum class identity { same_process, child_process, other_user };

struct rival
{
  transport proto;
  rival_options options;
  net::ip::address address;
  unsigned short port;
};

/// What became of an attempt.
struct outcome
{
  enum kind_type { refused, won, skipped } kind;
  error_code ec;     // the OS's answer when refused
  std::string note;  // why it was skipped, or what went wrong
  bool won_port() const { return kind == won; }
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

/// Whether this platform has the option at all (reuse_port: POSIX only;
/// exclusive: Windows only).
bool option_available(rival_options options);

/// Whether tests may switch to another user (root on POSIX).
bool can_switch_user();

/// Entry point of a rival child process started with
/// `--portguard-rival tcp|udp ADDRESS PORT OPTIONS`; returns its exit code.
int rival_main(int argc, char** argv);

std::ostream& operator<<(std::ostream& os, transport t);
std::ostream& operator<<(std::ostream& os, rival_options o);
std::ostream& operator<<(std::ostream& os, identity i);
std::ostream& operator<<(std::ostream& os, const outcome& o);

} // namespace pg_test

#endif
