//
// test/unit/scenario_truth.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// is_exclusive() and every portguard bind tell who really holds the port,
// not what the flags say. Each case is a reproduction beside its control:
//
// - a squatter that bound first (SO_REUSEADDR, not listening; this process,
//   another process of this user, user nobody): plain Asio starts beside it
//   and the squatter takes the port once the server closes (the control);
//   every portguard path refuses under required (port_shared) and admits it
//   under best_effort;
// - a rival in the bind/listen window: it joins plain Asio's canonical
//   sequence, never portguard's;
// - flags cleared after a sharer joined (UDP SO_REUSEADDR, TCP SO_REUSEPORT
//   group): the kernel's own tables (/proc/net) show two sockets while the
//   flags look exclusive; is_exclusive() and adoption say so;
// - a proof that went stale: a listener taken out of LISTEN (shutdown
//   SHUT_RD) keeps its port with SO_REUSEADDR on, a squatter binds beside
//   it; plain Asio listens again beside the squatter (the control), a
//   secure acceptor refuses and is_exclusive() says false;
// - no false alarm: TIME_WAIT entries of a previous run, the acceptor's own
//   connections;
// - the table unreadable (fault seam): required fails closed only where a
//   check was needed, and says holders_unknown (a partial table, and the
//   holder lists themselves, are tested in holders.cpp);
// - Windows: SO_EXCLUSIVEADDRUSE set after bind reads back on but protects
//   nothing, which a probe bind shows.
//
#include <portguard/portguard.hpp>

#include "support/child.hpp"
#include "support/fault_seam.hpp"
#include "support/platform_rules.hpp"
#include "support/ports.hpp"
#include "support/rival.hpp"
#include "support/skip.hpp"
#include "support/squatter.hpp"

#include <boost/predef/os/linux.h>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#if !defined(_WIN32)
#  include <sys/socket.h>
#  include <unistd.h>
#endif
#if BOOST_OS_LINUX
#  include <net/if.h>
#  include <sched.h>
#  include <sys/ioctl.h>
#endif

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
namespace utf = boost::unit_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusivity;

constexpr bool on_linux = BOOST_OS_LINUX != 0;

/// Empty on Linux: the cases read /proc/net and squat from other processes.
std::string linux_reason()
{
  return on_linux ? std::string()
                  : "[platform] Linux only: reads /proc/net and squats from other processes";
}

/// Empty when a squatter can run as `who` here, on Linux.
std::string linux_and_identity_reason(identity who)
{
  return first_reason(linux_reason(), identity_reason(who));
}

/// This process's user id (POSIX), for comparing with a holder's.
unsigned my_uid()
{
#if defined(_WIN32)
  return 0;
#else
  return static_cast<unsigned>(::geteuid());
#endif
}

/// Refused the way the platform refuses a bind that conflicts with a
/// holder: EADDRINUSE; on Windows also WSAEACCES (an exclusive holder).
bool refused_by_conflict(const outcome& o)
{
  if (o.kind != outcome::refused)
    return false;
#if defined(_WIN32)
  return o.ec == net::error::address_in_use || o.ec == net::error::access_denied;
#else
  return o.ec == net::error::address_in_use;
#endif
}

/// The rows of a /proc/net table (tcp, tcp6, udp, ...) for which
/// `wanted(local, state)` holds: `local` as the table prints it
/// ("0100007F:1F90"), `state` its two hex digits ("0A": listening).
template <typename Predicate>
int proc_net_rows(const char* table_name, Predicate wanted)
{
  int count = 0;
  std::ifstream table(table_name);
  std::string line;
  std::getline(table, line);
  while (std::getline(table, line))
  {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (wanted(local, state))
      ++count;
  }
  return count;
}

/// The kernel's own count of sockets on one IPv4 address and port, from
/// /proc/net (an independent reading: not portguard's netlink code). TCP:
/// listening sockets (state 0A); UDP: every socket. Only the exact address:
/// another test's socket on the same port number elsewhere (a client's
/// ephemeral port, the other family) is not counted.
int proc_net_count(transport proto, const net::ip::address_v4& address, unsigned short port)
{
  // /proc/net prints the address's four network-order bytes read as one
  // native 32-bit word, in hex.
  const auto bytes = address.to_bytes();
  std::uint32_t word = 0;
  std::memcpy(&word, bytes.data(), sizeof(word));
  char text[16];
  std::snprintf(text, sizeof(text), "%08X:%04X", static_cast<unsigned>(word), unsigned{port});
  const std::string endpoint = text;
  return proc_net_rows(proto == transport::tcp ? "/proc/net/tcp" : "/proc/net/udp",
      [&](const std::string& local, const std::string& state) {
        return local == endpoint && (proto == transport::udp || state == "0A");
      });
}

