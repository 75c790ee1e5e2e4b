//
// test/support/child.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "support/child.hpp"

#if !defined(_WIN32)
#  include <sys/wait.h>
#  include <unistd.h>

#  include <cstdio>
#  include <exception>
#  include <iostream>

namespace pg_test {

child_report run_in_child(const std::function<std::string()>& body)
{
  child_report report;
  int fds[2];
  if (::pipe(fds) != 0)
    return report;
  std::cout.flush();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0)
  {
    ::close(fds[0]);
    std::string text;
    try
    {
      text = "+" + body();
    }
    catch (const std::exception& e)
    {
      text = std::string("+exception: ") + e.what();
    }
    catch (...)
    {
      text = "+exception";
    }
    for (std::size_t done = 0; done < text.size();)
    {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[512];
  for (ssize_t n; pid > 0 && (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;)
    text.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  if (pid > 0)
    ::waitpid(pid, &status, 0);
  report.returned = !text.empty() && text[0] == '+';
  if (report.returned)
    report.text = text.substr(1);
  return report;
}

} // namespace pg_test
#endif
