//
// test/unit/other_family.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// portguard/other_family.hpp: the same port on the other address family.
// Every rival refused here is first tried against a plain Asio defender,
// where it wins; a client that tries ::1 first reaches our server, never a
// rival; the guard is released with its socket.
//
#include <portguard/other_family.hpp>

#include <portguard/bind_with_retry.hpp>
#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/secure_acceptor.hpp>

#include "support/descriptors.hpp"
#include "support/net.hpp"
#include "support/platform_rules.hpp"
#include "support/rival.hpp"
#include "support/squatter.hpp"

#include <boost/predef/os/linux.h>
#include <boost/predef/os/windows.h>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#if !defined(_WIN32)
#  include <netdb.h>
#endif

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
namespace utf = boost::unit_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusivity;

constexpr bool on_linux = BOOST_OS_LINUX != 0;

enum class where { v4_any, v4_loopback, v6_any_v6_only, v6_loopback, v4_mapped_any,
  v4_mapped_loopback };

net::ip::address address_of(where w)
{
  switch (w)
  {
  case where::v4_any: return net::ip::address_v4::any();
  case where::v4_loopback: return net::ip::address_v4::loopback();
  case where::v6_any_v6_only: return net::ip::address_v6::any();
  case where::v6_loopback: return net::ip::address_v6::loopback();
  case where::v4_mapped_any:
    return net::ip::make_address_v6(net::ip::v4_mapped, net::ip::address_v4::any());
  case where::v4_mapped_loopback:
    return net::ip::make_address_v6(net::ip::v4_mapped, net::ip::address_v4::loopback());
  }
  return {};
}

bool is_mapped(where w)
{
  return w == where::v4_mapped_any || w == where::v4_mapped_loopback;
}

/// The portguard paths that bind, and the plain Asio control.
enum class path { plain_asio, endpoint_constructor, canonical_four_steps, exclusive_bind,
  bind_with_retry, guard_other_family };

std::ostream& operator<<(std::ostream& os, path p)
{
  const char* names[] = {"plain Asio", "secure_acceptor(ctx, endpoint)",
      "open/set_option/bind/listen", "exclusive_bind", "bind_with_retry",
      "exclusive_address_use, bind, guard_other_family"};
  return os << names[static_cast<int>(p)];
}

std::ostream& operator<<(std::ostream& os, where w)
{
  return os << (w == where::v6_any_v6_only ? std::string("[::] v6only")
                                           : address_of(w).to_string());
}

bool host_has_ipv6()
{
  error_code ec;
  return portguard::detail::probe_bind(AF_INET6, SOCK_DGRAM, net::ip::address_v6::loopback(),
      0, ec);
}

boost::test_tools::assertion_result needs_ipv6(utf::test_unit_id)
{
  boost::test_tools::assertion_result result(host_has_ipv6());
  result.message() << "[os] this host has no IPv6 loopback: nothing on the other family to guard";
  return result;
}

boost::test_tools::assertion_result needs_linux_and_ipv6(utf::test_unit_id id)
{
  if (!on_linux)
  {
    boost::test_tools::assertion_result result(false);
    result.message() << "[platform] Linux only: runs a Python client and counts descriptors in /proc";
    return result;
  }
  return needs_ipv6(id);
}

boost::test_tools::assertion_result needs_user_nobody(utf::test_unit_id id)
{
  const auto base = needs_linux_and_ipv6(id);
  if (!base)
    return base;
  boost::test_tools::assertion_result result(can_switch_user());
  result.message() << "[needs root] cannot run the rival as user nobody";
  return result;
}

/// Sets IPV6_V6ONLY on for `[::]`, off for a v4-mapped address (a mapped
/// bind needs it off; Linux's default, not Windows').
template <typename Socket>
void set_v6_only_for(Socket& socket, where w)
{
  if (w == where::v6_any_v6_only || is_mapped(w))
    socket.set_option(net::ip::v6_only(w == where::v6_any_v6_only));
}

/// A defender bound to `w`, port 0, by `how`; V6ONLY set first.
struct tcp_defender
{
  net::io_context ctx;
  tcp::acceptor plain{ctx};
  portguard::secure_acceptor secure{ctx};
  tcp::acceptor* bound = nullptr;

