//
// portguard/port_rules.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Every platform's bind rule as data: who may bind a port that a socket
// already holds, and who then receives its traffic. Pure, constexpr and
// compiled on every platform (no system headers), so each platform's rule
// is tested on every host.
//
#ifndef PORTGUARD_PORT_RULES_HPP
#define PORTGUARD_PORT_RULES_HPP

#include <portguard/detail/this_platform.hpp>

#include <initializer_list>

namespace portguard {

/// The bind rules of Windows, Linux, macOS and FreeBSD as data.
/**
 * portguard::rules::evaluate() answers, for one platform, one socket that
 * holds a port (the defender) and one later bind of the same port (the
 * rival): does the rival's bind succeed, who receives the traffic
 * afterwards, and where the answer comes from. The helpers below it derive
 * what the library needs from that one function: who could take a socket's
 * traffic at all (who_can_take()); whether any unprivileged rival could
 * (open_to_unprivileged()) and how much of that the socket's options add
 * (opened_by_options()), the candidates for the option half of
 * is_exclusive(); and whether setting an option would open a socket to
 * rivals (option_would_share(), the options a secure acceptor refuses).
 *
 * Sources, per platform (docs/platforms.md prints the tables):
 * - **Windows:** Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE".
 * - **Linux:** measured on this project's machines, agreeing with
 *   `inet_bind_conflict()` / `inet_csk_bind_conflict()` and
 *   `udp_lib_lport_inuse()`.
 * - **macOS:** XNU xnu-11417.101.15, `in_pcbbind()` and `in6_pcbbind()`.
 * - **FreeBSD:** FreeBSD main (2025), `in_pcbbind_setup()` /
 *   `in_pcbbind_avail()` and `in6_pcbbind_avail()`.
 */
namespace rules {

/// An operating system whose bind rule the table holds.
enum class platform : unsigned char
{
  windows, ///< Windows Server 2003 and later (Windows XP SP2 and later).
  linux_,  ///< Linux (`linux` itself is a predefined macro in GNU C++ modes).
  macos,   ///< macOS and the other XNU systems.
  freebsd  ///< FreeBSD.
};

/// The transport protocol of both sockets.
enum class protocol : unsigned char
{
  tcp, ///< Stream sockets.
  udp  ///< Datagram sockets.
};

/// What the defender has done with its port.
enum class socket_state : unsigned char
{
  bound,    ///< Bound; for TCP, not listening yet. A UDP socket is always `bound`.
  listening ///< A TCP socket that listens.
};

/// The defender's local address.
enum class address_kind : unsigned char
{
  wildcard, ///< 0.0.0.0 or ::.
  specific  ///< One address, such as 127.0.0.1 or ::1.
};

/// A socket option that decides whether a port is shared, in platform-neutral terms.
enum class option : unsigned char
{
  reuse_address = 1,         ///< SOL_SOCKET/SO_REUSEADDR (every platform).
  reuse_port = 2,            ///< SOL_SOCKET/SO_REUSEPORT (Linux, macOS, FreeBSD).
  exclusive_address_use = 4, ///< SOL_SOCKET/SO_EXCLUSIVEADDRUSE (Windows).
  reuse_port_lb = 8          ///< SOL_SOCKET/SO_REUSEPORT_LB, load-balancing groups (FreeBSD).
};

/// A set of rules::option values, as a socket has them set.
class option_set
{
public:
  /// The empty set: no option set.
  constexpr option_set() noexcept = default;

  /// The set holding one option.
  constexpr option_set(option o) noexcept : bits_(static_cast<unsigned>(o)) {}

  /// Whether the set holds `o`.
  constexpr bool has(option o) const noexcept
  {
    return (bits_ & static_cast<unsigned>(o)) != 0;
  }

  /// This set with `o` added (`on`) or removed.
  constexpr option_set with(option o, bool on = true) const noexcept
  {
    return from_bits(on ? (bits_ | static_cast<unsigned>(o))
                        : (bits_ & ~static_cast<unsigned>(o)));
  }

  /// Whether no option is set.
  constexpr bool empty() const noexcept { return bits_ == 0; }

