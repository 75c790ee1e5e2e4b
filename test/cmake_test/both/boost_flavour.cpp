// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0

// Built against portguard::portguard.
#include "flavour.hpp"

#include <portguard/portguard.hpp>

#include <boost/asio/io_context.hpp>

#include <typeinfo>

flavour_result boost_flavour()
{
  namespace net = boost::asio;
  net::io_context ctx;
  portguard::secure_acceptor acceptor(ctx, {net::ip::make_address("127.0.0.1"), 0});
  const portguard::error_code ec = portguard::error::not_exclusive;
  return {acceptor.is_exclusive(), typeid(portguard::secure_acceptor).name(),
      ec.category().name(), &ec.category()};
}