/// TIME_WAIT entries whose local port is `port`, from /proc/net/tcp*.
int time_wait_entries(unsigned short port)
{
  auto on_port_in_time_wait = [port](const std::string& local, const std::string& state) {
    const auto colon = local.rfind(':');
    return colon != std::string::npos && state == "06"
        && std::stoul(local.substr(colon + 1), nullptr, 16) == port;
  };
  return proc_net_rows("/proc/net/tcp", on_port_in_time_wait)
      + proc_net_rows("/proc/net/tcp6", on_port_in_time_wait);
}

/// Leaves TIME_WAIT entries on `port` the way a previous run of a server
/// does: plain Asio listens (SO_REUSEADDR), accepts, closes each connection
/// first, then closes the listener.
void leave_time_wait(unsigned short port, int connections = 3)
{
  net::io_context ctx;
  tcp::acceptor previous(ctx, {net::ip::address_v4::loopback(), port});
  for (int i = 0; i < connections; ++i)
  {
    tcp::socket client(ctx);
    client.connect(previous.local_endpoint());
    tcp::socket server(ctx);
    previous.accept(server);
    server.shutdown(tcp::socket::shutdown_send);
    char byte;
    error_code ec;
    client.read_some(net::buffer(&byte, 1), ec); // end of stream: server closed first
    server.close();
    client.close();
  }
}

// -- Squatter first -------------------------------------------------------------

/// The portguard paths that bind a listener for the application.
enum class path
{
  endpoint_constructor, // secure_acceptor(ctx, endpoint)
  canonical_sequence,   // secure_acceptor: open, reuse_address, bind, listen
  bind_with_retry,      // bind_with_retry(secure_acceptor, endpoint)
  exclusive_bind        // tcp::acceptor: open, reuse_address, exclusive_bind, listen
};

std::ostream& operator<<(std::ostream& os, path p)
{
  switch (p)
  {
  case path::endpoint_constructor: return os << "endpoint-constructor";
  case path::canonical_sequence: return os << "canonical-sequence";
  case path::bind_with_retry: return os << "bind_with_retry";
  case path::exclusive_bind: return os << "exclusive_bind";
  }
  return os;
}

struct squatter_cell
{
  path how;
  bool v6;
  identity who;
  exclusivity policy;
};

std::ostream& operator<<(std::ostream& os, const squatter_cell& c)
{
  return os << c.how << ' ' << (c.v6 ? "v6" : "v4") << " squatter:" << c.who << ' '
            << (c.policy == exclusivity::required ? "required" : "best_effort");
}

std::vector<squatter_cell> squatter_cells()
{
  std::vector<squatter_cell> cells;
  for (path how : {path::endpoint_constructor, path::canonical_sequence, path::bind_with_retry,
           path::exclusive_bind})
    for (bool v6 : {false, true})
      for (identity who : {identity::same_process, identity::same_user, identity::other_user})
        for (exclusivity policy : {exclusivity::required, exclusivity::best_effort})
          cells.push_back({how, v6, who, policy});
  return cells;
}

/// Brings up a listener on `endpoint` by `how`; the error of the first step
/// that failed, the acceptor (open or not) in `out`.
void listen_by(path how, exclusivity policy, const tcp::endpoint& endpoint,
    net::io_context& ctx, std::shared_ptr<tcp::acceptor>& out, error_code& ec)
{
  switch (how)
  {
  case path::endpoint_constructor:
    try
    {
      out.reset(new portguard::secure_acceptor(ctx, endpoint, policy));
      ec.clear();
    }
    catch (const portguard::system_error& e)
    {
      out.reset(new tcp::acceptor(ctx));
      ec = e.code();
    }
    return;
  case path::canonical_sequence:
  {
    auto* secure = new portguard::secure_acceptor(ctx, policy);
    out.reset(secure);
    secure->open(endpoint.protocol(), ec);
    if (!ec) secure->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) secure->bind(endpoint, ec);
    if (!ec) secure->listen(net::socket_base::max_listen_connections, ec);
    return;
  }
  case path::bind_with_retry:
  {
    auto* secure = new portguard::secure_acceptor(ctx, policy);
    out.reset(secure);
    portguard::retry_options once;
    once.attempts = 1;
    portguard::bind_with_retry(*secure, endpoint, once, ec);
    return;
  }
  case path::exclusive_bind:
    out.reset(new tcp::acceptor(ctx));
    out->open(endpoint.protocol(), ec);
    if (!ec) out->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) portguard::exclusive_bind(*out, endpoint, policy, ec);
    if (!ec) out->listen(net::socket_base::max_listen_connections, ec);
    return;
  }
}

