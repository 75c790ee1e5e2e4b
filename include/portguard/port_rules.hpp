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

namespace detail {

// -- Answers -------------------------------------------------------------------

constexpr verdict binds(traffic t, const char* why, provenance from) noexcept
{
  return {true, true, t, refusal::none, why, from};
}

constexpr verdict refused(refusal e, const char* why, provenance from) noexcept
{
  return {true, false, traffic::none, e, why, from};
}

constexpr verdict not_applicable(const char* why) noexcept
{
  return {false, false, traffic::none, refusal::none, why,
      {source::documented, "portguard::rules"}};
}

constexpr verdict separate_port_space(provenance from) noexcept
{
  return {true, true, traffic::none, refusal::none,
      "the other address family is a separate port space", from};
}

// -- Sources -------------------------------------------------------------------

inline constexpr provenance microsoft{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\" (Windows Server 2003 and "
    "later), as tabled in platform-notes.md"};
inline constexpr provenance microsoft_accounts{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\", enhanced socket security: "
    "another account shares a port only if its first socket set SO_REUSEADDR"};
inline constexpr provenance microsoft_administrator{source::documented,
    "Microsoft, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\": the article names no "
    "exception for administrators, so they are taken as another account (not verified)"};
inline constexpr provenance linux_measured{source::measured,
    "platform-notes.md (measured, Linux 6.x); Linux net/ipv4/inet_connection_sock.c "
    "inet_bind_conflict()/inet_csk_bind_conflict(), net/ipv4/udp.c udp_lib_lport_inuse()"};
inline constexpr provenance linux_source{source::kernel_source,
    "Linux net/ipv4/inet_connection_sock.c inet_bind_conflict()/inet_csk_bind_conflict(), "
    "net/ipv4/udp.c udp_lib_lport_inuse(): uid_eq(), no exemption for root; "
    "inet_rcv_saddr_equal(): a dual-stack [::] matches 0.0.0.0"};
inline constexpr provenance xnu_v4{source::kernel_source,
    "XNU xnu-11417.101.15, bsd/netinet/in_pcb.c in_pcbbind(), in_pcblookup_local(), "
    "in_pcblookup_hash_locked()"};
inline constexpr provenance xnu_v6{source::kernel_source,
    "XNU xnu-11417.101.15, bsd/netinet6/in6_pcb.c in6_pcbbind() (the v4-mapped checks)"};
inline constexpr provenance freebsd_v4{source::kernel_source,
    "FreeBSD main (freebsd-src 08949cd4, 2025), sys/netinet/in_pcb.c in_pcbbind_setup() -> "
    "in_pcbbind_avail(), in_pcblookup_local(), in_pcblookup_lbgroup()"};
inline constexpr provenance freebsd_v6{source::kernel_source,
    "FreeBSD main (freebsd-src 08949cd4, 2025), sys/netinet6/in6_pcb.c in6_pcbbind_avail() "
    "(the v4-mapped checks)"};

// -- Windows -------------------------------------------------------------------

enum class windows_result : unsigned char { in_use, access, success };

// Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", same user; the
// table of platform-notes.md. Rows: the first bind (defender); columns: the
// second bind (rival). Both ordered: none W, none S, SO_REUSEADDR W,
// SO_REUSEADDR S, SO_EXCLUSIVEADDRUSE W, SO_EXCLUSIVEADDRUSE S (W: wildcard,
// S: specific address). Success: the second socket shares or shadows the port.
inline constexpr windows_result windows_table[6][6] = {
  // none W
  {windows_result::in_use, windows_result::success, windows_result::access,
      windows_result::success, windows_result::in_use, windows_result::success},
  // none S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::access, windows_result::in_use, windows_result::in_use},
  // SO_REUSEADDR W
  {windows_result::in_use, windows_result::success, windows_result::success,
      windows_result::success, windows_result::in_use, windows_result::success},
  // SO_REUSEADDR S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::success, windows_result::in_use, windows_result::in_use},
  // SO_EXCLUSIVEADDRUSE W
  {windows_result::in_use, windows_result::access, windows_result::access,
      windows_result::access, windows_result::in_use, windows_result::access},
  // SO_EXCLUSIVEADDRUSE S
  {windows_result::success, windows_result::in_use, windows_result::success,
      windows_result::access, windows_result::in_use, windows_result::in_use},
};

constexpr int windows_index(option_set s, bool wildcard) noexcept
{
  const int kind = s.has(option::exclusive_address_use) ? 2
      : s.has(option::reuse_address)                    ? 1
                                                        : 0;
  return kind * 2 + (wildcard ? 0 : 1);
}

// Whether the rival binds the wildcard of the defender's family.
constexpr bool rival_on_wildcard(const scenario& s) noexcept
{
  switch (s.challenger.where)
  {
  case relation::same_address: return s.held.address == address_kind::wildcard;
  case relation::specific_beside_wildcard: return false;
  case relation::wildcard_beside_specific: return true;
  case relation::dual_stack_beside_wildcard: return true;
  case relation::other_family: return false;
  }
  return false;
}

constexpr verdict windows_rule(const scenario& s) noexcept
{
  if (s.challenger.where == relation::other_family)
    return separate_port_space(microsoft);
  // A dual-stack wildcard bind must pass the checks of both families
  // (Microsoft, Vista and later): against an IPv4 wildcard it is the W/W cell.
  const windows_result cell = windows_table[windows_index(s.held.options,
      s.held.address == address_kind::wildcard)][windows_index(s.challenger.options,
      rival_on_wildcard(s))];
  if (cell != windows_result::success)
    return refused(cell == windows_result::in_use ? refusal::address_in_use
                                                  : refusal::access_denied,
        "Microsoft's table refuses this pair of binds", microsoft);
  const identity who = s.challenger.who;
  if ((who == identity::other_user || who == identity::root)
      && !s.held.options.has(option::reuse_address))
    return refused(refusal::unspecified,
        "another account shares a port only if its first socket set SO_REUSEADDR",
        who == identity::root ? microsoft_administrator : microsoft_accounts);
  switch (s.challenger.where)
  {
  case relation::specific_beside_wildcard:
    return binds(traffic::rival, "the more specific bind receives the traffic",
        who == identity::root ? microsoft_administrator : microsoft);
  case relation::wildcard_beside_specific:
    return binds(traffic::defender,
        "the wildcard bind shares the port number; the specific bind keeps its traffic",
        who == identity::root ? microsoft_administrator : microsoft);
  default:
    return binds(traffic::either,
        "both bound to one address: Microsoft calls the delivery indeterminate",
        who == identity::root ? microsoft_administrator : microsoft);
  }
}

// -- Linux ---------------------------------------------------------------------

constexpr traffic linux_traffic(relation where, bool reuseport_group) noexcept
{
  switch (where)
  {
  case relation::same_address:
    // One SO_REUSEPORT group spreads connections and datagrams by hash; two
    // UDP sockets sharing through SO_REUSEADDR are scored alike, and
    // udp4_lib_lookup2() takes the first of the best (order and the
    // incoming-CPU bonus decide).
    return reuseport_group ? traffic::split : traffic::either;
  case relation::specific_beside_wildcard:
    // Listeners and UDP sockets on the exact address are looked up first.
    return traffic::rival;
  case relation::wildcard_beside_specific:
    return traffic::defender;
  case relation::dual_stack_beside_wildcard:
    // compute_score() ranks a PF_INET socket above a dual-stack one.
    return traffic::defender;
  case relation::other_family:
    return traffic::none;
  }
  return traffic::none;
}

constexpr verdict linux_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(linux_measured);
  const bool same_uid = r.who == identity::same_process || r.who == identity::same_user;
  const provenance& from = r.who == identity::root
          || r.where == relation::dual_stack_beside_wildcard
      ? linux_source
      : linux_measured;
  // SO_REUSEPORT on both, same effective uid (root is no exception): one
  // reuseport group; both may listen.
  if (d.options.has(option::reuse_port) && r.options.has(option::reuse_port) && same_uid)
    return binds(linux_traffic(r.where, true),
        "both set SO_REUSEPORT under one uid: a reuseport group", from);
  // SO_REUSEADDR on both lets any user bind next to a UDP socket, or a TCP
  // socket that is not listening (the first to listen keeps the port).
  if (d.options.has(option::reuse_address) && r.options.has(option::reuse_address)
      && !(d.proto == protocol::tcp && d.state == socket_state::listening))
    return binds(d.proto == protocol::tcp ? traffic::first_listener
                                          : linux_traffic(r.where, false),
        d.proto == protocol::tcp
            ? "both set SO_REUSEADDR and the defender does not listen: any user binds"
            : "both UDP sockets set SO_REUSEADDR: any user binds",
        from);
  return refused(refusal::address_in_use,
      "overlapping binds conflict unless both share through SO_REUSEADDR (not "
      "listening) or through SO_REUSEPORT under one uid",
      from);
}

