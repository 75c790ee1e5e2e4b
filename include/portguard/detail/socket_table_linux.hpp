//
// portguard/detail/socket_table_linux.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The socket table on Linux: NETLINK_SOCK_DIAG (inet_diag) dumps, filtered
// on the port by kernel-side bytecode, and owners from /proc. Included by
// socket_table.hpp only.
//
#ifndef PORTGUARD_DETAIL_SOCKET_TABLE_LINUX_HPP
#define PORTGUARD_DETAIL_SOCKET_TABLE_LINUX_HPP

#include <portguard/detail/config.hpp>
#include <portguard/detail/fault_seam.hpp>
#include <portguard/detail/platform.hpp>
#include <portguard/detail/socket_rules.hpp>
#include <portguard/port_holder.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

// TCP states as inet_diag numbers them (include/net/tcp_states.h). A TCP
// socket that is bound but not listening is in TCP_CLOSE; dumps include
// such sockets only when the request's state mask has TCP_BOUND_INACTIVE
// (Linux 6.8, commit 91051f003948 "tcp: Dump bound-only sockets in
// inet_diag."); older kernels ignore the bit and leave them out.
constexpr std::uint32_t tcp_state_close = 7;
constexpr std::uint32_t tcp_state_time_wait = 6;
constexpr std::uint32_t tcp_state_listen = 10;
constexpr std::uint32_t tcp_state_bound_inactive = 13;

// The netlink and rtattr macros cast the old way; users build with
// -Wold-style-cast and -Wsign-conversion, so these stand in for them.
constexpr std::size_t netlink_header_length = NLMSG_ALIGN(sizeof(nlmsghdr));
constexpr std::size_t netlink_length(std::size_t payload) noexcept
{
  return payload + netlink_header_length;
}

/// NLMSG_DATA.
inline const void* netlink_payload(const nlmsghdr* h) noexcept
{
  return reinterpret_cast<const char*>(h) + netlink_header_length;
}

/// A netlink socket that closes itself.
class netlink_socket
{
public:
  netlink_socket() noexcept
    : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG))
  {
    if (fd_ >= 0)
    {
      // A dump that stalls must not hang the caller.
      timeval limit{2, 0};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    }
  }
  ~netlink_socket()
  {
    if (fd_ >= 0)
      ::close(fd_);
  }
  netlink_socket(const netlink_socket&) = delete;
  netlink_socket& operator=(const netlink_socket&) = delete;
  int get() const noexcept { return fd_; }

private:
  int fd_;
};

/// An inet_diag dump request with an optional local-port filter:
/// "sport >= P" jumps to "sport <= P", which jumps to the end (accept);
/// either failing jumps 4 bytes past the end (reject).
struct diag_request
{
  nlmsghdr header;
  inet_diag_req_v2 body;
  rtattr filter;
  inet_diag_bc_op ops[4];
};
static_assert(offsetof(diag_request, filter) == netlink_length(sizeof(inet_diag_req_v2)),
    "the bytecode attribute follows the request without padding");

/// The older TCPDIAG_GETSOCK request: the kernel answers it for both
/// address families in one walk of its tables (the by-family request walks
/// them once per family), with the same states, filter and replies.
struct diag_request_both_families
{
  nlmsghdr header;
  inet_diag_req body;
  rtattr filter;
  inet_diag_bc_op ops[4];
};
static_assert(offsetof(diag_request_both_families, filter) == netlink_length(sizeof(inet_diag_req)),
    "the bytecode attribute follows the request without padding");

/// Fills a request's port filter (none for port 0) and length.
template <typename Request>
void set_port_filter(Request& request, unsigned short port)
{
  if (port != 0)
  {
    request.header.nlmsg_len = sizeof(request);
    request.filter.rta_type = INET_DIAG_REQ_BYTECODE;
    request.filter.rta_len = RTA_LENGTH(sizeof(request.ops));
    request.ops[0] = {INET_DIAG_BC_S_GE, 8, 20};
    request.ops[1] = {0, 0, port};
    request.ops[2] = {INET_DIAG_BC_S_LE, 8, 12};
    request.ops[3] = {0, 0, port};
  }
  else
    request.header.nlmsg_len = static_cast<std::uint32_t>(netlink_length(sizeof(request.body)));
}