  tcp_defender(path how, where w, portguard::other_family family = portguard::other_family::guard)
  {
    const tcp::endpoint endpoint(address_of(w), 0);
    switch (how)
    {
    case path::plain_asio:
      plain.open(endpoint.protocol());
      set_v6_only_for(plain, w);
      plain.set_option(tcp::acceptor::reuse_address(true));
      plain.bind(endpoint);
      plain.listen();
      bound = &plain;
      break;
    case path::endpoint_constructor:
      secure = portguard::secure_acceptor(ctx, endpoint);
      bound = &secure;
      break;
    case path::canonical_four_steps:
      secure.open(endpoint.protocol());
      set_v6_only_for(secure, w);
      secure.set_other_family(family);
      secure.set_option(tcp::acceptor::reuse_address(true));
      secure.bind(endpoint);
      secure.listen();
      bound = &secure;
      break;
    case path::exclusive_bind:
    case path::bind_with_retry:
      plain.open(endpoint.protocol());
      set_v6_only_for(plain, w);
      if (how == path::exclusive_bind)
        portguard::exclusive_bind(plain, endpoint, exclusivity::required, family);
      else
        portguard::bind_with_retry(plain, endpoint);
      plain.listen();
      bound = &plain;
      break;
    case path::guard_other_family: // bound by other code, guarded after
      plain.open(endpoint.protocol());
      set_v6_only_for(plain, w);
      plain.set_option(portguard::exclusive_address_use(true));
      plain.bind(endpoint);
      portguard::guard_other_family(plain);
      plain.listen();
      bound = &plain;
      break;
    }
  }
  unsigned short port() const { return bound->local_endpoint().port(); }
};

struct udp_defender
{
  net::io_context ctx;
  udp::socket socket{ctx};

  udp_defender(path how, where w)
  {
    const udp::endpoint endpoint(address_of(w), 0);
    socket.open(endpoint.protocol());
    set_v6_only_for(socket, w);
    if (how == path::plain_asio)
    {
      socket.set_option(udp::socket::reuse_address(true));
      socket.bind(endpoint);
    }
    else if (how == path::guard_other_family)
    {
      socket.set_option(portguard::exclusive_address_use(true));
      socket.bind(endpoint);
      portguard::guard_other_family(socket);
    }
    else if (how == path::exclusive_bind)
      portguard::exclusive_bind(socket, endpoint);
    else
      portguard::bind_with_retry(socket, endpoint);
  }
  unsigned short port() const { return socket.local_endpoint().port(); }
};

/// A rival on the same port of the other family (IPV6_V6ONLY on `[::]`).
rival other_family_rival(transport proto, where w, unsigned short port, rival_options o)
{
  net::ip::address other;
  other_family_address(address_of(w), other);
  return {proto, o, other, port, true};
}

bool is_conflict(const outcome& o)
{
  return o.kind == outcome::refused && portguard::detail::is_conflict(o.ec);
}

struct cross_cell
{
  transport proto;
  path how;
  where at;
  rival_options options;
  identity who;
};

std::ostream& operator<<(std::ostream& os, const cross_cell& c)
{
  return os << c.proto << " defender " << c.how << " on " << c.at << ", rival "
            << c.options << " as " << c.who;
}

std::vector<cross_cell> cross_cells()
{
  std::vector<cross_cell> cells;
  const where places[] = {where::v4_any, where::v4_loopback, where::v6_any_v6_only,
      where::v6_loopback};
#if defined(_WIN32)
  const rival_options options[] = {rival_options::none, rival_options::reuse_address};
  const identity identities[] = {identity::same_user};
#else
  const rival_options options[] = {rival_options::none, rival_options::reuse_address,
      rival_options::reuse_port};
  const identity identities[] = {identity::same_user, identity::other_user};
#endif
  for (where at : places)
    for (rival_options o : options)
      for (identity who : identities)
      {
        for (path how : {path::endpoint_constructor, path::canonical_four_steps,
                 path::exclusive_bind})
        {
          if (how == path::endpoint_constructor && at == where::v6_any_v6_only)
            continue; // the constructor cannot set V6ONLY before its bind
          cells.push_back({transport::tcp, how, at, o, who});
        }
        for (path how : {path::exclusive_bind, path::bind_with_retry})
          cells.push_back({transport::udp, how, at, o, who});
      }
  return cells;
}

