//
// portguard/secure_acceptor.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#ifndef PORTGUARD_SECURE_ACCEPTOR_HPP
#define PORTGUARD_SECURE_ACCEPTOR_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/exclusive_ops.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>

#include <type_traits>
#include <utility>

PORTGUARD_NAMESPACE_BEGIN

namespace detail {

/// The endpoint constructor's sequence in error_code form: open (exclusive),
/// reuse_address when `reuse_addr` asks, bind, listen. Closes the acceptor
/// again on failure and returns the name of the step that failed ("" on
/// success).
template <typename SecureAcceptor>
const char* listen_exclusively(SecureAcceptor& acceptor,
    const typename SecureAcceptor::endpoint_type& endpoint, bool reuse_addr,
    error_code& ec)
{
  const char* step = "";
  acceptor.open(endpoint.protocol(), ec);
  if (ec)
    return ec.category() == category() ? "exclusive_address_use" : "open";
  if (reuse_addr)
  {
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    step = "set_option";
  }
  if (!ec)
  {
    acceptor.bind(endpoint, ec);
    step = "bind";
  }
  if (!ec)
  {
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    step = "listen";
  }
  if (!ec)
    return "";
  error_code ignored;
  acceptor.close(ignored);
  return step;
}

} // namespace detail

/// A socket acceptor that no other socket, process or user can share.
/**
 * A drop-in for `basic_socket_acceptor`: it is one (public base), so every
 * member and every async operation with any completion token works as on
 * `tcp::acceptor`, and replacing the type name is the whole migration.
 * What differs:
 *
 * - open() makes the socket exclusive before it returns, so every later
 *   bind is exclusive (Windows: SO_EXCLUSIVEADDRUSE on; POSIX: SO_REUSEPORT
 *   off). It sets nothing else.
 * - set_option() refuses options that would let others share the port
 *   (everywhere exclusive_address_use(false); on POSIX SO_REUSEPORT on; on
 *   Windows SO_EXCLUSIVEADDRUSE off) with
 *   portguard::error::conflicting_option, judging a hand-made option's bytes
 *   as the kernel will read them. The acceptor stays exclusive.
 * - `reuse_address` works as Asio's canonical listener code expects on every
 *   platform. On POSIX it is passed on (a listening socket cannot be shared
 *   through SO_REUSEADDR, and it lets a server restart while old
 *   connections sit in TIME_WAIT). On Windows, where SO_REUSEADDR would let
 *   a rival share the port and cannot be combined with SO_EXCLUSIVEADDRUSE,
 *   `set_option(reuse_address(true))` succeeds without reaching the
 *   operating system, and `get_option(reuse_address)` answers the value last
 *   set. An exclusive Windows socket needs no SO_REUSEADDR to restart.
 * - assign() and the native-handle constructor check the adopted socket:
 *   under exclusivity::required a socket others could share is refused with
 *   portguard::error::not_exclusive, and one of the wrong type with
 *   portguard::error::wrong_socket_type. The caller keeps the handle then.
 * - is_exclusive() tells whether a rival could share the port now.
 *
 * The exclusivity policy is chosen at construction and defaults to
 * exclusivity::required.
 *
 * @note The checks live in this class. Code that reaches the acceptor
 * through a reference to its `basic_socket_acceptor` base calls Asio's
 * members directly and is not checked.
 */
template <typename Protocol, typename Executor = net::any_io_executor>
class basic_secure_acceptor : public net::basic_socket_acceptor<Protocol, Executor>
{
  using base_type = net::basic_socket_acceptor<Protocol, Executor>;

  template <typename ExecutionContext>
  using if_context_t = std::enable_if_t<
      std::is_convertible<ExecutionContext&, net::execution_context&>::value, int>;

public:
  using typename base_type::endpoint_type;
  using typename base_type::executor_type;
  using typename base_type::native_handle_type;
  using typename base_type::protocol_type;

