//
// test/unit/secure_acceptor.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include <portguard/secure_acceptor.hpp>

#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/is_exclusive.hpp>

#include "support/net.hpp"
#include "support/platform_rules.hpp"
#include "support/ports.hpp"
#include "support/fault_seam.hpp"
#include "support/skip.hpp"

#include <boost/predef/os/windows.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <string>
#include <type_traits>

namespace {

using namespace pg_test;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using portguard::exclusivity;
using portguard::secure_acceptor;

// -- Compile part: everything tcp::acceptor offers, under the same name ------

using strand_acceptor = secure_acceptor::rebind_executor<net::io_context::executor_type>::other;
static_assert(std::is_same<strand_acceptor,
                  portguard::basic_secure_acceptor<tcp, net::io_context::executor_type>>::value,
    "rebind_executor gives a secure acceptor");
static_assert(std::is_base_of<tcp::acceptor, secure_acceptor>::value, "is a tcp::acceptor");
static_assert(std::is_nothrow_move_constructible<secure_acceptor>::value, "");
static_assert(std::is_move_assignable<secure_acceptor>::value, "");
static_assert(!std::is_copy_constructible<secure_acceptor>::value, "");
static_assert(std::is_constructible<secure_acceptor, strand_acceptor&&>::value,
    "converting move from another executor type");

const tcp::endpoint loopback_any_port(net::ip::address_v4::loopback(), 0);

/// Connects to the acceptor and accepts, bounded in time.
bool accepts_a_connection(net::io_context& ctx, tcp::acceptor& acceptor)
{
  tcp::socket client(ctx);
  tcp::socket server(ctx);
  bool accepted = false;
  acceptor.async_accept(server, [&](const error_code& ec) { accepted = !ec; });
  client.async_connect({net::ip::address_v4::loopback(), acceptor.local_endpoint().port()},
      [](const error_code&) {});
  ctx.restart();
  ctx.run_for(std::chrono::seconds(5));
  return accepted;
}

/// A native acceptor handle, made by plain Asio and released to the caller.
/// Tests that call it are skipped where release() does not work
/// (release_reason() in support/skip.hpp).
void released_handle(net::io_context& ctx, bool exclusive,
    portguard::detail::native_socket& handle)
{
  tcp::acceptor plain(ctx, tcp::v4());
  error_code ec;
  if (exclusive)
    portguard::make_exclusive(plain);
  else
    make_shareable(plain, ec);
  plain.bind(loopback_any_port);
  plain.listen();
  handle = plain.release();
}

} // namespace

BOOST_AUTO_TEST_SUITE(secure_acceptor)

BOOST_AUTO_TEST_CASE(every_constructor)
{
  net::io_context ctx;
  const auto ex = ctx.get_executor();
  portguard::secure_acceptor a1(ctx);
  portguard::secure_acceptor a2(ex);
  portguard::secure_acceptor a3(ctx, exclusivity::best_effort);
  portguard::secure_acceptor a4(ctx, tcp::v4());
  portguard::secure_acceptor a5(ex, tcp::v6(), exclusivity::required);
  portguard::secure_acceptor a6(ctx, loopback_any_port);
  portguard::secure_acceptor a7(ex, loopback_any_port, false);
  portguard::secure_acceptor a8(ctx, loopback_any_port, exclusivity::best_effort);
  portguard::secure_acceptor a9(ex, loopback_any_port, true, exclusivity::required);
  BOOST_TEST(!a1.is_open());
  BOOST_TEST(!a2.is_open());
  BOOST_TEST((a3.policy() == exclusivity::best_effort));
  BOOST_TEST((a1.policy() == exclusivity::required));
  for (portguard::secure_acceptor* a : {&a4, &a5, &a6, &a7, &a8, &a9})
  {
    BOOST_TEST(a->is_open());
    BOOST_TEST(a->is_exclusive());
  }
  strand_acceptor typed(ctx, loopback_any_port);
  portguard::secure_acceptor converted(std::move(typed));
  BOOST_TEST(converted.is_open());
  BOOST_TEST(!typed.is_open());
}