inline net::ip::address diag_address(int family, const std::uint32_t (&words)[4])
{
  if (family == AF_INET)
  {
    net::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), &words[0], 4);
    return net::ip::address_v4(bytes);
  }
  net::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), &words[0], 16);
  return net::ip::address_v6(bytes);
}

/// NLMSG_OK, without comparing signed and unsigned.
inline bool netlink_message_fits(const nlmsghdr* h, std::size_t left) noexcept
{
  return left >= sizeof(nlmsghdr) && h->nlmsg_len >= sizeof(nlmsghdr) && h->nlmsg_len <= left;
}

/// NLMSG_NEXT, on an unsigned count of the bytes left.
inline nlmsghdr* next_netlink_message(nlmsghdr* h, std::size_t& left) noexcept
{
  const std::size_t step = NLMSG_ALIGN(h->nlmsg_len);
  left = step < left ? left - step : 0;
  return reinterpret_cast<nlmsghdr*>(reinterpret_cast<char*>(h) + step);
}

/// One dump: every socket of `family`/`protocol` in `states` (a bit mask
/// of TCP states), on `port` (0: every port), appended to `out`. For TCP,
/// `family` AF_UNSPEC asks for both families in one walk.
inline void diag_dump(int family, int protocol, std::uint32_t states,
    unsigned short port, std::vector<port_holder>& out, error_code& ec)
{
  netlink_socket nl;
  if (nl.get() < 0)
  {
    ec = last_socket_error();
    return;
  }
  const bool both_families = family == AF_UNSPEC && protocol == IPPROTO_TCP;
  diag_request request;
  diag_request_both_families request_both;
  std::memset(&request, 0, sizeof(request));
  std::memset(&request_both, 0, sizeof(request_both));
  nlmsghdr* header = &request.header;
  if (both_families)
  {
    header = &request_both.header;
    request_both.header.nlmsg_type = TCPDIAG_GETSOCK;
    request_both.body.idiag_states = states;
    set_port_filter(request_both, port);
  }
  else
  {
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.body.sdiag_family = static_cast<std::uint8_t>(family);
    request.body.sdiag_protocol = static_cast<std::uint8_t>(protocol);
    request.body.idiag_states = states;
    set_port_filter(request, port);
  }
  header->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  header->nlmsg_seq = 1;
  const std::uint16_t reply_type = header->nlmsg_type;

  sockaddr_nl kernel;
  std::memset(&kernel, 0, sizeof(kernel));
  kernel.nl_family = AF_NETLINK;
  if (::sendto(nl.get(), header, header->nlmsg_len, 0,
          reinterpret_cast<const sockaddr*>(&kernel), sizeof(kernel)) < 0)
  {
    ec = last_socket_error();
    return;
  }

  // The kernel fills each read with whole messages, at most 32 KiB.
  std::vector<char> buffer(64 * 1024);
  for (;;)
  {
    const ssize_t received = ::recv(nl.get(), buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR)
      continue;
    if (received <= 0)
    {
      if (received < 0)
        ec = last_socket_error();
      else
        ec = net::error::eof;
      return;
    }
    std::size_t left = static_cast<std::size_t>(received);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); netlink_message_fits(h, left);
         h = next_netlink_message(h, left))
    {
      if (h->nlmsg_type == NLMSG_DONE)
      {
        ec.clear();
        return;
      }
      if (h->nlmsg_type == NLMSG_ERROR)
      {
        const auto* failure = static_cast<const nlmsgerr*>(netlink_payload(h));
        ec = error_code(failure->error < 0 ? -failure->error : EIO,
            net::error::get_system_category());
        return;
      }
      if (h->nlmsg_type != reply_type)
        continue;
      const auto* message = static_cast<const inet_diag_msg*>(netlink_payload(h));
      port_holder holder;
      holder.address = diag_address(message->idiag_family, message->id.idiag_src);
      holder.port = ntohs(message->id.idiag_sport);
      holder.uid = message->idiag_uid;
      holder.inode = message->idiag_inode;
      if (protocol == IPPROTO_UDP)
        holder.state = holder_state::datagram;
      else if (message->idiag_state == tcp_state_listen)
        holder.state = holder_state::listening;
      else
        holder.state = holder_state::bound;
      // The attributes after the message (RTA_OK / RTA_NEXT / RTA_DATA).
      const std::size_t head = netlink_length(sizeof(*message));
      std::size_t attributes = h->nlmsg_len > head ? h->nlmsg_len - head : 0;
      const char* at = reinterpret_cast<const char*>(message + 1);
      while (attributes >= sizeof(rtattr))
      {
        const auto* a = reinterpret_cast<const rtattr*>(at);
        if (a->rta_len < sizeof(rtattr) || a->rta_len > attributes)
          break;
        if (a->rta_type == INET_DIAG_SKV6ONLY && a->rta_len > RTA_LENGTH(0))
          holder.v6_only = *(at + RTA_LENGTH(0)) != 0;
        const std::size_t step = RTA_ALIGN(static_cast<std::size_t>(a->rta_len));
        attributes = step < attributes ? attributes - step : 0;
        at += step;
      }
      out.push_back(std::move(holder));
    }
  }
}

