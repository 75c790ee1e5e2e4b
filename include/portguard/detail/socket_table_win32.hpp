//
// portguard/detail/socket_table_win32.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The socket table on Windows: GetExtendedTcpTable (listeners) and
// GetExtendedUdpTable with owning process ids, looked up in iphlpapi.dll at
// run time (no import library). Included by socket_table.hpp only.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TABLE_WIN32_HPP
#define PORTGUARD_DETAIL_SOCKET_TABLE_WIN32_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_holder.hpp>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

using extended_tcp_table_function = DWORD(WINAPI*)(PVOID, PDWORD, BOOL, ULONG,
    TCP_TABLE_CLASS, ULONG);
using extended_udp_table_function = DWORD(WINAPI*)(PVOID, PDWORD, BOOL, ULONG,
    UDP_TABLE_CLASS, ULONG);

/// A function of iphlpapi.dll, loaded once (the DLL stays loaded).
template <typename Function>
Function iphlpapi_function(const char* name) noexcept
{
  static const HMODULE module = ::LoadLibraryW(L"iphlpapi.dll");
  if (!module)
    return nullptr;
  // Through void(*)(), the one conversion between function types that
  // compilers accept without a warning.
  return reinterpret_cast<Function>(
      reinterpret_cast<void (*)()>(::GetProcAddress(module, name)));
}

/// Calls one of the GetExtended*Table functions until the buffer is big
/// enough (a few tries: the table may grow between calls).
template <typename Call>
bool read_ip_table(std::vector<unsigned char>& buffer, Call call, error_code& ec)
{
  DWORD size = 16 * 1024;
  for (int tries = 0; tries < 5; ++tries)
  {
    buffer.resize(size);
    const DWORD result = call(buffer.data(), &size);
    if (result == NO_ERROR)
    {
      ec.clear();
      return true;
    }
    if (result != ERROR_INSUFFICIENT_BUFFER)
    {
      ec = error_code(static_cast<int>(result), net::error::get_system_category());
      return false;
    }
  }
  ec = net::error::no_buffer_space;
  return false;
}

inline unsigned short table_port(DWORD port) noexcept
{
  return ntohs(static_cast<u_short>(port & 0xffff));
}

