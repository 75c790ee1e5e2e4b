//
// test/support/squatter.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A rival that binds a port and keeps it: the squatter that bound first, or
// the sharer that joined. In this process, or (POSIX) in a child process
// running as this user or as user nobody. Unlike attempt() in rival.hpp it
// does not close at once: it holds the port until destroyed, and can be
// told to listen. Every wait is bounded; a child ends itself after 60 s.
//
#ifndef PORTGUARD_TEST_SUPPORT_SQUATTER_HPP
#define PORTGUARD_TEST_SUPPORT_SQUATTER_HPP

#include "rival.hpp"

#include <memory>

namespace pg_test {

class squatter
{
public:
  /// Binds `r` as `who` and keeps it bound. result() says how the bind went.
  squatter(const rival& r, identity who);
  ~squatter();
  squatter(const squatter&) = delete;
  squatter& operator=(const squatter&) = delete;

  /// How the bind went: won means the squatter holds the port now.
  const outcome& result() const { return result_; }

  /// Whether it holds the port.
  bool holds() const { return result_.won_port(); }

  /// Tells the squatter to listen (TCP): won means it listens now.
  outcome listen();

  /// The process id of the child holding the port (0 in this process).
  long pid() const { return pid_; }

private:
  struct in_process;
  std::unique_ptr<in_process> here_;
  outcome result_;
  long pid_ = 0;
  int commands_ = -1; // parent's end of the command pipe (POSIX child)
  int answers_ = -1;  // parent's end of the answer pipe
};

} // namespace pg_test

#endif
