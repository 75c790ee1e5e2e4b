//
// test/unit/scenario_drop_in.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Asio's canonical listener code, unchanged but for the acceptor's type:
//
//     acceptor.open(endpoint.protocol());
//     acceptor.set_option(tcp::acceptor::reuse_address(true));
//     acceptor.bind(endpoint);
//     acceptor.listen();
//
// as Asio's HTTP server example writes it (throwing forms) and as Beast's
// asynchronous servers write it (error_code forms). On a secure acceptor it
// must start, accept, report is_exclusive(), and keep the rivals that beat
// the same code on tcp::acceptor out (each cell beside that control). Also:
// hand-made options of every size are judged as the kernel reads them.
//
#include <portguard/portguard.hpp>

#include "support/platform_rules.hpp"
#include "support/ports.hpp"
#include "support/rival.hpp"
#include "support/skip.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstring>
#include <ostream>
#include <vector>

namespace {

using namespace pg_test;
namespace bdata = boost::unit_test::data;
using tcp = net::ip::tcp;

// -- The two ways the canonical code is written -----------------------------

enum class style
{
  asio_http_server, // throwing forms, as Asio's HTTP server example
  beast_listener    // error_code forms, as Beast's asynchronous servers
};

std::ostream& operator<<(std::ostream& os, style s)
{
  return os << (s == style::asio_http_server ? "asio-http-server" : "beast-listener");
}

/// How far the sequence goes before the rivals try.
enum class stage
{
  bound,    // open, reuse_address, bind: the window before listen
  listening // all four steps
};

std::ostream& operator<<(std::ostream& os, stage s)
{
  return os << (s == stage::bound ? "bound" : "listening");
}

/// Runs the canonical sequence up to `until` on any acceptor type; reports
/// the first failure in `ec` (the throwing style lets exceptions escape).
template <typename Acceptor>
void canonical_sequence(Acceptor& acceptor, const tcp::endpoint& endpoint,
    style how, stage until, error_code& ec)
{
  if (how == style::asio_http_server)
  {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    if (until == stage::listening)
      acceptor.listen();
    ec.clear();
    return;
  }
  acceptor.open(endpoint.protocol(), ec);
  if (ec)
    return;
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec)
    return;
  acceptor.bind(endpoint, ec);
  if (ec)
    return;
  if (until == stage::listening)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
}

/// Connects to the acceptor and accepts, bounded in time.
bool accepts_a_connection(net::io_context& ctx, tcp::acceptor& acceptor)
{
  tcp::socket client(ctx);
  tcp::socket server(ctx);
  bool accepted = false;
  acceptor.async_accept(server, [&](const error_code& ec) { accepted = !ec; });
  const auto address = acceptor.local_endpoint().address().is_v6()
      ? net::ip::address(net::ip::address_v6::loopback())
      : net::ip::address(net::ip::address_v4::loopback());
  client.async_connect({address, acceptor.local_endpoint().port()}, [](const error_code&) {});
  ctx.restart();
  ctx.run_for(std::chrono::seconds(5));
  return accepted;
}

