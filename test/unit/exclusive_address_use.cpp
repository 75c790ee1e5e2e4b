//
// test/unit/exclusive_address_use.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>

#include <portguard/is_exclusive.hpp>

#include "support/rival.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

#if defined(_WIN32)
#  include <winsock2.h>
#else
#  include <sys/socket.h>
#endif

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusive_address_use;

// Meets SettableSocketOption and GettableSocketOption at compile time.
template <typename Option>
constexpr bool is_socket_option()
{
  using P = tcp;
  return std::is_same<decltype(std::declval<const Option&>().level(std::declval<P>())), int>::value
      && std::is_same<decltype(std::declval<const Option&>().name(std::declval<P>())), int>::value
      && std::is_same<decltype(std::declval<const Option&>().size(std::declval<P>())), std::size_t>::value
      && std::is_same<decltype(std::declval<Option&>().resize(std::declval<P>(), std::size_t())), void>::value
      && std::is_pointer<decltype(std::declval<Option&>().data(std::declval<P>()))>::value
      && std::is_pointer<decltype(std::declval<const Option&>().data(std::declval<P>()))>::value;
}
static_assert(is_socket_option<exclusive_address_use>(), "an Asio socket option");
static_assert(std::is_nothrow_default_constructible<exclusive_address_use>::value, "");
static_assert(!std::is_convertible<bool, exclusive_address_use>::value, "explicit");
static_assert(!std::is_convertible<exclusive_address_use, bool>::value, "explicit bool");

/// What the OS option is and which value means exclusive, from the OS's
/// documentation (see docs/platforms.md), written here, not taken from the
/// library.
#if defined(_WIN32)
constexpr int os_exclusive_option = SO_EXCLUSIVEADDRUSE;
constexpr int os_exclusive_value = 1;
#else
constexpr int os_exclusive_option = SO_REUSEPORT;
constexpr int os_exclusive_value = 0;
#endif

} // namespace

BOOST_AUTO_TEST_SUITE(exclusive_address_use)

BOOST_AUTO_TEST_CASE(value_semantics)
{
  const portguard::exclusive_address_use off;
  const portguard::exclusive_address_use on(true);
  BOOST_TEST(!off.value());
  BOOST_TEST(!static_cast<bool>(off));
  BOOST_TEST(!off);
  BOOST_TEST(on.value());
  BOOST_TEST(static_cast<bool>(on));
  BOOST_TEST(!!on);
  portguard::exclusive_address_use changed;
  changed = true;
  BOOST_TEST(changed.value());
  BOOST_TEST(on.size(tcp::v4()) == sizeof(int));
  // The OS's names, not the library's constants: SO_EXCLUSIVEADDRUSE on
  // Windows; on POSIX SO_REUSEPORT, inverted (exclusive = off).
  BOOST_TEST(on.level(tcp::v4()) == SOL_SOCKET);
  BOOST_TEST(on.name(udp::v6()) == os_exclusive_option);
  BOOST_TEST(*static_cast<const int*>(on.data(tcp::v4())) == os_exclusive_value);
  BOOST_TEST(*static_cast<const int*>(off.data(tcp::v4())) == 1 - os_exclusive_value);
}

BOOST_AUTO_TEST_CASE(resize_accepts_int_and_byte_and_rejects_the_rest)
{
  portguard::exclusive_address_use option(true);
  BOOST_CHECK_NO_THROW(option.resize(tcp::v4(), sizeof(int)));
  BOOST_TEST(option.value());
  BOOST_CHECK_THROW(option.resize(tcp::v4(), 3), std::length_error);
  BOOST_CHECK_THROW(option.resize(tcp::v4(), 0), std::length_error);
  // A one-byte answer: the first byte carries the stored value.
  portguard::exclusive_address_use byte_answer;
  *reinterpret_cast<unsigned char*>(byte_answer.data(tcp::v4())) =
      static_cast<unsigned char>(os_exclusive_value);
  for (std::size_t i = 1; i < sizeof(int); ++i)
    reinterpret_cast<unsigned char*>(byte_answer.data(tcp::v4()))[i] = 0x7f;
  byte_answer.resize(tcp::v4(), 1);
  BOOST_TEST(byte_answer.value());
}

BOOST_AUTO_TEST_CASE(round_trip_on_acceptor_and_udp_socket)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx, tcp::v4());
  udp::socket datagram(ctx, udp::v6());
  for (bool value : {true, false, true})
  {
    BOOST_TEST_CONTEXT("value " << value)
    {
      acceptor.set_option(portguard::exclusive_address_use(value));
      datagram.set_option(portguard::exclusive_address_use(value));
      portguard::exclusive_address_use read_back(!value);
      acceptor.get_option(read_back);
      BOOST_TEST(read_back.value() == value);
      read_back = !value;
      datagram.get_option(read_back);
      BOOST_TEST(read_back.value() == value);
    }
  }
}

BOOST_AUTO_TEST_CASE(closed_socket_reports_bad_descriptor)
{
  net::io_context ctx;
  tcp::acceptor acceptor(ctx);
  error_code ec;
  acceptor.set_option(portguard::exclusive_address_use(true), ec);
  BOOST_TEST((ec == net::error::bad_descriptor));
  portguard::exclusive_address_use option;
  acceptor.get_option(option, ec);
  BOOST_TEST((ec == net::error::bad_descriptor));
}

// The retrofit: a plain acceptor that plain code made shareable is made
// exclusive by the option before bind. Control: the same rival wins when
// the option is not set.
BOOST_AUTO_TEST_CASE(retrofit_before_bind_refuses_the_rival)
{
  for (bool retrofit : {false, true})
  {
    BOOST_TEST_CONTEXT((retrofit ? "retrofitted" : "control"))
    {
      net::io_context ctx;
      tcp::acceptor acceptor(ctx, tcp::v4());
#if defined(_WIN32)
      // A plain Windows socket is shareable as it is; a rival binding a
      // more specific address shadows it.
      const auto rival_address = net::ip::address(net::ip::address_v4::loopback());
      const rival_options rival_sets = rival_options::none;
#else
      acceptor.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true));
      const auto rival_address = net::ip::address(net::ip::address_v4::any());
      const rival_options rival_sets = rival_options::reuse_port;
#endif
      if (retrofit)
        acceptor.set_option(portguard::exclusive_address_use(true));
      acceptor.bind({net::ip::address_v4::any(), 0});
      portguard::guard_other_family(acceptor); // the port on IPv6 too
      const outcome o = attempt(
          {transport::tcp, rival_sets, rival_address, acceptor.local_endpoint().port()},
          identity::same_user);
      BOOST_TEST_REQUIRE(o.kind != outcome::skipped, o.note);
      BOOST_TEST(o.won_port() == !retrofit, "rival " << o);
      BOOST_TEST(portguard::is_exclusive(acceptor) == retrofit);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