BOOST_AUTO_TEST_CASE(every_handle_constructor, *skip_unless(release_reason))
{
  net::io_context ctx;
  const auto ex = ctx.get_executor();
  portguard::detail::native_socket h1, h2;
  released_handle(ctx, true, h1);
  released_handle(ctx, true, h2);
  portguard::secure_acceptor a10(ctx, tcp::v4(), h1);
  portguard::secure_acceptor a11(ex, tcp::v4(), h2, exclusivity::best_effort);
  BOOST_TEST(a10.is_exclusive());
  BOOST_TEST(a11.is_exclusive());
}

BOOST_AUTO_TEST_CASE(endpoint_constructor_listens_exclusively)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, loopback_any_port);
  BOOST_TEST(acceptor.local_endpoint().port() != 0);
  BOOST_TEST(acceptor.is_exclusive());
  portguard::exclusive_address_use option;
  acceptor.get_option(option);
  BOOST_TEST(option.value());
  BOOST_TEST(accepts_a_connection(ctx, acceptor));
}

BOOST_AUTO_TEST_CASE(open_makes_every_later_bind_exclusive)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx);
  acceptor.open(tcp::v6());
  portguard::exclusive_address_use option;
  acceptor.get_option(option);
  BOOST_TEST(option.value());
  net::socket_base::reuse_address reuse(true);
  acceptor.get_option(reuse);
  BOOST_TEST(!reuse.value(), "open sets nothing else");
  error_code ec;
  acceptor.close();
  acceptor.open(tcp::v4(), ec);
  BOOST_TEST(!ec);
  BOOST_TEST(acceptor.is_exclusive());
}

BOOST_AUTO_TEST_CASE(async_accept_with_any_completion_token)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, loopback_any_port);
  const auto port = acceptor.local_endpoint().port();
  std::future<tcp::socket> accepted = acceptor.async_accept(net::use_future);
  bool moved_accept = false;
  acceptor.async_accept([&](const error_code& ec, tcp::socket) { moved_accept = !ec; });
  tcp::socket c1(ctx), c2(ctx);
  c1.connect({net::ip::address_v4::loopback(), port});
  c2.connect({net::ip::address_v4::loopback(), port});
  ctx.run_for(std::chrono::seconds(5));
  BOOST_TEST_REQUIRE((accepted.wait_for(std::chrono::seconds(0)) == std::future_status::ready));
  BOOST_TEST(accepted.get().is_open());
  BOOST_TEST(moved_accept);
}

BOOST_AUTO_TEST_CASE(sharing_options_are_refused_and_it_stays_exclusive)
{
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, tcp::v4());
  error_code ec;
  acceptor.set_option(portguard::exclusive_address_use(false), ec);
  BOOST_TEST((ec == portguard::error::conflicting_option), ec.message());
  BOOST_TEST(acceptor.is_exclusive());
  // The throwing form names the option as the OS calls it.
#if defined(_WIN32)
  const std::string named = "set_option: SO_EXCLUSIVEADDRUSE off; to fix: leave it out";
#else
  const std::string named = "set_option: SO_REUSEPORT on; to fix: leave it out";
#endif
  BOOST_CHECK_EXCEPTION(acceptor.set_option(portguard::exclusive_address_use(false)),
      portguard::system_error, [&](const portguard::system_error& e) {
        return std::string(e.what()).find(named) == 0;
      });
#if defined(_WIN32)
  // reuse_address is recorded, not passed on (see scenario_drop_in.cpp and scenario_windows.cpp).
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  BOOST_TEST(!ec);
  BOOST_TEST(acceptor.is_exclusive());
