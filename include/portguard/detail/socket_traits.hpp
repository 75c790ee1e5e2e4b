//
// portguard/detail/socket_traits.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Which Asio socket types the free functions accept. Derived types (such as
// basic_secure_acceptor) are recognised through their Asio base.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TRAITS_HPP
#define PORTGUARD_DETAIL_SOCKET_TRAITS_HPP

#include <portguard/detail/config.hpp>

#include <type_traits>

PORTGUARD_NAMESPACE_BEGIN

template <typename Protocol, typename Executor>
class basic_secure_acceptor;

namespace detail {

template <typename Protocol, typename Executor>
std::true_type acceptor_test(const net::basic_socket_acceptor<Protocol, Executor>*);
std::false_type acceptor_test(...);

template <typename Protocol, typename Executor>
std::true_type datagram_test(const net::basic_datagram_socket<Protocol, Executor>*);
std::false_type datagram_test(...);

template <typename Protocol, typename Executor>
std::true_type socket_test(const net::basic_socket<Protocol, Executor>*);
std::false_type socket_test(...);

/// An acceptor (TCP listener).
template <typename Socket>
constexpr bool is_acceptor_v =
    decltype(acceptor_test(static_cast<Socket*>(nullptr)))::value;

/// A datagram (UDP) socket.
template <typename Socket>
constexpr bool is_datagram_v =
    decltype(datagram_test(static_cast<Socket*>(nullptr)))::value;

template <typename Protocol, typename Executor>
std::true_type secure_acceptor_test(const basic_secure_acceptor<Protocol, Executor>*);
std::false_type secure_acceptor_test(...);

/// A portguard::basic_secure_acceptor (it keeps its own exclusive state).
template <typename Socket>
constexpr bool is_secure_acceptor_v =
    decltype(secure_acceptor_test(static_cast<Socket*>(nullptr)))::value;

/// What the free functions reach in a secure acceptor: its Asio base and
/// its exclusive_state.
struct secure_acceptor_access
{
  template <typename SecureAcceptor>
  static auto& base(SecureAcceptor& acceptor) noexcept
  {
    return static_cast<typename SecureAcceptor::base_type&>(acceptor);
  }

  template <typename SecureAcceptor>
  static auto& state(SecureAcceptor& acceptor) noexcept
  {
    return acceptor.state_;
  }
};

/// What exclusive_bind and make_exclusive accept.
template <typename Socket>
constexpr bool is_bindable_v = is_acceptor_v<Socket> || is_datagram_v<Socket>;

/// What is_exclusive accepts: an acceptor or any Asio socket.
template <typename Socket>
constexpr bool is_inspectable_v = is_acceptor_v<Socket>
    || decltype(socket_test(static_cast<Socket*>(nullptr)))::value;

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SOCKET_TRAITS_HPP
