//
// test/bench/portguard_bench.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Measures what portguard costs against plain Boost.Asio, both in one
// process and one run. The contenders take turns in short slices, so a
// noisy machine slows them alike; each prints its rate per round, by
// elapsed time and by CPU time, as one JSON object on stdout. The driver
// (run.py) turns the rounds into medians, ratios and spreads.
//
//   portguard_bench accept [--connections N] [--rounds R] [--slices S] [--window W]
//       Loopback accept throughput of a raw epoll/accept4 loop (the physical
//       ceiling), tcp::acceptor and portguard::secure_acceptor, each serving
//       a client in another (forked) process: "close" (connect, the server
//       accepts and closes) and "echo" (connect, 16 bytes each way, close).
//   portguard_bench setup [--cycles N] [--rounds R] [--slices S]
//       open + bind + listen + close cycles per second of both acceptors.
//   portguard_bench is_exclusive [--calls N] [--rounds R] [--slices S]
//       secure_acceptor::is_exclusive() against the same three-option check
//       written with plain Asio get_option calls.
//   portguard_bench count-setup {asio|portguard} N
//   portguard_bench count-is_exclusive {asio|portguard} N
//       Do only that, N times, for counting system calls under strace.
//   portguard_bench hold {asio|portguard}
//       Listen on 127.0.0.1 (as each endpoint constructor does), print the
//       port, and hold it until standard input closes: a port to audit.
//
#include <portguard/portguard.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t echo_size = 16;
constexpr auto round_deadline = std::chrono::seconds(60);

enum class traffic : std::int32_t { close = 0, echo = 1 };

const char* name_of(traffic t) { return t == traffic::close ? "close" : "echo"; }

[[noreturn]] void fail(const std::string& what, int err = errno)
{
  throw std::runtime_error(what + ": " + std::strerror(err));
}