// -- macOS (XNU) ---------------------------------------------------------------

constexpr verdict macos_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(xnu_v4);
  // xnu-11417.101.15 bsd/netinet6/in6_pcb.c in6_pcbbind(): for [::] with
  // V6ONLY off, both v4-mapped checks pass a PF_INET wildcard socket
  // ("t->inp_laddr.s_addr != INADDR_ANY || SOCK_DOM(so) == SOCK_DOM(t)" is
  // false), for every uid and option; in_pcblookup_hash_locked() takes a
  // PF_INET wildcard socket before a mapped one (local_wild before
  // local_wild_mapped).
  if (r.where == relation::dual_stack_beside_wildcard)
    return binds(traffic::defender,
        "a dual-stack [::] binds beside a PF_INET wildcard socket, which keeps IPv4",
        xnu_v6);
  const bool both_wildcard = r.where == relation::same_address
      && d.address == address_kind::wildcard;
  // xnu-11417.101.15 bsd/netinet/in_pcb.c in_pcbbind(), first lookup: a
  // non-root uid ("(u = kauth_cred_getuid(so->so_cred)) != 0") that differs
  // from the holder's is refused by the wildcard lookup unless both binds are
  // the wildcard (in6_pcbbind(): unless both are :: and the holder set
  // SO_REUSEPORT; the second lookup then gives the same answer).
  if (r.who == identity::other_user && !both_wildcard)
    return refused(refusal::address_in_use,
        "another non-root uid is refused wherever the wildcard lookup finds the socket",
        xnu_v4);
  // xnu-11417.101.15 in_pcbbind(), second lookup: "wild = 1" only when the
  // rival set neither SO_REUSEADDR nor SO_REUSEPORT; otherwise
  // in_pcblookup_local() looks up the exact address only, and a socket found
  // there conflicts unless both set SO_REUSEPORT ("reuseport &
  // t->inp_socket->so_options").
  const bool exact_lookup = r.options.has(option::reuse_address)
      || r.options.has(option::reuse_port);
  if (r.where == relation::same_address)
  {
    if (d.options.has(option::reuse_port) && r.options.has(option::reuse_port))
      // in_pcblookup_hash_locked() hands all traffic to one PCB: the first
      // found for a specific address (the newest), the last for the wildcard.
      return binds(traffic::either,
          "both set SO_REUSEPORT: one of the two receives all traffic", xnu_v4);
    return refused(refusal::address_in_use,
        "the exact lookup finds the socket and not both set SO_REUSEPORT", xnu_v4);
  }
  if (!exact_lookup)
    return refused(refusal::address_in_use,
        "without SO_REUSEADDR or SO_REUSEPORT the rival's wildcard lookup finds the socket",
        xnu_v4);
  // The exact lookup misses a socket on another address, whatever options it
  // set: the same user (or root) binds beside it. in_pcblookup_hash_locked()
  // prefers an exact local address to the wildcard.
  return r.where == relation::specific_beside_wildcard
      ? binds(traffic::rival,
            "SO_REUSEADDR or SO_REUSEPORT: the exact lookup misses the wildcard socket; "
            "the more specific bind receives the traffic",
            xnu_v4)
      : binds(traffic::defender,
            "SO_REUSEADDR or SO_REUSEPORT: the exact lookup misses the specific socket, "
            "which keeps its traffic",
            xnu_v4);
}

