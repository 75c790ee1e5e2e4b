//
// portguard/error.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_ERROR_HPP
#define PORTGUARD_ERROR_HPP

#include <portguard/detail/config.hpp>

#include <string>
#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

/// The errors portguard adds to those of the operating system and Asio.
/**
 * Each value belongs to the category returned by portguard::category(),
 * whose name is "portguard". An `error_code` holding one of these compares
 * equal to the enumerator: `if (ec == portguard::error::not_exclusive)`.
 */
enum class error
{
  /// The operating system refused the option that makes a socket exclusive.
  /// Under exclusivity::required the operation stops and nothing stays bound.
  option_refused = 1,

  /// An option conflicts with exclusive address use: on Windows
  /// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE cannot both be set, and a
  /// secure acceptor refuses any option that would let others share its port.
  conflicting_option,

  /// An adopted socket lets other sockets share its port.
  not_exclusive,

  /// Exclusivity must be set before bind, and the socket is already bound.
  already_bound,

  /// An adopted native handle is not of the socket type or address family
  /// the protocol expects (for example a datagram socket given to an
  /// acceptor).
  wrong_socket_type
};

namespace detail {

// Boost's error_category has a protected, non-virtual destructor by design;
// the one instance below is never deleted through a base pointer.
#if defined(__GNUC__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif
class error_category_impl : public error_category
{
public:
  const char* name() const noexcept override { return "portguard"; }

  std::string message(int value) const override
  {
    switch (static_cast<error>(value))
    {
    case error::option_refused:
      return "the operating system refused the exclusive address option, so "
             "the port could be shared; nothing was bound (use "
             "exclusivity::best_effort to go on without it)";
    case error::conflicting_option:
      return "the option conflicts with exclusive address use; set "
             "exclusive_address_use on a newly opened socket before bind "
             "(open, set_option, bind, listen) or use portguard::secure_acceptor, "
             "and do not set reuse_address on Windows";
    case error::not_exclusive:
      return "the socket lets other sockets share its port; create it "
             "exclusive (exclusive_bind or secure_acceptor) or adopt it with "
             "exclusivity::best_effort";
    case error::already_bound:
      return "the socket is already bound, and exclusivity only takes effect "
             "when set before bind; use portguard::secure_acceptor, or open a "
             "new socket, make it exclusive, then bind (and listen)";
    case error::wrong_socket_type:
      return "the native socket is not of the type or address family the "
             "protocol expects (for example a datagram socket given to an "
             "acceptor, or an IPv4 socket adopted as IPv6)";
    }
    return "unknown portguard error";
  }
};
#if defined(__GNUC__)
#  pragma GCC diagnostic pop
#endif

} // namespace detail

/// Returns the "portguard" error category.
inline const error_category& category() noexcept
{
  static const detail::error_category_impl instance;
  return instance;
}

/// Makes an `error_code` from a portguard::error.
inline error_code make_error_code(error e) noexcept
{
  return error_code(static_cast<int>(e), category());
}

PORTGUARD_NAMESPACE_END

#if defined(PORTGUARD_STANDALONE_ASIO)
namespace std {
template <>
struct is_error_code_enum<::portguard::error> : true_type
{
};
} // namespace std
#else
namespace boost {
namespace system {
template <>
struct is_error_code_enum<::portguard::error> : std::true_type
{
};
} // namespace system
} // namespace boost
#endif

#endif // PORTGUARD_ERROR_HPP
