//
// systemd_socket.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Adopting a listening socket passed in by systemd socket activation. With
// a unit such as
//
//   # hello.socket                      # hello.service
//   [Socket]                            [Service]
//   ListenStream=8080                   ExecStart=/usr/bin/systemd_socket
//   # ReusePort=yes would be refused
//
// systemd binds the port, then starts the service with the socket as
// descriptor 3 and LISTEN_FDS=1, LISTEN_PID=<its pid> in the environment.
// The service adopts it into a secure_acceptor, which checks it: a socket
// that others could share (ReusePort=yes sets SO_REUSEPORT) is refused with
// portguard::error::not_exclusive, one whose port another process holds
// with portguard::error::port_shared, and the service exits with status 2
// instead of serving on a port a rival may share. The message says why and
// what to do:
//
//   systemd_socket: refusing the passed socket: assign: SO_REUSEPORT on; to
//   fix: set ReusePort=no in the .socket unit; or adopt it with
//   exclusivity::best_effort: the socket's options let others share its
//   port; turn the sharing option off, or use exclusivity::best_effort
//   [portguard:3]
//
//   systemd_socket: refusing the passed socket: assign: held by
//   127.0.0.1:8080 bound, not listening, uid 65534, pid 27994 (python3); to
//   fix: stop pid 27994 (python3) of uid 65534, then bind again; or use
//   exclusivity::best_effort: another socket already holds this port; ...
//
//   systemd_socket [--once]
//
// Each connection gets one line, "hello from an exclusive socket", and is
// closed. With --once the service serves one connection and exits.
//
#include <portguard/error.hpp>
#include <portguard/secure_acceptor.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace net = boost::asio;
using net::ip::tcp;

namespace {

constexpr int listen_fds_start = 3; // SD_LISTEN_FDS_START

// The first descriptor systemd passed, as sd_listen_fds() finds it; -1 if none.
int first_listen_fd()
{
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  if (!pid || !fds || std::atol(pid) != static_cast<long>(::getpid()) || std::atoi(fds) < 1)
    return -1;
  ::unsetenv("LISTEN_PID"); // not for our children
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  ::fcntl(listen_fds_start, F_SETFD, FD_CLOEXEC);
  return listen_fds_start;
}

// The protocol (IPv4 or IPv6) of the socket behind a descriptor.
tcp protocol_of(int fd)
{
  ::sockaddr_storage address{};
  ::socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<::sockaddr*>(&address), &length) == 0
      && address.ss_family == AF_INET6)
    return tcp::v6();
  return tcp::v4();
}

} // namespace

int main(int argc, char* argv[])
{
  const bool once = argc > 1 && std::strcmp(argv[1], "--once") == 0;
  const int fd = first_listen_fd();
  if (fd < 0)
  {
    std::cerr << "systemd_socket: no socket passed (LISTEN_FDS/LISTEN_PID unset "
                 "or for another process); run me from a .socket unit\n";
    return 1;
  }

  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx); // exclusivity::required
  try
  {
    acceptor.assign(protocol_of(fd), fd);
  }
  catch (const portguard::system_error& e)
  {
    // The acceptor did not take the socket: we still own it. The message
    // names the option or the holder, and the fix.
    const bool refused = e.code() == portguard::error::not_exclusive
        || e.code() == portguard::error::port_shared;
    std::cerr << "systemd_socket: " << (refused ? "refusing the passed socket: "
                                                : "cannot adopt the passed socket: ")
              << e.what() << '\n';
    ::close(fd);
    return refused ? 2 : 1;
  }

  try
  {
    std::cout << "listening on " << acceptor.local_endpoint()
              << (acceptor.is_exclusive() ? " (exclusive)" : " (shareable)") << std::endl;
    do
    {
      tcp::socket socket = acceptor.accept();
      net::write(socket, net::buffer(std::string("hello from an exclusive socket\n")));
    } while (!once);
  }
  catch (const std::exception& e)
  {
    std::cerr << "systemd_socket: " << e.what() << '\n';
    return 1;
  }
}