/// Where a table that does not list bound TCP sockets can be had.
constexpr const char* bound_listing_hint = " (Linux 6.8 and later do)";

/// What asking the kernel whether it lists bound sockets found.
enum class bound_listing
{
  unknown,  ///< The check failed (`cause`): ask again.
  listed,
  unlisted
};

/// Asks the kernel with a TCP socket of our own, bound and not listening,
/// whether a dump lists it.
inline bound_listing check_bound_listing(error_code& cause) noexcept
{
  if (fault_seam_fails_bound_listing_check())
  {
    cause = error_code(EMFILE, net::error::get_system_category());
    return bound_listing::unknown;
  }
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
  {
    cause = last_socket_error();
    return bound_listing::unknown;
  }
  sockaddr_in address;
    std::memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  bound_listing answer = bound_listing::unknown;
  struct stat self;
  if (::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0
      || ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) != 0
      || ::fstat(s, &self) != 0)
    cause = last_socket_error();
  else
  {
    std::vector<port_holder> found;
    diag_dump(AF_INET, IPPROTO_TCP, 1u << tcp_state_bound_inactive,
        ntohs(address.sin_port), found, cause);
    if (!cause)
    {
      answer = bound_listing::unlisted;
      for (const port_holder& h : found)
        if (h.inode == self.st_ino)
          answer = bound_listing::listed;
    }
  }
  ::close(s);
  return answer;
}

/// Whether this kernel lists TCP sockets that are bound but not listening
/// (Linux 6.8 and later, or a kernel with that change backported), asked
/// of the kernel, not guessed from the version number. A definitive answer
/// is kept for the process; a check that failed (EMFILE, say) is made again
/// on the next call, once per call, and `cause` says why.
PORTGUARD_DECL bool table_lists_bound_sockets(error_code& cause) noexcept
{
  static std::atomic<bound_listing> known{bound_listing::unknown};
  static std::atomic<unsigned> known_epoch{0};
  cause.clear();
  const unsigned epoch = bound_listing_epoch_now();
  bound_listing answer = known_epoch.load() == epoch ? known.load() : bound_listing::unknown;
  if (answer == bound_listing::unknown)
  {
    answer = check_bound_listing(cause);
    if (answer != bound_listing::unknown)
    {
      known.store(answer);
      known_epoch.store(epoch);
    }
  }
  return answer == bound_listing::listed;
}

PORTGUARD_DECL bool table_lists_bound_sockets() noexcept
{
  error_code ignored;
  return table_lists_bound_sockets(ignored);
}

/// Every socket holding `port` (0: every port) of `protocol`, both
/// families. UDP: all. TCP: listeners, and with holder_scope::all also the
/// sockets bound but not listening. Listing those walks the kernel's whole
/// bind hash table (about 0.2 ms on an idle 2-core machine, milliseconds
/// under load, whatever the filter); a listener-only dump walks the much
/// smaller listening table.
PORTGUARD_DECL void read_table(int protocol, unsigned short port, holder_scope scope,
    port_holders& out, error_code& ec)
{
  out.sockets.clear();
  out.complete = false;
  const bool udp = protocol == IPPROTO_UDP;
  std::uint32_t states = udp ? 0xffffffffu : (1u << tcp_state_listen);
  if (!udp && scope == holder_scope::all)
    states |= 1u << tcp_state_bound_inactive;
  if (!udp)
  {
    // Both families in one walk; where the kernel refuses the older
    // request, one walk per family.
    diag_dump(AF_UNSPEC, IPPROTO_TCP, states, port, out.sockets, ec);
    if (!ec)
    {
      out.complete = scope == holder_scope::listeners || table_lists_bound_sockets();
      return;
    }
    out.sockets.clear();
  }
  for (int family : {AF_INET, AF_INET6})
  {
    diag_dump(family, udp ? IPPROTO_UDP : IPPROTO_TCP, states, port, out.sockets, ec);
    if (ec)
      return;
  }
  out.complete = udp || scope == holder_scope::listeners || table_lists_bound_sockets();
}

