//
// test/bench/benches.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "benches.hpp"

#include "client.hpp"
#include "report.hpp"
#include "servers.hpp"

#include <portguard/portguard.hpp>

#include <cstdio>
#include <memory>
#include <vector>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pg_bench {

namespace {

const tcp::endpoint loopback_any_port(net::ip::address_v4::loopback(), 0);

// open + (reuse_address) + bind + listen, as each constructor does, then close.
template <typename Acceptor>
void setup_cycles(net::io_context& ctx, long cycles)
{
  for (long i = 0; i < cycles; ++i)
  {
    Acceptor acceptor(ctx, loopback_any_port);
    acceptor.close();
  }
}

template <typename Acceptor>
elapsed timed_setup(net::io_context& ctx, long cycles)
{
  const stopwatch watch;
  setup_cycles<Acceptor>(ctx, cycles);
  return watch.stop();
}

// A GettableSocketOption for an int option, as a user of plain Asio would
// write one (Asio offers no public SO_REUSEPORT or SO_ACCEPTCONN option).
template <int Level, int Name>
class int_option
{
public:
  template <typename P> int level(const P&) const { return Level; }
  template <typename P> int name(const P&) const { return Name; }
  template <typename P> int* data(const P&) { return &value_; }
  template <typename P> const int* data(const P&) const { return &value_; }
  template <typename P> std::size_t size(const P&) const { return sizeof(value_); }
  template <typename P> void resize(const P&, std::size_t s)
  {
    if (s != sizeof(value_))
      throw std::length_error("int_option resize");
  }
  int value() const { return value_; }

private:
  int value_ = 0;
};

// is_exclusive()'s rule, written with plain Asio: what a user would call to
// ask the same question without portguard.
bool asio_is_exclusive(tcp::acceptor& acceptor)
{
  int_option<SOL_SOCKET, SO_REUSEPORT> reuse_port;
  acceptor.get_option(reuse_port);
  if (reuse_port.value() != 0)
    return false;
  tcp::acceptor::reuse_address reuse_address;
  acceptor.get_option(reuse_address);
  if (!reuse_address.value())
    return true;
  int_option<SOL_SOCKET, SO_ACCEPTCONN> listening;
  acceptor.get_option(listening);
  return listening.value() != 0;
}

// The worst case on Linux: a listening socket with SO_REUSEADDR on (what
// both endpoint constructors make) needs all three options read.
template <typename F>
elapsed timed_calls(F&& f, long calls)
{
  long yes = 0;
  const stopwatch watch;
  for (long i = 0; i < calls; ++i)
    yes += f() ? 1 : 0;
  const elapsed result = watch.stop();
  if (yes != calls)
    throw std::runtime_error("is_exclusive: a listening acceptor answered false");
  return result;
}

/// Runs `contenders` by `plan` and prints one JSON line: the bench's name,
/// how many `unit`s a round makes, and every contender's rates.
void run_and_print(const char* name, const char* unit, std::vector<contender>& contenders,
    const schedule& plan)
{
  std::printf("{\"bench\": \"%s\", \"%s\": %ld, \"slices\": %d, \"rates\": ", name, unit,
      plan.per_round, plan.slices);
  print_rates(contenders, run_rounds(contenders, plan));
  std::printf("}\n");
}

} // namespace

void bench_accept(const schedule& plan, int window)
{
  client_process client;
  net::io_context ctx;
  std::printf("{\"bench\": \"accept\", \"connections\": %ld, \"slices\": %d, "
      "\"window\": %d, \"traffic\": {", plan.per_round, plan.slices, window);
  for (traffic mode : {traffic::close, traffic::echo})
  {
    auto round = [&](auto make_server) {
      return [&, make_server](long connections) {
        auto server = make_server();
        client_job job{server->port(), mode, std::int32_t(connections), window};
        const stopwatch watch;
        client.start(job);
        server->serve(mode, int(connections));
        const double client_cpu = client.finish();
        elapsed e = watch.stop();
        e.client_cpu = client_cpu;
        return e;
      };
    };
    std::vector<contender> contenders{
      {"raw_epoll", round([] { return std::make_unique<raw_server>(); })},
      {"asio", round([&] { return std::make_unique<asio_server<tcp::acceptor>>(ctx); })},
      {"portguard", round([&] {
         return std::make_unique<asio_server<portguard::secure_acceptor>>(ctx);
       })},
    };
    std::printf("%s\"%s\": ", mode == traffic::close ? "" : ", ", name_of(mode));
    print_rates(contenders, run_rounds(contenders, plan));
  }
  std::printf("}}\n");
}

void bench_setup(const schedule& plan)
{
  net::io_context ctx;
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_setup<tcp::acceptor>(ctx, n); }},
    {"portguard", [&](long n) { return timed_setup<portguard::secure_acceptor>(ctx, n); }},
  };
  run_and_print("setup", "cycles", contenders, plan);
}