/// Runs `c`'s rival against a fresh defender made by `how`.
outcome rival_against(const cross_cell& c, path how, bool& exclusive)
{
  if (c.proto == transport::tcp)
  {
    tcp_defender d(how, c.at);
    exclusive = portguard::is_exclusive(*d.bound);
    return attempt(other_family_rival(c.proto, c.at, d.port(), c.options), c.who);
  }
  udp_defender d(how, c.at);
  exclusive = portguard::is_exclusive(d.socket);
  return attempt(other_family_rival(c.proto, c.at, d.port(), c.options), c.who);
}

/// The v4-mapped defenders (Linux: V6ONLY off is the default, and the
/// kernel binds a mapped address as the IPv4 address it maps), through every
/// bind path, against a rival in this process and one of user nobody.
std::vector<cross_cell> mapped_cells()
{
  std::vector<cross_cell> cells;
  for (where at : {where::v4_mapped_any, where::v4_mapped_loopback})
    for (rival_options o : {rival_options::none, rival_options::reuse_address,
             rival_options::reuse_port})
      for (identity who : {identity::same_process, identity::other_user})
      {
        for (path how : {path::endpoint_constructor, path::canonical_four_steps,
                 path::exclusive_bind, path::guard_other_family})
          cells.push_back({transport::tcp, how, at, o, who});
        for (path how : {path::exclusive_bind, path::bind_with_retry, path::guard_other_family})
          cells.push_back({transport::udp, how, at, o, who});
      }
  return cells;
}

/// Runs a short Python client that connects to `port` on each address of
/// `addresses` in turn (or on "localhost" through the system resolver when
/// empty), as socket.create_connection() does, and prints the peer it
/// reached and the first line it read. Empty if it could not run.
std::string python_client(unsigned short port, const std::string& addresses)
{
#if defined(_WIN32)
  (void)port;
  (void)addresses;
  return {};
#else
  const std::string target = addresses.empty()
      ? "socket.getaddrinfo('localhost', " + std::to_string(port)
            + ", type=socket.SOCK_STREAM)"
      : "[(socket.AF_INET6 if ':' in a else socket.AF_INET, 0, 0, '', (a, "
            + std::to_string(port) + ")) for a in '" + addresses + "'.split()]";
  const std::string script =
      "import socket,sys\n"
      "for family, _, _, _, address in " + target + ":\n"
      "    s = socket.socket(family, socket.SOCK_STREAM)\n"
      "    s.settimeout(5)\n"
      "    try:\n"
      "        s.connect(address)\n"
      "    except OSError:\n"
      "        s.close()\n"
      "        continue\n"
      "    try:\n"
      "        line = s.recv(64).decode(errors='replace').strip() or '-'\n"
      "    except OSError:\n"
      "        line = '-'\n"
      "    print(s.getpeername()[0], line)\n"
      "    sys.exit(0)\n"
      "print('none -')\n";
  const std::string command = "timeout 20 " PORTGUARD_PYTHON " -c \"" + script + "\"";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe)
    return {};
  std::string output;
  char buffer[256];
  while (output.size() < 4096 && std::fgets(buffer, sizeof(buffer), pipe))
    output += buffer;
  ::pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  return output;
#endif
}

/// Accepts one connection on `acceptor` in the background and writes
/// "server" to it.
struct greeter
{
  explicit greeter(tcp::acceptor& acceptor) : socket(acceptor.get_executor())
  {
    acceptor.async_accept(socket, [this](const error_code& ec) {
      if (!ec)
        net::async_write(socket, net::buffer(text), [](const error_code&, std::size_t) {});
    });
  }
  tcp::socket socket;
  const std::string text = "server\n";
};