/// Empty where the exclusive option can be set on a bound socket (Linux,
/// Windows); else why the after-bind case has nothing to ask.
std::string option_after_bind_reason(bool v6)
{
  net::io_context ctx;
  tcp::acceptor after(ctx);
  error_code ec;
  after.open(v6 ? tcp::v6() : tcp::v4(), ec);
  if (!ec)
    after.bind({wildcard_address(v6), 0}, ec);
  if (ec)
    return {}; // the case itself reports the failed open or bind
  after.set_option(portguard::exclusive_address_use(true), ec);
  return ec ? "[platform] this platform refuses the exclusive option after bind: " + ec.message()
            : std::string();
}

bool is_exclusive_of(tcp::acceptor& acceptor, path how)
{
  error_code ec;
  bool answer = false;
  if (how == path::exclusive_bind)
    answer = portguard::is_exclusive(acceptor, ec);
  else
    answer = static_cast<portguard::secure_acceptor&>(acceptor).is_exclusive(ec);
  BOOST_TEST(!ec, ec.message());
  return answer;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_truth)

BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  return linux_and_identity_reason(squatter_cells().at(i).who);
}))
BOOST_DATA_TEST_CASE(squatter_that_bound_first_is_found, bdata::make(squatter_cells()), c)
{
  const unsigned short port = unused_tcp_port();
  const tcp::endpoint endpoint(wildcard_address(c.v6), port);
  net::io_context ctx;

  // The control: plain Asio starts beside the squatter, and the squatter
  // owns the port the moment the server closes.
  {
    squatter squat({transport::tcp, rival_options::reuse_address, wildcard_address(c.v6), port}, c.who);
    BOOST_TEST_REQUIRE(squat.result().kind != outcome::skipped, squat.result().note);
    BOOST_TEST_REQUIRE(squat.holds(), "the squatter could not bind: " << squat.result());
    tcp::acceptor control(ctx, endpoint, true);
    BOOST_TEST(control.is_open(), "plain Asio starts beside the squatter");
    BOOST_TEST(!squat.listen().won_port(), "while the server listens, the squatter cannot");
    control.close();
    BOOST_TEST(squat.listen().won_port(), "control: the squatter takes the port when the server closes");
  }

  squatter squat({transport::tcp, rival_options::reuse_address, wildcard_address(c.v6), port}, c.who);
  BOOST_TEST_REQUIRE(squat.holds(), "the squatter could not bind again: " << squat.result());
  std::shared_ptr<tcp::acceptor> acceptor; // deletes what it was given (a secure_acceptor too)
  error_code ec;
  listen_by(c.how, c.policy, endpoint, ctx, acceptor, ec);
  if (c.policy == exclusivity::required)
  {
    BOOST_TEST((ec == portguard::error::port_shared), c << ": " << ec.message());
    BOOST_TEST(!acceptor->is_open(), "nothing stays open or bound");
  }
  else
  {
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(!is_exclusive_of(*acceptor, c.how), "best_effort goes on and tells the truth");
    const portguard::port_holders others = portguard::other_holders(*acceptor);
    BOOST_TEST_REQUIRE(others.sockets.size() == 1u);
    const portguard::port_holder& h = others.sockets.front();
    BOOST_TEST((h.state == portguard::holder_state::bound), portguard::to_string(h));
    BOOST_TEST_REQUIRE(!!h.uid);
    BOOST_TEST(*h.uid == (c.who == identity::other_user ? 65534u : my_uid()));
    if (squat.pid() != 0)
      BOOST_TEST((h.pid && static_cast<long>(*h.pid) == squat.pid()), portguard::to_string(h));
  }
}