  /// Rebinds the acceptor type to another executor.
  template <typename Executor1>
  struct rebind_executor
  {
    /// The acceptor type when rebound to the specified executor.
    using other = basic_secure_acceptor<Protocol, Executor1>;
  };

  /// Constructs an acceptor without opening it.
  explicit basic_secure_acceptor(const executor_type& ex,
      exclusivity policy = exclusivity::required)
    : base_type(ex), policy_(policy)
  {
  }

  /// Constructs an acceptor without opening it.
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  explicit basic_secure_acceptor(ExecutionContext& context,
      exclusivity policy = exclusivity::required)
    : base_type(context), policy_(policy)
  {
  }

  /// Constructs an open, exclusive acceptor (throws, naming the failed step).
  basic_secure_acceptor(const executor_type& ex, const protocol_type& protocol,
      exclusivity policy = exclusivity::required)
    : base_type(ex), policy_(policy)
  {
    open(protocol);
  }

  /// Constructs an open, exclusive acceptor (throws, naming the failed step).
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const protocol_type& protocol,
      exclusivity policy = exclusivity::required)
    : base_type(context), policy_(policy)
  {
    open(protocol);
  }

  /// Constructs an exclusive acceptor listening on the endpoint.
  /**
   * This constructor is equivalent to the following code, on every platform:
   * @code
   * basic_secure_acceptor<Protocol> acceptor(ex, policy);
   * acceptor.open(endpoint.protocol());   // exclusive: SO_EXCLUSIVEADDRUSE on
   *                                       // (Windows), SO_REUSEPORT off (POSIX)
   * if (reuse_addr)
   *   acceptor.set_option(socket_base::reuse_address(true));
   * acceptor.bind(endpoint);
   * acceptor.listen();
   * @endcode
   * On POSIX, SO_REUSEADDR lets the server restart while old connections
   * are in TIME_WAIT, and no rival can share a listening socket through it.
   * On Windows `reuse_address` is recorded, never given to the operating
   * system (see the class description), so the socket stays exclusive.
   *
   * @throws system_error Thrown on failure, naming the step that failed:
   * "open", "exclusive_address_use", "set_option", "bind" or "listen".
   * No descriptor stays open.
   */
  basic_secure_acceptor(const executor_type& ex, const endpoint_type& endpoint,
      bool reuse_addr = true, exclusivity policy = exclusivity::required)
    : base_type(ex), policy_(policy)
  {
    open_bind_listen(endpoint, reuse_addr);
  }

  /// Constructs an exclusive acceptor listening on the endpoint.
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const endpoint_type& endpoint,
      bool reuse_addr = true, exclusivity policy = exclusivity::required)
    : base_type(context), policy_(policy)
  {
    open_bind_listen(endpoint, reuse_addr);
  }

  /// Constructs an exclusive acceptor listening on the endpoint, with a policy.
  basic_secure_acceptor(const executor_type& ex, const endpoint_type& endpoint,
      exclusivity policy)
    : basic_secure_acceptor(ex, endpoint, true, policy)
  {
  }

  /// Constructs an exclusive acceptor listening on the endpoint, with a policy.
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const endpoint_type& endpoint,
      exclusivity policy)
    : basic_secure_acceptor(context, endpoint, true, policy)
  {
  }

  /// Adopts an existing native acceptor after checking it (see assign()).
  basic_secure_acceptor(const executor_type& ex, const protocol_type& protocol,
      const native_handle_type& native_acceptor,
      exclusivity policy = exclusivity::required)
    : base_type(ex), policy_(policy)
  {
    assign(protocol, native_acceptor);
  }

  /// Adopts an existing native acceptor after checking it (see assign()).
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const protocol_type& protocol,
      const native_handle_type& native_acceptor,
      exclusivity policy = exclusivity::required)
    : base_type(context), policy_(policy)
  {
    assign(protocol, native_acceptor);
  }

  /// Move-constructs, taking the other acceptor's socket and policy.
  basic_secure_acceptor(basic_secure_acceptor&& other) noexcept = default;

  /// Move-assigns, taking the other acceptor's socket and policy.
  basic_secure_acceptor& operator=(basic_secure_acceptor&& other) = default;

  /// Move-constructs from a secure acceptor of another protocol or executor type.
  template <typename Protocol1, typename Executor1,
      std::enable_if_t<std::is_convertible<Protocol1, Protocol>::value
          && std::is_convertible<Executor1, Executor>::value, int> = 0>
  basic_secure_acceptor(basic_secure_acceptor<Protocol1, Executor1>&& other)
    : base_type(std::move(other)), policy_(other.policy_),
      reuse_address_(other.reuse_address_)
  {
  }

  /// Move-assigns from a secure acceptor of another protocol or executor type.
  template <typename Protocol1, typename Executor1,
      std::enable_if_t<std::is_convertible<Protocol1, Protocol>::value
          && std::is_convertible<Executor1, Executor>::value, int> = 0>
  basic_secure_acceptor& operator=(basic_secure_acceptor<Protocol1, Executor1>&& other)
  {
    base_type::operator=(std::move(other));
    policy_ = other.policy_;
    reuse_address_ = other.reuse_address_;
    return *this;
  }

  /// The exclusivity policy chosen at construction.
  exclusivity policy() const noexcept { return policy_; }

  /// Opens the acceptor and makes it exclusive before returning.
  /**
   * @throws system_error Thrown on failure, naming "open" or
   * "exclusive_address_use". Nothing stays open after a failure.
   */
  void open(const protocol_type& protocol = protocol_type())
  {
    error_code ec;
    const char* step = open_exclusive(protocol, ec);
    detail::throw_if(ec, step);
  }

  /// Opens the acceptor and makes it exclusive before returning.
  /**
   * @param protocol The protocol (for example `tcp::v4()`) to open with.
   * @param ec Set on failure; portguard::error::option_refused if the OS
   * refused exclusivity under exclusivity::required (the acceptor is closed
   * again).
   */
  PORTGUARD_SYNC_OP_VOID open(const protocol_type& protocol, error_code& ec)
  {
    open_exclusive(protocol, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Adopts an existing native acceptor after checking it.
  /**
   * @throws system_error Thrown on failure, naming "assign".
   */
  void assign(const protocol_type& protocol,
      const native_handle_type& native_acceptor)
  {
    error_code ec;
    assign(protocol, native_acceptor, ec);
    detail::throw_if(ec, "assign");
  }

  /// Adopts an existing native acceptor after checking it.
  /**
   * The handle must be a socket of the protocol's type and, where the
   * platform can tell, its address family (portguard::error::wrong_socket_type
   * otherwise). Under
   * exclusivity::required it must also be exclusive by is_exclusive()'s
   * rule (portguard::error::not_exclusive otherwise). On failure the
   * acceptor does not take ownership: the caller still owns the handle.
   */
  PORTGUARD_SYNC_OP_VOID assign(const protocol_type& protocol,
      const native_handle_type& native_acceptor, error_code& ec)
  {
    detail::check_adoptable(native_acceptor, protocol.type(), protocol.family(),
        policy_, ec);
    if (!ec)
      base_type::assign(protocol, native_acceptor, ec);
    if (!ec)
      reuse_address_ = detail::reuse_address_is_set(native_acceptor);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Sets an option, refusing those that would let others share the port.
  /**
   * @throws system_error Thrown on failure, naming "set_option".
   */
  template <typename SettableSocketOption>
  void set_option(const SettableSocketOption& option)
  {
    error_code ec;
    set_option(option, ec);
    detail::throw_if(ec, "set_option");
  }

  /// Sets an option, refusing those that would let others share the port.
  /**
   * @param option The socket option to set. On Windows `reuse_address` is
   * recorded instead of set (see the class description).
   * @param ec portguard::error::conflicting_option if the option would let
   * others share the port (the acceptor stays exclusive); otherwise the
   * operating system's answer.
   */
  template <typename SettableSocketOption>
  PORTGUARD_SYNC_OP_VOID set_option(const SettableSocketOption& option,
      error_code& ec)
  {
    const protocol_type protocol = endpoint_type().protocol();
    const int level = option.level(protocol);
    const int name = option.name(protocol);
    int value = 0;
    if (detail::reuse_address_is_emulated
        && detail::is_reuse_address_option(level, name)
        && detail::option_value_as_read(option.data(protocol), option.size(protocol), value))
    {
      if (!this->is_open())
        ec = net::error::bad_descriptor;
      else
      {
        reuse_address_ = value != 0;
        ec.clear();
      }
      PORTGUARD_SYNC_OP_VOID_RETURN(ec);
    }
    if (detail::option_would_share(level, name, option.data(protocol),
            option.size(protocol)))
    {
      ec = error::conflicting_option;
      PORTGUARD_SYNC_OP_VOID_RETURN(ec);
    }
    base_type::set_option(option, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Gets an option (on Windows, `reuse_address` answers the value last set).
  /**
   * @throws system_error Thrown on failure, naming "get_option".
   */
  template <typename GettableSocketOption>
  void get_option(GettableSocketOption& option) const
  {
    error_code ec;
    get_option(option, ec);
    detail::throw_if(ec, "get_option");
  }

  /// Gets an option (on Windows, `reuse_address` answers the value last set).
  /**
   * @param option The socket option to read into.
   * @param ec Set to indicate what error occurred, if any.
   */
  template <typename GettableSocketOption>
  PORTGUARD_SYNC_OP_VOID get_option(GettableSocketOption& option,
      error_code& ec) const
  {
    const protocol_type protocol = endpoint_type().protocol();
    if (detail::reuse_address_is_emulated
        && detail::is_reuse_address_option(option.level(protocol), option.name(protocol)))
    {
      if (!this->is_open())
        ec = net::error::bad_descriptor;
      else
      {
        const std::size_t size = option.size(protocol);
        detail::store_option_value(option.data(protocol), size, reuse_address_);
        option.resize(protocol, size);
        ec.clear();
      }
      PORTGUARD_SYNC_OP_VOID_RETURN(ec);
    }
    base_type::get_option(option, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Whether a rival could share the port now (see portguard::is_exclusive()).
  /**
   * @throws system_error Thrown on failure (a closed acceptor gives
   * `bad_descriptor`), naming "is_exclusive".
   */
  bool is_exclusive() const
  {
    error_code ec;
    const bool result = is_exclusive(ec);
    detail::throw_if(ec, "is_exclusive");
    return result;
  }

  /// Whether a rival could share the port now; false on error.
  bool is_exclusive(error_code& ec) const
  {
    auto& self = const_cast<basic_secure_acceptor&>(*this);
    if (!self.is_open())
    {
      ec = net::error::bad_descriptor;
      return false;
    }
    return detail::native_is_exclusive(self.native_handle(), ec);
  }

private:
  template <typename, typename>
  friend class basic_secure_acceptor;

  // Opens and applies exclusivity; returns the name of the failed step.
  const char* open_exclusive(const protocol_type& protocol, error_code& ec)
  {
    reuse_address_ = false;
    base_type::open(protocol, ec);
    if (ec)
      return "open";
    detail::exclusive_unbound(this->native_handle(), false, policy_, ec);
    if (ec)
    {
      error_code ignored;
      base_type::close(ignored);
      return "exclusive_address_use";
    }
    return "";
  }

  void open_bind_listen(const endpoint_type& endpoint, bool reuse_addr)
  {
    error_code ec;
    const char* step = detail::listen_exclusively(*this, endpoint, reuse_addr, ec);
    detail::throw_if(ec, step);
  }

  exclusivity policy_;
  bool reuse_address_ = false; // what reuse_address answers where it is emulated
};

/// The TCP secure acceptor: a drop-in for `tcp::acceptor`.
using secure_acceptor = basic_secure_acceptor<net::ip::tcp>;

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_SECURE_ACCEPTOR_HPP