  /// The options as a bit mask of rules::option values.
  constexpr unsigned bits() const noexcept { return bits_; }

  /// The set whose bit mask is `bits` (bits above the last option are dropped).
  static constexpr option_set from_bits(unsigned bits) noexcept
  {
    option_set s;
    s.bits_ = bits & 15u;
    return s;
  }

  /// The union of two sets.
  friend constexpr option_set operator|(option_set a, option_set b) noexcept
  {
    return from_bits(a.bits_ | b.bits_);
  }

  /// Whether two sets hold the same options.
  friend constexpr bool operator==(option_set a, option_set b) noexcept
  {
    return a.bits_ == b.bits_;
  }

  /// Whether two sets differ.
  friend constexpr bool operator!=(option_set a, option_set b) noexcept
  {
    return a.bits_ != b.bits_;
  }

private:
  unsigned bits_ = 0;
};

/// The set of two options.
constexpr option_set operator|(option a, option b) noexcept
{
  return option_set(a) | option_set(b);
}

/// Where the rival binds, relative to the defender's address.
enum class relation : unsigned char
{
  same_address,              ///< The defender's own address (wildcard or specific).
  specific_beside_wildcard,  ///< A specific address (127.0.0.1) while the defender holds the wildcard (0.0.0.0).
  wildcard_beside_specific,  ///< The wildcard while the defender holds a specific address.
  dual_stack_beside_wildcard,///< `[::]` with IPV6_V6ONLY off while the defender holds the IPv4 wildcard.
  other_family               ///< The other address family, neither socket dual-stack: a separate port space.
};

/// Who makes the rival bind, relative to the defender's owner.
enum class identity : unsigned char
{
  same_process, ///< The defender's own process.
  same_user,    ///< Another process of the defender's user (effective uid, or Windows account).
  other_user,   ///< An unprivileged user other than the defender's.
  root          ///< root or an Administrator, while the defender runs as an unprivileged user.
};

/// Who receives the traffic addressed to the address both sockets cover,
/// once both can receive it (for TCP: once both listen).
enum class traffic : unsigned char
{
  none,          ///< No one is affected: the rival was refused, or the two sockets cover no common address.
  defender,      ///< The defender keeps it (the rival only covers other addresses).
  rival,         ///< The rival receives it: the defender is shadowed or taken over.
  split,         ///< Both receive part of it (a load-balancing group).
  either,        ///< One of them receives all of it, and which one the rule does not fix.
  first_listener ///< TCP sockets both bound: whichever listens first; the other's listen fails.
};

/// How a refused bind fails.
enum class refusal : unsigned char
{
  none,           ///< The bind succeeds.
  address_in_use, ///< EADDRINUSE, WSAEADDRINUSE (10048).
  access_denied,  ///< WSAEACCES (10013).
  unspecified     ///< Refused; the source does not say with which error.
};

/// What kind of source an answer rests on.
enum class source : unsigned char
{
  measured,     ///< Measured on this project's machines (Linux), see platform-notes.md.
  documented,   ///< The vendor's documentation (Microsoft).
  kernel_source ///< Read in the kernel's source code, not run.
};

/// Where an answer comes from.
struct provenance
{
  source kind;          ///< The kind of source.
  const char* citation; ///< The document, or the kernel function and version read.
};

/// The socket that holds the port.
struct defender
{
  protocol proto;       ///< TCP or UDP.
  socket_state state;   ///< Bound, or listening (TCP).
  address_kind address; ///< Wildcard or a specific address.
  option_set options;   ///< The options it set before bind.
};

/// The later bind of the same port.
struct rival
{
  option_set options; ///< The options it sets before bind.
  relation where;     ///< The address it binds, relative to the defender's.
  identity who;       ///< Who makes the bind.
};

/// One question for the table.
struct scenario
{
  platform on;        ///< The platform whose rule applies.
  defender held;      ///< The socket that holds the port.
  rival challenger;   ///< The bind that follows.
};

/// The table's answer to a scenario.
struct verdict
{
  bool applicable;     ///< False when the scenario cannot arise (an option the platform lacks, a listening UDP socket, ...).
  bool binds;          ///< Whether the rival's bind succeeds.
  traffic receives;    ///< Who receives the traffic afterwards.
  refusal error;       ///< How the bind fails, when it does.
  const char* why;     ///< The clause of the rule that decided, in words.
  provenance from;     ///< Where the clause comes from.
};

/// Who could take (share or shadow) a socket's traffic by binding its port.
enum class takers : unsigned char
{
  nobody,    ///< No rival's bind reaches its traffic.
  root_only, ///< Only root or an Administrator.
  same_user, ///< A process of the socket's own user (and root).
  any_user   ///< Any user.
};

/// The name of a value, for messages and tables.
constexpr const char* to_string(platform p) noexcept
{
  switch (p)
  {
  case platform::windows: return "windows";
  case platform::linux_: return "linux";
  case platform::macos: return "macos";
  case platform::freebsd: return "freebsd";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(protocol p) noexcept
{
  return p == protocol::tcp ? "tcp" : "udp";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(socket_state s) noexcept
{
  return s == socket_state::bound ? "bound" : "listening";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(address_kind a) noexcept
{
  return a == address_kind::wildcard ? "wildcard" : "specific";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(option o) noexcept
{
  switch (o)
  {
  case option::reuse_address: return "reuse_address";
  case option::reuse_port: return "reuse_port";
  case option::exclusive_address_use: return "exclusive_address_use";
  case option::reuse_port_lb: return "reuse_port_lb";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(relation r) noexcept
{
  switch (r)
  {
  case relation::same_address: return "same address";
  case relation::specific_beside_wildcard: return "specific beside wildcard";
  case relation::wildcard_beside_specific: return "wildcard beside specific";
  case relation::dual_stack_beside_wildcard: return "dual-stack [::] beside 0.0.0.0";
  case relation::other_family: return "other address family";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(identity i) noexcept
{
  switch (i)
  {
  case identity::same_process: return "same process";
  case identity::same_user: return "same user";
  case identity::other_user: return "other user";
  case identity::root: return "root";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(traffic t) noexcept
{
  switch (t)
  {
  case traffic::none: return "none";
  case traffic::defender: return "defender";
  case traffic::rival: return "rival";
  case traffic::split: return "split";
  case traffic::either: return "either";
  case traffic::first_listener: return "first to listen";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(refusal r) noexcept
{
  switch (r)
  {
  case refusal::none: return "none";
  case refusal::address_in_use: return "address in use";
  case refusal::access_denied: return "access denied";
  case refusal::unspecified: return "refused";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(source s) noexcept
{
  switch (s)
  {
  case source::measured: return "measured";
  case source::documented: return "documented";
  case source::kernel_source: return "kernel source";
  }
  return "?";
}

/// The name of a value, for messages and tables.
constexpr const char* to_string(takers t) noexcept
{
  switch (t)
  {
  case takers::nobody: return "nobody";
  case takers::root_only: return "root only";
  case takers::same_user: return "same user";
  case takers::any_user: return "any user";
  }
  return "?";
}

/// The platform this program was compiled for. Systems other than the four
/// get the macOS (4.4BSD) rule, the cautious choice.
constexpr platform this_platform() noexcept
{
  return platform::PORTGUARD_RULES_THIS_PLATFORM;
}

/// Whether the platform has the option at all.
constexpr bool available(platform p, option o) noexcept
{
  switch (o)
  {
  case option::reuse_address: return true;
  case option::reuse_port: return p != platform::windows;
  case option::exclusive_address_use: return p == platform::windows;
  case option::reuse_port_lb: return p == platform::freebsd;
  }
  return false;
}

/// Whether a socket on the platform can have exactly these options set
/// (each available, and on Windows not both SO_REUSEADDR and
/// SO_EXCLUSIVEADDRUSE, which refuse each other with WSAEINVAL).
constexpr bool valid(platform p, option_set s) noexcept
{
  for (option o : {option::reuse_address, option::reuse_port,
           option::exclusive_address_use, option::reuse_port_lb})
    if (s.has(o) && !available(p, o))
      return false;
  return !(s.has(option::reuse_address) && s.has(option::exclusive_address_use));
}

/// The options portguard gives an exclusive socket: SO_EXCLUSIVEADDRUSE on
/// Windows; none of the sharing options elsewhere.
constexpr option_set exclusive_options(platform p) noexcept
{
  return p == platform::windows ? option_set(option::exclusive_address_use) : option_set();
}

/// Whether traffic that goes this way reaches the rival (all of it, part
/// of it, or possibly): rival, split, either and first_listener do.
constexpr bool takes_traffic(traffic t) noexcept
{
  return t == traffic::rival || t == traffic::split || t == traffic::either
      || t == traffic::first_listener;
}

} // namespace rules
} // namespace portguard

// The rules of each platform, and the answers and sources they share.
#include <portguard/detail/rules_sources.hpp>
#include <portguard/detail/rules_windows.hpp>
#include <portguard/detail/rules_linux.hpp>
#include <portguard/detail/rules_macos.hpp>
#include <portguard/detail/rules_freebsd.hpp>

namespace portguard {
namespace rules {

/// Whether a scenario can arise at all on its platform.
/**
 * False when either socket has an option its platform lacks, or on Windows
 * both SO_REUSEADDR and SO_EXCLUSIVEADDRUSE; for a listening UDP socket;
 * and when the relation does not fit the defender's address
 * (specific_beside_wildcard and dual_stack_beside_wildcard need a wildcard
 * defender, wildcard_beside_specific a specific one).
 */
constexpr bool applicable(const scenario& s) noexcept
{
  if (!valid(s.on, s.held.options) || !valid(s.on, s.challenger.options))
    return false;
  if (s.held.proto == protocol::udp && s.held.state == socket_state::listening)
    return false;
  switch (s.challenger.where)
  {
  case relation::specific_beside_wildcard:
  case relation::dual_stack_beside_wildcard:
    return s.held.address == address_kind::wildcard;
  case relation::wildcard_beside_specific:
    return s.held.address == address_kind::specific;
  default:
    return true;
  }
}

/// The table: whether the rival binds, who then receives the traffic, and why.
/**
 * Each platform's rule is written once, in this function's helpers, beside
 * the source it was read from. A scenario that cannot arise (see
 * applicable()) gives a verdict with `applicable == false`.
 *
 * @par Example
 * @code
 * using namespace portguard::rules;
 * // macOS: a same-user rival with SO_REUSEADDR binds 127.0.0.1 beside an
 * // exclusive 0.0.0.0 listener and receives its loopback traffic.
 * constexpr verdict v = evaluate({platform::macos,
 *     {protocol::tcp, socket_state::listening, address_kind::wildcard, {}},
 *     {option::reuse_address, relation::specific_beside_wildcard, identity::same_user}});
 * static_assert(v.binds && v.receives == traffic::rival);
 * @endcode
 */
constexpr verdict evaluate(const scenario& s) noexcept
{
  if (!applicable(s))
    return detail::not_applicable("the scenario cannot arise on this platform");
  switch (s.on)
  {
  case platform::windows: return detail::windows_rule(s);
  case platform::linux_: return detail::linux_rule(s);
  case platform::macos: return detail::macos_rule(s);
  case platform::freebsd: return detail::freebsd_rule(s);
  }
  return detail::not_applicable("unknown platform");
}

/// Who could take the traffic of a socket with these options in this state,
/// by binding its port.
/**
 * Tries every rival the platform allows (every valid option set, every
 * address relation that fits the socket's address, every identity) and
 * counts one that binds and reaches the traffic (takes_traffic()). A rival
 * that only shares the port number (a wildcard bind beside a specific
 * socket that keeps its traffic) does not count.
 */
constexpr takers who_can_take(platform p, const defender& d) noexcept
{
  bool same = false, root = false;
  for (unsigned bits = 0; bits < 16; ++bits)
  {
    const option_set options = option_set::from_bits(bits);
    for (relation where : {relation::same_address, relation::specific_beside_wildcard,
             relation::wildcard_beside_specific, relation::dual_stack_beside_wildcard,
             relation::other_family})
      for (identity who : {identity::same_process, identity::same_user,
               identity::other_user, identity::root})
      {
        const verdict v = evaluate({p, d, {options, where, who}});
        if (!v.applicable || !v.binds || !takes_traffic(v.receives))
          continue;
        if (who == identity::other_user)
          return takers::any_user;
        if (who == identity::root)
          root = true;
        else
          same = true;
      }
  }
  return same ? takers::same_user : root ? takers::root_only : takers::nobody;
}

/// Whether any unprivileged rival (the same user or another) could share or
/// shadow a socket with these options in this state: the option half of
/// is_exclusive(), which answers the opposite.
constexpr bool open_to_unprivileged(platform p, const defender& d) noexcept
{
  const takers t = who_can_take(p, d);
  return t == takers::same_user || t == takers::any_user;
}

/// Whether a socket's options let some unprivileged rival take traffic that
/// it could not take from the same socket with portguard's options
/// (exclusive_options()): the exposure portguard can remove.
/**
 * Unlike open_to_unprivileged(), this leaves out what no option prevents,
 * such as the same-user shadow of a wildcard socket on macOS and FreeBSD
 * (open_to_unprivileged() is true there for every option set).
 */
constexpr bool opened_by_options(platform p, const defender& d) noexcept
{
  defender exclusive = d;
  exclusive.options = exclusive_options(p);
  for (unsigned bits = 0; bits < 16; ++bits)
    for (relation where : {relation::same_address, relation::specific_beside_wildcard,
             relation::wildcard_beside_specific, relation::dual_stack_beside_wildcard,
             relation::other_family})
      for (identity who : {identity::same_process, identity::same_user, identity::other_user})
      {
        const rival r{option_set::from_bits(bits), where, who};
        const verdict now = evaluate({p, d, r});
        const verdict fixed = evaluate({p, exclusive, r});
        if (now.applicable && now.binds && takes_traffic(now.receives)
            && !(fixed.binds && takes_traffic(fixed.receives)))
          return true;
      }
  return false;
}

/// Whether setting `o` to `value` would open an exclusive socket to more
/// unprivileged rivals: the options a secure acceptor refuses.
/**
 * Starts from the options portguard gives an exclusive socket
 * (exclusive_options()), applies the change (on Windows, setting
 * SO_REUSEADDR drops SO_EXCLUSIVEADDRUSE and the reverse, as the two cannot
 * coexist), and answers true if some unprivileged rival (same process, same
 * user or another user; any options, any address relation, the socket on
 * the wildcard or on a specific address) would then take traffic it could
 * not take before. An option the platform lacks answers false (the
 * operating system rejects it).
 *
 * Note: on macOS and the BSDs, Asio's `reuse_address` on a UDP socket also
 * sets SO_REUSEPORT; ask for both.
 */
constexpr bool option_would_share(platform p, protocol proto, socket_state state, option o,
    bool value) noexcept
{
  if (!available(p, o))
    return false;
  const option_set base = exclusive_options(p);
  option_set changed = base.with(o, value);
  if (p == platform::windows && value)
  {
    if (o == option::reuse_address)
      changed = changed.with(option::exclusive_address_use, false);
    if (o == option::exclusive_address_use)
      changed = changed.with(option::reuse_address, false);
  }
  for (address_kind a : {address_kind::wildcard, address_kind::specific})
    for (unsigned bits = 0; bits < 16; ++bits)
      for (relation where : {relation::same_address, relation::specific_beside_wildcard,
               relation::wildcard_beside_specific, relation::dual_stack_beside_wildcard,
               relation::other_family})
        for (identity who : {identity::same_process, identity::same_user, identity::other_user})
        {
          const rival r{option_set::from_bits(bits), where, who};
          const verdict after = evaluate({p, {proto, state, a, changed}, r});
          const verdict before = evaluate({p, {proto, state, a, base}, r});
          if (after.applicable && after.binds && takes_traffic(after.receives)
              && !(before.binds && takes_traffic(before.receives)))
            return true;
        }
  return false;
}

} // namespace rules
} // namespace portguard

#endif // PORTGUARD_PORT_RULES_HPP