/// The value of a boolean SOL_SOCKET option as the operating system holds it.
int os_option(const tcp::acceptor& acceptor, int name)
{
  int value = -1;
  error_code ec;
  portguard::detail::get_int_option(
      const_cast<tcp::acceptor&>(acceptor).native_handle(), SOL_SOCKET, name, value, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  return value;
}

#if defined(_WIN32)
constexpr int sharing_option = SO_REUSEADDR;
#else
constexpr int sharing_option = SO_REUSEPORT;
#endif

// -- The rival cells --------------------------------------------------------------

/// The rivals that beat the canonical sequence on plain tcp::acceptor
/// somewhere: a specific address over the wildcard (no options), and
/// reuse_address over the defender's own wildcard address.
enum class hijack
{
  specific_over_wildcard,
  reuse_over_reuse
};

std::ostream& operator<<(std::ostream& os, hijack h)
{
  return os << (h == hijack::specific_over_wildcard ? "specific-over-wildcard"
                                                   : "reuse_address-over-reuse_address");
}

struct drop_in_cell
{
  style how;
  stage until;
  bool v6;
  hijack rival_kind;
  identity who;
};

std::ostream& operator<<(std::ostream& os, const drop_in_cell& c)
{
  return os << c.how << ' ' << c.until << ' ' << (c.v6 ? "v6" : "v4") << ' '
            << c.rival_kind << ' ' << c.who;
}

std::vector<drop_in_cell> all_cells()
{
  std::vector<drop_in_cell> cells;
  for (style how : {style::asio_http_server, style::beast_listener})
    for (stage until : {stage::bound, stage::listening})
      for (bool v6 : {false, true})
        for (hijack h : {hijack::specific_over_wildcard, hijack::reuse_over_reuse})
          for (identity who : {identity::same_process, identity::same_user})
            cells.push_back({how, until, v6, h, who});
  return cells;
}

rival rival_for(const drop_in_cell& c, unsigned short port)
{
  if (c.rival_kind == hijack::specific_over_wildcard)
    return {transport::tcp, rival_options::none, loopback_address(c.v6), port};
  return {transport::tcp, rival_options::reuse_address, wildcard_address(c.v6), port};
}

/// What the platform lets the rival do against the control: the canonical
/// sequence on tcp::acceptor (SO_REUSEADDR, bound to the wildcard).
/// Windows (Microsoft's table, row "REUSEADDR W"): both rivals share the
/// port. Linux (platform-notes): a listening socket refuses both; bound but
/// not listening, a rival with SO_REUSEADDR binds beside it.
bool control_rival_wins(const drop_in_cell& c)
{
#if defined(_WIN32)
  (void)c;
  return true;
#else
  return c.until == stage::bound && c.rival_kind == hijack::reuse_over_reuse;
#endif
}

/// Cells this host does not model faithfully: empty when it does.
std::string not_modeled(const drop_in_cell& c)
{
  if (running_under_wine() && c.until == stage::listening)
    return "[wine gap] a listening defender refuses every overlapping bind (Linux underneath)";
  return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_drop_in)

BOOST_DATA_TEST_CASE(canonical_code_starts_exclusive_and_accepts,
    bdata::make({style::asio_http_server, style::beast_listener}), how)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx);
  error_code ec;
  BOOST_CHECK_NO_THROW(canonical_sequence(acceptor,
      {net::ip::address_v4::loopback(), 0}, how, stage::listening, ec));
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(acceptor.is_exclusive());
  net::socket_base::reuse_address reuse;
  acceptor.get_option(reuse);
  BOOST_TEST(reuse.value(), "get_option answers what the code set");
  const tcp::acceptor& as_asio = acceptor;
#if defined(_WIN32)
  BOOST_TEST(os_option(as_asio, SO_REUSEADDR) == 0, "SO_REUSEADDR never reaches Windows");
  BOOST_TEST(os_option(as_asio, SO_EXCLUSIVEADDRUSE) != 0);
#else
  BOOST_TEST(os_option(as_asio, SO_REUSEPORT) == 0);
#endif
  BOOST_TEST(accepts_a_connection(ctx, acceptor));
}

BOOST_TEST_DECORATOR(*skip_sample_unless([](std::size_t i) { return not_modeled(all_cells().at(i)); }))
BOOST_DATA_TEST_CASE(rivals_that_beat_tcp_acceptor_are_refused, bdata::make(all_cells()), c)
{
  net::io_context ctx;
  const tcp::endpoint endpoint(wildcard_address(c.v6), 0);
  error_code ec;

  tcp::acceptor control(ctx);
  canonical_sequence(control, endpoint, c.how, c.until, ec);
  BOOST_TEST_REQUIRE(!ec, "control: " << ec.message());
  const outcome against_control = attempt(rival_for(c, control.local_endpoint().port()), c.who);
  BOOST_TEST_REQUIRE(against_control.kind != outcome::skipped, against_control.note);
  BOOST_TEST(against_control.won_port() == control_rival_wins(c),
      "control (tcp::acceptor): rival " << against_control);

  portguard::secure_acceptor secure(ctx);
  canonical_sequence(secure, endpoint, c.how, c.until, ec);
  BOOST_TEST_REQUIRE(!ec, "secure_acceptor: " << ec.message());
  const outcome against_secure = attempt(rival_for(c, secure.local_endpoint().port()), c.who);
  BOOST_TEST_REQUIRE(against_secure.kind != outcome::skipped, against_secure.note);
  BOOST_TEST(!against_secure.won_port(), "secure_acceptor: rival " << against_secure);
  BOOST_TEST(secure.is_exclusive());
  if (!control_rival_wins(c))
    BOOST_TEST_MESSAGE(c << ": the control kept its port too (no evidence here)");
}

// -- Hand-made options of every size ---------------------------------------------

/// A socket-level option written by hand: `Size` raw bytes.
template <std::size_t Size>
struct raw_option
{
  int name_;
  unsigned char bytes[Size == 0 ? 1 : Size] = {};

  template <typename Protocol>
  int level(const Protocol&) const { return SOL_SOCKET; }
  template <typename Protocol>
  int name(const Protocol&) const { return name_; }
  template <typename Protocol>
  const void* data(const Protocol&) const { return bytes; }
  template <typename Protocol>
  std::size_t size(const Protocol&) const { return Size; }
};