double seconds_since(clock_type::time_point start)
{
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

double thread_cpu_seconds()
{
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// Time spent on a piece of work: elapsed, and this thread's CPU time (user +
/// system). On a shared machine the CPU time does not count the time slices
/// other processes take.
struct elapsed
{
  double wall = 0;
  double cpu = 0;
  double client_cpu = 0; // accept only: the client process's CPU time
};

class stopwatch
{
public:
  elapsed stop() const
  {
    return {seconds_since(wall_start_), thread_cpu_seconds() - cpu_start_};
  }

private:
  clock_type::time_point wall_start_ = clock_type::now();
  double cpu_start_ = thread_cpu_seconds();
};

bool read_all(int fd, void* data, std::size_t size)
{
  auto* p = static_cast<char*>(data);
  while (size > 0)
  {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t size)
{
  const auto* p = static_cast<const char*>(data);
  while (size > 0)
  {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// ---------------------------------------------------------------------------
// The client: a separate process driving `window` connections at a time with
// epoll, so neither server waits on a single round trip and the accept queue
// never overflows (an overflow costs a one-second SYN retransmit).

struct client_job
{
  std::uint16_t port;
  traffic mode;
  std::int32_t connections;
  std::int32_t window;
};

struct client_reply
{
  std::int32_t error; // 0 or an errno
  double cpu_seconds; // the client's CPU time for the job
};

class client_round
{
public:
  explicit client_round(const client_job& job) : job_(job), slots_(job.window)
  {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0)
      fail("client epoll_create1");
  }

  ~client_round()
  {
    for (auto& s : slots_)
      if (s.fd >= 0)
        ::close(s.fd);
    ::close(epoll_);
  }

  // Returns 0 or the errno that stopped the round.
  int run()
  {
    for (std::size_t i = 0; i < slots_.size() && started_ < job_.connections; ++i)
      if (int err = start(i))
        return err;
    const auto start_time = clock_type::now();
    std::array<epoll_event, 64> events;
    while (finished_ < job_.connections)
    {
      if (clock_type::now() - start_time > round_deadline)
        return ETIMEDOUT;
      const int n = ::epoll_wait(epoll_, events.data(), int(events.size()), 1000);
      if (n < 0 && errno != EINTR)
        return errno;
      for (int e = 0; e < n; ++e)
        if (int err = on_event(events[e].data.u32))
          return err;
    }
    return 0;
  }

private:
  struct slot
  {
    int fd = -1;
    bool connected = false;
    std::size_t received = 0;
  };

  int start(std::size_t i)
  {
    slot& s = slots_[i];
    s = slot{};
    s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s.fd < 0)
      return errno;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(job_.port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0
        && errno != EINPROGRESS)
      return errno;
    // "close" needs no write: the server's EOF tells that it accepted.
    s.connected = job_.mode == traffic::close;
    epoll_event ev{};
    ev.events = s.connected ? EPOLLIN : EPOLLOUT;
    ev.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, s.fd, &ev) != 0)
      return errno;
    ++started_;
    return 0;
  }

  int on_event(std::uint32_t i)
  {
    slot& s = slots_[i];
    if (!s.connected)
    {
      int err = 0;
      socklen_t size = sizeof(err);
      if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &size) != 0)
        return errno;
      if (err != 0)
        return err;
      const char request[echo_size] = "portguard-bench";
      if (::send(s.fd, request, echo_size, MSG_NOSIGNAL) != ssize_t(echo_size))
        return errno ? errno : EPROTO;
      s.connected = true;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = i;
      return ::epoll_ctl(epoll_, EPOLL_CTL_MOD, s.fd, &ev) == 0 ? 0 : errno;
    }
    char buffer[64];
    const ssize_t n = ::recv(s.fd, buffer, sizeof(buffer), 0);
    if (n < 0)
      return (errno == EAGAIN || errno == EINTR) ? 0 : errno;
    if (n > 0)
    {
      s.received += static_cast<std::size_t>(n);
      return 0;
    }
    // End of stream: the server has accepted (and echoed) and closed.
    const std::size_t expected = job_.mode == traffic::echo ? echo_size : 0;
    if (s.received != expected)
      return EPROTO;
    ::close(s.fd);
    s.fd = -1;
    ++finished_;
    return started_ < job_.connections ? start(i) : 0;
  }

  client_job job_;
  std::vector<slot> slots_;
  int epoll_ = -1;
  std::int32_t started_ = 0;
  std::int32_t finished_ = 0;
};

[[noreturn]] void client_main(int commands, int replies)
{
  client_job job{};
  while (read_all(commands, &job, sizeof(job)))
  {
    client_reply reply{0, 0};
    const double cpu_start = thread_cpu_seconds();
    try
    {
      reply.error = client_round(job).run();
    }
    catch (const std::exception&)
    {
      reply.error = EIO;
    }
    reply.cpu_seconds = thread_cpu_seconds() - cpu_start;
    if (!write_all(replies, &reply, sizeof(reply)))
      break;
  }
  ::_exit(0);
}

class client_process
{
public:
  client_process()
  {
    int to_client[2], from_client[2];
    if (::pipe2(to_client, O_CLOEXEC) != 0 || ::pipe2(from_client, O_CLOEXEC) != 0)
      fail("pipe2");
    pid_ = ::fork();
    if (pid_ < 0)
      fail("fork");
    if (pid_ == 0)
    {
      ::close(to_client[1]);
      ::close(from_client[0]);
      client_main(to_client[0], from_client[1]);
    }
    ::close(to_client[0]);
    ::close(from_client[1]);
    commands_ = to_client[1];
    replies_ = from_client[0];
  }

