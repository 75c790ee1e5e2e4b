//
// portguard/detail/platform_win32.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Windows: headers, handle type, exclusive option, error classifiers and
// the raw calls that differ from POSIX. Chosen by platform.hpp.
//
#ifndef PORTGUARD_DETAIL_PLATFORM_WIN32_HPP
#define PORTGUARD_DETAIL_PLATFORM_WIN32_HPP

#include <portguard/detail/config.hpp>
#include <portguard/error.hpp>
#include <portguard/port_rules.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

using native_socket = SOCKET;
using socket_length = int;

/// The value of a native socket that is not open.
constexpr native_socket no_socket = INVALID_SOCKET;

PORTGUARD_DECL bool get_int_option(native_socket s, int level, int name, int& value,
    error_code& ec) noexcept;
PORTGUARD_DECL bool set_int_option(native_socket s, int level, int name, int value,
    error_code& ec) noexcept;
PORTGUARD_DECL bool probe_bind(int family, int type, const net::ip::address& address,
    unsigned short port, error_code& ec) noexcept;

// The exclusive option: SO_EXCLUSIVEADDRUSE, 1 when exclusive.
constexpr int exclusive_option_level = SOL_SOCKET;
constexpr int exclusive_option_name = SO_EXCLUSIVEADDRUSE;
constexpr int stored_value(bool exclusive) noexcept { return exclusive ? 1 : 0; }
constexpr bool stored_means_exclusive(int v) noexcept { return v != 0; }

/// SO_REUSEADDR is recorded, never given to the OS: it would let a rival
/// share the port and conflicts with SO_EXCLUSIVEADDRUSE.
constexpr bool reuse_address_is_emulated = true;

/// SO_EXCLUSIVEADDRUSE set after bind reads back 1 yet protects nothing; a
/// probe bind tells (verify.hpp).
constexpr bool exclusive_option_may_be_inert = true;

/// An exclusive bind to a specific address succeeds beside a wildcard
/// socket (Microsoft's table: row "none W", column "EXCL S").
constexpr bool specific_bind_may_sit_beside_wildcard = true;

/// Not needed: SO_REUSEADDR is emulated, and the probe bind is the check.
constexpr bool listen_checks_the_port = false;

/// The error a bind gives for an address that is not this host's.
constexpr int address_not_available = WSAEADDRNOTAVAIL;

/// Reads a setsockopt buffer as Winsock reads a boolean option: 1 to 4
/// bytes into a zeroed int (Wine's test_optsize), any non-zero byte "on".
inline bool option_value_as_read(const void* data, std::size_t size, int& value) noexcept
{
  value = 0;
  if (data == nullptr)
    return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size && i < sizeof(int); ++i)
    if (bytes[i] != 0)
      value = 1;
  return true;
}

/// Whether a failed bind may succeed later (bind_with_retry): WSAEADDRINUSE,
/// and WSAEACCES while the previous exclusive socket's connections linger.
inline bool bind_error_is_transient(const error_code& ec) noexcept
{
  return ec.category() == net::error::get_system_category()
      && (ec.value() == WSAEADDRINUSE || ec.value() == WSAEACCES);
}

/// Whether a bind is refused because another socket holds the address
/// (WSAEACCES: the answer of an exclusive socket).
inline bool is_conflict(const error_code& ec) noexcept
{
  return ec == net::error::address_in_use || ec == net::error::access_denied;
}

inline error_code last_socket_error() noexcept
{
  return error_code(::WSAGetLastError(), net::error::get_system_category());
}

inline void close_socket(native_socket s) noexcept
{
  ::closesocket(s);
}

/// Waits until the socket is readable or `milliseconds` pass.
inline void wait_readable(native_socket s, int milliseconds, error_code& ec) noexcept
{
  WSAPOLLFD request;
  request.fd = s;
  request.events = POLLRDNORM;
  request.revents = 0;
  if (::WSAPoll(&request, 1, milliseconds) < 0)
    ec = last_socket_error();
  else
    ec.clear();
}

/// Opens a socket that portguard keeps to itself (not inheritable), no options.
inline native_socket open_private_socket(int family, int type, error_code& ec) noexcept
{
  const native_socket s = ::WSASocketW(family, type, 0, nullptr, 0,
      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET)
    ec = last_socket_error();
  else
    ec.clear();
  return s;
}

/// Tells this open socket from a later one with the same handle: a hash of
/// its local address. False if `s` is not an open socket.
inline bool socket_fingerprint(native_socket s, std::uint64_t& identity) noexcept
{
  sockaddr_storage local;
  int size = sizeof(local);
  if (::getsockname(s, reinterpret_cast<sockaddr*>(&local), &size) != 0)
    return false;
  std::uint64_t hash = 1469598103934665603ULL; // FNV-1a over the address bytes
  const auto* bytes = reinterpret_cast<const unsigned char*>(&local);
  for (int i = 0; i < size; ++i)
    hash = (hash ^ bytes[i]) * 1099511628211ULL;
  identity = hash;
  return true;
}

/// Whether a wildcard bind is refused beside a lone exclusive listener on a
/// specific address (Wine, whose Linux refuses every overlap; Microsoft's
/// table says no). Then such a refusal says nothing. Measured once.
inline bool wildcard_refused_beside_any_specific() noexcept
{
  static const bool refused = [] {
    const native_socket s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET)
      return false;
    error_code ec;
    sockaddr_in local;
    std::memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int size = sizeof(local);
    bool answer = false;
    if (set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec)
        && ::bind(s, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) == 0
        && ::listen(s, 1) == 0
        && ::getsockname(s, reinterpret_cast<sockaddr*>(&local), &size) == 0)
    {
      answer = !probe_bind(AF_INET, SOCK_STREAM, net::ip::address_v4::any(),
                   ntohs(local.sin_port), ec)
          && ec == net::error::address_in_use;
    }
    ::closesocket(s);
    return answer;
  }();
  return refused;
}

/// The SOL_SOCKET options by which a socket lets others share its port (or,
/// for SO_EXCLUSIVEADDRUSE, keeps them out).
constexpr int sharing_option_names[] = {SO_REUSEADDR, SO_EXCLUSIVEADDRUSE};

/// The rules option a SOL_SOCKET option name stands for; false for others.
inline bool rules_option(int level, int name, rules::option& out) noexcept
{
  if (level != SOL_SOCKET)
    return false;
  if (name == SO_REUSEADDR)
    out = rules::option::reuse_address;
  else if (name == SO_EXCLUSIVEADDRUSE)
    out = rules::option::exclusive_address_use;
  else
    return false;
  return true;
}

/// Makes an open, unbound socket exclusive: SO_EXCLUSIVEADDRUSE on, after
/// turning SO_REUSEADDR off if it was on (the two conflict).
inline void set_exclusive(native_socket s, bool datagram, error_code& ec) noexcept
{
  (void)datagram;
  if (set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec))
    return;
  int reuse = 0;
  error_code ignored;
  if (!get_int_option(s, SOL_SOCKET, SO_REUSEADDR, reuse, ignored) || !reuse)
  {
    ec = error::option_refused;
    return;
  }
  if (!set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 0, ec)
      || !set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec))
    ec = error::conflicting_option;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_PLATFORM_WIN32_HPP