void bench_is_exclusive(const schedule& plan)
{
  net::io_context ctx;
  tcp::acceptor plain(ctx, loopback_any_port);
  portguard::secure_acceptor secure(ctx, loopback_any_port);
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_calls([&] { return asio_is_exclusive(plain); }, n); }},
    {"portguard", [&](long n) { return timed_calls([&] { return secure.is_exclusive(); }, n); }},
  };
  run_and_print("is_exclusive", "calls", contenders, plan);
}

namespace {

/// A port whose server side has a TIME_WAIT entry: a server accepted one
/// connection and closed it first.
unsigned short port_with_time_wait(net::io_context& ctx)
{
  tcp::acceptor server(ctx, loopback_any_port);
  tcp::socket client(ctx), served(ctx);
  client.connect(server.local_endpoint());
  server.accept(served);
  served.close();
  char byte;
  boost::system::error_code ec;
  client.read_some(net::buffer(&byte, 1), ec); // the server's FIN
  client.close();
  const unsigned short port = server.local_endpoint().port();
  server.close();
  return port;
}

template <typename Acceptor>
elapsed timed_setup_on(net::io_context& ctx, unsigned short port, long cycles)
{
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
  const stopwatch watch;
  for (long i = 0; i < cycles; ++i)
  {
    Acceptor acceptor(ctx, endpoint);
    acceptor.close();
  }
  return watch.stop();
}

} // namespace

void bench_setup_time_wait(const schedule& plan)
{
  net::io_context ctx;
  const unsigned short port = port_with_time_wait(ctx);
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_setup_on<tcp::acceptor>(ctx, port, n); }},
    {"portguard", [&](long n) { return timed_setup_on<portguard::secure_acceptor>(ctx, port, n); }},
  };
  run_and_print("setup_time_wait", "cycles", contenders, plan);
}

void bench_is_exclusive_free(const schedule& plan)
{
  net::io_context ctx;
  tcp::acceptor plain(ctx, loopback_any_port);
  tcp::acceptor bound(ctx);
  portguard::exclusive_bind(bound, loopback_any_port);
  bound.listen();
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_calls([&] { return asio_is_exclusive(plain); }, n); }},
    {"portguard", [&](long n) { return timed_calls([&] { return portguard::is_exclusive(bound); }, n); }},
  };
  run_and_print("is_exclusive_free", "calls", contenders, plan);
}

void crowd_the_host(long count)
{
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
  {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  // Fixed ports on 127.0.0.2, below the ephemeral range, so the crowd does
  // not use up the ports a bind to port 0 draws from; a port someone else
  // holds is skipped (bounded).
  long made = 0;
  for (long i = 0; made < count && i < 4 * count + 1000; ++i)
  {
    const bool datagram = made % 4 == 0;
    const int s = ::socket(AF_INET, datagram ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (s < 0)
      throw std::runtime_error("crowd: socket() failed after " + std::to_string(made));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
    local.sin_port = htons(static_cast<std::uint16_t>(10000 + i % 20000));
    if (::bind(s, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0
        || (made % 4 == 1 && ::listen(s, 1) != 0))
    {
      ::close(s);
      continue;
    }
    ++made;
  } // the descriptors stay open until the process exits
  if (made < count)
    throw std::runtime_error("crowd: only " + std::to_string(made) + " sockets bound");
}

// Counting runs: the work alone, N times, for strace -c. The driver runs two
// values of N and divides the difference, so start-up calls cancel out.
int count_run(const std::string& what, const std::string& impl, long n)
{
  net::io_context ctx;
  const bool secure = impl == "portguard";
  if (!secure && impl != "asio")
    throw std::invalid_argument("expected asio or portguard, got " + impl);
  if (what == "count-setup")
  {
    if (secure)
      setup_cycles<portguard::secure_acceptor>(ctx, n);
    else
      setup_cycles<tcp::acceptor>(ctx, n);
    return 0;
  }
  tcp::acceptor plain(ctx, loopback_any_port);
  portguard::secure_acceptor guarded(ctx, loopback_any_port);
  long yes = 0;
  for (long i = 0; i < n; ++i)
    yes += (secure ? guarded.is_exclusive() : asio_is_exclusive(plain)) ? 1 : 0;
  return yes == n || !secure ? 0 : 1;
}

// Holds a listening port until standard input closes.
int hold(const std::string& impl)
{
  net::io_context ctx;
  tcp::acceptor plain(ctx);
  portguard::secure_acceptor guarded(ctx);
  if (impl == "portguard")
    guarded = portguard::secure_acceptor(ctx, loopback_any_port);
  else if (impl == "asio")
    plain = tcp::acceptor(ctx, loopback_any_port);
  else
    throw std::invalid_argument("expected asio or portguard, got " + impl);
  const auto& held = impl == "portguard" ? guarded : plain;
  std::printf("%u\n", unsigned(held.local_endpoint().port()));
  std::fflush(stdout);
  char c;
  while (::read(0, &c, 1) > 0)
  {
  }
  return 0;
}

} // namespace pg_bench