/// The client's answer for a server on 127.0.0.1 (plain or portguard) with
/// a rival of user nobody listening on [::1] at the same port if it can.
std::string client_sees(path how, const std::string& addresses, bool& rival_listens)
{
  tcp_defender server(how, where::v4_loopback);
  squatter rival({transport::tcp, rival_options::none, net::ip::address_v6::loopback(),
                     server.port(), true},
      identity::other_user);
  rival_listens = rival.holds() && rival.listen().won_port();
  greeter greet(*server.bound);
  std::string answer;
  std::atomic<bool> done{false};
  std::thread client([&] {
    answer = python_client(server.port(), addresses);
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done && std::chrono::steady_clock::now() < deadline)
  {
    server.ctx.restart();
    server.ctx.run_for(std::chrono::milliseconds(20));
  }
  client.join();
  return answer;
}

bool localhost_tries_ipv6_first()
{
#if defined(_WIN32)
  return false;
#else
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (::getaddrinfo("localhost", "80", &hints, &list) != 0 || !list)
    return false;
  const bool v6_first = list->ai_family == AF_INET6;
  ::freeaddrinfo(list);
  return v6_first;
#endif
}

boost::test_tools::assertion_result resolver_tries_ipv6_first(utf::test_unit_id id)
{
  const auto base = needs_user_nobody(id);
  if (!base)
    return base;
  boost::test_tools::assertion_result result(localhost_tries_ipv6_first());
  result.message() << "[os] this host's resolver gives 127.0.0.1 first for localhost "
                      "(/etc/hosts maps it to IPv4 only); see ::1-first client test";
  return result;
}

/// `c`'s rival wins against plain Asio (is_exclusive() false), and is
/// refused by the defender `c.how` makes (is_exclusive() true).
void check_beside_control(const cross_cell& c)
{
  bool exclusive = false;
  outcome control = rival_against(c, path::plain_asio, exclusive);
  // The kernel picks the defender's port on its own family only; another
  // test's socket (or TIME_WAIT) may already sit on that port of the other
  // family. The control then loses for a reason of its own: try a fresh port,
  // a bounded number of times.
  for (int retry = 0; retry < 3 && control.kind == outcome::refused; ++retry)
  {
    BOOST_TEST_MESSAGE("control refused (" << control << "); again on a fresh port");
    control = rival_against(c, path::plain_asio, exclusive);
  }
  BOOST_TEST_REQUIRE(control.kind != outcome::skipped, "control: " << control.note);
  BOOST_TEST(control.won_port(), "control: against plain Asio the rival " << control);
  BOOST_TEST(!exclusive, "a plain Asio defender is not exclusive");

  const outcome guarded = rival_against(c, c.how, exclusive);
  BOOST_TEST_REQUIRE(guarded.kind != outcome::skipped, guarded.note);
  BOOST_TEST(is_conflict(guarded), "against portguard the rival " << guarded);
  BOOST_TEST(exclusive, "is_exclusive() with the other family guarded");
}

boost::test_tools::assertion_result needs_mapped_binds(utf::test_unit_id id)
{
  if (!on_linux)
  {
    boost::test_tools::assertion_result result(false);
    result.message() << "[platform] v4-mapped binds are covered on Linux only "
                        "(docs/platforms.md)";
    return result;
  }
  return needs_ipv6(id);
}

/// nobody binds [::1]:P first, P free on 127.0.0.1 a moment ago (another
/// test's socket may sit on [::1]:P, so a bounded few ports are tried).
std::unique_ptr<squatter> squat_loopback_v6(unsigned short& port)
{
  std::unique_ptr<squatter> squatting;
  for (int attempt = 0; attempt < 4 && !(squatting && squatting->holds()); ++attempt)
  {
    tcp_defender probe_port(path::plain_asio, where::v4_loopback);
    port = probe_port.port();
    probe_port.plain.close();
    squatting = std::make_unique<squatter>(
        rival{transport::tcp, rival_options::none, net::ip::address_v6::loopback(), port, true},
        identity::other_user);
  }
  return squatting;
}

/// With [::1]:P taken by nobody, a plain Asio bind of `at`:P goes on unaware
/// (the control); every portguard path refuses under required, and under
/// best_effort binds without claiming the port.
void taken_other_family_fails_closed_on(where at)
{
  unsigned short port = 0;
  std::unique_ptr<squatter> squatting = squat_loopback_v6(port);
  BOOST_TEST_REQUIRE(squatting->holds(), squatting->result());
  const tcp::endpoint endpoint(address_of(at), port);
  net::io_context ctx;
  // Control: Asio binds beside it, unaware.
  {
    tcp::acceptor plain(ctx, endpoint);
    BOOST_TEST(plain.is_open());
    BOOST_TEST(!portguard::is_exclusive(plain), "control: the other family is taken");
  }
  BOOST_CHECK_EXCEPTION(portguard::secure_acceptor(ctx, endpoint), portguard::system_error,
      [](const portguard::system_error& e) {
        BOOST_TEST_MESSAGE(e.what());
        return e.code() == portguard::error::other_family_held
            && std::string(e.what()).find("held by") != std::string::npos;
      });
  tcp::acceptor plain(ctx);
  error_code ec;
  portguard::exclusive_bind(plain, endpoint, ec);
  BOOST_TEST((ec == portguard::error::other_family_held), ec.message());
  BOOST_TEST(!plain.is_open(), "nothing stays bound");

  portguard::secure_acceptor lenient(ctx, endpoint, exclusivity::best_effort);
  BOOST_TEST(lenient.is_open(), "best_effort goes on");
  BOOST_TEST(!lenient.guards_other_family());
  BOOST_TEST(!lenient.is_exclusive(), "and does not claim the port");
}

} // namespace

