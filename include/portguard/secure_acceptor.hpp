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
#include <portguard/detail/socket_rules.hpp>
#include <portguard/detail/socket_traits.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>
#include <portguard/port_holder.hpp>

#include <type_traits>
#include <utility>

PORTGUARD_NAMESPACE_BEGIN

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
 *   platform: `set_option(reuse_address(true))` succeeds and
 *   `get_option(reuse_address)` answers the value last set. On POSIX the
 *   option reaches the operating system when the acceptor listens (a
 *   listening socket cannot be shared through SO_REUSEADDR, and it lets a
 *   server restart while old connections sit in TIME_WAIT); before that it
 *   stays off, so a bound socket that is not listening yet cannot be
 *   joined. On Windows, where SO_REUSEADDR would let a rival share the port
 *   and cannot be combined with SO_EXCLUSIVEADDRUSE, it never reaches the
 *   operating system: an exclusive Windows socket restarts without it.
 * - bind() and listen() check who really holds the port, not just the
 *   flags. A bind made with the exclusive options on (and on POSIX without
 *   SO_REUSEADDR) is itself the proof that nobody else holds an overlapping
 *   address. Where it proves nothing (POSIX: the port still had TIME_WAIT
 *   entries of a previous run, so the bind needed SO_REUSEADDR; Windows: a
 *   specific address, which may sit beside a wildcard socket) the socket
 *   table, or a probe bind, is read. Under exclusivity::required a port
 *   that someone else holds fails with portguard::error::port_shared, and
 *   one whose holders the platform cannot list with
 *   portguard::error::holders_unknown; the acceptor is closed then, since a
 *   bound socket cannot be unbound. portguard::holders_of() names the holder.
 * - assign() and the native-handle constructor check the adopted socket:
 *   under exclusivity::required a socket others could share is refused with
 *   portguard::error::not_exclusive, one whose port someone else holds with
 *   portguard::error::port_shared, one that another process holds too (a
 *   passed or inherited descriptor; the service manager that handed it over
 *   excepted) with portguard::error::socket_shared, and one of the wrong
 *   type with portguard::error::wrong_socket_type. The caller keeps the
 *   handle then.
 * - is_exclusive() tells whether the acceptor holds its port alone and no
 *   rival could join it.
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
    : base_type(ex), state_(policy)
  {
  }

  /// Constructs an acceptor without opening it.
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  explicit basic_secure_acceptor(ExecutionContext& context,
      exclusivity policy = exclusivity::required)
    : base_type(context), state_(policy)
  {
  }

  /// Constructs an open, exclusive acceptor (throws, naming the failed step).
  basic_secure_acceptor(const executor_type& ex, const protocol_type& protocol,
      exclusivity policy = exclusivity::required)
    : base_type(ex), state_(policy)
  {
    open(protocol);
  }

  /// Constructs an open, exclusive acceptor (throws, naming the failed step).
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const protocol_type& protocol,
      exclusivity policy = exclusivity::required)
    : base_type(context), state_(policy)
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
   * bind() and listen() check who really holds the port (see the class
   * description): the bind is the proof where it can be. On POSIX,
   * SO_REUSEADDR reaches the operating system only once the socket listens,
   * so the server restarts while old connections are in TIME_WAIT and no
   * rival can join before. On Windows `reuse_address` is recorded, never
   * given to the operating system, so the socket stays exclusive.
   *
   * @throws system_error Thrown on failure, naming the step that failed:
   * "open", "exclusive_address_use", "set_option", "bind" or "listen" (and,
   * for portguard::error::port_shared, the holder). No descriptor stays open.
   */
  basic_secure_acceptor(const executor_type& ex, const endpoint_type& endpoint,
      bool reuse_addr = true, exclusivity policy = exclusivity::required)
    : base_type(ex), state_(policy)
  {
    open_bind_listen(endpoint, reuse_addr);
  }

  /// Constructs an exclusive acceptor listening on the endpoint.
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const endpoint_type& endpoint,
      bool reuse_addr = true, exclusivity policy = exclusivity::required)
    : base_type(context), state_(policy)
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
    : base_type(ex), state_(policy)
  {
    assign(protocol, native_acceptor);
  }

  /// Adopts an existing native acceptor after checking it (see assign()).
  template <typename ExecutionContext, if_context_t<ExecutionContext> = 0>
  basic_secure_acceptor(ExecutionContext& context, const protocol_type& protocol,
      const native_handle_type& native_acceptor,
      exclusivity policy = exclusivity::required)
    : base_type(context), state_(policy)
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
    : base_type(std::move(other)), state_(std::move(other.state_))
  {
    state_.guard.note_for(this->native_handle());
  }

  /// Move-assigns from a secure acceptor of another protocol or executor type.
  template <typename Protocol1, typename Executor1,
      std::enable_if_t<std::is_convertible<Protocol1, Protocol>::value
          && std::is_convertible<Executor1, Executor>::value, int> = 0>
  basic_secure_acceptor& operator=(basic_secure_acceptor<Protocol1, Executor1>&& other)
  {
    base_type::operator=(std::move(other));
    state_ = state_type(std::move(other.state_));
    state_.guard.note_for(this->native_handle());
    return *this;
  }

  /// The exclusivity policy chosen at construction.
  exclusivity policy() const noexcept { return state_.policy; }

  /// Chooses what the next bind() does with the same port on the other
  /// address family (see portguard::other_family; the default is
  /// other_family::guard). The endpoint constructor always guards: to
  /// leave the other family open, open(), call this, then bind() and
  /// listen().
  void set_other_family(other_family choice) noexcept { state_.family = choice; }

  /// What bind() does with the other address family.
  other_family other_family_choice() const noexcept { return state_.family; }

  /// Whether this acceptor holds its port on the other address family too
  /// (see portguard::other_family).
  bool guards_other_family() const noexcept { return state_.guard.is_open(); }

  /// Closes the acceptor and its guard on the other address family.
  void close()
  {
    state_.guard.reset();
    base_type::close();
  }

  /// Closes the acceptor and its guard on the other address family.
  PORTGUARD_SYNC_OP_VOID close(error_code& ec)
  {
    state_.guard.reset();
    base_type::close(ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Releases the native acceptor to the caller, as Asio's release(), and
  /// closes the guard on the other address family: the caller owns the
  /// port from here on.
  native_handle_type release()
  {
    state_.guard.reset();
    return base_type::release();
  }

  /// Releases the native acceptor to the caller (see release()).
  native_handle_type release(error_code& ec)
  {
    state_.guard.reset();
    return base_type::release(ec);
  }

  /// Opens the acceptor and makes it exclusive before returning.
  /**
   * @throws system_error Thrown on failure, naming "open" or
   * "exclusive_address_use". Nothing stays open after a failure.
   */
  void open(const protocol_type& protocol = protocol_type())
  {
    error_code ec;
    const char* step = detail::open_exclusive(base(), state_, protocol, ec);
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
    detail::open_exclusive(base(), state_, protocol, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Adopts an existing native acceptor after checking it.
  /**
   * @throws system_error Thrown on failure, naming "assign" and, for a
   * refused socket, the option judged or the holder (for
   * portguard::error::socket_shared the other process: uid, pid, name), and
   * the remedy (for a socket from systemd, the .socket unit's setting:
   * "ReusePort=no"); for portguard::error::holders_unknown, the cause.
   */
  void assign(const protocol_type& protocol,
      const native_handle_type& native_acceptor)
  {
    error_code ec;
    assign(protocol, native_acceptor, ec);
    if (ec)
      detail::throw_for_socket(ec, "assign", native_acceptor, detail::remedy_for::adoption);
  }

  /// Adopts an existing native acceptor after checking it.
  /**
   * The handle must be a socket of the protocol's type and, where the
   * platform can tell, its address family (portguard::error::wrong_socket_type
   * otherwise). Under exclusivity::required its options must also keep
   * rivals out (portguard::error::not_exclusive otherwise) and, if it is
   * bound, nobody else may hold its port (portguard::error::port_shared, or
   * portguard::error::holders_unknown where the socket table cannot tell).
   *
   * Nor may another process hold the socket itself: a descriptor that was
   * passed (SCM_RIGHTS) or inherited is one socket in several processes,
   * each of which can accept its connections. Under exclusivity::required
   * such a socket is refused with portguard::error::socket_shared, except
   * when the only other holders are the service manager that handed it
   * over: this process's parent (`getppid()`, e.g. systemd-socket-activate
   * or a supervisor that keeps its copy) or PID 1 (systemd). On Linux every
   * process's `/proc/<pid>/fd` is searched for the socket; where some cannot
   * be listed (not root) and the socket was made by another user than this
   * process's and not by root, the answer is
   * portguard::error::holders_unknown. Under exclusivity::best_effort the
   * socket is adopted and is_exclusive() answers false. Windows names one
   * owner per socket and cannot see a duplicated handle.
   *
   * Cost: on Linux, besides the socket table, one walk of `/proc`: every
   * process's descriptors are listed (measured on the project's 2-core
   * machine under a build's load: 2-3 ms with 90 processes, 30-50 us more
   * per process, 33-54 ms with 1 000 more). Only adoption and is_exclusive()
   * without a bind's proof walk; open, bind and listen never do.
   *
   * On failure the acceptor does not take ownership: the caller still owns
   * the handle.
   */
  PORTGUARD_SYNC_OP_VOID assign(const protocol_type& protocol,
      const native_handle_type& native_acceptor, error_code& ec)
  {
    if (this->is_open())
    {
      ec = net::error::already_open; // as Asio answers, before looking at the handle
      PORTGUARD_SYNC_OP_VOID_RETURN(ec);
    }
    detail::adopt_exclusive(base(), state_, protocol, native_acceptor, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Binds the acceptor, checking who else holds the port.
  /**
   * @throws system_error Thrown on failure, naming "bind" (and, for
   * portguard::error::port_shared, the holder).
   */
  void bind(const endpoint_type& endpoint)
  {
    error_code ec;
    bind(endpoint, ec);
    detail::throw_naming_holder(ec, "bind", endpoint);
  }

  /// Binds the acceptor, checking who else holds the port.
  /**
   * See the class description. On POSIX, when `reuse_address` was set and
   * the port still has TIME_WAIT entries of a previous run, the bind is
   * made with SO_REUSEADDR and the socket table is read to tell those
   * entries from a socket that shares the port.
   *
   * @param endpoint The local endpoint to bind.
   * @param ec Set on failure: the operating system's error, or under
   * exclusivity::required portguard::error::port_shared /
   * portguard::error::holders_unknown (the acceptor is closed then).
   */
  PORTGUARD_SYNC_OP_VOID bind(const endpoint_type& endpoint, error_code& ec)
  {
    detail::bind_exclusive(base(), state_, endpoint, state_.policy,
        detail::bind_mode::bind_only, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Starts listening, checking who else holds the port where the bind
  /// proved nothing.
  /**
   * @throws system_error Thrown on failure, naming "listen".
   */
  void listen(int backlog = net::socket_base::max_listen_connections)
  {
    error_code ec;
    const endpoint_type endpoint = local_endpoint_or_none(); // closed on failure
    listen(backlog, ec);
    if (ec)
      detail::throw_naming_holder(ec, "listen", endpoint);
  }

  /// Starts listening, checking who else holds the port where the bind
  /// proved nothing.
  /**
   * On POSIX, SO_REUSEADDR reaches the operating system here when
   * `reuse_address` was set.
   *
   * @param backlog The maximum length of the queue of pending connections.
   * @param ec Set on failure: the operating system's error, or under
   * exclusivity::required portguard::error::port_shared /
   * portguard::error::holders_unknown (the acceptor is closed then).
   */
  PORTGUARD_SYNC_OP_VOID listen(int backlog, error_code& ec)
  {
    detail::listen_exclusive(base(), state_, backlog, ec);
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
    if (ec == error::conflicting_option)
    {
      const protocol_type protocol = endpoint_type().protocol();
      detail::throw_for_socket(ec, "set_option", this->native_handle(),
          detail::remedy_for::socket, detail::option_setting_words(option.level(protocol),
              option.name(protocol), option.data(protocol), option.size(protocol)));
    }
    detail::throw_if(ec, "set_option");
  }

  /// Sets an option, refusing those that would let others share the port.
  /**
   * @param option The socket option to set. `reuse_address` is recorded,
   * and passed on only where and when it cannot share the port (see the
   * class description).
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
    if (detail::is_reuse_address_option(level, name)
        && detail::option_value_as_read(option.data(protocol), option.size(protocol), value))
    {
      if (!this->is_open())
        ec = net::error::bad_descriptor;
      else
        detail::set_reuse_address(this->native_handle(), state_, value != 0, ec);
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

  /// Gets an option (`reuse_address` answers the value last set).
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

  /// Gets an option (`reuse_address` answers the value last set).
  /**
   * @param option The socket option to read into.
   * @param ec Set to indicate what error occurred, if any.
   */
  template <typename GettableSocketOption>
  PORTGUARD_SYNC_OP_VOID get_option(GettableSocketOption& option,
      error_code& ec) const
  {
    const protocol_type protocol = endpoint_type().protocol();
    if (detail::is_reuse_address_option(option.level(protocol), option.name(protocol)))
    {
      if (!this->is_open())
        ec = net::error::bad_descriptor;
      else
      {
        const std::size_t size = option.size(protocol);
        detail::store_option_value(option.data(protocol), size, state_.reuse_address);
        option.resize(protocol, size);
        ec.clear();
      }
      PORTGUARD_SYNC_OP_VOID_RETURN(ec);
    }
    base_type::get_option(option, ec);
    PORTGUARD_SYNC_OP_VOID_RETURN(ec);
  }

  /// Whether the acceptor holds its port alone and no rival could join it
  /// (see portguard::is_exclusive()).
  /**
   * @throws system_error Thrown on failure (a closed acceptor gives
   * `bad_descriptor`), naming "is_exclusive".
   */
  bool is_exclusive() const
  {
    error_code ec;
    const bool result = is_exclusive(ec);
    if (ec)
      detail::throw_for_socket(ec, "is_exclusive",
          const_cast<basic_secure_acceptor&>(*this).native_handle());
    return result;
  }

  /// Whether the acceptor holds its port alone and no rival could join it;
  /// false on error.
  /**
   * Once a bind or listen of this acceptor (or its adoption under
   * exclusivity::required) proved it alone, only the listeners on its port
   * are looked up (a cheap read of the socket table that catches a
   * SO_REUSEPORT group joined behind its back), for as long as the proof
   * holds: an acceptor that left LISTEN (shutdown) with SO_REUSEADDR on is
   * judged as by portguard::is_exclusive(). Without a proof (adopted under
   * exclusivity::best_effort) the socket must not be held by another
   * process either, the service manager that handed it over excepted (see
   * assign()): false when it is.
   */
  bool is_exclusive(error_code& ec) const
  {
    auto& self = const_cast<basic_secure_acceptor&>(*this);
    if (!self.is_open())
    {
      ec = net::error::bad_descriptor;
      return false;
    }
    return detail::is_exclusive_on_both_families(self.native_handle(),
        detail::proof_holds(self.native_handle(), state_), state_.guard.is_open(), ec);
  }

private:
  template <typename, typename>
  friend class basic_secure_acceptor;
  friend struct detail::secure_acceptor_access;

  using state_type = detail::exclusive_state<Protocol>;

  base_type& base() noexcept { return *this; }

  endpoint_type local_endpoint_or_none() const
  {
    error_code ignored;
    return this->local_endpoint(ignored);
  }

  void open_bind_listen(const endpoint_type& endpoint, bool reuse_addr)
  {
    error_code ec;
    const char* step = detail::open_bind_listen(base(), state_, endpoint, reuse_addr, ec);
    detail::throw_naming_holder(ec, step, endpoint);
  }

  state_type state_;
};

/// The TCP secure acceptor: a drop-in for `tcp::acceptor`.
using secure_acceptor = basic_secure_acceptor<net::ip::tcp>;

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_SECURE_ACCEPTOR_HPP