BOOST_AUTO_TEST_CASE(refusal_names_the_holder, *skip_unless(linux_reason))
{
  const unsigned short port = unused_tcp_port();
  squatter squat({transport::tcp, rival_options::reuse_address, wildcard_address(false), port},
      can_switch_user() ? identity::other_user : identity::same_user);
  BOOST_TEST_REQUIRE(squat.holds());
  net::io_context ctx;
  try
  {
    portguard::secure_acceptor acceptor(ctx, {net::ip::address_v4::any(), port});
    BOOST_ERROR("no exception");
  }
  catch (const portguard::system_error& e)
  {
    const std::string what = e.what();
    BOOST_TEST((e.code() == portguard::error::port_shared));
    BOOST_TEST(what.find("held by 0.0.0.0:" + std::to_string(port) + " bound, not listening, uid ")
        != std::string::npos, what);
    BOOST_TEST(what.find("pid " + std::to_string(squat.pid())) != std::string::npos, what);
  }
  const portguard::port_holders holders =
      portguard::holders_of(tcp::endpoint(net::ip::address_v4::loopback(), port));
  BOOST_TEST(holders.complete);
  BOOST_TEST(holders.sockets.size() == 1u, "holders_of names the squatter to callers");
}

// -- A proof that went stale ---------------------------------------------------------

/// The squatters of the stale-proof case, in the order of its samples.
const identity stale_proof_squatters[] = {identity::same_process, identity::other_user};

/// Takes a listener out of LISTEN (shutdown SHUT_RD); it keeps its port.
void stop_listening(tcp::acceptor& acceptor)
{
#if defined(_WIN32)
  (void)acceptor;
#else
  BOOST_TEST_REQUIRE(::shutdown(acceptor.native_handle(), SHUT_RD) == 0);
#endif
}

BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  return linux_and_identity_reason(stale_proof_squatters[i]);
}))
BOOST_DATA_TEST_CASE(proof_ends_when_the_listener_leaves_listen,
    bdata::make(stale_proof_squatters), who)
{
  net::io_context ctx;
  const tcp::endpoint loopback(net::ip::address_v4::loopback(), 0);
  rival beside{transport::tcp, rival_options::reuse_address, loopback.address(), 0};

  // The control: plain Asio lets the squatter bind beside it and listens
  // again without a word.
  {
    tcp::acceptor control(ctx, loopback, true);
    stop_listening(control);
    beside.port = control.local_endpoint().port();
    squatter squat(beside, who);
    BOOST_TEST_REQUIRE(squat.result().kind != outcome::skipped, squat.result().note);
    BOOST_TEST_REQUIRE(squat.holds(), "control: the squatter binds beside plain Asio: " << squat.result());
    error_code ec;
    control.listen(net::socket_base::max_listen_connections, ec);
    BOOST_TEST(!ec, "control: plain Asio listens again beside the squatter: " << ec.message());
  }

  // No false alarm: out of LISTEN with SO_REUSEADDR on anyone may join
  // (false), but nobody did, so listening again is fine.
  {
    portguard::secure_acceptor alone(ctx, loopback, true);
    stop_listening(alone);
    error_code ec;
    BOOST_TEST(!alone.is_exclusive(ec), "open to anyone with SO_REUSEADDR");
    BOOST_TEST(!ec, ec.message());
    alone.listen(net::socket_base::max_listen_connections, ec);
    BOOST_TEST(!ec, ec.message());
    BOOST_TEST(alone.is_exclusive());
  }

  portguard::secure_acceptor secure(ctx, loopback, true);
  BOOST_TEST_REQUIRE(secure.is_exclusive());
  const unsigned short port = secure.local_endpoint().port();
  stop_listening(secure);
  beside.port = port;
  squatter squat(beside, who);
  BOOST_TEST_REQUIRE(squat.holds(), "the squatter binds beside it: " << squat.result());
  error_code ec;
  BOOST_TEST(!secure.is_exclusive(ec), "the proof ended with LISTEN");
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(!portguard::is_exclusive(secure));
  BOOST_TEST(portguard::other_holders(secure).sockets.size() == 1u);
  try
  {
    secure.listen();
    BOOST_ERROR("listen went on beside the squatter");
  }
  catch (const portguard::system_error& e)
  {
    const std::string what = e.what();
    BOOST_TEST((e.code() == portguard::error::port_shared), e.code().message());
    BOOST_TEST(what.find("held by ") != std::string::npos, what);
    BOOST_TEST(what.find("127.0.0.1:" + std::to_string(port) + " bound, not listening")
        != std::string::npos, what);
    if (who == identity::other_user)
      BOOST_TEST(what.find("uid 65534") != std::string::npos, what);
  }
  BOOST_TEST(!secure.is_open(), "nothing stays open");

  // best_effort listens again beside it, and no longer claims exclusive.
  portguard::secure_acceptor lenient(ctx, loopback, true, exclusivity::best_effort);
  stop_listening(lenient);
  beside.port = lenient.local_endpoint().port();
  squatter beside_lenient(beside, who);
  BOOST_TEST_REQUIRE(beside_lenient.holds(), beside_lenient.result());
  lenient.listen(net::socket_base::max_listen_connections, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(!lenient.is_exclusive(ec), "listening again proves nothing");
  BOOST_TEST(!ec, ec.message());
}

// -- The bind/listen window ------------------------------------------------------------

/// The rivals of the bind/listen window, in the order of its samples.
const identity window_rivals[] = {identity::same_process, identity::same_user, identity::other_user};

/// Why the i-th squatter of the window cannot run here (empty if it can).
static std::string window_rival_reason(std::size_t i)
{
#if defined(_WIN32)
  if (window_rivals[i] != identity::same_process)
    return "[platform] squatters in another process: POSIX only";
#endif
  return identity_reason(window_rivals[i]);
}

BOOST_TEST_DECORATOR(*skip_sample_unless(window_rival_reason))
BOOST_DATA_TEST_CASE(rival_in_the_bind_listen_window, bdata::make(window_rivals), who)
{
  net::io_context ctx;
  std::unique_ptr<squatter> in_window;
  auto squat_in_window = [&](unsigned short port) {
    in_window.reset(new squatter(
        {transport::tcp, rival_options::reuse_address, net::ip::address_v4::any(), port}, who));
  };

  // The control: plain Asio's canonical sequence; a rival with SO_REUSEADDR
  // binds between its bind and its listen, on POSIX and on Windows.
  tcp::acceptor control(ctx);
  control.open(tcp::v4());
  control.set_option(net::socket_base::reuse_address(true));
  control.bind({net::ip::address_v4::any(), 0});
  squat_in_window(control.local_endpoint().port());
  BOOST_TEST_REQUIRE(in_window->result().kind != outcome::skipped, in_window->result().note);
  BOOST_TEST(in_window->holds(), "control: the rival joins plain Asio in the window");
  control.listen();
  in_window.reset();
  control.close();

  // The endpoint constructor, with the rival put in its window by the seam.
  unsigned short port = unused_tcp_port();
  std::unique_ptr<portguard::secure_acceptor> secure;
  {
    fault_seam seam;
    seam.between_bind_and_listen([&] { squat_in_window(port); });
    BOOST_CHECK_NO_THROW(secure.reset(new portguard::secure_acceptor(
        ctx, tcp::endpoint(net::ip::address_v4::any(), port))));
  }
  BOOST_TEST_REQUIRE(!!in_window);
  BOOST_TEST(!in_window->holds(), "the rival cannot join in portguard's window: " << in_window->result());
  BOOST_TEST(refused_by_conflict(in_window->result()), in_window->result());
  BOOST_TEST(secure->is_exclusive());
  in_window.reset();

  // The canonical sequence on a secure acceptor, the rival between the steps.
  portguard::secure_acceptor stepwise(ctx);
  stepwise.open(tcp::v4());
  stepwise.set_option(net::socket_base::reuse_address(true));
  stepwise.bind({net::ip::address_v4::any(), 0});
  squat_in_window(stepwise.local_endpoint().port());
  BOOST_TEST(!in_window->holds(), "the rival cannot join between bind and listen: " << in_window->result());
  stepwise.listen();
  BOOST_TEST(stepwise.is_exclusive());
}

// -- Flags cleared after a sharer joined ---------------------------------------------

/// The sharers of the UDP case, in the order of its samples.
const identity udp_sharers[] = {identity::same_user, identity::other_user};

BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  return linux_and_identity_reason(udp_sharers[i]);
}))
BOOST_DATA_TEST_CASE(udp_sharer_stays_when_reuse_address_is_cleared, bdata::make(udp_sharers),
    who)
{
  net::io_context ctx;
  udp::socket ours(ctx, udp::v4());
  ours.set_option(net::socket_base::reuse_address(true));
  ours.bind({net::ip::address_v4::any(), 0});
  const unsigned short port = ours.local_endpoint().port();
  squatter sharer({transport::udp, rival_options::reuse_address, net::ip::address_v4::any(), port}, who);
  BOOST_TEST_REQUIRE(sharer.result().kind != outcome::skipped, sharer.result().note);
  BOOST_TEST_REQUIRE(sharer.holds());
  ours.set_option(net::socket_base::reuse_address(false));
  // /proc/net/udp is read in pieces and may miss a row while other sockets
  // come and go: a few readings, the first showing both counts.
  int listed = 0;
  for (int reading = 0; reading < 5 && listed != 2; ++reading)
    listed = proc_net_count(transport::udp, net::ip::address_v4::any(), port);
  BOOST_TEST(listed == 2, "control: the kernel still lists both sockets (listed " << listed << ")");
  BOOST_TEST(!portguard::is_exclusive(ours), "flags look exclusive; the port is shared");
  const portguard::port_holders others = portguard::other_holders(ours);
  BOOST_TEST(others.sockets.size() == 1u);
}