BOOST_AUTO_TEST_SUITE(other_family)

BOOST_TEST_DECORATOR(*utf::precondition(needs_ipv6))
BOOST_DATA_TEST_CASE(cross_family_rival_refused_beside_its_control, bdata::make(cross_cells()),
    c)
{
  check_beside_control(c);
}

// [::ffff:0.0.0.0]:P is 0.0.0.0:P and [::ffff:127.0.0.1]:P is 127.0.0.1:P:
// the guard holds [::]:P V6ONLY or [::1]:P as for the IPv4 address.
BOOST_TEST_DECORATOR(*utf::precondition(needs_mapped_binds))
BOOST_DATA_TEST_CASE(mapped_bind_guards_the_ipv4_address_it_is, bdata::make(mapped_cells()), c)
{
  check_beside_control(c);
}

BOOST_AUTO_TEST_CASE(ipv6_first_client_reaches_the_server, *utf::precondition(needs_user_nobody))
{
  bool rival_listens = false;
  std::string control = client_sees(path::plain_asio, "::1 127.0.0.1", rival_listens);
  for (int retry = 0; retry < 3 && !rival_listens; ++retry) // a foreign socket on [::1]:P
    control = client_sees(path::plain_asio, "::1 127.0.0.1", rival_listens);
  BOOST_TEST_REQUIRE(rival_listens, "control: beside plain Asio, nobody listens on [::1]");
  BOOST_TEST(control.rfind("::1 ", 0) == 0, "control: the client reached " << control);

  for (path how : {path::endpoint_constructor, path::canonical_four_steps,
           path::exclusive_bind})
  {
    const std::string seen = client_sees(how, "::1 127.0.0.1", rival_listens);
    BOOST_TEST(!rival_listens, how << ": the rival could not take [::1]");
    BOOST_TEST(seen == "127.0.0.1 server", how << ": the client reached " << seen);
  }
}

BOOST_AUTO_TEST_CASE(localhost_client_reaches_the_server,
    *utf::precondition(resolver_tries_ipv6_first))
{
  bool rival_listens = false;
  std::string control = client_sees(path::plain_asio, "", rival_listens);
  for (int retry = 0; retry < 3 && !rival_listens; ++retry) // a foreign socket on [::1]:P
    control = client_sees(path::plain_asio, "", rival_listens);
  BOOST_TEST_REQUIRE(rival_listens);
  BOOST_TEST(control.rfind("::1 ", 0) == 0, "control: localhost reached " << control);
  const std::string seen = client_sees(path::endpoint_constructor, "", rival_listens);
  BOOST_TEST(!rival_listens);
  BOOST_TEST(seen == "127.0.0.1 server", "localhost reached " << seen);
}

