//
// test/unit/readme_signatures.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// README.md's code, compiled as written: the snippets of "Before and after"
// and the signature shorthand of "The library" table, each bracketed
// argument expanded into every form it promises (`f(s[, a][, ec])` is f(s),
// f(s, a), f(s, ec) and f(s, a, ec)). The snippets and forms live in
// functions that are compiled, never called (their literal ports would bind
// for real); if the README and the headers drift, this file stops building.
// Edit both together. The run-time part calls each shorthand form once on
// loopback port 0.
//
#include <portguard/portguard.hpp>

#include "support/net.hpp"

#if !defined(PORTGUARD_STANDALONE_ASIO)
#  include <boost/beast/core/tcp_stream.hpp>
#endif

#include <boost/test/unit_test.hpp>

#include <tuple>
#include <type_traits>

namespace readme {

namespace pg = portguard;
using pg::net::ip::tcp;
using pg::net::ip::udp;
using pg::error_code;

// -- "Before and after" (Boost flavour: the README writes boost::asio) --------

#if !defined(PORTGUARD_STANDALONE_ASIO)
[[maybe_unused]] void before_and_after(boost::asio::io_context& ctx)
{
  {
    // Before: shareable on Windows (SO_REUSEADDR), and wherever SO_REUSEPORT is set.
    boost::asio::ip::tcp::acceptor acceptor(ctx, {boost::asio::ip::tcp::v4(), 8080});
  }
  {
    // After: the same type in every other respect (it *is* a tcp::acceptor).
    portguard::secure_acceptor acceptor(ctx, {boost::asio::ip::tcp::v4(), 8080});
  }
}

[[maybe_unused]] void canonical_listener(boost::asio::io_context& ctx, const tcp::endpoint& endpoint)
{
  portguard::secure_acceptor acceptor_(ctx);                  // was: tcp::acceptor
  acceptor_.open(endpoint.protocol());                         // exclusive from here on
  acceptor_.set_option(tcp::acceptor::reuse_address(true));   // keep it: POSIX restarts need it;
  acceptor_.bind(endpoint);                                    //   on Windows it is recorded, never
  acceptor_.listen();                                          //   given to the OS (it would share)
}

[[maybe_unused]] void other_code_sockets(boost::asio::io_context& ctx, tcp::acceptor& acceptor)
{
  boost::asio::ip::udp::socket socket(ctx);
  portguard::exclusive_bind(socket, {boost::asio::ip::udp::v4(), 5353});   // opens, makes exclusive, binds

  acceptor.open(tcp::v4());                                  // an acceptor owned by other code
  acceptor.set_option(portguard::exclusive_address_use(true));  // before bind
  bool safe = portguard::is_exclusive(acceptor);             // ask any live socket
  (void)safe;
}
#endif

// -- "The library": the signature shorthand -----------------------------------

// `basic_secure_acceptor<Protocol, Executor>`, and secure_acceptor is a tcp::acceptor.
static_assert(std::is_base_of<tcp::acceptor, pg::secure_acceptor>::value,
    "secure_acceptor is a tcp::acceptor");
static_assert(std::is_class<
                  pg::basic_secure_acceptor<tcp, pg::net::io_context::executor_type>>::value,
    "basic_secure_acceptor<Protocol, Executor>");

// `exclusive_bind(socket, endpoint[, policy][, ec])`
template <typename Socket>
void exclusive_bind_forms(Socket& s, const typename Socket::endpoint_type& e, error_code& ec)
{
  pg::exclusive_bind(s, e);
  pg::exclusive_bind(s, e, pg::exclusivity::best_effort);
  pg::exclusive_bind(s, e, ec);
  pg::exclusive_bind(s, e, pg::exclusivity::best_effort, ec);
}

// `exclusive_listen(acceptor[, policy][, ec])`
template <typename Acceptor>
void exclusive_listen_forms(Acceptor& a, error_code& ec)
{
  pg::exclusive_listen(a);
  pg::exclusive_listen(a, pg::exclusivity::best_effort);
  pg::exclusive_listen(a, ec);
  pg::exclusive_listen(a, pg::exclusivity::best_effort, ec);
}

// `make_exclusive(socket[, policy][, ec])`
template <typename Socket>
void make_exclusive_forms(Socket& s, error_code& ec)
{
  pg::make_exclusive(s);
  pg::make_exclusive(s, pg::exclusivity::best_effort);
  pg::make_exclusive(s, ec);
  pg::make_exclusive(s, pg::exclusivity::best_effort, ec);
}

// `is_exclusive(socket[, ec])`
template <typename Socket>
bool is_exclusive_forms(Socket& s, error_code& ec)
{
  return pg::is_exclusive(s) && pg::is_exclusive(s, ec);
}

// `why_not_exclusive(socket[, ec])`, an `exclusivity_verdict` with `to_string()`
template <typename Socket>
bool why_not_exclusive_forms(Socket& s, error_code& ec)
{
  const pg::exclusivity_verdict v = pg::why_not_exclusive(s);
  return v.exclusive == pg::why_not_exclusive(s, ec).exclusive && !v.to_string().empty();
}

// `graceful_close(socket[, limits][, ec])`, `async_graceful_close(socket[, limits], token)`;
// "takes a stream socket or Beast's tcp_stream".
template <typename Stream>
void graceful_close_forms(Stream& s, error_code& ec)
{
  const pg::drain_limits limits;
  pg::graceful_close(s);
  pg::graceful_close(s, limits);
  pg::graceful_close(s, ec);
  pg::graceful_close(s, limits, ec);
  auto token = [](error_code, std::size_t) {};
  pg::async_graceful_close(s, token);
  pg::async_graceful_close(s, limits, token);
}

// `listen_with_retry(secure_acceptor, endpoint[, retry_options][, ec])`
[[maybe_unused]] void listen_with_retry_forms(pg::secure_acceptor& a, const tcp::endpoint& e,
    error_code& ec)
{
  const pg::retry_options retry;
  pg::listen_with_retry(a, e);
  pg::listen_with_retry(a, e, retry);
  pg::listen_with_retry(a, e, ec);
  pg::listen_with_retry(a, e, retry, ec);
}

// `bind_with_retry(acceptor_or_socket, endpoint[, retry_options][, ec])`
template <typename Socket>
void bind_with_retry_forms(Socket& s, const typename Socket::endpoint_type& e, error_code& ec)
{
  const pg::retry_options retry;
  pg::bind_with_retry(s, e);
  pg::bind_with_retry(s, e, retry);
  pg::bind_with_retry(s, e, ec);
  pg::bind_with_retry(s, e, retry, ec);
}

// `holders_of(endpoint[, ec])`, `other_holders(socket[, ec])`: a port_holders,
// `.sockets` (each with the fields the table lists) and `.complete`.
template <typename Socket>
void holders_forms(Socket& s, const typename Socket::endpoint_type& e, error_code& ec)
{
  const pg::port_holders held[] = {
      pg::holders_of(e), pg::holders_of(e, ec), pg::other_holders(s), pg::other_holders(s, ec)};
  for (const pg::port_holders& h : held)
  {
    [[maybe_unused]] const bool complete = h.complete;
    for (const pg::port_holder& one : h.sockets)
    {
      [[maybe_unused]] const auto row = std::make_tuple(one.address, one.port, one.state,
          one.v6_only, one.uid, one.pid, one.process, one.inode);
    }
  }
}

// `portguard::error`: the codes the table names.
static_assert(std::is_enum<pg::error>::value, "portguard::error");
[[maybe_unused]] constexpr pg::error named_errors[] = {pg::error::option_refused,
    pg::error::conflicting_option, pg::error::not_exclusive, pg::error::already_bound,
    pg::error::wrong_socket_type};

// Every shorthand form, for each socket type the table names.
[[maybe_unused]] void every_shorthand_form(pg::net::io_context& ctx, error_code& ec)
{
  tcp::acceptor acceptor(ctx);
  udp::socket datagram(ctx);
  pg::secure_acceptor secure(ctx);
  tcp::socket stream(ctx);
  const tcp::endpoint te;
  const udp::endpoint ue;

  exclusive_bind_forms(acceptor, te, ec);
  exclusive_bind_forms(datagram, ue, ec);
  exclusive_listen_forms(acceptor, ec);
  exclusive_listen_forms(secure, ec);
  make_exclusive_forms(acceptor, ec);
  make_exclusive_forms(datagram, ec);
  is_exclusive_forms(acceptor, ec);
  is_exclusive_forms(secure, ec);
  is_exclusive_forms(datagram, ec);
  is_exclusive_forms(stream, ec);
  why_not_exclusive_forms(acceptor, ec);
  why_not_exclusive_forms(secure, ec);
  why_not_exclusive_forms(datagram, ec);
  why_not_exclusive_forms(stream, ec);
  graceful_close_forms(stream, ec);
  listen_with_retry_forms(secure, te, ec);
  bind_with_retry_forms(secure, te, ec);
  bind_with_retry_forms(acceptor, te, ec);
  bind_with_retry_forms(datagram, ue, ec);
  holders_forms(acceptor, te, ec);
  holders_forms(datagram, ue, ec);
#if !defined(PORTGUARD_STANDALONE_ASIO)
  boost::beast::tcp_stream beast_stream(ctx);
  graceful_close_forms(beast_stream, ec);
#endif
}

} // namespace readme