/// Where the non-zero byte sits: in the int the kernel reads, or past it.
enum class placement { leading_int, past_leading_int };

template <std::size_t Size>
raw_option<Size> make_raw(int name, bool on, placement where)
{
  raw_option<Size> option{name};
  if (Size == 0)
    return option;
  const std::size_t at = where == placement::leading_int ? 0 : sizeof(int);
  if (at < Size)
    option.bytes[at] = on ? 1 : 0;
  return option;
}

/// What the operating system makes of the option on a plain acceptor: the
/// error it answers, and whether the option's value reads back "on".
template <std::size_t Size>
void os_reading(const raw_option<Size>& option, bool start_on, error_code& ec, bool& reads_on)
{
  net::io_context ctx;
  tcp::acceptor plain(ctx, tcp::v4());
  if (start_on)
    portguard::detail::set_int_option(plain.native_handle(), SOL_SOCKET, option.name_, 1, ec);
  plain.set_option(option, ec);
  reads_on = os_option(plain, option.name_) != 0;
}

/// One size: every option that could share the port, each value placement,
/// set on a secure acceptor and on a plain one; the secure acceptor refuses
/// exactly what the operating system would turn on (or, for Windows'
/// SO_EXCLUSIVEADDRUSE, off), and otherwise answers as the OS does.
template <std::size_t Size>
void check_size()
{
  BOOST_TEST_CONTEXT("option of " << Size << " bytes")
  {
    struct probe { int name; bool value_shares; bool start_on; };
    std::vector<probe> probes = {{sharing_option, true, false}};
#if defined(_WIN32)
    probes.push_back({SO_EXCLUSIVEADDRUSE, false, true});
#endif
    for (const probe& p : probes)
      for (placement where : {placement::leading_int, placement::past_leading_int})
        BOOST_TEST_CONTEXT("option " << p.name << (where == placement::leading_int
                                                      ? ", value in the leading int"
                                                      : ", value past the leading int"))
        {
          const raw_option<Size> option = make_raw<Size>(p.name, p.value_shares, where);
          error_code os_ec;
          bool reads_on = false;
          os_reading(option, p.start_on, os_ec, reads_on);
          const bool os_shares = p.value_shares ? reads_on : !reads_on;

          net::io_context ctx;
          portguard::secure_acceptor secure(ctx, tcp::v4());
          error_code ec;
          secure.set_option(option, ec);
          const bool emulated = portguard::detail::reuse_address_is_emulated
              && p.name == SO_REUSEADDR;
          if (emulated)
          {
            BOOST_TEST(!ec, ec.message());
            net::socket_base::reuse_address reuse;
            secure.get_option(reuse);
            BOOST_TEST(reuse.value() == reads_on, "recorded as the OS would read it");
          }
          else if (os_shares)
            BOOST_TEST((ec == portguard::error::conflicting_option), ec.message());
          else
            BOOST_TEST((ec == os_ec), "secure: " << ec.message() << ", OS: " << os_ec.message());
          const tcp::acceptor& as_asio = secure;
#if defined(_WIN32)
          BOOST_TEST(os_option(as_asio, SO_EXCLUSIVEADDRUSE) != 0);
          BOOST_TEST(os_option(as_asio, SO_REUSEADDR) == 0);
#else
          BOOST_TEST(os_option(as_asio, SO_REUSEPORT) == 0);
#endif
          BOOST_TEST(secure.is_exclusive());
        }
  }
}

BOOST_AUTO_TEST_CASE(hand_made_options_are_judged_as_the_kernel_reads_them)
{
  check_size<0>();
  check_size<1>();
  check_size<2>();
  check_size<4>();
  check_size<8>();
  check_size<16>();
}

BOOST_AUTO_TEST_CASE(reuse_address_round_trip_and_closed_acceptor)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx);
  error_code ec;
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());
  net::socket_base::reuse_address reuse;
  acceptor.get_option(reuse, ec);
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());

  acceptor.open(tcp::v4());
  acceptor.get_option(reuse);
  BOOST_TEST(!reuse.value(), "a new socket starts without it");
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.get_option(reuse);
  BOOST_TEST(reuse.value());
  acceptor.set_option(net::socket_base::reuse_address(false));
  acceptor.get_option(reuse);
  BOOST_TEST(!reuse.value());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.close();
  acceptor.open(tcp::v4());
  acceptor.get_option(reuse);
  BOOST_TEST(!reuse.value(), "reopening starts afresh");
  BOOST_TEST(acceptor.is_exclusive());
}

BOOST_AUTO_TEST_SUITE_END()
