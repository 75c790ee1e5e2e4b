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
#include <utility>

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

template <typename T, typename = void>
struct has_socket_shape : std::false_type
{
};

template <typename T>
struct has_socket_shape<T, std::void_t<typename T::protocol_type, typename T::executor_type,
    typename T::endpoint_type, decltype(std::declval<T&>().native_handle())>>
  : std::true_type
{
};

/// A socket of the other Asio flavour (standalone Asio's in a Boost build,
/// and back), told by its shape: an Asio socket's member types and
/// native_handle(), but not this flavour's basic_socket or acceptor.
template <typename Socket>
constexpr bool is_other_flavour_v =
    has_socket_shape<std::remove_cv_t<Socket>>::value && !is_inspectable_v<Socket>;

template <typename T, typename = void>
struct has_endpoint_shape : std::false_type
{
};

template <typename T>
struct has_endpoint_shape<T, std::void_t<typename T::protocol_type,
    decltype(std::declval<const T&>().address()), decltype(std::declval<const T&>().port())>>
  : std::true_type
{
};

/// An endpoint of the other Asio flavour.
template <typename Endpoint>
constexpr bool is_other_flavour_endpoint_v = has_endpoint_shape<Endpoint>::value
    && !std::is_same_v<Endpoint, net::ip::tcp::endpoint>
    && !std::is_same_v<Endpoint, net::ip::udp::endpoint>;

/// False, but only once `T` is known: a static_assert in a template that
/// fires when it is instantiated.
template <typename T>
constexpr bool dependent_false_v = false;

} // namespace detail
PORTGUARD_NAMESPACE_END

/// The text of the static_assert a call with the other Asio flavour's
/// socket meets.
#if defined(PORTGUARD_STANDALONE_ASIO)
#  define PORTGUARD_DETAIL_OTHER_FLAVOUR                                    \
     "this is a Boost.Asio socket: include portguard without "              \
     "PORTGUARD_STANDALONE_ASIO (link portguard::portguard)"
#else
#  define PORTGUARD_DETAIL_OTHER_FLAVOUR                                    \
     "this is a standalone Asio socket: define PORTGUARD_STANDALONE_ASIO "  \
     "before including portguard (link portguard::standalone)"
#endif

/// Declares `name` for the other Asio flavour's sockets, every arity: a
/// call fails to compile with PORTGUARD_DETAIL_OTHER_FLAVOUR instead of
/// "no matching function".
#define PORTGUARD_DETAIL_REJECT_OTHER_FLAVOUR(name)                            \
  template <typename Socket, typename... Args>                                \
  std::enable_if_t<::portguard::detail::is_other_flavour_v<Socket>>           \
  name(Socket&, Args&&...)                                                    \
  {                                                                           \
    static_assert(::portguard::detail::dependent_false_v<Socket>,            \
        PORTGUARD_DETAIL_OTHER_FLAVOUR);                                      \
  }

#endif // PORTGUARD_DETAIL_SOCKET_TRAITS_HPP