/// This socket's identity in the table: its inode.
PORTGUARD_DECL std::uint64_t socket_identity(native_socket s) noexcept
{
  struct stat self;
  return ::fstat(s, &self) == 0 ? static_cast<std::uint64_t>(self.st_ino) : 0;
}

/// Whether `holder` is the socket `s` itself.
PORTGUARD_DECL bool is_same_socket(const port_holder& holder, native_socket,
    std::uint64_t identity) noexcept
{
  return identity != 0 && holder.inode == identity;
}

/// The socket inode a /proc/<pid>/fd entry points at ("socket:[N]"); false
/// for an entry that is not a socket (or is gone).
inline bool socket_inode_of(DIR* fds, const char* name, std::uint64_t& inode) noexcept
{
  char target[64];
  const ssize_t n = ::readlinkat(::dirfd(fds), name, target, sizeof(target) - 1);
  if (n <= 8 || std::strncmp(target, "socket:[", 8) != 0)
    return false;
  target[n] = '\0';
  inode = static_cast<std::uint64_t>(std::strtoull(target + 8, nullptr, 10));
  return true;
}

/// A process seen by for_each_socket_descriptor(): its pid, and its name
/// from /proc/<pid>/comm and effective uid from /proc/<pid>/status, each
/// read once when first asked for.
class process_entry
{
public:
  process_entry(std::uint32_t pid, std::string dir) : pid_(pid), dir_(std::move(dir)) {}

  std::uint32_t pid() const noexcept { return pid_; }

  const std::string& name()
  {
    if (!named_)
    {
      named_ = true;
      char text[64];
      const std::size_t read = read_small_file("/comm", text, sizeof(text));
      if (read > 0)
        name_.assign(text, text[read - 1] == '\n' ? read - 1 : read);
    }
    return name_;
  }