/// Every socket holding `port` (0: every port) of `protocol`: TCP
/// listeners, or UDP sockets, both families. Windows lists no TCP socket
/// that is bound but not listening, so a TCP list is never complete.
PORTGUARD_DECL void read_table(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec)
{
  out.sockets.clear();
  out.complete = false;
  const bool udp = protocol == IPPROTO_UDP;
  static const auto tcp_table =
      iphlpapi_function<extended_tcp_table_function>("GetExtendedTcpTable");
  static const auto udp_table =
      iphlpapi_function<extended_udp_table_function>("GetExtendedUdpTable");
  if (!tcp_table || !udp_table)
  {
    ec = net::error::operation_not_supported;
    return;
  }
  std::vector<unsigned char> buffer;
  for (ULONG family : {ULONG(AF_INET), ULONG(AF_INET6)})
  {
    const bool read = read_ip_table(buffer, [&](void* data, DWORD* size) {
      return udp ? udp_table(data, size, FALSE, family, UDP_TABLE_OWNER_PID, 0)
                 : tcp_table(data, size, FALSE, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
    }, ec);
    if (!read)
      return;
    auto add = [&](const net::ip::address& address, DWORD row_port, DWORD pid) {
      const unsigned short local_port = table_port(row_port);
      if (port != 0 && local_port != port)
        return;
      port_holder h;
      h.address = address;
      h.port = local_port;
      h.state = udp ? holder_state::datagram : holder_state::listening;
      // The tables do not say whether an IPv6 socket is dual-stack; Windows
      // sockets are IPv6-only unless their owner turned IPV6_V6ONLY off,
      // and a dual-stack socket could not sit beside an exclusive IPv4
      // socket of the same port anyway (the IPv4 half conflicts).
      h.v6_only = address.is_v6();
      if (pid != 0) // 0: unknown (Wine cannot always tell; Windows never owns a socket as 0)
        h.pid = static_cast<std::uint32_t>(pid);
      out.sockets.push_back(std::move(h));
    };
    if (family == AF_INET)
    {
      auto v4 = [](DWORD a) {
        net::ip::address_v4::bytes_type bytes;
        std::memcpy(bytes.data(), &a, 4);
        return net::ip::address(net::ip::address_v4(bytes));
      };
      if (udp)
      {
        const auto* table = reinterpret_cast<const MIB_UDPTABLE_OWNER_PID*>(buffer.data());
        for (DWORD i = 0; i < table->dwNumEntries; ++i)
          add(v4(table->table[i].dwLocalAddr), table->table[i].dwLocalPort,
              table->table[i].dwOwningPid);
      }
      else
      {
        const auto* table = reinterpret_cast<const MIB_TCPTABLE_OWNER_PID*>(buffer.data());
        for (DWORD i = 0; i < table->dwNumEntries; ++i)
          add(v4(table->table[i].dwLocalAddr), table->table[i].dwLocalPort,
              table->table[i].dwOwningPid);
      }
    }
    else
    {
      auto v6 = [](const UCHAR (&a)[16]) {
        net::ip::address_v6::bytes_type bytes;
        std::memcpy(bytes.data(), a, 16);
        return net::ip::address(net::ip::address_v6(bytes));
      };
      if (udp)
      {
        const auto* table = reinterpret_cast<const MIB_UDP6TABLE_OWNER_PID*>(buffer.data());
        for (DWORD i = 0; i < table->dwNumEntries; ++i)
          add(v6(table->table[i].ucLocalAddr), table->table[i].dwLocalPort,
              table->table[i].dwOwningPid);
      }
      else
      {
        const auto* table = reinterpret_cast<const MIB_TCP6TABLE_OWNER_PID*>(buffer.data());
        for (DWORD i = 0; i < table->dwNumEntries; ++i)
          add(v6(table->table[i].ucLocalAddr), table->table[i].dwLocalPort,
              table->table[i].dwOwningPid);
      }
    }
  }
  out.complete = udp || scope == holder_scope::listeners;
}

/// Whether this platform lists TCP sockets that are bound but not listening.
/// Where a table that lists bound TCP sockets can be had (nowhere here).
constexpr const char* bound_listing_hint = "";

PORTGUARD_DECL bool table_lists_bound_sockets(error_code& cause) noexcept
{
  cause.clear();
  return false;
}

PORTGUARD_DECL bool table_lists_bound_sockets() noexcept
{
  return false;
}

/// This socket's identity in the table: the process id (the table has no
/// per-socket identity on Windows).
PORTGUARD_DECL std::uint64_t socket_identity(native_socket) noexcept
{
  return ::GetCurrentProcessId();
}

/// Whether `holder` can be the socket `s` itself: its exact local address
/// and port, in this process or in one the table does not name. Only one
/// entry is ever taken for the socket, so a second socket on the same
/// address still shows.
PORTGUARD_DECL bool is_same_socket(const port_holder& holder, native_socket s,
    std::uint64_t identity) noexcept
{
  if (holder.pid && *holder.pid != identity)
    return false;
  sockaddr_storage local;
  if (!local_address(s, local))
    return false;
  unsigned short port = 0;
  return endpoint_address(local, port) == holder.address && port == holder.port;
}

/// Fills in the process names of holders whose pid is known and visible,
/// and that process as the one entry of `processes` (the table names one
/// owner per socket). Returns 0: no process is hidden from the table.
PORTGUARD_DECL std::size_t find_owners(std::vector<port_holder>& holders)
{
  for (port_holder& h : holders)
  {
    if (!h.pid || !h.processes.empty())
      continue;
    const HANDLE process = ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, *h.pid);
    if (process)
    {
      char path[MAX_PATH];
      DWORD size = MAX_PATH;
      if (h.process.empty() && ::QueryFullProcessImageNameA(process, 0, path, &size))
      {
        std::string full(path, size);
        const auto slash = full.find_last_of("\\/");
        h.process = slash == std::string::npos ? full : full.substr(slash + 1);
      }
      ::CloseHandle(process);
    }
    h.processes.push_back(holder_process{*h.pid, std::nullopt, h.process});
  }
  return 0;
}

/// Windows names one owner per socket: a duplicated handle
/// (WSADuplicateSocket) cannot be seen, so a socket of this process is
/// taken as its own.
PORTGUARD_DECL sharing_verdict judge_sharing(const port_holder&, std::size_t) noexcept
{
  return sharing_verdict::alone;
}

/// Whether `holder` belongs to this process. The table gives no handle, so
/// the listener's options cannot be read here: a listener of this process
/// is taken as this process's own.
PORTGUARD_DECL bool listener_of_this_process_is_exclusive(const port_holder& holder,
    error_code& ec)
{
  ec.clear();
  return holder.pid && *holder.pid == ::GetCurrentProcessId();
}

/// This process's id, as the table and holder_process::pid give it.
PORTGUARD_DECL std::uint32_t this_process_id() noexcept
{
  return static_cast<std::uint32_t>(::GetCurrentProcessId());
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SOCKET_TABLE_WIN32_HPP