  ~client_process()
  {
    ::close(commands_); // the client exits at end of input
    ::close(replies_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  void start(const client_job& job)
  {
    if (!write_all(commands_, &job, sizeof(job)))
      fail("client command");
  }

  // Waits for the job to end; returns the client's CPU time for it.
  double finish()
  {
    client_reply reply{};
    if (!read_all(replies_, &reply, sizeof(reply)))
      throw std::runtime_error("client process died");
    if (reply.error != 0)
      fail("client", reply.error);
    return reply.cpu_seconds;
  }

private:
  pid_t pid_ = -1;
  int commands_ = -1;
  int replies_ = -1;
};

// ---------------------------------------------------------------------------
// The servers. All three listen on 127.0.0.1 with an ephemeral port, accept
// `connections` connections and serve each as the client expects.

// The physical ceiling: epoll plus accept4 until EAGAIN, no library at all.
class raw_server
{
public:
  raw_server()
  {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener_ < 0)
      fail("raw socket");
    const int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&at), sizeof(at)) != 0
        || ::listen(listener_, SOMAXCONN) != 0)
      fail("raw bind/listen");
    socklen_t size = sizeof(at);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&at), &size);
    port_ = ntohs(at.sin_port);
  }

  ~raw_server() { ::close(listener_); }

  std::uint16_t port() const { return port_; }

  void serve(traffic mode, int connections)
  {
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
      fail("raw epoll_create1");
    std::unique_ptr<int, void (*)(int*)> ep_guard(new int(ep),
        [](int* p) { ::close(*p); delete p; });
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener_;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, listener_, &ev);
    std::vector<std::size_t> received; // per descriptor, echo mode
    int accepted = 0, finished = 0;
    const auto start = clock_type::now();
    std::array<epoll_event, 64> events;
    while (finished < connections)
    {
      if (clock_type::now() - start > round_deadline)
        throw std::runtime_error("raw server: round timed out");
      const int n = ::epoll_wait(ep, events.data(), int(events.size()), 1000);
      if (n < 0 && errno != EINTR)
        fail("raw epoll_wait");
      for (int e = 0; e < n; ++e)
      {
        const int fd = events[e].data.fd;
        if (fd != listener_)
        {
          finished += serve_echo(fd, received) ? 1 : 0;
          continue;
        }
        while (accepted < connections)
        {
          const int c = ::accept4(listener_, nullptr, nullptr,
              SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0)
          {
            if (errno == EAGAIN || errno == EINTR)
              break;
            fail("raw accept4");
          }
          ++accepted;
          if (mode == traffic::close)
          {
            ::close(c);
            ++finished;
            continue;
          }
          if (static_cast<std::size_t>(c) >= received.size())
            received.resize(c + 1024);
          received[c] = 0;
          if (serve_echo(c, received)) // the request is often already here
            ++finished;
          else
          {
            epoll_event cev{};
            cev.events = EPOLLIN;
            cev.data.fd = c;
            ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
          }
        }
      }
    }
  }

private:
  // Reads what has arrived; once the whole request is in, echoes it and
  // closes. Returns whether the connection is done.
  static bool serve_echo(int fd, std::vector<std::size_t>& received)
  {
    char buffer[echo_size];
    const ssize_t n = ::recv(fd, buffer + received[fd], echo_size - received[fd], 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return false;
    if (n <= 0)
      fail("raw recv", n == 0 ? EPROTO : errno);
    received[fd] += static_cast<std::size_t>(n);
    if (received[fd] < echo_size)
      return false;
    if (::send(fd, buffer, echo_size, MSG_NOSIGNAL) != ssize_t(echo_size))
      fail("raw send");
    ::close(fd); // also leaves the epoll set
    return true;
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
};

// One request, one reply, then the socket closes with the session.
class echo_session : public std::enable_shared_from_this<echo_session>
{
public:
  explicit echo_session(tcp::socket socket) : socket_(std::move(socket)) {}

  void start()
  {
    auto self = shared_from_this();
    net::async_read(socket_, net::buffer(data_),
        [self](boost::system::error_code ec, std::size_t n) {
          if (ec)
            return;
          net::async_write(self->socket_, net::buffer(self->data_, n),
              [self](boost::system::error_code, std::size_t) {});
        });
  }

private:
  tcp::socket socket_;
  std::array<char, echo_size> data_{};
};

// The same server for tcp::acceptor and portguard::secure_acceptor: only the
// acceptor type differs, as in a real migration.
template <typename Acceptor>
class asio_server
{
public:
  explicit asio_server(net::io_context& ctx)
    : ctx_(ctx), acceptor_(ctx, tcp::endpoint(net::ip::address_v4::loopback(), 0))
  {
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void serve(traffic mode, int connections)
  {
    mode_ = mode;
    remaining_ = connections;
    ctx_.restart();
    accept_next();
    ctx_.run_for(round_deadline);
    if (remaining_ != 0 || error_)
      throw std::runtime_error("asio server: round failed: " + error_.message());
  }

private:
  void accept_next()
  {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec)
      {
        error_ = ec;
        return;
      }
      if (mode_ == traffic::echo)
        std::make_shared<echo_session>(std::move(socket))->start();
      if (--remaining_ > 0)
        accept_next();
    }); // in "close" mode the accepted socket closes here
  }

  net::io_context& ctx_;
  Acceptor acceptor_;
  traffic mode_ = traffic::close;
  int remaining_ = 0;
  boost::system::error_code error_;
};