BOOST_AUTO_TEST_CASE(reuse_port_group_stays_when_the_option_is_cleared,
    *skip_unless(linux_reason))
{
  net::io_context ctx;
  tcp::acceptor ours(ctx, tcp::v4());
  ours.set_option(portguard::exclusive_address_use(false)); // SO_REUSEPORT on
  ours.bind({net::ip::address_v4::loopback(), 0});
  ours.listen();
  const unsigned short port = ours.local_endpoint().port();
  squatter member({transport::tcp, rival_options::reuse_port, net::ip::address_v4::loopback(), port},
      identity::same_user);
  BOOST_TEST_REQUIRE(member.holds());
  BOOST_TEST_REQUIRE(member.listen().won_port());
  ours.set_option(portguard::exclusive_address_use(true)); // SO_REUSEPORT off, too late
  BOOST_TEST(proc_net_count(transport::tcp, net::ip::address_v4::loopback(), port) == 2, "control: the kernel lists two listeners");
  BOOST_TEST(!portguard::is_exclusive(ours));

  // Adoption under required refuses it and leaves the handle with the caller.
  portguard::secure_acceptor adopted(ctx);
  error_code ec;
  adopted.assign(tcp::v4(), ours.native_handle(), ec);
  BOOST_TEST((ec == portguard::error::port_shared), ec.message());
  BOOST_TEST(!adopted.is_open());
  BOOST_TEST(ours.is_open());

  // best_effort adopts it and tells the truth.
  portguard::secure_acceptor lenient(ctx, exclusivity::best_effort);
  lenient.assign(tcp::v4(), ours.release(), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(!lenient.is_exclusive());
}

// -- No false alarms ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(time_wait_of_a_previous_run_is_not_a_holder, *skip_unless(linux_reason))
{
  const unsigned short port = unused_tcp_port();
  leave_time_wait(port);
  BOOST_TEST_REQUIRE(time_wait_entries(port) > 0, "the test needs TIME_WAIT entries");
  BOOST_TEST(!tcp_port_is_free(port), "control: a bind without SO_REUSEADDR is refused now");

  net::io_context ctx;
  portguard::secure_acceptor restarted(ctx, {net::ip::address_v4::loopback(), port});
  BOOST_TEST(restarted.is_exclusive());
  BOOST_TEST(portguard::other_holders(restarted).sockets.empty());
  restarted.close();

  // TIME_WAIT and a squatter: the squatter is found, by the endpoint
  // constructor (one table read, after its listen) and by bind() of the
  // four steps (a read after the bind, the listen not yet called).
  squatter squat({transport::tcp, rival_options::reuse_address, net::ip::address_v4::any(), port},
      identity::same_user);
  BOOST_TEST_REQUIRE(squat.holds());
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  {
    tcp::acceptor plain(ctx, endpoint);
    BOOST_TEST(plain.is_open(), "control: plain Asio binds and listens beside the squatter");
  }
  BOOST_CHECK_EXCEPTION(portguard::secure_acceptor(ctx, endpoint), portguard::system_error,
      [](const portguard::system_error& e) { return e.code() == portguard::error::port_shared; });
  portguard::secure_acceptor stepwise(ctx);
  stepwise.open(tcp::v4());
  stepwise.set_option(net::socket_base::reuse_address(true));
  error_code ec;
  stepwise.bind(endpoint, ec);
  BOOST_TEST((ec == portguard::error::port_shared), "bind(): " << ec.message());
  BOOST_TEST(!stepwise.is_open(), "closed under required");
}

BOOST_AUTO_TEST_CASE(own_connections_are_not_holders)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, {net::ip::address_v4::loopback(), 0});
  std::vector<std::unique_ptr<tcp::socket>> clients, served;
  for (int i = 0; i < 3; ++i)
  {
    clients.emplace_back(new tcp::socket(ctx));
    clients.back()->connect(acceptor.local_endpoint());
    served.emplace_back(new tcp::socket(ctx));
    acceptor.accept(*served.back());
  }
  BOOST_TEST(acceptor.is_exclusive());
  BOOST_TEST(portguard::is_exclusive(acceptor), "also without the acceptor's own proof");
  // An accepted connection is judged by the port it is on: its listener is
  // exclusive and nobody else holds the port.
  if (running_under_wine())
    BOOST_TEST_MESSAGE("not asked under Wine: its socket table names no owner process");
  else
    BOOST_TEST(portguard::is_exclusive(*served.front()));
}

