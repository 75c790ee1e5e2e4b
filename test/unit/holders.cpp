//
// test/unit/holders.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// holders.hpp and port_holder.hpp: holders_of() lists the sockets that hold
// a port as the operating system's socket table does, other_holders() the
// same without the socket asked about, to_string() says who a holder is.
// Each listing is beside a control: the same port alone, or freed. The
// squatter scenarios that use these answers are in scenario_truth.cpp.
//
#include <portguard/holders.hpp>

#include <portguard/detail/printable.hpp>
#include <portguard/error.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/port_holder.hpp>
#include <portguard/secure_acceptor.hpp>
#include <portguard/exclusive_bind.hpp>

#include "support/fault_seam.hpp"
#include "support/net.hpp"
#include "support/skip.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>

#if !defined(_WIN32)
#  include <unistd.h>
#endif
#if defined(__linux__)
#  include <sys/prctl.h>
#endif

namespace {

namespace pg = portguard;
using pg_test::skip_unless;
using portguard::error_code;
using tcp = portguard::net::ip::tcp;
using udp = portguard::net::ip::udp;
namespace net = portguard::net;

const net::ip::address loopback = net::ip::address_v4::loopback();

/// Empty where portguard reads a socket table (Linux, Windows).
std::string table_reason()
{
#if defined(__linux__) || defined(_WIN32)
  return {};
#else
  return "[platform] no socket table reader on this platform (operation_not_supported)";
#endif
}

} // namespace

BOOST_AUTO_TEST_SUITE(holders)

// The compile part: every overload.
[[maybe_unused]] void every_form(tcp::acceptor& acceptor, udp::socket& datagram, error_code& ec)
{
  pg::port_holders h = pg::holders_of(tcp::endpoint());
  h = pg::holders_of(udp::endpoint(), ec);
  h = pg::other_holders(acceptor);
  h = pg::other_holders(datagram, ec);
  const std::string text = pg::to_string(pg::port_holder());
  (void)text;
}

// What a local user may name a process (PR_SET_NAME takes any 15 bytes): a
// newline, a table's |, ESC [2J (clear screen), an invalid UTF-8 byte, a
// quote, a backslash and a carriage return.
const std::string hostile_name = "a\nb|\x1b[2J\xff\"\\\r";
const std::string hostile_shown = R"(a\nb|\x1b[2J\xff"\\\r)";

bool has_control_byte(const std::string& text)
{
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

BOOST_AUTO_TEST_CASE(printable_escapes_what_a_terminal_or_parser_would_act_on)
{
  using portguard::detail::is_printable;
  using portguard::detail::printable;
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"nginx: worker", "nginx: worker"},
      {hostile_name, hostile_shown},
      {std::string("\0\t\x7f", 3), R"(\x00\t\x7f)"},
      {"caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80"}, // é and an emoji stay
      {"\xc2\x9b" "2J", R"(\xc2\x9b2J)"},        // C1 CSI, valid UTF-8, still a control
      {"\xc0\xaf", R"(\xc0\xaf)"},               // overlong '/'
      {"\xed\xa0\x80", R"(\xed\xa0\x80)"},       // a surrogate
      {"\xf4\x90\x80\x80", R"(\xf4\x90\x80\x80)"}, // above U+10FFFF
      {"\xe2\x82", R"(\xe2\x82)"},               // truncated
      {"a\xe2\x80\xae" "b", R"(a\xe2\x80\xaeb)"}, // right-to-left override
      {"x\xe2\x80\xa8y", R"(x\xe2\x80\xa8y)"},    // line separator
  };
  for (const auto& [raw, shown] : cases)
  {
    BOOST_TEST(printable(raw) == shown);
    BOOST_TEST(is_printable(shown), shown);
    BOOST_TEST(!has_control_byte(printable(raw)), shown);
    BOOST_TEST(is_printable(raw) == (raw == shown), shown);
  }
}

BOOST_AUTO_TEST_CASE(to_string_shows_a_hostile_process_name_on_one_line)
{
  pg::port_holder h;
  h.address = loopback;
  h.port = 5353;
  h.state = pg::holder_state::datagram;
  h.uid = 65534u;
  h.pid = 42u;
  h.process = hostile_name;
  const std::string text = pg::to_string(h);
  BOOST_TEST(text == "127.0.0.1:5353 udp, uid 65534, pid 42 (" + hostile_shown + ")");
  BOOST_TEST(!has_control_byte(text));
  // The control: a plain name is shown as it is.
  h.process = "python3";
  BOOST_TEST(pg::to_string(h) == "127.0.0.1:5353 udp, uid 65534, pid 42 (python3)");
}

