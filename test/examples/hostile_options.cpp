//
// test/examples/hostile_options.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// A hostile starting point for the examples' smoke tests (Linux). Preloaded
// into a program (LD_PRELOAD), it turns on, on every IPv4 and IPv6 socket the
// program creates, the sharing options a careless framework sets: SO_REUSEPORT
// on TCP and UDP sockets, SO_REUSEADDR on UDP sockets. A plain server started
// this way lets a same-user rival with SO_REUSEPORT (and, for UDP, any user's
// rival with SO_REUSEADDR) bind beside it; an example's portguard line must
// undo that, so its smoke test fails when the line is removed.
//
#include <dlfcn.h>
#include <sys/socket.h>

#include <cstring>

namespace {

using socket_function = int (*)(int, int, int);

socket_function real_socket()
{
  static const socket_function real = [] {
    socket_function f = nullptr;
    void* symbol = ::dlsym(RTLD_NEXT, "socket");
    std::memcpy(&f, &symbol, sizeof(f));
    return f;
  }();
  return real;
}

} // namespace

extern "C" int socket(int domain, int type, int protocol)
{
  const int fd = real_socket()(domain, type, protocol);
  if (fd < 0 || (domain != AF_INET && domain != AF_INET6))
    return fd;
  const int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  const int on = 1;
  if (kind == SOCK_STREAM || kind == SOCK_DGRAM)
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
  if (kind == SOCK_DGRAM)
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  return fd;
}