BOOST_AUTO_TEST_CASE(accepted_connection_of_a_shared_port_is_not_exclusive,
    *skip_unless(linux_reason))
{
  net::io_context ctx;
  tcp::acceptor plain(ctx, tcp::v4());
  plain.set_option(portguard::exclusive_address_use(false)); // SO_REUSEPORT: shareable
  plain.bind({net::ip::address_v4::loopback(), 0});
  plain.listen();
  squatter member({transport::tcp, rival_options::reuse_port, net::ip::address_v4::loopback(),
                      plain.local_endpoint().port()},
      identity::same_process);
  BOOST_TEST_REQUIRE(member.holds());
  BOOST_TEST_REQUIRE(member.listen().won_port());
  tcp::socket client(ctx), served(ctx);
  // The kernel spreads connections over the group: connect until one
  // reaches our listener (bounded).
  error_code ec;
  bool accepted = false;
  for (int i = 0; i < 50 && !accepted; ++i)
  {
    tcp::socket attempt(ctx);
    attempt.connect(plain.local_endpoint());
    plain.non_blocking(true);
    plain.accept(served, ec);
    accepted = !ec;
    if (accepted)
      client = std::move(attempt);
  }
  BOOST_TEST_REQUIRE(accepted);
  BOOST_TEST(!portguard::is_exclusive(served), "another listener shares the port");
}

// -- When the table cannot be read ----------------------------------------------------

BOOST_AUTO_TEST_CASE(unreadable_table_fails_closed_only_where_a_check_is_needed,
    *skip_unless(linux_reason))
{
  net::io_context ctx;
  fault_seam seam;
  seam.table(portguard::detail::table_fault_kind::unreadable);

  // No TIME_WAIT: the bind proves the socket alone without the table.
  portguard::secure_acceptor fresh(ctx, {net::ip::address_v4::loopback(), 0});
  BOOST_TEST(fresh.is_exclusive(), "the bind's proof stands");
  error_code ec;
  BOOST_TEST(!portguard::is_exclusive(fresh, ec), "without the proof: unknown");
  BOOST_TEST((ec == portguard::error::holders_unknown), ec.message());

  // TIME_WAIT: the bind needs SO_REUSEADDR, so only the table could tell.
  const unsigned short port = unused_tcp_port();
  seam.table(portguard::detail::table_fault_kind::none);
  leave_time_wait(port);
  seam.table(portguard::detail::table_fault_kind::unreadable);
  BOOST_TEST_REQUIRE(time_wait_entries(port) > 0);
  BOOST_CHECK_EXCEPTION(portguard::secure_acceptor(ctx, tcp::endpoint(net::ip::address_v4::loopback(), port)),
      portguard::system_error,
      [](const portguard::system_error& e) { return e.code() == portguard::error::holders_unknown; });
  BOOST_TEST(!tcp_port_is_free(port));

  portguard::secure_acceptor lenient(ctx, {net::ip::address_v4::loopback(), port},
      exclusivity::best_effort);
  BOOST_TEST(lenient.is_open(), "best_effort goes on");
  BOOST_TEST(!lenient.is_exclusive(ec), "and cannot claim exclusive");
  BOOST_TEST((ec == portguard::error::holders_unknown), ec.message());
}

#if BOOST_OS_LINUX
/// Moves this process into a network namespace of its own (nobody else's
/// sockets, its own port range) with loopback up. False where it may not.
bool enter_private_network()
{
  if (::unshare(CLONE_NEWNET) != 0)
    return false;
  const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  ifreq lo{};
  std::strncpy(lo.ifr_name, "lo", IFNAMSIZ - 1);
  const bool up = s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &lo) == 0
      && (lo.ifr_flags |= IFF_UP, ::ioctl(s, SIOCSIFFLAGS, &lo) == 0);
  if (s >= 0)
    ::close(s);
  return up;
}

/// Empty where a child of this process can make a network namespace.
std::string private_network_reason()
{
  const std::string linux_only = linux_reason();
  if (!linux_only.empty())
    return linux_only;
  const child_report made = run_in_child([] {
    return std::string(::unshare(CLONE_NEWNET) == 0 ? "made" : "refused");
  });
  return made.text == "made" ? std::string()
                             : "[privilege] cannot make a network namespace (CAP_SYS_ADMIN)";
}