#if defined(__linux__)
// The same name read from the host: this process names itself, holds a UDP
// port, and finds the name escaped in what holders_of() says.
BOOST_AUTO_TEST_CASE(a_hostile_process_name_from_the_host_is_escaped)
{
  char old_name[17] = {};
  BOOST_TEST_REQUIRE(::prctl(PR_GET_NAME, old_name) == 0);
  net::io_context ctx;
  udp::socket datagram(ctx, udp::endpoint(loopback, 0));
  BOOST_TEST_REQUIRE(::prctl(PR_SET_NAME, hostile_name.c_str()) == 0);
  error_code ec;
  const pg::port_holders holders = pg::holders_of(datagram.local_endpoint(), ec);
  ::prctl(PR_SET_NAME, old_name);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST_REQUIRE(holders.sockets.size() == 1u);
  BOOST_TEST(holders.sockets.front().process == hostile_name,
      "the name is read as the kernel holds it");
  const std::string text = pg::to_string(holders.sockets.front());
  BOOST_TEST(text.find("(" + hostile_shown + ")") != std::string::npos, text);
  BOOST_TEST(!has_control_byte(text), text);
}
#endif

BOOST_AUTO_TEST_CASE(a_listener_is_listed_with_its_owner, *skip_unless(table_reason))
{
  net::io_context ctx;
  tcp::acceptor listener(ctx, tcp::endpoint(loopback, 0));
  const unsigned short port = listener.local_endpoint().port();

  const pg::port_holders holders = pg::holders_of(tcp::endpoint(loopback, port));
  BOOST_TEST_REQUIRE(holders.sockets.size() == 1u);
  const pg::port_holder& h = holders.sockets.front();
  BOOST_TEST((h.state == pg::holder_state::listening), pg::to_string(h));
  BOOST_TEST(h.address == loopback);
  BOOST_TEST(h.port == port);
  const std::string text = pg::to_string(h);
  BOOST_TEST(text.find("127.0.0.1:" + std::to_string(port) + " listening") == 0u, text);
#if defined(__linux__)
  BOOST_TEST_REQUIRE(!!h.uid);
  BOOST_TEST(*h.uid == static_cast<unsigned>(::geteuid()));
  BOOST_TEST_REQUIRE(!!h.pid, "this process may read its own descriptors");
  BOOST_TEST(*h.pid == static_cast<unsigned>(::getpid()));
  BOOST_TEST(text.find(", pid " + std::to_string(::getpid())) != std::string::npos, text);
#endif

  // The wildcard overlaps the loopback listener; other_holders() leaves the
  // listener itself out.
  BOOST_TEST(pg::holders_of(tcp::endpoint(net::ip::address_v4::any(), port)).sockets.size() == 1u);
  BOOST_TEST(pg::other_holders(listener).sockets.empty(), "it holds its port alone");

  // The control: once the listener closes, nothing is listed.
  listener.close();
  BOOST_TEST(pg::holders_of(tcp::endpoint(loopback, port)).sockets.empty());
}

