//
// portguard/exclusive_address_use.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_EXCLUSIVE_ADDRESS_USE_HPP
#define PORTGUARD_EXCLUSIVE_ADDRESS_USE_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/platform.hpp>

#include <cstddef>
#include <stdexcept>

PORTGUARD_NAMESPACE_BEGIN

/// Socket option: no other socket may share this socket's port.
/**
 * Meets Asio's SettableSocketOption and GettableSocketOption requirements,
 * so it works with any Asio socket or acceptor.
 *
 * - **Windows:** implements the SOL_SOCKET/SO_EXCLUSIVEADDRUSE socket option.
 * - **POSIX:** implements the SOL_SOCKET/SO_REUSEPORT socket option with the
 *   value inverted: `exclusive_address_use(true)` turns SO_REUSEPORT off,
 *   `exclusive_address_use(false)` turns it on.
 *
 * Set it after open and before bind; it has no effect on a socket that is
 * already bound. On Windows it cannot be combined with reuse_address
 * (the call fails with WSAEINVAL); portguard::make_exclusive() turns
 * reuse_address off first. On POSIX it does not touch SO_REUSEADDR, so a
 * UDP socket with reuse_address stays shareable: use make_exclusive() or
 * exclusive_bind() there.
 *
 * @par Examples
 * Setting the option:
 * @code
 * boost::asio::ip::tcp::acceptor acceptor(my_context);
 * acceptor.open(boost::asio::ip::tcp::v4());
 * acceptor.set_option(portguard::exclusive_address_use(true));
 * acceptor.bind({boost::asio::ip::tcp::v4(), 8080});
 * @endcode
 *
 * @par
 * Getting the current option value:
 * @code
 * portguard::exclusive_address_use option;
 * acceptor.get_option(option);
 * bool is_set = option.value();
 * @endcode
 */
class exclusive_address_use
{
public:
  /// Constructs the option with the value false.
  exclusive_address_use() noexcept : value_(detail::stored_value(false)) {}

  /// Constructs the option with the given value.
  explicit exclusive_address_use(bool exclusive) noexcept
    : value_(detail::stored_value(exclusive))
  {
  }

  /// Sets the value.
  exclusive_address_use& operator=(bool exclusive) noexcept
  {
    value_ = detail::stored_value(exclusive);
    return *this;
  }

  /// Whether the option says "exclusive".
  bool value() const noexcept { return detail::stored_means_exclusive(value_); }

  /// Same as value().
  explicit operator bool() const noexcept { return value(); }

  /// Same as !value().
  bool operator!() const noexcept { return !value(); }

  /// The option's level (SOL_SOCKET).
  template <typename Protocol>
  int level(const Protocol&) const noexcept
  {
    return detail::exclusive_option_level;
  }

  /// The option's name (SO_EXCLUSIVEADDRUSE on Windows, SO_REUSEPORT on POSIX).
  template <typename Protocol>
  int name(const Protocol&) const noexcept
  {
    return detail::exclusive_option_name;
  }

  /// The address of the native option value.
  template <typename Protocol>
  int* data(const Protocol&) noexcept
  {
    return &value_;
  }

  /// The address of the native option value.
  template <typename Protocol>
  const int* data(const Protocol&) const noexcept
  {
    return &value_;
  }

  /// The size of the native option value.
  template <typename Protocol>
  std::size_t size(const Protocol&) const noexcept
  {
    return sizeof(value_);
  }

  /// Accepts the size the operating system reported after getsockopt.
  /**
   * @throws std::length_error if the size is neither an int nor one byte.
   */
  template <typename Protocol>
  void resize(const Protocol&, std::size_t s)
  {
    // Some stacks return a boolean option as a single byte.
    if (s == 1)
      value_ = *reinterpret_cast<unsigned char*>(&value_) ? 1 : 0;
    else if (s != sizeof(value_))
      throw std::length_error("exclusive_address_use resize");
  }

private:
  int value_;
};

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_EXCLUSIVE_ADDRESS_USE_HPP
