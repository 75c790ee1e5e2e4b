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

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#if !defined(_WIN32)
#  include <fcntl.h>
#  include <grp.h>
#  include <netinet/in.h>
#  include <poll.h>
#  include <signal.h>
#  include <sys/socket.h>
#  include <sys/wait.h>
#  include <unistd.h>
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

// A descriptor passed over SCM_RIGHTS is one socket in two processes: each
// can accept its connections. The rival below (user nobody) binds and
// listens, passes its descriptor to the test process, and either keeps its
// copy (accepting) or closes it at once (the control: the same socket,
// from the same user, with nothing left behind).

/// Sends `fd` over the unix socket `channel` with one byte.
bool send_descriptor(int channel, int fd)
{
  char byte = 'f';
  iovec data{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
  return ::sendmsg(channel, &message, MSG_NOSIGNAL) == 1;
}

/// Waits (at most 10 s) for `channel` to be readable.
bool readable_in_time(int channel)
{
  pollfd p{channel, POLLIN, 0};
  return ::poll(&p, 1, 10000) == 1;
}

/// Receives a descriptor sent by send_descriptor(); -1 on failure or timeout.
int receive_descriptor(int channel)
{
  if (!readable_in_time(channel))
    return -1;
  char byte = 0;
  iovec data{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  if (::recvmsg(channel, &message, MSG_CMSG_CLOEXEC) != 1)
    return -1;
  const cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (!header || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
    return -1;
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(header), sizeof(int));
  return fd;
}

/// Switches this (child) process to user and group `uid`; 0 stays.
bool become(std::uint32_t uid)
{
  return uid == 0
      || (::setgroups(0, nullptr) == 0 && ::setgid(uid) == 0 && ::setuid(uid) == 0);
}

/// Reads one byte (at most 10 s); 0 on failure.
char read_byte(int fd)
{
  char byte = 0;
  return readable_in_time(fd) && ::read(fd, &byte, 1) == 1 ? byte : '\0';
}

/// A child process (as user `uid`, or as this user for 0) that binds and
/// listens on 127.0.0.1:0 and passes its descriptor to this process. With
/// `keeps_copy` it keeps its copy and accepts on it (answering each
/// connection with 'r'), for at most 30 s or until destroyed; without, it
/// closes its copy before it says it is ready.
class descriptor_giver
{
public:
  descriptor_giver(std::uint32_t uid, bool keeps_copy)
  {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
      throw harness_failure("socketpair failed");
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ < 0)
      throw harness_failure("fork failed");
    if (pid_ == 0)
      run_child(pair[1], uid, keeps_copy);
    ::close(pair[1]);
    channel_ = pair[0];
    fd_ = receive_descriptor(channel_);
    if (fd_ < 0 || read_byte(channel_) != (keeps_copy ? 'k' : 'c'))
      throw harness_failure("the child passed no listening socket");
  }

  ~descriptor_giver()
  {
    ::close(channel_); // the child ends on end of file
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      ::usleep(50000);
    if (::waitpid(pid_, &status, WNOHANG) == 0)
    {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }

  descriptor_giver(const descriptor_giver&) = delete;
  descriptor_giver& operator=(const descriptor_giver&) = delete;

  /// The descriptor received (this process's copy; the caller owns it).
  int descriptor() const { return fd_; }

  pid_t pid() const { return pid_; }

private:
  [[noreturn]] static void run_child(int channel, std::uint32_t uid, bool keeps_copy)
  {
    for (int fd = 3; fd < 4096; ++fd)
      if (fd != channel)
        ::close(fd);
    ::alarm(30);
    if (!become(uid))
      ::_exit(1);
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0
        || ::listen(listener, 16) != 0 || !send_descriptor(channel, listener))
      ::_exit(1);
    if (!keeps_copy)
      ::close(listener);
    const char ready = keeps_copy ? 'k' : 'c';
    if (::write(channel, &ready, 1) != 1)
      ::_exit(1);
    for (int round = 0; round < 3000; ++round) // 30 s at most
    {
      pollfd p[2] = {{channel, POLLIN, 0}, {keeps_copy ? listener : -1, POLLIN, 0}};
      if (::poll(p, 2, 10) < 0)
        continue;
      if (p[0].revents != 0)
        ::_exit(0);
      if (p[1].revents & POLLIN)
      {
        const int connection = ::accept(listener, nullptr, nullptr);
        if (connection >= 0)
        {
          const char mark = 'r';
          (void)::write(connection, &mark, 1);
          ::close(connection);
        }
      }
    }
    ::_exit(0);
  }

  pid_t pid_ = -1;
  int channel_ = -1;
  int fd_ = -1;
};

/// The holder of 127.0.0.1:`port` in the socket table, if one.
std::optional<portguard::port_holder> holder_on(unsigned short port)
{
  const portguard::port_holders holders = portguard::holders_of(tcp::endpoint(loopback, port));
  for (const portguard::port_holder& h : holders.sockets)
    if (h.state == portguard::holder_state::listening)
      return h;
  return std::nullopt;
}

/// Whether `h` lists process `pid` with user id `uid`.
bool lists_process(const portguard::port_holder& h, pid_t pid, std::uint32_t uid)
{
  for (const portguard::holder_process& p : h.processes)
    if (p.pid == static_cast<std::uint32_t>(pid))
      return p.uid && *p.uid == uid;
  return false;
}

/// The port a listening descriptor is bound to.
unsigned short port_of(int fd)
{
  sockaddr_in address{};
  socklen_t size = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

BOOST_AUTO_TEST_CASE(descriptor_kept_by_its_giver_refused, *boost::unit_test::timeout(60)
    * skip_unless(linux_only_reason) * skip_unless(other_user_reason))
{
  net::io_context ctx;
  descriptor_giver giver(65534u, true);
  const int fd = giver.descriptor();
  tcp::acceptor owner(ctx, tcp::v4(), fd); // closes this process's copy at the end
  const unsigned short port = port_of(fd);

  // The threat is real: the giver accepts a connection made to the port.
  {
    tcp::socket client(ctx);
    client.connect(tcp::endpoint(loopback, port));
    const int client_fd = client.native_handle();
    BOOST_TEST(read_byte(client_fd) == 'r', "the giver serves the port");
  }

  // Holders: one socket, open in both processes, each with its own uid.
  const auto holder = holder_on(port);
  BOOST_TEST_REQUIRE(holder.has_value());
  BOOST_TEST(holder->processes.size() == 2u);
  BOOST_TEST(lists_process(*holder, giver.pid(), 65534u));
  BOOST_TEST(lists_process(*holder, ::getpid(), static_cast<std::uint32_t>(::geteuid())));
  const std::string line = portguard::to_string(*holder);
  BOOST_TEST(line.find("pid " + std::to_string(giver.pid())) != std::string::npos, line);
  BOOST_TEST(line.find("pid " + std::to_string(::getpid())) != std::string::npos, line);

  // Required: adoption refused, the caller keeps the handle.
  portguard::secure_acceptor adopter(ctx);
  error_code ec;
  adopter.assign(tcp::v4(), fd, ec);
  BOOST_TEST((ec == portguard::error::socket_shared), ec.message());
  BOOST_TEST(!adopter.is_open());
  try
  {
    portguard::secure_acceptor thrown(ctx, tcp::v4(), fd);
    BOOST_ERROR("adopting a socket another process holds did not throw");
  }
  catch (const portguard::system_error& e)
  {
    const std::string what = e.what();
    BOOST_TEST((e.code() == portguard::error::socket_shared), e.code().message());
    BOOST_TEST(what.find("uid 65534, pid " + std::to_string(giver.pid())) != std::string::npos,
        what);
    BOOST_TEST(what.find("to fix: close the other process's copy") != std::string::npos, what);
  }

  // is_exclusive() says no, and other_holders() names the socket itself.
  BOOST_TEST(portguard::is_exclusive(owner) == false);
  // why_not_exclusive() says why: the socket itself is open in the giver.
  const portguard::exclusivity_verdict v = portguard::why_not_exclusive(owner);
  BOOST_TEST_MESSAGE(v.to_string());
  BOOST_TEST(!v.exclusive);
  BOOST_TEST((v.reason == portguard::error::socket_shared), v.to_string());
  BOOST_TEST(v.cause.find("pid " + std::to_string(giver.pid())) != std::string::npos, v.cause);
  BOOST_TEST(v.remedy.find("close the other process's copy") == 0, v.remedy);
  const portguard::port_holders others = portguard::other_holders(owner);
  BOOST_TEST_REQUIRE(others.sockets.size() == 1u);
  BOOST_TEST(lists_process(others.sockets.front(), giver.pid(), 65534u));

  // Best effort: adopted, and it tells the truth.
  const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  BOOST_TEST_REQUIRE(copy >= 0);
  portguard::secure_acceptor taken(ctx, portguard::exclusivity::best_effort);
  taken.assign(tcp::v4(), copy, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(taken.is_exclusive() == false);
}

BOOST_AUTO_TEST_CASE(descriptor_given_up_by_its_giver_adopted, *boost::unit_test::timeout(60)
    * skip_unless(linux_only_reason) * skip_unless(other_user_reason))
{
  // Control of the case above: the same socket from the same user, whose
  // giver closed its copy.
  net::io_context ctx;
  descriptor_giver giver(65534u, false);
  const int fd = giver.descriptor();
  const unsigned short port = port_of(fd);
  const auto holder = holder_on(port);
  BOOST_TEST_REQUIRE(holder.has_value());
  BOOST_TEST((holder->uid == std::optional<std::uint32_t>(65534u)), "made by nobody");
  BOOST_TEST(holder->processes.size() == 1u);
  BOOST_TEST(!lists_process(*holder, giver.pid(), 65534u));

  portguard::secure_acceptor adopter(ctx);
  error_code ec;
  adopter.assign(tcp::v4(), fd, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(adopter.is_exclusive());
  BOOST_TEST(portguard::is_exclusive(adopter));
}

/// In a child of this process (running as user `uid`; 0: this user): adopts
/// `fd` (inherited, so this process, its parent, keeps a copy) under
/// exclusivity::required and reports "<error value> <is_exclusive>" through
/// a pipe. Bounded by alarm(20).
std::string adopt_in_child(int fd, std::uint32_t uid = 0)
{
  int answer[2];
  if (::pipe(answer) != 0)
    throw harness_failure("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0)
    throw harness_failure("fork failed");
  if (pid == 0)
  {
    ::close(answer[0]);
    ::alarm(20);
    if (!become(uid))
      ::_exit(1);
    std::string text;
    try
    {
      net::io_context child_ctx;
      portguard::secure_acceptor adopter(child_ctx);
      error_code ec;
      adopter.assign(tcp::v4(), fd, ec);
      text = std::to_string(ec.value()) + " " + (ec ? "-" : adopter.is_exclusive() ? "1" : "0");
      if (ec)
        ::close(fd);
    }
    catch (...)
    {
      text = "exception";
    }
    const bool written = ::write(answer[1], text.data(), text.size())
        == static_cast<ssize_t>(text.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(answer[1]);
  std::string text;
  char buffer[64];
  while (readable_in_time(answer[0]))
  {
    const ssize_t n = ::read(answer[0], buffer, sizeof(buffer));
    if (n <= 0)
      break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(answer[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return text;
}

BOOST_AUTO_TEST_CASE(socket_kept_by_the_service_manager_adopted, *boost::unit_test::timeout(60)
    * skip_unless(linux_only_reason))
{
  // This process plays the service manager: it made the listening socket
  // and keeps its copy while a child adopts it.
  net::io_context ctx;
  tcp::acceptor manager_copy(ctx, tcp::endpoint(loopback, 0));
  const int fd = manager_copy.native_handle();
  BOOST_TEST(adopt_in_child(fd) == "0 1");

  // Control: a sibling that also holds it (not the parent, not PID 1)
  // makes the same adoption fail.
  std::fflush(nullptr);
  int hold[2];
  BOOST_TEST_REQUIRE(::pipe(hold) == 0);
  const pid_t sibling = ::fork();
  BOOST_TEST_REQUIRE(sibling >= 0);
  if (sibling == 0)
  {
    ::close(hold[1]);
    ::alarm(20);
    char byte;
    (void)::read(hold[0], &byte, 1); // until the parent closes its end
    ::_exit(0);
  }
  ::close(hold[0]);
  const std::string answer = adopt_in_child(fd);
  ::close(hold[1]);
  int status = 0;
  ::waitpid(sibling, &status, 0);
  BOOST_TEST(answer == std::to_string(static_cast<int>(portguard::error::socket_shared)) + " -");
}

BOOST_AUTO_TEST_CASE(socket_made_by_a_user_out_of_sight_unknown, *boost::unit_test::timeout(60)
    * skip_unless(linux_only_reason) * skip_unless(other_user_reason))
{
  // A server running as nobody cannot list other users' descriptors. Handed
  // a socket that uid 65533 made, it cannot tell whether its maker kept a
  // copy: refused as unknown, kept or not.
  const std::string unknown
      = std::to_string(static_cast<int>(portguard::error::holders_unknown)) + " -";
  {
    descriptor_giver giver(65533u, true);
    BOOST_TEST(adopt_in_child(giver.descriptor(), 65534u) == unknown);
    ::close(giver.descriptor());
  }
  {
    descriptor_giver giver(65533u, false);
    BOOST_TEST(adopt_in_child(giver.descriptor(), 65534u) == unknown);
    ::close(giver.descriptor());
  }
  // Control: the same socket made by the server's own user is adopted.
  descriptor_giver own(65534u, false);
  BOOST_TEST(adopt_in_child(own.descriptor(), 65534u) == "0 1");
  ::close(own.descriptor());
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