BOOST_AUTO_TEST_CASE(a_udp_sharer_is_another_holder, *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  udp::socket first(ctx, udp::v4());
  first.set_option(net::socket_base::reuse_address(true));
  first.bind(udp::endpoint(loopback, 0));
  const udp::endpoint endpoint = first.local_endpoint();

  // The control: alone on its port.
  BOOST_TEST(pg::other_holders(first).sockets.empty());
  BOOST_TEST(pg::holders_of(endpoint).sockets.size() == 1u);

  udp::socket second(ctx, udp::v4());
  second.set_option(net::socket_base::reuse_address(true));
  second.bind(endpoint);
  const pg::port_holders others = pg::other_holders(first);
  BOOST_TEST_REQUIRE(others.sockets.size() == 1u, "the sharer, not the socket itself");
  BOOST_TEST((others.sockets.front().state == pg::holder_state::datagram));
  BOOST_TEST(pg::to_string(others.sockets.front()).find(" udp") != std::string::npos);
  BOOST_TEST(pg::holders_of(endpoint).sockets.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_closed_socket_has_no_holders_to_ask_about)
{
  net::io_context ctx;
  tcp::acceptor closed(ctx);
  error_code ec;
  BOOST_TEST(pg::other_holders(closed, ec).sockets.empty());
  BOOST_TEST((ec == net::error::bad_descriptor), ec.message());
  BOOST_CHECK_EXCEPTION(pg::other_holders(closed), pg::system_error,
      [](const pg::system_error& e) {
        return e.code() == net::error::bad_descriptor
            && std::string(e.what()).find("other_holders") != std::string::npos;
      });
}

BOOST_AUTO_TEST_CASE(partial_table_says_what_it_cannot_see,
    *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  pg_test::fault_seam seam;
  seam.table(portguard::detail::table_fault_kind::partial);
  tcp::acceptor plain(ctx, {loopback, 0}); // SO_REUSEADDR, listening
  error_code ec;
  BOOST_TEST(!portguard::is_exclusive(plain, ec));
  BOOST_TEST((ec == portguard::error::holders_unknown), ec.message());
  const portguard::port_holders holders = portguard::holders_of(plain.local_endpoint());
  BOOST_TEST(!holders.complete);
  BOOST_TEST(holders.sockets.size() == 1u, "what it can see, it lists");
}

/// Whether `what` holds `part`.
bool mentions(const std::string& what, const std::string& part)
{
  return what.find(part) != std::string::npos;
}

/// The text the throwing is_exclusive() gives for `socket` (empty: no throw).
template <typename Socket>
std::string is_exclusive_refusal(Socket& socket)
{
  try
  {
    portguard::is_exclusive(socket);
  }
  catch (const pg::system_error& e)
  {
    BOOST_TEST((e.code() == pg::error::holders_unknown), e.code().message());
    return e.what();
  }
  return {};
}

BOOST_AUTO_TEST_CASE(a_failed_check_of_the_table_is_made_again,
    *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  pg_test::fault_seam seam;
  pg::secure_acceptor secure(ctx, {loopback, 0}); // the free function reads the whole table
  error_code ec;
  BOOST_TEST_REQUIRE(pg::is_exclusive(secure, ec), "this kernel lists bound sockets: " << ec.message());

  // Checks fail (out of descriptors): the call cannot know, and the
  // throwing form (which asks once more for the cause) names it...
  seam.fail_bound_listing_checks(3);
  BOOST_TEST(!pg::is_exclusive(secure, ec));
  BOOST_TEST((ec == pg::error::holders_unknown), ec.message());
  BOOST_TEST(!mentions(ec.message(), "6.8"), ec.message());
  const std::string what = is_exclusive_refusal(secure);
  BOOST_TEST(mentions(what, error_code(EMFILE, net::error::get_system_category()).message()), what);
  BOOST_TEST(!mentions(what, "6.8"), what);
  BOOST_TEST(seam.bound_listing_failures_left() == 0, "one check per question");

  // ...and the next call checks again and knows.
  BOOST_TEST(pg::is_exclusive(secure, ec), ec.message());
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(pg::holders_of(secure.local_endpoint()).complete);

  // The control: a failure that lasts keeps failing, one check per call.
  seam.fail_bound_listing_checks(3);
  for (int left = 2; left >= 0; --left)
  {
    BOOST_TEST(!pg::is_exclusive(secure, ec));
    BOOST_TEST((ec == pg::error::holders_unknown), ec.message());
    BOOST_TEST(seam.bound_listing_failures_left() == left);
  }
  BOOST_TEST(pg::is_exclusive(secure, ec), ec.message());
}

BOOST_AUTO_TEST_CASE(unknown_holders_name_their_cause,
    *skip_unless(pg_test::linux_only_reason))
{
  net::io_context ctx;
  pg_test::fault_seam seam;
  udp::socket datagram(ctx, udp::v4());
  pg::exclusive_bind(datagram, {loopback, 0});
  pg::secure_acceptor stream(ctx, {loopback, 0});
  error_code ec;

  // The control: as the OS answers, both are alone.
  BOOST_TEST(pg::is_exclusive(datagram, ec), ec.message());
  BOOST_TEST(pg::is_exclusive(stream, ec), ec.message());

  // Netlink refused: fails closed, naming the refusal, not the kernel.
  seam.table(pg::detail::table_fault_kind::unreadable);
  BOOST_TEST(!pg::is_exclusive(datagram, ec));
  BOOST_TEST((ec == pg::error::holders_unknown), ec.message());
  BOOST_TEST(!mentions(ec.message(), "6.8"), ec.message());
  for (const std::string& what : {is_exclusive_refusal(datagram), is_exclusive_refusal(stream)})
  {
    BOOST_TEST(mentions(what, "cannot be read: "
        + error_code(net::error::access_denied).message()), what);
    BOOST_TEST(!mentions(what, "6.8"), what);
  }

  // A kernel that does not list bound sockets: the kernel is the cause,
  // for TCP only (the UDP table is complete on every kernel).
  seam.table(pg::detail::table_fault_kind::partial);
  BOOST_TEST(pg::is_exclusive(datagram, ec), ec.message());
  const std::string what = is_exclusive_refusal(stream);
  BOOST_TEST(mentions(what, "bound but not listening (Linux 6.8 and later do)"), what);
}

BOOST_AUTO_TEST_SUITE_END()
