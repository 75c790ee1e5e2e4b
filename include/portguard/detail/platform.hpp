//
// portguard/detail/platform.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The one place where portguard names operating-system headers, socket
// option constants and raw socket calls. Everything platform-specific the
// rest of the library needs is a function or constant declared here.
//
#ifndef PORTGUARD_DETAIL_PLATFORM_HPP
#define PORTGUARD_DETAIL_PLATFORM_HPP

#include <portguard/detail/config.hpp>
#include <portguard/error.hpp>
#include <portguard/port_rules.hpp>

#if defined(_WIN32)
#  include <winsock2.h>
#  include <ws2tcpip.h>
#else
#  include <arpa/inet.h>
#  include <cerrno>
#  include <netinet/in.h>
#  include <fcntl.h>
#  include <poll.h>
#  include <sys/socket.h>
#  include <sys/stat.h>
#  include <sys/types.h>
#  include <unistd.h>
#  if !defined(SO_REUSEPORT)
#    error "portguard needs SO_REUSEPORT on POSIX systems"
#  endif
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

#if defined(_WIN32)
using native_socket = SOCKET;
using socket_length = int;
#else
using native_socket = int;
using socket_length = socklen_t;
#endif

// -- The exclusive-address option ------------------------------------------
//
// Windows: SOL_SOCKET / SO_EXCLUSIVEADDRUSE, stored as 1 when exclusive.
// POSIX:   SOL_SOCKET / SO_REUSEPORT with the inverted value: exclusive means
//          SO_REUSEPORT off, so the stored int is 0 when exclusive.

constexpr int exclusive_option_level = SOL_SOCKET;
#if defined(_WIN32)
constexpr int exclusive_option_name = SO_EXCLUSIVEADDRUSE;
constexpr int stored_value(bool exclusive) noexcept { return exclusive ? 1 : 0; }
constexpr bool stored_means_exclusive(int v) noexcept { return v != 0; }
#else
constexpr int exclusive_option_name = SO_REUSEPORT;
constexpr int stored_value(bool exclusive) noexcept { return exclusive ? 0 : 1; }
constexpr bool stored_means_exclusive(int v) noexcept { return v == 0; }
#endif

/// Whether a secure acceptor keeps SO_REUSEADDR to itself instead of giving
/// it to the operating system. Windows: yes. There SO_REUSEADDR would let a
/// rival share the port and conflicts with SO_EXCLUSIVEADDRUSE (WSAEINVAL),
/// while an exclusive socket needs no help to restart, so
/// `set_option(reuse_address(true))` is recorded and answered back by
/// `get_option`, never passed on (as Java's runtime does on Windows). POSIX:
/// no; a listening TCP socket cannot be shared through SO_REUSEADDR, and it
/// lets a server restart while old connections sit in TIME_WAIT.
#if defined(_WIN32)
constexpr bool reuse_address_is_emulated = true;
#else
constexpr bool reuse_address_is_emulated = false;
#endif

/// Whether (level, name) is SOL_SOCKET/SO_REUSEADDR.
constexpr bool is_reuse_address_option(int level, int name) noexcept
{
  return level == SOL_SOCKET && name == SO_REUSEADDR;
}

/// Reads a setsockopt buffer the way this platform's kernel reads a boolean
/// socket-level option. Returns false when the kernel refuses the buffer, so
/// the option cannot take effect.
///
/// POSIX: Linux (`sk_setsockopt`) and the BSDs (`sooptcopyin`) refuse a
///        buffer shorter than an int (EINVAL) and read the leading int of a
///        longer one; the rest is ignored.
/// Windows: Winsock takes 1 to 3 bytes as well (Wine's conformance tests,
///        ws2_32/tests/sock.c, test_optsize: SO_REUSEADDR and
///        SO_EXCLUSIVEADDRUSE accept short lengths); Wine copies the first
///        min(size, 4) bytes into a zeroed int, so even an empty buffer
///        means "off". Any of those bytes non-zero is taken as "on", the
///        reading that never misses an "on".
inline bool option_value_as_read(const void* data, std::size_t size, int& value) noexcept
{
  value = 0;
  if (data == nullptr)
    return false;
#if defined(_WIN32)
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size && i < sizeof(int); ++i)
    if (bytes[i] != 0)
      value = 1;
  return true;
#else
  if (size < sizeof(int))
    return false;
  std::memcpy(&value, data, sizeof(int));
  return true;
#endif
}