bool set_ephemeral_range(unsigned short first, unsigned short last)
{
  std::ofstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range << first << ' ' << last << '\n';
  range.flush();
  return static_cast<bool>(range);
}

/// A port-0 bind whose guard lands on a port in TIME_WAIT on the socket's
/// family takes another port rather than joining the TIME_WAIT with
/// SO_REUSEADDR: the bind stays the proof, the table is not needed. The
/// ephemeral range is two ports; the odd one, which the kernel offers first
/// to bind() (and to the IPv6 guard although IPv4 has it in TIME_WAIT), is in
/// TIME_WAIT on 127.0.0.1. The table reads as unreadable, so a bind that
/// joined the TIME_WAIT would fail closed.
BOOST_AUTO_TEST_CASE(port_zero_skips_a_port_in_time_wait, *skip_unless(private_network_reason))
{
  constexpr unsigned short first = 40000, trap = first + 1;
  const child_report report = run_in_child([&]() -> std::string {
    if (!enter_private_network())
      return "no private network";
    leave_time_wait(trap, 1);
    net::io_context ctx;
    tcp::acceptor plain(ctx, tcp::v4());
    error_code ec;
    plain.bind({net::ip::address_v4::loopback(), trap}, ec);
    plain.close();
    if (!set_ephemeral_range(first, first + 1))
      return "no port range";
    if (time_wait_entries(trap) == 0 || ec != net::error::address_in_use)
      return "control: 127.0.0.1:" + std::to_string(trap)
          + " is not in TIME_WAIT, or a plain bind was not refused";
    fault_seam seam;
    seam.table(portguard::detail::table_fault_kind::unreadable);
    for (int i = 0; i < 4; ++i) // each time the guard is offered the trap first
    {
      portguard::secure_acceptor secure(ctx, {net::ip::address_v4::loopback(), 0});
      if (secure.local_endpoint().port() != first || !secure.is_exclusive())
        return "bound " + std::to_string(secure.local_endpoint().port()) + ", not exclusive";
    }
    return "passed";
  });
  BOOST_TEST_REQUIRE(report.returned, "the child reported nothing");
  BOOST_TEST(report.text == "passed", report.text);
}
#endif

// -- Windows: SO_EXCLUSIVEADDRUSE set after bind ------------------------------------------

/// The families of the after-bind case, in the order of its samples.
const bool after_bind_v6[] = {false, true};

BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) {
  return option_after_bind_reason(after_bind_v6[i]);
}))
BOOST_DATA_TEST_CASE(exclusive_option_set_after_bind_is_not_trusted, bdata::make(after_bind_v6),
    v6)
{
  net::io_context ctx;
  // Set before bind: it works, and is_exclusive() says so.
  tcp::acceptor before(ctx, v6 ? tcp::v6() : tcp::v4());
  before.set_option(portguard::exclusive_address_use(true));
  before.bind({wildcard_address(v6), 0});
  portguard::guard_other_family(before);
  BOOST_TEST(portguard::is_exclusive(before));

  // Set after bind: on Windows it reads back on and protects nothing.
  tcp::acceptor after(ctx, v6 ? tcp::v6() : tcp::v4());
  after.bind({wildcard_address(v6), 0});
  portguard::guard_other_family(after);
  error_code ec;
  after.set_option(portguard::exclusive_address_use(true), ec);
  BOOST_TEST_REQUIRE(!ec, "the precondition found the option settable after bind: " << ec.message());
  portguard::exclusive_address_use read_back;
  after.get_option(read_back);
  const outcome shadow = attempt({transport::tcp, rival_options::none, loopback_address(v6),
                                     after.local_endpoint().port()},
      identity::same_process);
  BOOST_TEST_REQUIRE(shadow.kind != outcome::skipped, shadow.note);
  BOOST_TEST_MESSAGE("option reads back " << read_back.value() << "; a loopback rival "
                                           << shadow);
  BOOST_TEST(portguard::is_exclusive(after) == !shadow.won_port(),
      "is_exclusive() agrees with the rival, not with the flag");
#if defined(_WIN32)
  BOOST_TEST(read_back.value(), "Windows reads the option back on");
  BOOST_TEST(shadow.won_port(), "control: yet a loopback rival shadows the socket");
#endif
}

BOOST_AUTO_TEST_SUITE_END()
