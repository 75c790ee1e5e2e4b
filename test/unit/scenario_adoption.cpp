//
// test/unit/scenario_adoption.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Adopted sockets: a socket handed over by another component (or passed the
// way systemd passes a listening socket) that was made shareable is refused
// under exclusivity::required with portguard::error::not_exclusive, taken
// under best_effort with is_exclusive() == false; an exclusive one is
// adopted. Each refusal has a control: a rival in another process binds
// the same port next to the shareable socket.
//
#include <portguard/portguard.hpp>

#include "support/rival.hpp"
#include "support/skip.hpp"
#include "support/squatter.hpp"

#include "support/net.hpp"
#include "support/ports.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#if !defined(_WIN32)
#  include <sys/socket.h>
#endif

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

const net::ip::address loopback = net::ip::address_v4::loopback();

/// A socket another component made shareable: SO_REUSEADDR and, where the
/// platform has it, port sharing on (POSIX: SO_REUSEPORT), bound to
/// loopback, not listening (a state every platform, Wine included, models).
void open_shareable(tcp::acceptor& a, error_code& ec)
{
  a.open(tcp::v4(), ec);
#if !defined(_WIN32)
  // The OS's option, not portguard's: the control owes nothing to the library.
  if (!ec)
    a.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
#endif
  if (!ec)
    a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    a.bind(tcp::endpoint(loopback, 0), ec);
}

/// The rival the shareable socket loses to on every platform: SO_REUSEADDR
/// on the same address, from another process.
rival reuse_address_rival(unsigned short port)
{
  return rival{transport::tcp, rival_options::reuse_address, loopback, port};
}

/// Releases the native handle from `a`; the caller owns it afterwards.
raw_socket release(tcp::acceptor& a)
{
  return static_cast<raw_socket>(a.release());
}

const identity rival_identities[] = {identity::same_user, identity::other_user};

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_adoption)