/// Writes a boolean option value into a getsockopt-style buffer of `size`
/// bytes, as the operating system would answer it (an int, or a single byte
/// for a one-byte buffer).
inline void store_option_value(void* data, std::size_t size, bool on) noexcept
{
  if (data == nullptr || size == 0)
    return;
  std::memset(data, 0, size);
  const int value = on ? 1 : 0;
  if (size >= sizeof(int))
    std::memcpy(data, &value, sizeof(int));
  else
    *static_cast<unsigned char*>(data) = on ? 1 : 0;
}

// -- Which bind errors pass -------------------------------------------------

/// Whether a failed bind may succeed if tried again later (bind_with_retry).
/// POSIX: EADDRINUSE only: the port is held (by the listener being
///        replaced, or by connections of a previous run). EACCES means a
///        privileged port or a security policy, which no wait changes.
/// Windows: WSAEADDRINUSE, and WSAEACCES: an exclusive rebind is refused
///        with it while connections accepted by the previous exclusive
///        socket linger (Microsoft, "Using SO_REUSEADDR and
///        SO_EXCLUSIVEADDRUSE").
inline bool bind_error_is_transient(const error_code& ec) noexcept
{
  if (ec.category() != net::error::get_system_category())
    return false;
#if defined(_WIN32)
  return ec.value() == WSAEADDRINUSE || ec.value() == WSAEACCES;
#else
  return ec.value() == EADDRINUSE;
#endif
}

// -- Raw calls ---------------------------------------------------------------

inline error_code last_socket_error() noexcept
{
#if defined(_WIN32)
  return error_code(::WSAGetLastError(), net::error::get_system_category());
#else
  return error_code(errno, net::error::get_system_category());
#endif
}

inline bool get_int_option(native_socket s, int level, int name, int& value,
    error_code& ec) noexcept
{
  value = 0;
#if defined(_WIN32)
  int size = sizeof(value);
  const int result = ::getsockopt(s, level, name,
      reinterpret_cast<char*>(&value), &size);
#else
  socklen_t size = sizeof(value);
  const int result = ::getsockopt(s, level, name, &value, &size);
#endif
  if (result != 0)
  {
    ec = last_socket_error();
    return false;
  }
  // Some stacks answer a boolean option with a single byte.
  if (size == 1)
    value = *reinterpret_cast<unsigned char*>(&value) ? 1 : 0;
  ec.clear();
  return true;
}

inline bool set_int_option(native_socket s, int level, int name, int value,
    error_code& ec) noexcept
{
#if defined(_WIN32)
  const int result = ::setsockopt(s, level, name,
      reinterpret_cast<const char*>(&value), sizeof(value));
#else
  const int result = ::setsockopt(s, level, name, &value, sizeof(value));
#endif
  if (result != 0)
  {
    ec = last_socket_error();
    return false;
  }
  ec.clear();
  return true;
}

/// Whether SO_REUSEADDR is on (false if it cannot be read).
inline bool reuse_address_is_set(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, SOL_SOCKET, SO_REUSEADDR, value, ignored) && value != 0;
}

/// The socket's type (SOCK_STREAM, SOCK_DGRAM, ...).
inline int socket_type(native_socket s, error_code& ec) noexcept
{
  int type = 0;
  get_int_option(s, SOL_SOCKET, SO_TYPE, type, ec);
  return type;
}

/// Reads the socket's local address; false where the platform gives none
/// (Windows fails getsockname on an unbound socket with WSAEINVAL).
inline bool local_address(native_socket s, sockaddr_storage& address) noexcept
{
  std::memset(&address, 0, sizeof(address));
#if defined(_WIN32)
  int size = sizeof(address);
#else
  socklen_t size = sizeof(address);
#endif
  return ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) == 0;
}

/// The address and port held in a socket address (unspecified for another
/// family).
inline net::ip::address endpoint_address(const sockaddr_storage& address,
    unsigned short& port) noexcept
{
  port = 0;
  if (address.ss_family == AF_INET)
  {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    port = ntohs(v4.sin_port);
    net::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &v4.sin_addr, 4);
    return net::ip::address_v4(bytes);
  }
  if (address.ss_family == AF_INET6)
  {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    port = ntohs(v6.sin6_port);
    net::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), &v6.sin6_addr, 16);
    return net::ip::address_v6(bytes, v6.sin6_scope_id);
  }
  return net::ip::address();
}

