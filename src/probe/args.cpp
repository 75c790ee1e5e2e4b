//
// src/probe/args.cpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
#include "args.hpp"

#include <portguard/detail/config.hpp>

#include <cctype>

namespace portguard {
namespace probe {

namespace {

constexpr std::size_t max_shown = 60;

// Quotes user text for an error message, shortened and with control
// characters escaped, so a message stays one readable line.
std::string quoted(std::string_view text)
{
  std::string out = "'";
  std::size_t shown = 0;
  for (const char c : text)
  {
    if (shown++ == max_shown)
    {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f)
    {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
    else
      out += c;
  }
  return out + "'";
}

bool is_host_char(char c) noexcept
{
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '.' || c == '-' || c == '_';
}

bool parse_port(std::string_view text, unsigned short& port, std::string& error)
{
  if (text.empty())
  {
    error = "missing port after ':'; expected a number from 1 to 65535";
    return false;
  }
  unsigned long value = 0;
  for (const char c : text)
  {
    if (c < '0' || c > '9')
    {
      error = "port " + quoted(text) + " is not a number; expected 1-65535";
      return false;
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
    if (value > 65535)
    {
      error = "port " + quoted(text) + " is out of range; expected 1-65535";
      return false;
    }
  }
  if (value == 0)
  {
    error = "port 0 is not a port a server can hold; expected 1-65535";
    return false;
  }
  port = static_cast<unsigned short>(value);
  return true;
}

const char* const endpoint_form = "expected HOST:PORT, or [IPv6]:PORT";

} // namespace

bool parse_endpoint(std::string_view text, endpoint_spec& out, std::string& error)
{
  out = endpoint_spec();
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[')
  {
    const auto close = text.find(']');
    if (close == std::string_view::npos)
    {
      error = "endpoint " + quoted(text) + " has no closing ']'; " + endpoint_form;
      return false;
    }
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':')
    {
      error = "endpoint " + quoted(text) + " needs ':PORT' after ']'; " + endpoint_form;
      return false;
    }
    port = rest.substr(1);
    // Hex digits, ':', '.', and after '%' a scope (an interface name or number).
    bool plain = true;
    for (const char c : host)
      plain = plain && (is_host_char(c) || c == ':' || c == '%');
    error_code ec;
    if (plain && !host.empty())
      net::ip::make_address_v6(std::string(host), ec);
    if (host.empty() || !plain || ec)
    {
      error = "address " + quoted(host) + " in brackets is not an IPv6 address; "
          + endpoint_form;
      return false;
    }
    out.literal = true;
  }
  else
  {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
    {
      error = "endpoint " + quoted(text) + " has no port; " + endpoint_form;
      return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
    {
      error = "IPv6 address in " + quoted(text)
          + " must be in brackets; expected [IPv6]:PORT, for example [::1]:8080";
      return false;
    }
    if (host.empty())
    {
      error = "endpoint " + quoted(text) + " has no host; " + endpoint_form;
      return false;
    }
    for (const char c : host)
      if (!is_host_char(c))
      {
        error = "host " + quoted(host)
            + " is not an address or a host name; " + endpoint_form;
        return false;
      }
    error_code ec;
    net::ip::make_address_v4(std::string(host), ec);
    out.literal = !ec;
  }
  if (!parse_port(port, out.port, error))
    return false;
  out.host = std::string(host);
  return true;
}

parse_result parse_arguments(const std::vector<std::string>& args)
{
  parse_result r;
  command& cmd = r.cmd;
  bool have_proto = false;
  bool have_target = false;
  bool json = false;
  bool markdown = false;
  bool prometheus = false;
  bool matrix = false;
  bool scan = false;
  bool help = false;
  bool version = false;
  std::string scan_proto;
  bool have_port = false;
  for (std::size_t i = 0; i < args.size(); ++i)
  {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h")
      help = true;
    else if (arg == "--version")
      version = true;
    else if (arg == "--json")
      json = true;
    else if (arg == "--markdown")
      markdown = true;
    else if (arg == "--prometheus")
      prometheus = true;
    else if (arg == "--matrix")
      matrix = true;
    else if (arg == "--active")
      cmd.active = true;
    else if (arg == "--verbose" || arg == "-v")
      cmd.verbose = true;
    else if (arg == "--port")
    {
      if (i + 1 == args.size())
      {
        r.error = "--port needs a value; expected a number from 1 to 65535";
        return r;
      }
      if (!parse_port(args[++i], cmd.scan_port, r.error))
        return r;
      have_port = true;
    }
    else if (arg == "--output" || arg == "-o")
    {
      if (i + 1 == args.size() || args[i + 1].empty())
      {
        r.error = arg + " needs a file name; expected --output FILE";
        return r;
      }
      if (!cmd.output.empty())
      {
        r.error = "--output given twice; choose one file";
        return r;
      }
      cmd.output = args[++i];
    }
    else if (arg == "--proto")
    {
      if (i + 1 == args.size())
      {
        r.error = "--proto needs a value; expected tcp or udp";
        return r;
      }
      scan_proto = args[++i];
      if (scan_proto != "tcp" && scan_proto != "udp")
      {
        r.error = "unknown protocol " + quoted(scan_proto) + " after --proto; expected tcp or udp";
        return r;
      }
    }
    else if (!arg.empty() && arg.front() == '-')
    {
      r.error = "unknown option " + quoted(arg) + "; see --help";
      return r;
    }
    else if (!have_proto && !scan && arg == "scan")
      scan = true;
    else if (!have_proto && !scan)
    {
      if (arg == "tcp")
        cmd.proto = transport::tcp;
      else if (arg == "udp")
        cmd.proto = transport::udp;
      else
      {
        r.error = "unknown protocol " + quoted(arg) + "; expected tcp or udp";
        return r;
      }
      have_proto = true;
    }
    else if (!have_target && !scan)
    {
      if (!parse_endpoint(arg, cmd.target, r.error))
        return r;
      have_target = true;
    }
    else
    {
      r.error = "unexpected argument " + quoted(arg)
          + (scan ? "; scan takes options only" : "; expected one protocol and one endpoint");
      return r;
    }
  }

  if (help)
  {
    cmd.what = mode::help;
    return r;
  }
  if (version)
  {
    cmd.what = mode::version;
    return r;
  }
  if (int(json) + int(markdown) + int(prometheus) > 1)
  {
    r.error = "--json, --markdown and --prometheus exclude each other; choose one";
    return r;
  }
  cmd.format = json ? output_format::json
      : markdown ? output_format::markdown
      : prometheus ? output_format::prometheus : output_format::table;
  if (!scan && (prometheus || cmd.active || !scan_proto.empty() || have_port))
  {
    r.error = std::string(prometheus ? "--prometheus" : cmd.active ? "--active"
        : have_port ? "--port" : "--proto")
        + " belongs to 'scan'; see --help";
    return r;
  }
  if (scan)
  {
    if (matrix)
    {
      r.error = "--matrix and scan exclude each other; choose one";
      return r;
    }
    cmd.scan_tcp = scan_proto != "udp";
    cmd.scan_udp = scan_proto != "tcp";
    cmd.what = mode::scan;
    return r;
  }
  if (matrix)
  {
    if (have_proto)
    {
      r.error = "--matrix creates its own servers and takes no protocol or endpoint";
      return r;
    }
    cmd.what = mode::matrix;
    return r;
  }
  if (!have_proto)
  {
    r.error = "missing command; expected 'tcp HOST:PORT', 'udp HOST:PORT', 'scan' or "
              "'--matrix' (see --help)";
    return r;
  }
  if (!have_target)
  {
    r.error = std::string(cmd.proto == transport::tcp ? "tcp" : "udp")
        + " needs an endpoint; " + endpoint_form;
    return r;
  }
  cmd.what = mode::audit;
  return r;
}

const char* usage_text() noexcept
{
  return
R"(Usage:
  portguard-probe tcp|udp HOST:PORT [--json | --markdown] [--verbose]
                          [--output FILE]
  portguard-probe scan [--proto tcp|udp] [--port PORT]
                       [--json | --markdown | --prometheus] [--active] [--verbose]
                       [--output FILE]
  portguard-probe --matrix [--json | --markdown] [--output FILE]
  portguard-probe --help | --version

Audits a port on this machine: can another socket, process or user bind the
port a server holds? Rivals only bind and close at once; they never listen,
connect, send or receive.

  tcp|udp HOST:PORT  audit a live port; HOST is an address of this machine or
                     a name for one; IPv6 in brackets: [::1]:8080
  scan               list every bound TCP and UDP socket of this machine with
                     its owner, and say who could take each one over:
                     exclusive, hijackable (by same_user / any_user), shared
                     (held by two or more sockets now) or unknown
  --proto tcp|udp    scan one protocol only
  --port PORT        scan the sockets on one port only
  --active           scan: also try rival binds (a rival bind on a UDP port
                     briefly joins it); without it the scan only reads
  --matrix           create plain Asio and portguard servers, run the same
                     rivals against each, print this platform's matrix
  --json             machine-readable output (schema: docs/probe.md)
  --markdown         the table as Markdown
  --prometheus       scan: node_exporter textfile-collector format
  --verbose, -v      every row (audit: every rival; scan: exclusive sockets too)
  --output, -o FILE  write the report to FILE instead of standard output: a
                     new file in FILE's directory, flushed to disk, mode
                     0644, renamed over FILE, whatever the exit status (1
                     is a finding); on a failed write FILE is left as it was
                     and the exit status is 3

Exit codes:
  0  no rival could bind (matrix: every portguard server held its port;
     scan: no socket is hijackable or shared)
  1  hijackable (matrix: a portguard server lost its port; scan: a socket
     is hijackable or shared)
  2  bad usage or input
  3  could not probe: nothing holds the port (or only TIME_WAIT entries),
     the address is not local, or no permission (scan: the socket table
     could not be read); or --output could not write FILE
)";
}

} // namespace probe
} // namespace portguard