// ---------------------------------------------------------------------------
// Rounds and output.

// Every order of the contenders: successive slices cycle through them, so
// each contender runs first, middle and last equally often, and every pair
// in both orders.
std::vector<std::vector<int>> all_orders(int contenders)
{
  std::vector<int> order(contenders);
  for (int i = 0; i < contenders; ++i)
    order[i] = i;
  std::vector<std::vector<int>> all;
  do
    all.push_back(order);
  while (std::next_permutation(order.begin(), order.end()));
  return all;
}

struct contender
{
  const char* name;
  std::function<elapsed(long)> measure; // does n operations, timed
};

struct schedule
{
  int rounds;      // recorded rounds
  long per_round;  // operations per contender and round
  int slices;      // a round is this many interleaved slices
};

// Runs the contenders interleaved: a round is `slices` slices, and in each
// slice every contender does per_round / slices operations, in the next of
// all_orders(). Contenders running side by side within milliseconds share
// the machine's mood, so their ratio holds up on a noisy machine. One
// unrecorded warm-up slice comes first. Prints each contender's rate per
// round: {"name": {"wall": [ops/s, ...], "cpu": [ops/s, ...]}, ...}, and
// for accept how busy server and client were (CPU time / elapsed time).
void run_rounds(std::vector<contender>& contenders, const schedule& plan)
{
  const long slice = std::max(1L, plan.per_round / plan.slices);
  for (auto& c : contenders)
    c.measure(slice);
  const auto orders = all_orders(int(contenders.size()));
  std::size_t next_order = 0;
  std::vector<std::vector<elapsed>> rounds(contenders.size());
  for (int r = 0; r < plan.rounds; ++r)
  {
    std::vector<elapsed> total(contenders.size());
    for (int s = 0; s < plan.slices; ++s)
      for (int i : orders[next_order++ % orders.size()])
      {
        const elapsed e = contenders[i].measure(slice);
        total[i].wall += e.wall;
        total[i].cpu += e.cpu;
        total[i].client_cpu += e.client_cpu;
      }
    for (std::size_t i = 0; i < contenders.size(); ++i)
      rounds[i].push_back(total[i]);
  }
  const double operations = double(slice) * plan.slices;
  std::printf("{");
  for (std::size_t i = 0; i < contenders.size(); ++i)
  {
    std::printf("%s\"%s\": {", i ? ", " : "", contenders[i].name);
    for (auto field : {&elapsed::wall, &elapsed::cpu})
    {
      std::printf("%s\"%s\": [", field == &elapsed::wall ? "" : ", ",
          field == &elapsed::wall ? "wall" : "cpu");
      for (std::size_t r = 0; r < rounds[i].size(); ++r)
        std::printf("%s%.1f", r ? ", " : "", operations / (rounds[i][r].*field));
      std::printf("]");
    }
    if (rounds[i].front().client_cpu > 0)
    {
      // How busy each side was: a side near 1.0 is what limits the rate.
      for (auto field : {&elapsed::cpu, &elapsed::client_cpu})
      {
        std::printf(", \"%s\": [", field == &elapsed::cpu ? "server_busy" : "client_busy");
        for (std::size_t r = 0; r < rounds[i].size(); ++r)
          std::printf("%s%.3f", r ? ", " : "", rounds[i][r].*field / rounds[i][r].wall);
        std::printf("]");
      }
    }
    std::printf("}");
  }
  std::printf("}");
  std::fflush(stdout);
}

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
    run_rounds(contenders, plan);
  }
  std::printf("}}\n");
}

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

