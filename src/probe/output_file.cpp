//
// src/probe/output_file.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "output_file.hpp"

#include <cstring>

#if defined(_WIN32)
#  include <windows.h>
#else
#  include <cerrno>
#  include <cstdlib>
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <unistd.h>
#endif

namespace portguard {
namespace probe {

namespace {

#if defined(_WIN32)
const char* const separators = "/\\";
#else
const char* const separators = "/";
#endif

#if defined(_WIN32)

std::string last_error_text()
{
  const DWORD code = ::GetLastError();
  char* text = nullptr;
  const DWORD n = ::FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER
        | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string out = n && text ? std::string(text, n) : "error " + std::to_string(code);
  if (text)
    ::LocalFree(text);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == '.'))
    out.pop_back();
  return out;
}

#else

std::string errno_text(int err)
{
  return std::strerror(err);
}

#endif

} // namespace

bool write_file_atomically(const std::string& path, std::string_view content,
    std::string& error)
{
  const auto slash = path.find_last_of(separators);
  const std::string dir = slash == std::string::npos ? std::string(".")
      : path.substr(0, slash == 0 ? 1 : slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty() || base == "." || base == "..")
  {
    error = "'" + path + "' names a directory, not a file";
    return false;
  }
  // A hidden name beside the file that does not end in ".prom": the
  // textfile collector reads *.prom only, so it never sees it.
  const std::string prefix = (slash == std::string::npos ? std::string()
      : path.substr(0, slash + 1)) + "." + base + ".";

#if defined(_WIN32)
  static unsigned counter = 0;
  const std::string temp = prefix + std::to_string(::GetCurrentProcessId()) + "."
      + std::to_string(++counter) + ".tmp";
  const HANDLE file = ::CreateFileA(temp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
      FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE)
  {
    error = "cannot create a file in '" + dir + "': " + last_error_text();
    return false;
  }
  const auto fail = [&](const char* step) {
    error = std::string(step) + " '" + temp + "': " + last_error_text();
    ::CloseHandle(file);
    ::DeleteFileA(temp.c_str());
    return false;
  };
  std::size_t done = 0;
  while (done < content.size())
  {
    const std::size_t chunk = content.size() - done > 0x10000000u
        ? 0x10000000u : content.size() - done;
    DWORD written = 0;
    if (!::WriteFile(file, content.data() + done, static_cast<DWORD>(chunk), &written, nullptr))
      return fail("cannot write");
    done += written;
  }
  if (!::FlushFileBuffers(file))
    return fail("cannot flush");
  if (!::CloseHandle(file))
  {
    error = "cannot close '" + temp + "': " + last_error_text();
    ::DeleteFileA(temp.c_str());
    return false;
  }
  if (!::MoveFileExA(temp.c_str(), path.c_str(),
        MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
  {
    error = "cannot rename '" + temp + "' to '" + path + "': " + last_error_text();
    ::DeleteFileA(temp.c_str());
    return false;
  }
  return true;
#else
  std::string temp = prefix + "XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
  {
    error = "cannot create a file in '" + dir + "': " + errno_text(errno);
    return false;
  }
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  const auto fail = [&](const char* step, int err) {
    error = std::string(step) + " '" + temp + "': " + errno_text(err);
    if (fd >= 0)
      ::close(fd);
    ::unlink(temp.c_str());
    return false;
  };
  std::size_t done = 0;
  while (done < content.size())
  {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0)
    {
      if (errno == EINTR)
        continue;
      return fail("cannot write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp makes the file 0600; readers such as node_exporter (user
  // prometheus) need 0644, whatever the umask.
  if (::fchmod(fd, 0644) != 0)
    return fail("cannot chmod", errno);
  if (::fsync(fd) != 0)
    return fail("cannot flush", errno);
  if (::close(fd) != 0)
  {
    const int err = errno;
    error = "cannot close '" + temp + "': " + errno_text(err);
    ::unlink(temp.c_str());
    return false;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0)
  {
    const int err = errno;
    error = "cannot rename '" + temp + "' to '" + path + "': " + errno_text(err);
    ::unlink(temp.c_str());
    return false;
  }
  // The rename itself reaches the disk with the directory.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
  {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
#endif
}

} // namespace probe
} // namespace portguard
