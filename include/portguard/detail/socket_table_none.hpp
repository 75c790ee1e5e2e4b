//
// portguard/detail/socket_table_none.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Platforms whose socket table portguard cannot read (macOS, the BSDs):
// every lookup reports operation_not_supported. Included by
// socket_table.hpp only.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TABLE_NONE_HPP
#define PORTGUARD_DETAIL_SOCKET_TABLE_NONE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/port_holder.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL void read_table(int, unsigned short, holder_scope, port_holders& out,
    error_code& ec)
{
  out.sockets.clear();
  out.complete = false;
  ec = net::error::operation_not_supported;
}

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

PORTGUARD_DECL std::uint64_t socket_identity(native_socket) noexcept
{
  return 0;
}

PORTGUARD_DECL bool is_same_socket(const port_holder&, native_socket, std::uint64_t) noexcept
{
  return false;
}

PORTGUARD_DECL std::size_t find_owners(std::vector<port_holder>&)
{
  return 0;
}

PORTGUARD_DECL sharing_verdict judge_sharing(const port_holder&, std::size_t) noexcept
{
  return sharing_verdict::alone;
}

PORTGUARD_DECL bool listener_of_this_process_is_exclusive(const port_holder&, error_code& ec)
{
  ec = net::error::operation_not_supported;
  return false;
}

/// This process's id, as the table and holder_process::pid give it.
PORTGUARD_DECL std::uint32_t this_process_id() noexcept
{
  return static_cast<std::uint32_t>(::getpid());
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SOCKET_TABLE_NONE_HPP