BOOST_AUTO_TEST_SUITE(readme_signatures)

// One call of each shorthand form's error_code variant, on loopback port 0:
// the forms above do what the table says they do.
BOOST_AUTO_TEST_CASE(shorthand_forms_do_what_the_table_says, *boost::unit_test::timeout(30))
{
  namespace pg = portguard;
  using readme::tcp;
  using readme::udp;
  const auto loopback = pg::net::ip::address_v4::loopback();
  pg::net::io_context ctx;
  pg::error_code ec;

  udp::socket datagram(ctx);
  pg::exclusive_bind(datagram, udp::endpoint(loopback, 0), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(pg::is_exclusive(datagram, ec), ec.message());

  tcp::acceptor retrofit(ctx, tcp::v4());
  pg::make_exclusive(retrofit, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  retrofit.bind(tcp::endpoint(loopback, 0));
  pg::guard_other_family(retrofit); // a plain bind leaves [::1] at that port free
  retrofit.listen();
  BOOST_TEST(pg::is_exclusive(retrofit, ec), ec.message());
  BOOST_TEST(pg::why_not_exclusive(retrofit).to_string() == "exclusive");

  pg::secure_acceptor listening(ctx);
  pg::listen_with_retry(listening, tcp::endpoint(loopback, 0), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(listening.is_exclusive());

  tcp::acceptor bound(ctx);
  pg::bind_with_retry(bound, tcp::endpoint(loopback, 0), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(pg::is_exclusive(bound, ec), ec.message());

  tcp::socket unconnected(ctx, tcp::v4());
  pg::graceful_close(unconnected, ec);
  BOOST_TEST((ec == pg::net::error::not_connected), ec.message());
  BOOST_TEST(!unconnected.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