BOOST_AUTO_TEST_CASE(taken_other_family_fails_closed, *utf::precondition(needs_user_nobody))
{
  for (where at : {where::v4_loopback, where::v4_mapped_loopback})
  {
    BOOST_TEST_CONTEXT("defender on " << at)
    taken_other_family_fails_closed_on(at);
  }
}

BOOST_AUTO_TEST_CASE(taken_other_family_fails_closed_before_a_bind_by_other_code,
    *utf::precondition(needs_user_nobody))
{
  // A mapped socket bound by other code: best_effort reports the taken side.
  unsigned short port = 0;
  std::unique_ptr<squatter> squatting = squat_loopback_v6(port);
  BOOST_TEST_REQUIRE(squatting->holds(), squatting->result());
  const tcp::endpoint endpoint(address_of(where::v4_mapped_loopback), port);
  net::io_context ctx;
  {
    tcp::acceptor plain(ctx, endpoint);
    BOOST_TEST(!portguard::is_exclusive(plain), "control: plain Asio, [::1]:P held by nobody");
  }
  tcp::acceptor socket(ctx, endpoint.protocol());
  socket.set_option(net::ip::v6_only(false));
  socket.set_option(portguard::exclusive_address_use(true));
  socket.bind(endpoint);
  socket.listen();
  BOOST_TEST(!portguard::is_exclusive(socket), "unguarded, [::1]:P held by nobody");
  BOOST_CHECK_EXCEPTION(portguard::guard_other_family(socket), portguard::system_error,
      [](const portguard::system_error& e) {
        BOOST_TEST_MESSAGE(e.what());
        return e.code() == portguard::error::other_family_held
            && std::string(e.what()).find("held by") != std::string::npos;
      });
  portguard::guard_other_family(socket, exclusivity::best_effort);
  BOOST_TEST(!portguard::is_exclusive(socket), "best_effort goes on, and says so");
}

BOOST_AUTO_TEST_CASE(leave_open_is_an_explicit_choice, *utf::precondition(needs_ipv6))
{
  tcp_defender open_side(path::canonical_four_steps, where::v4_loopback,
      portguard::other_family::leave_open);
  BOOST_TEST(!open_side.secure.guards_other_family());
  BOOST_TEST(!open_side.secure.is_exclusive(), "the other family is free for anyone");
  const outcome o = attempt(
      other_family_rival(transport::tcp, where::v4_loopback, open_side.port(),
          rival_options::none),
      identity::same_user);
  BOOST_TEST(o.won_port(), "so a rival binds it: " << o);

  tcp_defender guarded(path::canonical_four_steps, where::v4_loopback);
  BOOST_TEST(guarded.secure.guards_other_family(), "control: guarded by default");
  BOOST_TEST(guarded.secure.is_exclusive());
}

BOOST_AUTO_TEST_CASE(dual_stack_socket_needs_no_guard, *utf::precondition(needs_ipv6))
{
  net::io_context ctx;
  portguard::secure_acceptor dual(ctx);
  dual.open(tcp::v6());
  dual.set_option(net::ip::v6_only(false));
  dual.bind({net::ip::address_v6::any(), 0});
  dual.listen();
  BOOST_TEST(!dual.guards_other_family());
  BOOST_TEST(dual.is_exclusive());
  const outcome o = attempt({transport::tcp, rival_options::reuse_address,
                                net::ip::address_v4::any(), dual.local_endpoint().port()},
      identity::same_user);
  BOOST_TEST(is_conflict(o), "its own IPv4 side refuses the rival: " << o);
}

