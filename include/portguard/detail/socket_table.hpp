//
// portguard/detail/socket_table.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Who holds a port, from the operating system's socket table, chosen once:
// socket_table_linux.hpp (inet_diag), socket_table_win32.hpp (IP Helper) or
// socket_table_none.hpp, each with read_table, table_lists_bound_sockets,
// socket_identity, is_same_socket, find_owners and judge_sharing; what is
// common is in impl/socket_table.ipp. This header declares them; the
// definitions (and the system headers they need) come with it only when
// header-only.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TABLE_HPP
#define PORTGUARD_DETAIL_SOCKET_TABLE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_holder.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// Which TCP holders a lookup lists (UDP sockets are always listed).
enum class holder_scope
{
  listeners, ///< Listening sockets only: cheap.
  all        ///< Also sockets bound but not listening: walks the bind table.
};

/// Whether another process holds the file description of a socket of ours
/// (judge_sharing()): its descriptor was passed (SCM_RIGHTS) or inherited.
enum class sharing_verdict
{
  alone,   ///< No other process, or only the service manager that handed it over.
  shared,  ///< Another process has it open and can accept on it.
  unknown  ///< Another user made it, and this process cannot list every process.
};

} // namespace detail
PORTGUARD_NAMESPACE_END

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

// Each operating system's file (socket_table_linux.hpp, _win32.hpp,
// _none.hpp) defines these.

/// Every socket holding `port` (0: every port) of `protocol`, both families.
PORTGUARD_DECL void read_table(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec);

/// Whether the table lists TCP sockets that are bound but not listening;
/// `cause` says why that could not be checked.
PORTGUARD_DECL bool table_lists_bound_sockets(error_code& cause) noexcept;
PORTGUARD_DECL bool table_lists_bound_sockets() noexcept;

/// What tells a socket of this process from others in the table.
PORTGUARD_DECL std::uint64_t socket_identity(native_socket s) noexcept;

/// Whether `holder` is the socket `s` itself (`identity`: socket_identity(s)).
PORTGUARD_DECL bool is_same_socket(const port_holder& holder, native_socket s,
    std::uint64_t identity) noexcept;

/// Fills in the processes of each holder where this process may see them;
/// returns how many processes it could not look into.
PORTGUARD_DECL std::size_t find_owners(std::vector<port_holder>& holders);

/// Whether another process holds `self`'s file description (`hidden`:
/// processes find_owners() could not look into).
PORTGUARD_DECL sharing_verdict judge_sharing(const port_holder& self,
    std::size_t hidden) noexcept;

/// Whether `holder` is a socket of this process whose options keep rivals out.
PORTGUARD_DECL bool listener_of_this_process_is_exclusive(const port_holder& holder,
    error_code& ec);

/// This process's id.
PORTGUARD_DECL std::uint32_t this_process_id() noexcept;

} // namespace detail
PORTGUARD_NAMESPACE_END

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

/// read_table, through the test seam: a build with PORTGUARD_FAULT_SEAM can
/// make the table unreadable (as in a sandbox that refuses netlink) or
/// partial (as on a kernel that does not list bound sockets).
PORTGUARD_DECL void read_holders(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec);

/// Why a lookup of `protocol` on `port` cannot show every holder, for an
/// exception's text: the error that stopped the read, a failed check of
/// the table, or a table without bound TCP sockets. Empty if it can now.
PORTGUARD_DECL std::string holders_unknown_cause(int protocol, unsigned short port);

/// Whether two sockets bound to the same port on these addresses overlap:
/// the same address, a wildcard on either side of one family, or an IPv4
/// address under a dual-stack `[::]`. A v4-mapped address counts as IPv4.
PORTGUARD_DECL bool addresses_overlap(const net::ip::address& a, bool a_v6_only,
    const net::ip::address& b, bool b_v6_only);

/// Keeps the holders whose address overlaps `address` (an IPv6 socket that
/// is dual-stack unless `v6_only`).
PORTGUARD_DECL void keep_overlapping(std::vector<port_holder>& holders,
    const net::ip::address& address, bool v6_only);

/// The holders of the socket's local port that overlap its address, but
/// not the socket itself (`exclude_self`: a connection is never among the
/// holders, so there is nothing to take out). `invalid_argument` if the
/// socket is not bound.
///
/// With `sharing` (not null), the socket itself is also checked for other
/// processes holding its file description (find_owners(), a walk of /proc
/// on Linux, and judge_sharing()): when shared it stays in `out`, its
/// processes listed, and `*sharing` says so. Every holder's processes are
/// filled in then.
PORTGUARD_DECL void read_other_holders(native_socket s, holder_scope scope,
    port_holders& out, error_code& ec, bool exclude_self = true,
    sharing_verdict* sharing = nullptr);

/// Whether another process holds the file description of socket `s`, as
/// read_other_holders() judges it, and the socket as the table lists it
/// (`self`, with its processes). `ec` if the table cannot be read.
PORTGUARD_DECL sharing_verdict socket_sharing(native_socket s, port_holder& self, error_code& ec);

/// `[::1]:8080` or `127.0.0.1:8080`.
PORTGUARD_DECL std::string endpoint_text(const net::ip::address& address, unsigned short port);

/// `pid 4242 (python3)`, the name as printable() shows it.
PORTGUARD_DECL std::string describe_process(std::uint32_t pid, const std::string& name);

/// One line: `127.0.0.1:8080 listening, uid 65534, pid 4242 (python3)`; the
/// process name as printable() shows it (any user may choose a name). A
/// socket open in several processes lists each, with its own uid:
/// `..., uid 65534, open in 2 processes: pid 4242 (python3) uid 65534, pid
/// 4250 (server) uid 0`.
PORTGUARD_DECL std::string describe(const port_holder& h);

/// Why socket `s` is not alone or cannot be known to be, for an exception's
/// text: the other processes that hold its file description (uid, pid,
/// name), or the user that made it whose processes cannot be listed. Empty
/// when neither holds (or the table cannot be read).
PORTGUARD_DECL std::string sharing_cause(native_socket s);

} // namespace detail
PORTGUARD_NAMESPACE_END

// The definitions: in every translation unit when header-only, else in the
// one that includes <portguard/impl/src.hpp>.
#if defined(PORTGUARD_HEADER_ONLY) || defined(PORTGUARD_SOURCE)
#  if defined(__linux__)
#    include <portguard/detail/socket_table_linux.hpp>
#  elif defined(_WIN32)
#    include <portguard/detail/socket_table_win32.hpp>
#  else
#    include <portguard/detail/socket_table_none.hpp>
#  endif
#  include <portguard/detail/impl/socket_table.ipp>
#endif

#endif // PORTGUARD_DETAIL_SOCKET_TABLE_HPP