void bench_setup(const schedule& plan)
{
  net::io_context ctx;
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_setup<tcp::acceptor>(ctx, n); }},
    {"portguard", [&](long n) { return timed_setup<portguard::secure_acceptor>(ctx, n); }},
  };
  std::printf("{\"bench\": \"setup\", \"cycles\": %ld, \"slices\": %d, \"rates\": ",
      plan.per_round, plan.slices);
  run_rounds(contenders, plan);
  std::printf("}\n");
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

void bench_is_exclusive(const schedule& plan)
{
  net::io_context ctx;
  tcp::acceptor plain(ctx, loopback_any_port);
  portguard::secure_acceptor secure(ctx, loopback_any_port);
  std::vector<contender> contenders{
    {"asio", [&](long n) { return timed_calls([&] { return asio_is_exclusive(plain); }, n); }},
    {"portguard", [&](long n) { return timed_calls([&] { return secure.is_exclusive(); }, n); }},
  };
  std::printf("{\"bench\": \"is_exclusive\", \"calls\": %ld, \"slices\": %d, \"rates\": ",
      plan.per_round, plan.slices);
  run_rounds(contenders, plan);
  std::printf("}\n");
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

long option(char** begin, char** end, const char* name, long fallback)
{
  for (char** p = begin; p + 1 < end; ++p)
    if (std::strcmp(*p, name) == 0)
    {
      char* tail = nullptr;
      const long v = std::strtol(p[1], &tail, 10);
      if (*tail != '\0' || v <= 0)
        throw std::invalid_argument(std::string("bad value for ") + name);
      return v;
    }
  return fallback;
}

void usage()
{
  std::fprintf(stderr,
      "usage: portguard_bench accept [--connections N] [--rounds R] [--slices S] [--window W]\n"
      "       portguard_bench setup [--cycles N] [--rounds R] [--slices S]\n"
      "       portguard_bench is_exclusive [--calls N] [--rounds R] [--slices S]\n"
      "       portguard_bench count-setup|count-is_exclusive asio|portguard N\n"
      "       portguard_bench hold asio|portguard\n");
}

} // namespace

int main(int argc, char** argv)
{
  ::signal(SIGPIPE, SIG_IGN);
  if (argc < 2)
  {
    usage();
    return 2;
  }
  const std::string what = argv[1];
  char** begin = argv + 2;
  char** end = argv + argc;
  try
  {
    const auto plan = [&](const char* count_name, long count, int rounds, int slices) {
      return schedule{int(option(begin, end, "--rounds", rounds)),
          option(begin, end, count_name, count), int(option(begin, end, "--slices", slices))};
    };
    if (what == "accept")
      bench_accept(plan("--connections", 20000, 5, 10), int(option(begin, end, "--window", 32)));
    else if (what == "setup")
      bench_setup(plan("--cycles", 20000, 10, 10));
    else if (what == "is_exclusive")
      bench_is_exclusive(plan("--calls", 100000, 10, 10));
    else if (what == "hold" && argc == 3)
      return hold(argv[2]);
    else if ((what == "count-setup" || what == "count-is_exclusive") && argc == 4)
      return count_run(what, argv[2], std::strtol(argv[3], nullptr, 10));
    else
    {
      usage();
      return 2;
    }
  }
  catch (const std::exception& e)
  {
    std::fprintf(stderr, "portguard_bench %s: %s\n", what.c_str(), e.what());
    return 1;
  }
  return 0;
}