/// Whether an IPv6 socket has IPV6_V6ONLY on (false if it cannot be read).
inline bool is_v6_only(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, value, ignored) && value != 0;
}

/// Whether the socket listens (SO_ACCEPTCONN; false if it cannot be read).
inline bool is_listening(native_socket s) noexcept
{
  int value = 0;
  error_code ignored;
  return get_int_option(s, SOL_SOCKET, SO_ACCEPTCONN, value, ignored) && value != 0;
}

/// The socket's address family (AF_INET, AF_INET6), or 0 where the
/// platform cannot tell (Windows answers only for a bound socket).
inline int socket_family(native_socket s) noexcept
{
  sockaddr_storage address;
  return local_address(s, address) ? address.ss_family : 0;
}

/// Whether the socket has a local port. An unbound socket answers false on
/// every platform (POSIX gives port 0).
inline bool is_bound(native_socket s) noexcept
{
  sockaddr_storage address;
  if (!local_address(s, address))
    return false;
  if (address.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(address).sin_port != 0;
  if (address.ss_family == AF_INET6)
    return reinterpret_cast<const sockaddr_in6&>(address).sin6_port != 0;
  return false;
}

/// Waits until the socket is readable or `milliseconds` pass (no error
/// then). An interrupted wait reports `interrupted`.
inline void wait_readable(native_socket s, int milliseconds, error_code& ec) noexcept
{
#if defined(_WIN32)
  WSAPOLLFD request;
  request.fd = s;
  request.events = POLLRDNORM;
  request.revents = 0;
  const int result = ::WSAPoll(&request, 1, milliseconds);
#else
  pollfd request{s, POLLIN, 0};
  const int result = ::poll(&request, 1, milliseconds);
#endif
  if (result < 0)
    ec = last_socket_error();
  else
    ec.clear();
}

// -- The platform's rules ------------------------------------------------------

/// The rules option that a SOL_SOCKET option name stands for; false for
/// any other option.
inline bool rules_option(int level, int name, rules::option& out) noexcept
{
  if (level != SOL_SOCKET)
    return false;
  if (name == SO_REUSEADDR)
    out = rules::option::reuse_address;
#if defined(_WIN32)
  else if (name == SO_EXCLUSIVEADDRUSE)
    out = rules::option::exclusive_address_use;
#else
  else if (name == SO_REUSEPORT)
    out = rules::option::reuse_port;
#  if defined(SO_REUSEPORT_LB)
  else if (name == SO_REUSEPORT_LB)
    out = rules::option::reuse_port_lb;
#  endif
#endif
  else
    return false;
  return true;
}

/// The socket as portguard::rules sees a defender: its protocol, whether it
/// listens, whether its address is a wildcard (an unbound socket counts as
/// one), and the sharing options it has on. A handful of getsockopt calls
/// and one getsockname.
inline rules::defender rules_defender(native_socket s, error_code& ec) noexcept
{
  rules::defender d{rules::protocol::tcp, rules::socket_state::bound,
      rules::address_kind::wildcard, {}};
  const int type = socket_type(s, ec);
  if (ec)
    return d;
  d.proto = type == SOCK_DGRAM ? rules::protocol::udp : rules::protocol::tcp;
  int value = 0;
  if (d.proto == rules::protocol::tcp)
  {
    if (!get_int_option(s, SOL_SOCKET, SO_ACCEPTCONN, value, ec))
      return d;
    if (value != 0)
      d.state = rules::socket_state::listening;
  }
  sockaddr_storage local;
  if (local_address(s, local))
  {
    unsigned short port = 0;
    if (!endpoint_address(local, port).is_unspecified())
      d.address = rules::address_kind::specific;
  }
  const int names[] = {SO_REUSEADDR,
#if defined(_WIN32)
      SO_EXCLUSIVEADDRUSE,
#else
      SO_REUSEPORT,
#  if defined(SO_REUSEPORT_LB)
      SO_REUSEPORT_LB,
#  endif
#endif
  };
  for (int name : names)
  {
    if (!get_int_option(s, SOL_SOCKET, name, value, ec))
      return d;
    rules::option o = rules::option::reuse_address;
    if (value != 0 && rules_option(SOL_SOCKET, name, o))
      d.options = d.options.with(o);
  }
  return d;
}

/// Whether no unprivileged rival could share or shadow the socket's port,
/// whatever it tries, by this platform's rules (portguard::rules): the
/// option half of is_exclusive(). False on macOS and FreeBSD for a wildcard
/// socket, which a same-user rival can always shadow.
inline bool options_are_exclusive(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::open_to_unprivileged(rules::this_platform(), d);
}

/// Whether the socket's options are as exclusive as this platform allows:
/// no option it has on lets in a rival that portguard's own options would
/// keep out. What an adoption under exclusivity::required asks.
inline bool options_are_as_exclusive_as_possible(native_socket s, error_code& ec) noexcept
{
  const rules::defender d = rules_defender(s, ec);
  return !ec && !rules::opened_by_options(rules::this_platform(), d);
}

/// Whether SO_EXCLUSIVEADDRUSE can read back "on" while it protects nothing:
/// on Windows it has effect only if set before bind, yet reads back 1 when
/// set later (seen under Wine; Microsoft documents the before-bind rule).
/// An in-process probe bind tells the difference (verify.hpp).
#if defined(_WIN32)
constexpr bool exclusive_option_may_be_inert = true;
#else
constexpr bool exclusive_option_may_be_inert = false;
#endif

/// Whether an exclusive bind to a specific address can succeed beside a
/// socket bound to the wildcard of the same port (Windows: yes, row
/// "none W", column "EXCL S" of Microsoft's table), so such a bind proves
/// less than one to the wildcard.
#if defined(_WIN32)
constexpr bool specific_bind_may_sit_beside_wildcard = true;
#else
constexpr bool specific_bind_may_sit_beside_wildcard = false;
#endif

/// Whether a bind is refused because another socket holds the address
/// (EADDRINUSE; on Windows also WSAEACCES, the answer of an exclusive
/// socket).
inline bool is_conflict(const error_code& ec) noexcept
{
#if defined(_WIN32)
  return ec == net::error::address_in_use || ec == net::error::access_denied;
#else
  return ec == net::error::address_in_use;
#endif
}

/// Binds a new socket of `family`/`type` with no options to the address and
/// port, and closes it at once: true if the bind succeeded. `ec` holds the
/// bind's error otherwise (or the error of opening the socket).
inline bool probe_bind(int family, int type, const net::ip::address& address,
    unsigned short port, error_code& ec) noexcept
{
  const native_socket s = ::socket(family, type, 0);
#if defined(_WIN32)
  if (s == INVALID_SOCKET)
#else
  if (s < 0)
#endif
  {
    ec = last_socket_error();
    return false;
  }
  sockaddr_storage storage;
  std::memset(&storage, 0, sizeof(storage));
  socket_length size = 0;
  if (address.is_v4())
  {
    auto& v4 = reinterpret_cast<sockaddr_in&>(storage);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    const auto bytes = address.to_v4().to_bytes();
    std::memcpy(&v4.sin_addr, bytes.data(), bytes.size());
    size = sizeof(sockaddr_in);
  }
  else
  {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(storage);
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    const auto bytes = address.to_v6().to_bytes();
    std::memcpy(&v6.sin6_addr, bytes.data(), bytes.size());
    v6.sin6_scope_id = static_cast<std::uint32_t>(address.to_v6().scope_id());
    size = sizeof(sockaddr_in6);
  }
  const bool bound = ::bind(s, reinterpret_cast<const sockaddr*>(&storage), size) == 0;
  if (!bound)
    ec = last_socket_error();
  else
    ec.clear();
#if defined(_WIN32)
  ::closesocket(s);
#else
  ::close(s);
#endif
  return bound;
}

/// Windows: whether this platform refuses a wildcard bind beside a lone
/// exclusive listener on a specific address of the same port. Microsoft's
/// table says it does not (row "EXCL S", column "none W"); Wine, whose Linux
/// underneath refuses every overlapping bind, does. Where it does, such a
/// refusal says nothing about other holders. Measured once per process on
/// an ephemeral loopback port; false (Microsoft's answer) if the
/// measurement cannot be made.
inline bool wildcard_refused_beside_any_specific() noexcept
{
#if defined(_WIN32)
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
#else
  return false;
#endif
}

/// The value of a native socket that is not open.
#if defined(_WIN32)
constexpr native_socket no_socket = INVALID_SOCKET;
#else
constexpr native_socket no_socket = -1;
#endif

/// Opens a socket that portguard keeps to itself: not inherited by child
/// processes (close-on-exec; on Windows not inheritable), no options set.
inline native_socket open_private_socket(int family, int type, error_code& ec) noexcept
{
#if defined(_WIN32)
  const native_socket s = ::WSASocketW(family, type, 0, nullptr, 0,
      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET)
    ec = last_socket_error();
  else
    ec.clear();
  return s;
#else
#  if defined(SOCK_CLOEXEC)
  const native_socket s = ::socket(family, type | SOCK_CLOEXEC, 0);
#  else
  const native_socket s = ::socket(family, type, 0);
  if (s >= 0)
    ::fcntl(s, F_SETFD, FD_CLOEXEC);
#  endif
  if (s < 0)
  {
    ec = last_socket_error();
    return no_socket;
  }
  ec.clear();
  return s;
#endif
}

/// Closes a socket opened by open_private_socket().
inline void close_private_socket(native_socket s) noexcept
{
#if defined(_WIN32)
  ::closesocket(s);
#else
  ::close(s);
#endif
}

/// Something that tells this open socket from another socket that later
/// gets the same handle: POSIX, the socket's inode; Windows, its local
/// address and port (a handle that is closed, or reused for a socket bound
/// elsewhere, reads differently). False if `s` is not an open socket.
inline bool socket_fingerprint(native_socket s, std::uint64_t& identity) noexcept
{
#if defined(_WIN32)
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
#else
  struct stat status;
  if (::fstat(s, &status) != 0 || !S_ISSOCK(status.st_mode))
    return false;
  identity = static_cast<std::uint64_t>(status.st_ino);
  return true;
#endif
}

/// Whether a socket or bind error means the address family, or the
/// address, does not exist on this host (no IPv6, or no `::1`).
inline bool is_missing_family(const error_code& ec) noexcept
{
#if defined(_WIN32)
  constexpr int address_not_available = WSAEADDRNOTAVAIL;
#else
  constexpr int address_not_available = EADDRNOTAVAIL;
#endif
  return ec == net::error::address_family_not_supported
      || ec == error_code(address_not_available, net::error::get_system_category());
}

/// Sets IPV6_V6ONLY on an IPv6 socket.
inline void set_v6_only(native_socket s, error_code& ec) noexcept
{
  set_int_option(s, IPPROTO_IPV6, IPV6_V6ONLY, 1, ec);
}

/// Sets SO_REUSEADDR on or off.
inline void set_reuse_address(native_socket s, bool on, error_code& ec) noexcept
{
  set_int_option(s, SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0, ec);
}

/// Whether a stream socket is connected (it has a peer).
inline bool is_connected(native_socket s) noexcept
{
  sockaddr_storage peer;
#if defined(_WIN32)
  int size = sizeof(peer);
#else
  socklen_t size = sizeof(peer);
#endif
  return ::getpeername(s, reinterpret_cast<sockaddr*>(&peer), &size) == 0;
}

/// Whether setting the raw option (level, name, data, size) on a TCP
/// acceptor would let rivals share the port, so a secure acceptor must
/// refuse it (portguard::rules::option_would_share). The value is judged as
/// the kernel will read it (option_value_as_read), whatever its size: a
/// buffer the kernel refuses cannot share anything.
inline bool option_would_share(int level, int name, const void* data,
    std::size_t size) noexcept
{
  int value = 0;
  rules::option o = rules::option::reuse_address;
  if (!rules_option(level, name, o) || !option_value_as_read(data, size, value))
    return false;
  return rules::option_would_share(rules::this_platform(), rules::protocol::tcp,
      rules::socket_state::bound, o, value != 0);
}

/// Applies the platform's exclusive rule to an open, unbound socket:
/// Windows: SO_EXCLUSIVEADDRUSE on (SO_REUSEADDR turned off first if it was
/// on, since the two conflict). POSIX: SO_REUSEPORT off, and for a datagram
/// socket SO_REUSEADDR off too. Never turns SO_REUSEADDR on.
/// Reports portguard's conflicting_option or option_refused on failure.
inline void set_exclusive(native_socket s, bool datagram, error_code& ec) noexcept
{
#if defined(_WIN32)
  (void)datagram;
  if (set_int_option(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1, ec))
    return;
  // Windows refuses SO_EXCLUSIVEADDRUSE while SO_REUSEADDR is on: turn the
  // latter off (the socket is not bound yet) and try once more.
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
#else
  if (!set_int_option(s, SOL_SOCKET, SO_REUSEPORT, 0, ec))
  {
    ec = error::option_refused;
    return;
  }
  if (datagram && !set_int_option(s, SOL_SOCKET, SO_REUSEADDR, 0, ec))
    ec = error::option_refused;
#endif
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_PLATFORM_HPP