  /// The effective uid: the second number of the "Uid:" line.
  std::optional<std::uint32_t> uid()
  {
    if (!uid_read_)
    {
      uid_read_ = true;
      char text[4096];
      const std::size_t read = read_small_file("/status", text, sizeof(text));
      text[read] = '\0';
      if (const char* line = std::strstr(text, "\nUid:"))
      {
        char* end = nullptr;
        std::strtoul(line + 5, &end, 10); // real
        const char* effective = end;
        const unsigned long value = std::strtoul(effective, &end, 10);
        if (end != effective)
          uid_ = static_cast<std::uint32_t>(value);
      }
    }
    return uid_;
  }

private:
  /// Reads up to `size - 1` bytes of dir_ + `file`; the count read (0 on failure).
  std::size_t read_small_file(const char* file, char* text, std::size_t size) const
  {
    const int fd = ::open((dir_ + file).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return 0;
    const ssize_t read = ::read(fd, text, size - 1);
    ::close(fd);
    return read > 0 ? static_cast<std::size_t>(read) : 0;
  }

  std::uint32_t pid_;
  std::string dir_;
  std::string name_;
  std::optional<std::uint32_t> uid_;
  bool named_ = false;
  bool uid_read_ = false;
};

/// Calls `visit(process_entry&, int descriptor, std::uint64_t inode)` for
/// every socket descriptor of every process whose /proc/<pid>/fd this one
/// may list, until `visit` returns false. Returns the number of processes
/// whose descriptors this process was not allowed to list (another user's,
/// unless root); a process that exits during the walk is simply not seen.
template <typename Visit>
std::size_t for_each_socket_descriptor(Visit visit)
{
  std::size_t hidden_processes = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc)
    return 0;
  bool more = true;
  while (more)
  {
    const dirent* entry = ::readdir(proc);
    if (!entry)
      break;
    char* end = nullptr;
    const unsigned long pid = std::strtoul(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0')
      continue;
    const std::string base = std::string("/proc/") + entry->d_name;
    DIR* fds = ::opendir((base + "/fd").c_str());
    if (!fds)
    {
      if (errno == EACCES || errno == EPERM)
        ++hidden_processes;
      continue;
    }
    process_entry process(static_cast<std::uint32_t>(pid), base);
    while (more)
    {
      const dirent* fd = ::readdir(fds);
      if (!fd)
        break;
      char* fd_end = nullptr;
      const long number = std::strtol(fd->d_name, &fd_end, 10);
      if (fd_end == fd->d_name || *fd_end != '\0')
        continue;
      std::uint64_t inode = 0;
      if (socket_inode_of(fds, fd->d_name, inode))
        more = visit(process, static_cast<int>(number), inode);
    }
    ::closedir(fds);
  }
  ::closedir(proc);
  return hidden_processes;
}

/// Fills in, for every holder, each process that has its socket open
/// (holder_process: pid, uid, name) and, from the first, pid and process
/// name; the whole of /proc is walked (for_each_socket_descriptor()), since
/// one socket may be open in several processes. Returns the number of
/// processes whose descriptors this process was not allowed to list.
PORTGUARD_DECL std::size_t find_owners(std::vector<port_holder>& holders)
{
  std::unordered_map<std::uint64_t, std::vector<port_holder*>> wanted;
  for (port_holder& h : holders)
    if (h.inode != 0 && h.processes.empty())
      wanted[h.inode].push_back(&h);
  if (wanted.empty())
    return 0;
  return for_each_socket_descriptor([&](process_entry& process, int, std::uint64_t inode) {
    const auto match = wanted.find(inode);
    if (match == wanted.end())
      return true;
    for (port_holder* h : match->second)
    {
      if (!h->processes.empty() && h->processes.back().pid == process.pid())
        continue; // another descriptor of the same process
      h->processes.push_back(holder_process{process.pid(), process.uid(), process.name()});
      if (!h->pid)
      {
        h->pid = process.pid();
        h->process = process.name();
      }
    }
    return true;
  });
}

/// This process's id, as the table and holder_process::pid give it.
PORTGUARD_DECL std::uint32_t this_process_id() noexcept
{
  return static_cast<std::uint32_t>(::getpid());
}

/// Whether the service manager that handed this process a socket could be
/// process `pid`: this process's parent (the one that started it, keeping
/// its copy) or PID 1 (systemd).
inline bool is_service_manager(std::uint32_t pid) noexcept
{
  return pid == 1 || pid == static_cast<std::uint32_t>(::getppid());
}

/// For a socket of this process found in the table (`self`, its processes
/// filled in by find_owners(), which could not list `hidden` processes):
/// whether another process also holds its file description. The service
/// manager (is_service_manager()) does not count. When some processes could
/// not be listed, the socket's creator (`self.uid`) is the hint: a socket
/// made by root or by this process's own user is taken as not shared with
/// the processes this one cannot see; one made by another user is unknown.
PORTGUARD_DECL sharing_verdict judge_sharing(const port_holder& self, std::size_t hidden) noexcept
{
  const std::uint32_t me = this_process_id();
  bool seen_here = false;
  for (const holder_process& p : self.processes)
  {
    if (p.pid == me)
      seen_here = true;
    else if (!is_service_manager(p.pid))
      return sharing_verdict::shared;
  }
  if (hidden == 0 && seen_here)
    return sharing_verdict::alone;
  const std::uint32_t creator = self.uid ? *self.uid : 0;
  return creator == 0 || creator == static_cast<std::uint32_t>(::geteuid())
      ? sharing_verdict::alone : sharing_verdict::unknown;
}

/// Whether `holder` is a socket this process has open whose options keep
/// rivals out: found by its inode among /proc/self/fd.
PORTGUARD_DECL bool listener_of_this_process_is_exclusive(const port_holder& holder,
    error_code& ec)
{
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds)
    return false;
  bool exclusive = false;
  while (const dirent* entry = ::readdir(fds))
  {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(fds))
      continue;
    struct stat info;
    if (::fstat(static_cast<int>(fd), &info) != 0 || !S_ISSOCK(info.st_mode)
        || static_cast<std::uint64_t>(info.st_ino) != holder.inode)
      continue;
    exclusive = options_are_exclusive(static_cast<int>(fd), ec);
    break;
  }
  ::closedir(fds);
  return exclusive;
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_DETAIL_SOCKET_TABLE_LINUX_HPP