BOOST_AUTO_TEST_CASE(restart_rebinds_the_pair_at_once, *utf::precondition(needs_ipv6))
{
  net::io_context ctx;
  unsigned short port = 0;
  {
    portguard::secure_acceptor first(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    port = first.local_endpoint().port();
    tcp::socket client(ctx), served(ctx);
    client.connect(first.local_endpoint());
    first.accept(served);
    served.close(); // the server closes first: TIME_WAIT is on its side
  }
  portguard::secure_acceptor second(ctx, tcp::endpoint(net::ip::address_v4::loopback(), port));
  BOOST_TEST(second.guards_other_family());
  BOOST_TEST(second.is_exclusive());

  udp::socket datagram(ctx);
  portguard::exclusive_bind(datagram, udp::endpoint(net::ip::address_v4::loopback(), 0));
  const unsigned short udp_port = datagram.local_endpoint().port();
  datagram.close();
  udp::socket again(ctx);
  portguard::exclusive_bind(again, udp::endpoint(net::ip::address_v4::loopback(), udp_port));
  BOOST_TEST(portguard::is_exclusive(again));
}

BOOST_AUTO_TEST_CASE(guard_lives_and_dies_with_its_socket,
    *utf::precondition(needs_linux_and_ipv6))
{
  net::io_context ctx;
  tcp::acceptor(ctx, tcp::v4()).close(); // Asio's reactor opens its own descriptors once
  const int base = open_descriptors();
  {
    portguard::secure_acceptor a(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    BOOST_TEST(open_descriptors() == base + 2, "the acceptor and its guard");
    portguard::secure_acceptor moved(std::move(a));
    BOOST_TEST(open_descriptors() == base + 2, "moved, not copied");
    BOOST_TEST(moved.guards_other_family());
    moved.close();
    BOOST_TEST(open_descriptors() == base, "close() closes the guard");
  }
  {
    portguard::secure_acceptor a(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
    const auto handle = a.release();
    BOOST_TEST(open_descriptors() == base + 1, "release() hands over the socket alone");
    tcp::acceptor adopted(ctx, tcp::v4(), handle);
  }
  BOOST_TEST(open_descriptors() == base);
  {
    portguard::secure_acceptor a(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  }
  BOOST_TEST(open_descriptors() == base, "destruction closes the guard");
  {
    udp::socket plain(ctx);
    portguard::exclusive_bind(plain, udp::endpoint(net::ip::address_v4::loopback(), 0));
    BOOST_TEST(open_descriptors() == base + 2);
  }
  // A plain socket's guard goes at the next portguard call after it closed
  // (open_descriptors() makes one).
  BOOST_TEST(open_descriptors() == base);
}

BOOST_AUTO_TEST_CASE(a_closed_plain_sockets_guard_gives_way_to_the_next_bind,
    *utf::precondition(needs_ipv6))
{
  net::io_context ctx;
  for (const bool plain_guarded_later : {false, true})
  {
    unsigned short port = 0;
    {
      tcp::acceptor plain(ctx);
      if (plain_guarded_later)
      {
        plain.open(tcp::v4());
        plain.bind(tcp::endpoint(net::ip::address_v4::loopback(), 0));
        portguard::guard_other_family(plain);
      }
      else
        portguard::exclusive_bind(plain, tcp::endpoint(net::ip::address_v4::loopback(), 0));
      plain.listen();
      port = plain.local_endpoint().port();
    }
    // The control: the closed socket's guard still holds [::1] (nothing in
    // portguard has looked since) ...
    tcp::acceptor probe(ctx, tcp::v6());
    error_code ec;
    probe.bind(tcp::endpoint(net::ip::address_v6::loopback(), port), ec);
    BOOST_TEST(is_conflict_error(ec), "the guard lingers: " << ec.message());
    probe.close();
    // ... and a secure acceptor on the same port, likely on the same
    // descriptor number, takes the port and a guard of its own.
    portguard::secure_acceptor next(ctx);
    next.open(tcp::v4());
    next.bind(tcp::endpoint(net::ip::address_v4::loopback(), port), ec);
    BOOST_TEST(!ec, "the stale guard gives way: " << ec.message());
    BOOST_TEST(next.guards_other_family());
  }
}

BOOST_AUTO_TEST_CASE(port_zero_gets_a_port_free_on_both_families, *utf::precondition(needs_ipv6))
{
  net::io_context ctx;
  for (int round = 0; round < 20; ++round)
  {
    portguard::secure_acceptor a(ctx, tcp::endpoint(net::ip::address_v4::any(), 0));
    BOOST_TEST_REQUIRE(a.guards_other_family());
    const outcome o = attempt({transport::tcp, rival_options::none,
                                  net::ip::address_v6::any(), a.local_endpoint().port(), true},
        identity::same_process);
    BOOST_TEST_REQUIRE(is_conflict(o), o);
  }
}

// The pure functions under the guard, against hand-written answers.
BOOST_AUTO_TEST_CASE(other_family_address_pairs_wildcards_and_loopbacks)
{
  using address = net::ip::address;
  const auto other = [](const char* text, bool v6_only, address& out) {
    return portguard::detail::other_family_address(net::ip::make_address(text), v6_only, out);
  };
  // Where a specific bind may sit beside a wildcard (Windows), a loopback's
  // guard holds the other family's wildcard.
  const bool windows = BOOST_OS_WINDOWS != 0;
  address out;
  BOOST_TEST(other("0.0.0.0", false, out));
  BOOST_TEST(out == address(net::ip::address_v6::any()));
  BOOST_TEST(other("127.0.0.1", false, out));
  BOOST_TEST(out == (windows ? address(net::ip::address_v6::any())
                             : address(net::ip::address_v6::loopback())));
  BOOST_TEST(other("::", true, out));
  BOOST_TEST(out == address(net::ip::address_v4::any()));
  BOOST_TEST(!other("::", false, out)); // dual-stack: holds both families
  BOOST_TEST(other("::1", true, out));
  BOOST_TEST(out == (windows ? address(net::ip::address_v4::any())
                             : address(net::ip::address_v4::loopback())));
  BOOST_TEST(!other("10.1.2.3", false, out));
  BOOST_TEST(!other("fe80::1", true, out));
  // A v4-mapped address is the IPv4 address it maps.
  BOOST_TEST(other("::ffff:0.0.0.0", false, out));
  BOOST_TEST(out == address(net::ip::address_v6::any()));
  BOOST_TEST(other("::ffff:127.0.0.1", false, out));
  BOOST_TEST(out == (windows ? address(net::ip::address_v6::any())
                             : address(net::ip::address_v6::loopback())));
  BOOST_TEST(!other("::ffff:10.1.2.3", false, out));
}

BOOST_AUTO_TEST_CASE(addresses_overlap_across_families)
{
  const auto overlap = [](const char* a, bool a_v6_only, const char* b, bool b_v6_only) {
    return portguard::detail::addresses_overlap(net::ip::make_address(a), a_v6_only,
        net::ip::make_address(b), b_v6_only);
  };
  BOOST_TEST(overlap("0.0.0.0", false, "127.0.0.1", false));
  BOOST_TEST(overlap("127.0.0.1", false, "127.0.0.1", false));
  BOOST_TEST(!overlap("127.0.0.1", false, "127.0.0.2", false));
  BOOST_TEST(overlap("::", false, "127.0.0.1", false));
  BOOST_TEST(overlap("127.0.0.1", false, "::", false));
  BOOST_TEST(!overlap("::", true, "127.0.0.1", false));
  BOOST_TEST(overlap("::ffff:127.0.0.1", false, "127.0.0.1", false));
  BOOST_TEST(!overlap("::ffff:127.0.0.1", false, "127.0.0.2", false));
  BOOST_TEST(!overlap("::1", false, "127.0.0.1", false));
  BOOST_TEST(overlap("::", true, "::1", true));
  BOOST_TEST(!overlap("::1", true, "fe80::1", true));
  // A v4-mapped address (the kernel's table shows it so) is IPv4.
  BOOST_TEST(overlap("::ffff:0.0.0.0", false, "::ffff:127.0.0.1", false));
  BOOST_TEST(overlap("::ffff:0.0.0.0", false, "127.0.0.1", false));
  BOOST_TEST(overlap("::", false, "::ffff:127.0.0.1", false));
  BOOST_TEST(!overlap("::", true, "::ffff:0.0.0.0", false));
  BOOST_TEST(!overlap("::ffff:0.0.0.0", false, "::", true));
  BOOST_TEST(!overlap("::1", true, "::ffff:127.0.0.1", false));
}

BOOST_AUTO_TEST_SUITE_END()