#else
  acceptor.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
  BOOST_TEST((ec == portguard::error::conflicting_option), ec.message());
  BOOST_TEST(acceptor.is_exclusive());
  // reuse_address is allowed: a listening TCP socket cannot be shared through it.
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  BOOST_TEST(!ec);
#endif
  // Harmless options pass through.
  acceptor.set_option(net::socket_base::keep_alive(true), ec);
  BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(constructor_failure_names_the_step_and_leaks_nothing)
{
  net::io_context ctx;
  tcp::acceptor holder(ctx, loopback_any_port, false);
  try
  {
    portguard::secure_acceptor acceptor(ctx, holder.local_endpoint());
    BOOST_ERROR("no exception");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST(std::string(e.what()).find("bind") != std::string::npos, e.what());
  }
  // The descriptor check around every test case proves nothing leaked.
}

BOOST_AUTO_TEST_CASE(adopting_checks_the_handle, *skip_unless(release_reason))
{
  net::io_context ctx;
  error_code ec;

  portguard::detail::native_socket exclusive_handle, shareable;
  released_handle(ctx, true, exclusive_handle);
  released_handle(ctx, false, shareable);

  portguard::secure_acceptor adopted(ctx);
  adopted.assign(tcp::v4(), exclusive_handle, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(adopted.is_exclusive());

  portguard::secure_acceptor refused(ctx);
  refused.assign(tcp::v4(), shareable, ec);
  BOOST_TEST((ec == portguard::error::not_exclusive), ec.message());
  BOOST_TEST(!refused.is_open(), "a refused handle is not taken");
  BOOST_CHECK_THROW(portguard::secure_acceptor(ctx, tcp::v4(), shareable), portguard::system_error);

  portguard::secure_acceptor lenient(ctx, exclusivity::best_effort);
  lenient.assign(tcp::v4(), shareable, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(!lenient.is_exclusive(), "best_effort adopts it and tells the truth");

  udp::socket datagram(ctx, udp::v4());
  const portguard::detail::native_socket udp_handle = datagram.release();
  portguard::secure_acceptor wrong_type(ctx);
  wrong_type.assign(tcp::v4(), udp_handle, ec);
  BOOST_TEST((ec == portguard::error::wrong_socket_type), ec.message());
  BOOST_TEST(!wrong_type.is_open());
  udp::socket closer(ctx, udp::v4(), udp_handle);

  portguard::secure_acceptor invalid(ctx);
  invalid.assign(tcp::v4(), static_cast<portguard::detail::native_socket>(-1), ec);
  BOOST_TEST(!!ec);
  BOOST_TEST(!invalid.is_open());

  // A handle of the other family than the protocol says.
  portguard::detail::native_socket v4_handle;
  released_handle(ctx, true, v4_handle);
  portguard::secure_acceptor wrong_family(ctx);
  wrong_family.assign(tcp::v6(), v4_handle, ec);
  BOOST_TEST((ec == portguard::error::wrong_socket_type), ec.message());
  BOOST_TEST(!wrong_family.is_open());
  portguard::secure_acceptor closer_v4(ctx, tcp::v4(), v4_handle);
}

BOOST_AUTO_TEST_CASE(move_keeps_socket_and_policy)
{
  net::io_context ctx;
  portguard::secure_acceptor source(ctx, loopback_any_port, exclusivity::best_effort);
  const auto port = source.local_endpoint().port();
  portguard::secure_acceptor moved(std::move(source));
  BOOST_TEST(!source.is_open());
  BOOST_TEST(moved.local_endpoint().port() == port);
  BOOST_TEST((moved.policy() == exclusivity::best_effort));
  portguard::secure_acceptor assigned(ctx);
  assigned = std::move(moved);
  BOOST_TEST(assigned.local_endpoint().port() == port);
  BOOST_TEST((assigned.policy() == exclusivity::best_effort));
  BOOST_TEST(accepts_a_connection(ctx, assigned));
}

BOOST_AUTO_TEST_CASE(is_exclusive_on_a_closed_acceptor_is_an_error)
{
  net::io_context ctx;
  const portguard::secure_acceptor acceptor(ctx);
  error_code ec;
  BOOST_TEST(!acceptor.is_exclusive(ec));
  BOOST_TEST((ec == net::error::bad_descriptor));
  BOOST_CHECK_THROW(acceptor.is_exclusive(), portguard::system_error);
}

BOOST_AUTO_TEST_CASE(required_fails_closed_when_the_os_refuses)
{
  net::io_context ctx;
  const unsigned short port = unused_tcp_port();
  try
  {
    fault_seam os;
    os.refuse_exclusive(1);
    portguard::secure_acceptor acceptor(ctx, {net::ip::address_v4::loopback(), port});
    BOOST_ERROR("no exception");
  }
  catch (const portguard::system_error& e)
  {
    BOOST_TEST((e.code() == portguard::error::option_refused), e.code().message());
    BOOST_TEST(std::string(e.what()).find("exclusive_address_use") != std::string::npos, e.what());
  }
  BOOST_TEST(tcp_port_is_free(port), "nothing stays bound");

  portguard::secure_acceptor acceptor(ctx);
  error_code ec;
  {
    fault_seam os;
    os.refuse_exclusive(1);
    acceptor.open(tcp::v4(), ec);
  }
  BOOST_TEST((ec == portguard::error::option_refused));
  BOOST_TEST(!acceptor.is_open());
}

BOOST_AUTO_TEST_CASE(best_effort_goes_on_and_tells_the_truth)
{
  net::io_context ctx;
  std::unique_ptr<portguard::secure_acceptor> acceptor;
  {
    fault_seam os;
    os.refuse_exclusive(1);
    BOOST_CHECK_NO_THROW(acceptor.reset(new portguard::secure_acceptor(
        ctx, tcp::endpoint(net::ip::address_v4::any(), 0), exclusivity::best_effort)));
  }
  BOOST_TEST_REQUIRE(acceptor->is_open());
  BOOST_TEST(accepts_a_connection(ctx, *acceptor));
}

// Without the option the answer depends on the platform's defaults; it must
// match what rivals can really do.
BOOST_AUTO_TEST_CASE(best_effort_answer_is_true_to_life, *skip_unless([] {
  return rival_check_reason(socket_state::tcp_listening, net::ip::address_v4::any());
}))
{
  net::io_context ctx;
  std::unique_ptr<portguard::secure_acceptor> acceptor;
  {
    fault_seam os;
    os.refuse_exclusive(1);
    acceptor.reset(new portguard::secure_acceptor(
        ctx, tcp::endpoint(net::ip::address_v4::any(), 0), exclusivity::best_effort));
  }
  std::string reason;
  const bool shared = some_rival_shares(socket_state::tcp_listening,
      net::ip::address_v4::any(), acceptor->local_endpoint().port(), reason);
  BOOST_TEST_REQUIRE(reason.empty(), reason);
  BOOST_TEST(acceptor->is_exclusive() == !shared);
}

// How set_option() reads a hand-made boolean buffer: as this platform's
// kernel will.
BOOST_AUTO_TEST_CASE(option_value_as_read_matches_the_kernel)
{
  using portguard::detail::option_value_as_read;
  const bool windows = BOOST_OS_WINDOWS != 0;
  int value = -1;
  const int one = 1;
  const int zero = 0;
  BOOST_TEST(option_value_as_read(&one, sizeof(one), value));
  BOOST_TEST(value == 1);
  BOOST_TEST(option_value_as_read(&zero, sizeof(zero), value));
  BOOST_TEST(value == 0);
  BOOST_TEST(!option_value_as_read(nullptr, sizeof(int), value));
  const unsigned char byte_on[1] = {1};
  // POSIX kernels refuse a buffer shorter than an int; Winsock reads it.
  BOOST_TEST(option_value_as_read(byte_on, sizeof(byte_on), value) == windows);
  BOOST_TEST(value == (windows ? 1 : 0));
  // A longer buffer: only its leading int counts.
  const int tail_on[2] = {0, 1};
  BOOST_TEST(option_value_as_read(tail_on, sizeof(tail_on), value));
  BOOST_TEST(value == 0);
  const int head_on[2] = {1, 0};
  BOOST_TEST(option_value_as_read(head_on, sizeof(head_on), value));
  BOOST_TEST(value == 1);
}

BOOST_AUTO_TEST_SUITE_END()