BOOST_AUTO_TEST_CASE(shareable_socket_refused_under_required, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  tcp::acceptor shareable(ctx);
  error_code ec;
  open_shareable(shareable, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  const unsigned short port = shareable.local_endpoint().port();

  // Control: the socket really is shareable; a rival process binds its port.
  const outcome control = attempt(reuse_address_rival(port), identity::same_user);
  BOOST_TEST_REQUIRE(control.kind != outcome::skipped, control.note);
  BOOST_TEST_REQUIRE(control.won_port(), "control rival: " << control);

  // Assign with an error_code: refused, the caller keeps the handle.
  portguard::secure_acceptor adopter(ctx);
  adopter.assign(tcp::v4(), shareable.native_handle(), ec);
  BOOST_TEST((ec == portguard::error::not_exclusive), ec.message());
  BOOST_TEST(std::string(ec.category().name()) == "portguard");
  BOOST_TEST(!adopter.is_open());
  BOOST_TEST(shareable.is_open());
  BOOST_TEST(shareable.local_endpoint().port() == port); // still usable

  // The native-handle constructor throws system_error with the same code.
  try
  {
    portguard::secure_acceptor thrown(ctx, tcp::v4(), shareable.native_handle());
    BOOST_ERROR("adopting a shareable socket did not throw");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST((e.code() == portguard::error::not_exclusive), e.code().message());
  }
  BOOST_TEST(shareable.is_open());
}

BOOST_AUTO_TEST_CASE(shareable_socket_taken_under_best_effort,
    *boost::unit_test::timeout(60) * skip_unless(release_reason))
{
  net::io_context ctx;
  tcp::acceptor shareable(ctx);
  error_code ec;
  open_shareable(shareable, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  const unsigned short port = shareable.local_endpoint().port();
  const raw_socket handle = release(shareable);

  portguard::secure_acceptor adopter(ctx, tcp::v4(), handle, portguard::exclusivity::best_effort);
  BOOST_TEST(adopter.is_open());
  BOOST_TEST(adopter.is_exclusive() == false); // it tells the truth
  BOOST_TEST(adopter.local_endpoint().port() == port);

  // And it is true: a rival process still shares the port.
  const outcome rival_result = attempt(reuse_address_rival(port), identity::same_user);
  BOOST_TEST_REQUIRE(rival_result.kind != outcome::skipped, rival_result.note);
  BOOST_TEST(rival_result.won_port(), "rival: " << rival_result);
}

BOOST_TEST_DECORATOR(*boost::unit_test::timeout(60) * skip_unless(release_reason)
    * skip_sample_unless([](std::size_t i) { return identity_reason(rival_identities[i]); }))
BOOST_DATA_TEST_CASE(exclusive_socket_adopted, bdata::make(rival_identities), who)
{
  net::io_context ctx;
  tcp::acceptor exclusive(ctx);
  portguard::exclusive_bind(exclusive, tcp::endpoint(loopback, 0));
  const unsigned short port = exclusive.local_endpoint().port();
  const raw_socket handle = release(exclusive);

  portguard::secure_acceptor adopter(ctx, tcp::v4(), handle);
  BOOST_TEST(adopter.is_open());
  BOOST_TEST(adopter.is_exclusive());
  BOOST_TEST(adopter.local_endpoint().port() == port);

  // The same rival that beats the shareable socket (control above) is refused.
  const outcome r = attempt(reuse_address_rival(port), who);
  BOOST_TEST(r.was_refused(), who << " rival: " << r);
  adopter.listen();
  BOOST_TEST(adopter.is_exclusive());
}

#if !defined(_WIN32)

/// A listening socket prepared the way systemd prepares one for socket
/// activation (SO_REUSEADDR always; SO_REUSEPORT with ReusePort=yes), then
/// handed over as a bare descriptor.
int systemd_style_socket(net::io_context& ctx, bool reuse_port, unsigned short& port)
{
  tcp::acceptor a(ctx, tcp::v4());
  a.set_option(net::socket_base::reuse_address(true));
  if (reuse_port)
    a.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
  a.bind(tcp::endpoint(loopback, 0));
  a.listen();
  port = a.local_endpoint().port();
  return a.release();
}

BOOST_AUTO_TEST_CASE(systemd_reuse_port_socket_refused, *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  unsigned short port = 0;
  const int fd = systemd_style_socket(ctx, true, port);
  tcp::acceptor owner(ctx, tcp::v4(), fd); // closes it at the end

  // Control: a same-user rival with SO_REUSEPORT in another process shares it.
  const outcome control = attempt(
      rival{transport::tcp, rival_options::reuse_port, loopback, port}, identity::same_user);
  BOOST_TEST_REQUIRE(control.won_port(), "control rival: " << control);

  portguard::secure_acceptor adopter(ctx);
  error_code ec;
  adopter.assign(tcp::v4(), fd, ec);
  BOOST_TEST((ec == portguard::error::not_exclusive), ec.message());
  BOOST_TEST(!adopter.is_open());
}

BOOST_AUTO_TEST_CASE(systemd_reuse_port_refusal_names_the_unit_setting,
    *boost::unit_test::timeout(60))
{
  net::io_context ctx;
  unsigned short port = 0;
  const int fd = systemd_style_socket(ctx, true, port);
  tcp::acceptor owner(ctx, tcp::v4(), fd); // closes it at the end
  portguard::secure_acceptor adopter(ctx);
  std::string what;
  try
  {
    adopter.assign(tcp::v4(), fd);
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST((e.code() == portguard::error::not_exclusive), e.code().message());
    what = e.what();
  }
  BOOST_TEST_MESSAGE(what);
  BOOST_TEST(what.find("assign: SO_REUSEPORT on") == 0, what);
  const std::size_t setting = what.find("ReusePort=no");
  BOOST_TEST(setting != std::string::npos, what);
  BOOST_TEST(what.find("best_effort") > setting, "the unit setting first, best_effort last");

  // Control: without ReusePort=yes the same adoption succeeds.
  const int plain = systemd_style_socket(ctx, false, port);
  portguard::secure_acceptor adopted(ctx);
  BOOST_CHECK_NO_THROW(adopted.assign(tcp::v4(), plain));
}

BOOST_AUTO_TEST_CASE(squatter_beside_systemd_socket_named,
    *boost::unit_test::timeout(60)
        * skip_unless([] { return first_reason(linux_only_reason(),
                               identity_reason(identity::other_user)); }))
{
  // nobody bound 127.0.0.1:P first with SO_REUSEADDR; systemd's socket
  // (SO_REUSEADDR) binds and listens beside it, unaware.
  net::io_context ctx;
  unsigned short port = 0;
  std::unique_ptr<squatter> squatting;
  for (int attempt = 0; attempt < 4 && !(squatting && squatting->holds()); ++attempt)
  {
    port = unused_tcp_port();
    squatting = std::make_unique<squatter>(reuse_address_rival(port), identity::other_user);
  }
  BOOST_TEST_REQUIRE(squatting->holds(), squatting->result());
  tcp::acceptor passed(ctx, tcp::v4());
  passed.set_option(net::socket_base::reuse_address(true));
  passed.bind(tcp::endpoint(loopback, port));
  passed.listen();
  portguard::secure_acceptor adopter(ctx);
  std::string what;
  try
  {
    adopter.assign(tcp::v4(), passed.native_handle());
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST((e.code() == portguard::error::port_shared), e.code().message());
    what = e.what();
  }
  BOOST_TEST_MESSAGE(what);
  const std::string pid = "pid " + std::to_string(squatting->pid());
  BOOST_TEST(what.find("uid 65534, " + pid + " (") != std::string::npos, what);
  BOOST_TEST(what.find("to fix: stop " + pid + " (") != std::string::npos, what);

  // Control: the squatter gone, the same socket is adopted.
  squatting.reset();
  BOOST_CHECK_NO_THROW(adopter.assign(tcp::v4(), passed.release()));
}

BOOST_TEST_DECORATOR(*boost::unit_test::timeout(60)
    * skip_sample_unless([](std::size_t i) { return identity_reason(rival_identities[i]); }))
BOOST_DATA_TEST_CASE(systemd_default_socket_adopted, bdata::make(rival_identities), who)
{
  net::io_context ctx;
  unsigned short port = 0;
  const int fd = systemd_style_socket(ctx, false, port);
  portguard::secure_acceptor adopter(ctx, tcp::v4(), fd);
  BOOST_TEST(adopter.is_exclusive());

  // A listening socket with SO_REUSEADDR only is shared by no rival (the
  // control of the reuse_port case above shows the rivals can win).
  for (rival_options o : {rival_options::reuse_address, rival_options::reuse_port, rival_options::both})
  {
    const outcome r = attempt(rival{transport::tcp, o, loopback, port}, who);
    BOOST_TEST(r.was_refused(), o << ' ' << who << " rival: " << r);
  }
}

#endif

BOOST_AUTO_TEST_CASE(datagram_socket_refused_as_acceptor)
{
  net::io_context ctx;
  udp::socket datagram(ctx);
  portguard::exclusive_bind(datagram, udp::endpoint(loopback, 0));
  for (auto policy : {portguard::exclusivity::required, portguard::exclusivity::best_effort})
  {
    portguard::secure_acceptor adopter(ctx, policy);
    error_code ec;
    adopter.assign(tcp::v4(), raw_handle(datagram), ec);
    BOOST_TEST((ec == portguard::error::wrong_socket_type), ec.message());
    BOOST_TEST(!adopter.is_open());
  }
  BOOST_TEST(datagram.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