// -- FreeBSD -------------------------------------------------------------------

constexpr verdict freebsd_rule(const scenario& s) noexcept
{
  const defender& d = s.held;
  const rival& r = s.challenger;
  if (r.where == relation::other_family)
    return separate_port_space(freebsd_v4);
  // FreeBSD main sys/netinet/in_pcb.c in_pcbbind_avail() (and
  // in6_pcbbind_avail(), also on the v4-mapped side of a dual-stack bind):
  // without PRIV_NETINET_REUSEPORT (root has it) a different cr_uid is refused
  // wherever the wildcard lookup finds an unconnected socket: "SO_REUSE* can
  // only be used to share a port among sockets owned by the same user".
  // (FreeBSD 13 and 14 let another uid join a wildcard SO_REUSEPORT_LB socket
  // that lacked SO_REUSEPORT.)
  if (r.who == identity::other_user)
    return refused(refusal::address_in_use,
        "another uid is refused wherever the wildcard lookup finds the socket",
        r.where == relation::dual_stack_beside_wildcard ? freebsd_v6 : freebsd_v4);
  // in6_pcbbind_avail(): the v4-mapped conflict check skips a PF_INET
  // wildcard socket ("!in_nullhost(t->inp_laddr) || (t->inp_vflag &
  // INP_IPV6PROTO) != 0" is false); in_pcblookup_wild_*() and
  // in_pcbinslbgrouphash() rank a v4-mapped wildcard last.
  if (r.where == relation::dual_stack_beside_wildcard)
    return binds(traffic::defender,
        "a dual-stack [::] binds beside a PF_INET wildcard socket, which keeps IPv4",
        freebsd_v6);
  const bool exact_lookup = r.options.has(option::reuse_address)
      || r.options.has(option::reuse_port) || r.options.has(option::reuse_port_lb);
  const bool d_lb = d.options.has(option::reuse_port_lb);
  const bool r_lb = r.options.has(option::reuse_port_lb);
  // in_pcbbind_avail(): "lookupflags = INPLOOKUP_WILDCARD" only when the rival
  // set none of SO_REUSEADDR, SO_REUSEPORT, SO_REUSEPORT_LB; a socket found
  // conflicts unless "(reuseport | reuseport_lb) & t->inp_socket->so_options".
  if (r.where == relation::same_address)
  {
    const bool shares = (d.options.has(option::reuse_port) && r.options.has(option::reuse_port))
        || (d_lb && r_lb);
    if (!shares)
      return refused(refusal::address_in_use,
          "the lookup finds the socket and they share neither SO_REUSEPORT nor "
          "SO_REUSEPORT_LB",
          freebsd_v4);
    // in_pcblookup_lbgroup() runs before the plain lookup: an LB group takes
    // the traffic; with no group, one PCB receives all of it.
    const traffic t = d_lb && r_lb ? traffic::split
        : d_lb                     ? traffic::defender
        : r_lb                     ? traffic::rival
                                   : traffic::either;
    return binds(t,
        d_lb && r_lb ? "both set SO_REUSEPORT_LB: one load-balancing group"
                     : "both set SO_REUSEPORT: one socket receives all traffic",
        freebsd_v4);
  }
  if (!exact_lookup)
    return refused(refusal::address_in_use,
        "without SO_REUSEADDR, SO_REUSEPORT or SO_REUSEPORT_LB the rival's wildcard "
        "lookup finds the socket",
        freebsd_v4);
  // The exact lookup misses a socket on another address, whatever its
  // options: the same user (or root) binds beside it. Delivery:
  // in_pcblookup_lbgroup() (exact-address group, else wildcard group), then
  // in_pcblookup_wild_*() (exact address before the wildcard).
  if (r.where == relation::specific_beside_wildcard)
    return binds(r_lb || !d_lb ? traffic::rival : traffic::defender,
        r_lb || !d_lb
            ? "the exact lookup misses the wildcard socket; the more specific bind "
              "receives the traffic"
            : "the rival binds, but the defender's wildcard SO_REUSEPORT_LB group is "
              "looked up before plain sockets",
        freebsd_v4);
  return binds(d_lb || !r_lb ? traffic::defender : traffic::rival,
      d_lb || !r_lb
          ? "the exact lookup misses the specific socket, which keeps its traffic"
          : "the rival's wildcard SO_REUSEPORT_LB group is looked up before the "
            "defender's plain socket",
      freebsd_v4);
}

} // namespace detail

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
